"""Each assignment's next reminder day: which assignments a day's scan must look at."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import cast

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.reminder_schedule import NextReminder
from storage.models import ReminderSchedule
from storage.scan_sql import as_date, assignment_t, dialect_name, little_table

schedule_t = cast(sa.Table, ReminderSchedule.__table__)  # type: ignore[attr-defined]
# Stored for "no day, until something changes": NULL means "not worked out".
NEVER = date(9999, 12, 31)


async def read_schedule(*, session: AsyncSession) -> tuple[str, date] | None:
    """The fingerprint the stored days were worked out with, and the latest day scanned."""
    row = (await session.exec(sa.select(  # type: ignore[call-overload]
        schedule_t.c.fingerprint, schedule_t.c.as_of).where(schedule_t.c.id == 1))).first()
    return (row[0], as_date(row[1])) if row is not None else None


async def save_schedule(fingerprint: str, as_of: date, *, session: AsyncSession) -> None:
    """Record the fingerprint and latest day of the stored days."""
    updated = await session.exec(sa.update(schedule_t).where(
        schedule_t.c.id == 1).values(fingerprint=fingerprint, as_of=as_of))
    if not updated.rowcount:
        await session.exec(sa.insert(schedule_t).values(
            id=1, fingerprint=fingerprint, as_of=as_of))


async def forget_days(*, session: AsyncSession) -> int:
    """Clear every stored day (the calendar or the policy changed); how many were cleared."""
    result = await session.exec(sa.update(assignment_t).where(
        assignment_t.c.next_reminder_on.is_not(None)).values(next_reminder_on=None,
                                                             next_reminder_rules=None))
    return int(result.rowcount or 0)


async def due_assignment_ids(day: date, *, session: AsyncSession) -> list[int]:
    """Open assignments whose next reminder day has come, or is not worked out."""
    a = assignment_t
    # Two ranges of the partial index of open assignments (an OR would read all of it).
    query = sa.union_all(
        sa.select(a.c.id).where(a.c.next_reminder_on <= day, _open_literal(session)),
        sa.select(a.c.id).where(a.c.next_reminder_on.is_(None), _open_literal(session)))
    return sorted((await session.exec(query)).scalars().all())  # type: ignore[call-overload]


async def unscheduled_ids(*, session: AsyncSession) -> list[int]:
    """Open assignments with no next reminder day worked out."""
    a = assignment_t
    query = sa.select(a.c.id).where(a.c.next_reminder_on.is_(None), _open_literal(session))
    return sorted((await session.exec(query)).scalars().all())  # type: ignore[call-overload]


async def store_days(days: Sequence[tuple[int, int, NextReminder | None]], *,
                     session: AsyncSession) -> int:
    """Store (assignment id, revision read, next reminder) where the revision is still that one.

    An assignment changed since its inputs were read keeps its cleared day, so the next scan
    looks at it again; how many were stored.
    """
    if not days:
        return 0
    rows = sorted((aid, revision, found.day if found else NEVER, found.encoded() if found else "")
                  for aid, revision, found in days)
    new = little_table(session, "next_days", [("id", sa.Integer), ("revision", sa.Integer),
                                              ("day", sa.Date), ("rules", sa.String)], rows)
    a = assignment_t
    result = await session.exec(sa.update(a).where(
        a.c.id == new.c.id, a.c.reminder_revision == new.c.revision,
    ).values(next_reminder_on=new.c.day, next_reminder_rules=new.c.rules).returning(a.c.id))
    return len(result.all())


def _open_literal(session: AsyncSession) -> sa.TextClause:
    """is_open() in the exact terms of the partial index on next_reminder_on."""
    # Literals: SQLite uses a partial index only when the query repeats its condition.
    if dialect_name(session) == "postgresql":
        return sa.text("assignment.active AND assignment.status <> 'done'")
    return sa.text("assignment.active = 1 AND assignment.status <> 'done'")
