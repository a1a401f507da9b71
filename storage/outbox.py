"""The outbox: messages to deliver, claimed by one sender at a time with a lease."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import and_, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DeliveryAttempt, Outbox


@dataclass(frozen=True)
class NewMessage:
    """A message to put in the outbox."""

    key: str
    kind: str
    channel: str
    chat_id: str
    text: str
    focal_person_id: int | None = None
    buttons: list[list[dict[str, str]]] | None = None
    attachment_name: str | None = None
    attachment: bytes | None = None


def insert_ignoring_duplicates(session: AsyncSession, model: type[Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING in the session's dialect (SQLite or PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(model)


# Rows a statement when many messages are queued at once: their texts are long, and one
# statement for thousands would hold them all twice (and a lazy caller builds each slice late).
ENQUEUE_SLICE = 200


def _row(message: NewMessage, now: datetime) -> dict[str, Any]:
    return {"key": message.key, "kind": message.kind, "channel": message.channel,
            "chat_id": message.chat_id, "focal_person_id": message.focal_person_id,
            "text": message.text, "buttons": message.buttons,
            "attachment_name": message.attachment_name, "attachment": message.attachment,
            "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now}


async def enqueue(message: NewMessage, now: datetime, *, session: AsyncSession) -> int | None:
    """Add a message unless its key is already there; the new row's id, or None."""
    statement = insert_ignoring_duplicates(session, Outbox).values(
        **_row(message, now)).on_conflict_do_nothing(index_elements=["key"]).returning(Outbox.id)
    return (await session.exec(statement)).scalar_one_or_none()


async def enqueue_many(messages: Iterable[NewMessage], now: datetime, *,
                       session: AsyncSession) -> dict[str, int]:
    """Add the messages whose keys are not there yet, a slice a statement; new ids by key.

    The messages are taken from the iterable a slice at a time.
    """
    # SQLAlchemy's "insertmanyvalues" sends many rows a statement and keeps RETURNING.
    statement = insert_ignoring_duplicates(session, Outbox).on_conflict_do_nothing(
        index_elements=["key"]).returning(col(Outbox.id), col(Outbox.key))
    added: dict[str, int] = {}
    pending = iter(messages)
    while rows := [_row(message, now) for message in islice(pending, ENQUEUE_SLICE)]:
        result = await session.exec(statement, params=rows)
        added.update((key, outbox_id) for outbox_id, key in result.all())
    return added


def _claimable(now: datetime) -> Any:
    return or_(
        and_(col(Outbox.status) == "queued", col(Outbox.next_attempt_at) <= now),
        and_(col(Outbox.status) == "sending", col(Outbox.lease_until) < now),
    )


async def claim_due(now: datetime, worker: str, lease: timedelta, limit: int,
                    channels: Sequence[str], *, session: AsyncSession) -> list[Outbox]:
    """Claim up to `limit` due rows for this worker; each claim must change exactly one row."""
    candidates = (
        select(Outbox.id).where(_claimable(now), col(Outbox.channel).in_(channels))
        .order_by(col(Outbox.id)).limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed: list[int] = []
    for outbox_id in (await session.exec(candidates)).all():
        assert outbox_id is not None
        result = await session.exec(
            update(Outbox).where(col(Outbox.id) == outbox_id, _claimable(now))
            .values(status="sending", lease_until=now + lease, claimed_by=worker,
                    attempts=Outbox.attempts + 1)
        )
        if result.rowcount == 1:
            claimed.append(outbox_id)
    if not claimed:
        return []
    rows = await session.exec(select(Outbox).where(col(Outbox.id).in_(claimed))
                              .order_by(col(Outbox.id)))
    return list(rows.all())


async def finish(outbox_id: int, worker: str, values: dict[str, Any], *,
                 session: AsyncSession) -> bool:
    """Settle a row this worker still holds; False when the lease was lost to another."""
    result = await session.exec(
        update(Outbox).where(col(Outbox.id) == outbox_id, col(Outbox.claimed_by) == worker,
                             col(Outbox.status) == "sending").values(**values)
    )
    return bool(result.rowcount == 1)


async def log_attempt(outbox_id: int, worker: str, at: datetime, result: str, *,
                      session: AsyncSession, platform_message_id: str | None = None,
                      retry_after: float | None = None, error: str | None = None) -> None:
    """Append one delivery attempt to the log."""
    session.add(DeliveryAttempt(outbox_id=outbox_id, worker=worker, at=at, result=result,
                                platform_message_id=platform_message_id,
                                retry_after=retry_after, error=error))


def next_retry(now: datetime, attempts: int, base: timedelta, bound: timedelta,
               jitter: float) -> datetime:
    """Exponential back-off, capped at `bound`; `jitter` in [0, 1] scales it down at random."""
    delay = min(bound, base * (2 ** max(attempts - 1, 0)))
    return now + delay * (1 - jitter / 2)
