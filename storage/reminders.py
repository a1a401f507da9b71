"""The scan's candidate search, and the history of reminder steps it leaves behind."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, tzinfo

import sqlalchemy as sa
from sqlalchemy import union_all
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.reminders import DueReminder, ScanScope
from storage.models import ReminderLog
from storage.outbox import insert_ignoring_duplicates
from storage.scan_sql import (
    as_date,
    assignment_t,
    change_t,
    is_open,
    item_t,
    little_table,
    local_midnight,
    log_t,
    report_t,
    waiting_reminder,
)


async def due_dates(*, session: AsyncSession) -> list[date]:
    """Every deadline an assignment can have: its item's, or an approved extension."""
    rows = await session.exec(union_all(  # type: ignore[call-overload]
        select(item_t.c.due).where(item_t.c.due.is_not(None)).distinct(),
        select(assignment_t.c.extended_due).where(assignment_t.c.extended_due.is_not(None))
        .distinct()))
    return sorted({as_date(row[0]) for row in rows.all()})


async def candidate_ids(scope: ScanScope, tz: tzinfo, *, session: AsyncSession) -> list[int]:
    """The open assignments the policy could remind on the scope's day: a superset, no more.

    Every open assignment: the weekly message, the check-ins after a report and the blockers
    can concern any of them. This is the fallback for a day the stored next days say nothing
    about (a dry run of a past day, a benchmark); the daily scan reads the stored days.
    """
    del scope, tz  # the same set on every day
    return list((await session.exec(
        select(assignment_t.c.id).where(is_open()).order_by(assignment_t.c.id))).all())


async def settle_answered(today: date, tz: tzinfo, *, session: AsyncSession) -> int:
    """Mark reminders answered once the focal person reported after them; how many were marked.

    The policy already treats such a reminder as answered (an update on or after the day it
    was sent), and updates are never removed: marking it changes no decision, but it leaves
    only the reminders still waiting for an answer for the follow-up search to look at.
    """
    since = local_midnight(session, log_t.c.day, tz)
    result = await session.exec(sa.update(log_t).where(
        waiting_reminder(log_t), log_t.c.day <= today,
        sa.or_(sa.exists().where(change_t.c.assignment_id == log_t.c.assignment_id,
                                 change_t.c.at >= since),
               sa.exists().where(report_t.c.assignment_id == log_t.c.assignment_id,
                                 report_t.c.at >= since)),
    ).values(answered=True))
    return int(result.rowcount or 0)


async def record_steps(steps: Iterable[DueReminder], day: date, *, answered: bool,
                       session: AsyncSession) -> list[tuple[DueReminder, int]]:
    """Write the steps to the history; return those that were new, with their row ids.

    A step another scanner recorded first is left out, so it is never sent twice.
    """
    wanted = {(s.assignment_id, s.kind, s.anchor): s for s in steps}
    if not wanted:
        return []
    # One INSERT … SELECT from the steps passed as one parameter: the database does the rows.
    new = little_table(session, "new_steps", [("assignment_id", sa.Integer),
                                              ("kind", sa.String), ("anchor", sa.Date)],
                       sorted(wanted))  # in index order: neighbouring pages, fewer writes
    rows = sa.select(new.c.assignment_id, new.c.kind, new.c.anchor,
                  sa.literal(day, sa.Date), sa.literal(answered, sa.Boolean)).select_from(new)
    # "WHERE true" keeps SQLite from reading ON CONFLICT as the join's ON.
    statement = insert_ignoring_duplicates(session, ReminderLog).from_select(
        ["assignment_id", "kind", "anchor", "day", "answered"], rows.where(sa.true())
    ).on_conflict_do_nothing(index_elements=["assignment_id", "kind", "anchor"]).returning(
        log_t.c.id, log_t.c.assignment_id, log_t.c.kind, log_t.c.anchor)
    result = await session.exec(statement)
    taken = {(aid, kind, as_date(anchor)): row_id for row_id, aid, kind, anchor in result.all()}
    return [(wanted[key], taken[key]) for key in wanted if key in taken]


async def link_steps(links: Sequence[tuple[int, int]], *, session: AsyncSession) -> None:
    """Remember which outbox message carried each history row: (row id, outbox id) pairs."""
    if not links:
        return
    pairs = little_table(session, "links", [("row_id", sa.Integer), ("outbox_id", sa.Integer)],
                         links)
    await session.exec(sa.update(log_t).where(log_t.c.id == pairs.c.row_id)
                       .values(outbox_id=pairs.c.outbox_id))
