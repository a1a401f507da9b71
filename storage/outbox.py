"""The outbox: messages to deliver, claimed by one sender at a time with a lease."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as core_select
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


# Lower goes first. A person's answer, the secretariat's action items and what it must know
# now go before the morning's reminders; the weekly digest goes last, so however many parts
# it has it never holds up a reminder (it can hold at most one send per chat it goes to).
URGENT, ROUTINE, BULK = 0, 1, 2
PRIORITY_BY_KIND = {"notice": URGENT, "unreachable_notice": URGENT,
                    "reminder": ROUTINE, "escalation": ROUTINE, "unreachable_list": ROUTINE,
                    "digest": BULK}


def priority_of(kind: str) -> int:
    """The outbox priority of a message kind (unknown kinds are routine)."""
    return PRIORITY_BY_KIND.get(kind, ROUTINE)


def _row(message: NewMessage, now: datetime) -> dict[str, Any]:
    return {"key": message.key, "kind": message.kind, "priority": priority_of(message.kind),
            "channel": message.channel,
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


async def reclaim_expired(now: datetime, channel: str, worker: str, *,
                          session: AsyncSession) -> int:
    """Queue again the rows whose sender stopped renewing its lease (it died); how many.

    The worker's own rows are left alone: it is alive (it is asking), and a late heartbeat
    must not make it send a row twice.
    """
    result = await session.exec(
        update(Outbox).where(col(Outbox.channel) == channel, col(Outbox.status) == "sending",
                             col(Outbox.lease_until) < now, col(Outbox.claimed_by) != worker)
        .values(status="queued", lease_until=None, claimed_by=None))
    return int(result.rowcount or 0)


def _ready_heads(now: datetime, channel: str, busy: Sequence[str], limit: int) -> Any:
    """Ids of the first due row of each chat that may be sent to now, most urgent first.

    A chat with a row being sent (by any sender) or named in `busy` (its per-chat slot is not
    free yet) is left out, so it never holds up another chat. Candidates are the first
    `limit * 4 + 64` due rows (bounded work however long the queue); within a chat, rows go by
    priority, then in order; across chats by priority, then by how long they have been due.
    """
    sending = select(Outbox.chat_id).where(col(Outbox.channel) == channel,
                                           col(Outbox.status) == "sending")
    due = core_select(col(Outbox.id), col(Outbox.chat_id), col(Outbox.priority),
                      col(Outbox.next_attempt_at)).where(
        col(Outbox.channel) == channel, col(Outbox.status) == "queued",
        col(Outbox.next_attempt_at) <= now, col(Outbox.chat_id).not_in(sending))
    if busy:
        due = due.where(col(Outbox.chat_id).not_in(list(busy)))
    candidates = due.order_by(col(Outbox.priority), col(Outbox.next_attempt_at),
                              col(Outbox.id)).limit(limit * 4 + 64).subquery()
    rank = func.row_number().over(partition_by=candidates.c.chat_id,
                                  order_by=(candidates.c.priority, candidates.c.id))
    ranked = core_select(candidates, rank.label("rank")).subquery()
    return (core_select(ranked.c.id).where(ranked.c.rank == 1)
            .order_by(ranked.c.priority, ranked.c.next_attempt_at, ranked.c.id).limit(limit))


async def claim_ready(now: datetime, worker: str, lease: timedelta, limit: int, channel: str,
                      busy: Sequence[str] = (), *, session: AsyncSession) -> list[Outbox]:
    """Claim up to `limit` rows that may go now, at most one per chat; each claim changes one row.

    Rows whose lease ran out (their sender died) are queued again first.
    """
    await reclaim_expired(now, channel, worker, session=session)
    claimed: list[int] = []
    heads = (await session.exec(_ready_heads(now, channel, busy, limit))).scalars().all()
    for outbox_id in heads:
        result = await session.exec(
            update(Outbox).where(col(Outbox.id) == outbox_id, col(Outbox.status) == "queued",
                                 col(Outbox.next_attempt_at) <= now)
            .values(status="sending", lease_until=now + lease, claimed_by=worker,
                    attempts=Outbox.attempts + 1)
        )
        if result.rowcount == 1:
            claimed.append(outbox_id)
    if not claimed:
        return []
    rows = await session.exec(select(Outbox).where(col(Outbox.id).in_(claimed)))
    by_id = {row.id: row for row in rows.all()}
    return [by_id[outbox_id] for outbox_id in claimed]


async def claim_due(now: datetime, worker: str, lease: timedelta, limit: int,
                    channels: Sequence[str], *, session: AsyncSession) -> list[Outbox]:
    """Claim up to `limit` rows that may go now on these channels (see `claim_ready`)."""
    claimed: list[Outbox] = []
    for channel in channels:
        claimed += await claim_ready(now, worker, lease, limit - len(claimed), channel,
                                     session=session)
    return claimed


async def due_waiting(now: datetime, channel: str, *, session: AsyncSession) -> bool:
    """Whether any queued row of this channel is due (perhaps for a chat not ready yet)."""
    found = await session.exec(select(col(Outbox.id)).where(
        col(Outbox.channel) == channel, col(Outbox.status) == "queued",
        col(Outbox.next_attempt_at) <= now).limit(1))
    return found.first() is not None


async def renew_claims(worker: str, channel: str, until: datetime, *,
                       session: AsyncSession) -> None:
    """Extend the lease of every row this worker is still sending (its heartbeat)."""
    await session.exec(update(Outbox).where(
        col(Outbox.claimed_by) == worker, col(Outbox.status) == "sending",
        col(Outbox.channel) == channel).values(lease_until=until))


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
