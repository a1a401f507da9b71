"""The bound on error notices to the secretariat, kept in the database so that it holds across
processes: each admission is a conditional write that only one process can win."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ErrorNotice
from storage.outbox import insert_ignoring_duplicates

_NEVER = datetime(1970, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


class OverLimit(Exception):
    """The hourly bound is reached: roll the transaction back (the chat was not told)."""


async def claim_chat(chat: str, now: datetime, per_chat: timedelta, *,
                     session: AsyncSession) -> bool:
    """Mark this chat told now unless it was told within `per_chat`; whether it was marked."""
    cutoff = now - per_chat
    statement = insert_ignoring_duplicates(session, ErrorNotice).values(
        key=f"chat:{chat}"[:200], told_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["key"], set_={"told_at": statement.excluded.told_at},
        where=col(ErrorNotice.told_at) <= cutoff).returning(col(ErrorNotice.key))
    return (await session.exec(statement)).first() is not None


async def claim_slot(now: datetime, per_hour: int, *, session: AsyncSession) -> None:
    """Take one of the `per_hour` notices of the last hour, or raise OverLimit.

    Each slot holds the instant of the notice that took it; a slot is free an hour later. Two
    processes may pick the same free slot: the update is conditional, so only one gets it
    and the other tries the next.
    """
    keys = [f"slot:{n}" for n in range(per_hour)]
    await session.exec(insert_ignoring_duplicates(session, ErrorNotice).values(
        [{"key": key, "told_at": _NEVER} for key in keys]).on_conflict_do_nothing(
        index_elements=["key"]))
    cutoff = now - HOUR
    for _ in range(per_hour):
        free = (await session.exec(
            select(ErrorNotice.key).where(col(ErrorNotice.key).in_(keys),
                                          col(ErrorNotice.told_at) <= cutoff)
            .order_by(col(ErrorNotice.told_at), col(ErrorNotice.key)).limit(1))).first()
        if free is None:
            break
        taken = await session.exec(update(ErrorNotice).where(
            col(ErrorNotice.key) == free, col(ErrorNotice.told_at) <= cutoff)
            .values(told_at=now))
        if taken.rowcount == 1:
            return
    raise OverLimit(f"{per_hour} error notices in the last hour")


async def forget_chats(now: datetime, per_chat: timedelta, *, session: AsyncSession) -> None:
    """Delete the rows of chats told more than `per_chat` ago (they bound nothing any more).

    Rows another transaction holds are skipped (PostgreSQL), so two processes forgetting at
    once never wait on each other; SQLite has one writer at a time anyway.
    """
    old = (select(ErrorNotice.key).where(col(ErrorNotice.key).startswith("chat:"),
                                         col(ErrorNotice.told_at) <= now - per_chat)
           .with_for_update(skip_locked=True))
    await session.exec(delete(ErrorNotice).where(col(ErrorNotice.key).in_(old)))
