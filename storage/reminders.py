"""The scan's candidate search, and the history of reminder steps it leaves behind."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, union_all
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.reminder_steps import CHECKIN_KINDS, FOLLOW_UP
from domain.reminders import DueReminder, ScanScope
from storage.models import ReminderLog
from storage.outbox import insert_ignoring_duplicates
from storage.scan_sql import (
    as_date,
    assignment_t,
    change_t,
    effective_due,
    is_open,
    is_reminder,
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


async def _extensions(session: AsyncSession) -> list[tuple[int, date]]:
    rows = await session.exec(select(assignment_t.c.id, assignment_t.c.extended_due).where(
        assignment_t.c.extended_due.is_not(None), is_open()))
    return [(assignment_id, as_date(due)) for assignment_id, due in rows.all()]


async def candidate_ids(scope: ScanScope, tz: tzinfo, *, session: AsyncSession) -> list[int]:
    """The open assignments the policy could remind on the scope's day: a superset, no more."""
    found: set[int] = set()
    extended = await _extensions(session)
    for query in (*_dated(scope, extended, session), _checkins(scope, session),
                  _follow_ups(scope, tz, session)):
        found.update((await session.exec(query)).all())  # single-column selects: scalars
    return sorted(found)


def _dated(scope: ScanScope, extended: Sequence[tuple[int, date]],
           session: AsyncSession) -> tuple[Any, Any]:
    """Dated tasks whose deadline has a step or escalation today that their history lacks."""
    a, i, log = assignment_t, item_t, log_t
    dues = sorted({*scope.deadline_kinds, *scope.escalation_kinds})
    steps = little_table(session, "steps", [("due", sa.Date), ("focal", sa.String),
                                     ("escalation", sa.String)],
                  [(due, scope.deadline_kinds.get(due), scope.escalation_kinds.get(due))
                   for due in dues])
    moved = little_table(session, "moved", [("id", sa.Integer), ("due", sa.Date)],
                  [(aid, due) for aid, due in extended if due in set(dues)])

    def missing(kind: Any) -> Any:
        return sa.and_(kind.is_not(None), ~sa.exists().where(
            log.c.assignment_id == a.c.id, log.c.kind == kind, log.c.anchor == steps.c.due))

    wanted = sa.and_(is_open(), i.c.kind != "indicator", i.c.deadline_kind == "date",
                     sa.or_(missing(steps.c.focal), missing(steps.c.escalation)))
    # From the few step dates to their items (ix_item_due) to their assignments: the
    # assignments of deadlines far ahead are never read. Extensions are few: scanned apart.
    by_item = select(a.c.id).select_from(
        steps.join(i, i.c.due == steps.c.due).join(a, a.c.item_id == i.c.id)
    ).where(a.c.extended_due.is_(None), wanted)
    by_extension = select(a.c.id).select_from(
        moved.join(a, a.c.id == moved.c.id).join(i, i.c.id == a.c.item_id)
        .join(steps, steps.c.due == moved.c.due)
    ).where(a.c.extended_due.is_not(None), wanted)
    return by_item, by_extension


def _checkins(scope: ScanScope, session: AsyncSession) -> Any:
    """Undated items and indicators with no check-in yet for their current period."""
    a, i, log = assignment_t, item_t, log_t
    policy = scope.policy
    cadence = sa.case(
        (i.c.kind == "indicator", sa.literal(policy.indicator_every)),
        (sa.and_(i.c.deadline_kind == "date", effective_due().is_not(None)), sa.null()),
        (i.c.deadline_kind == "recurring", func.coalesce(i.c.every, policy.recurring_default)),
        (i.c.deadline_kind == "dependent", sa.literal(policy.dependent_every)),
        else_=sa.literal(policy.undated_every))
    starts = little_table(session, "starts", [("every", sa.String), ("start", sa.Date)],
                   sorted(scope.period_starts.items()))
    # Items first (everything but a dated task with its date), then their assignments.
    undated = select(i.c.id).where(
        sa.or_(i.c.kind == "indicator", i.c.deadline_kind != "date", i.c.due.is_(None)))
    return select(a.c.id).select_from(
        a.join(i, i.c.id == a.c.item_id).outerjoin(starts, starts.c.every == cadence)
    ).where(
        a.c.item_id.in_(undated), is_open(), cadence.is_not(None), sa.or_(
            starts.c.start.is_(None),  # a cadence the scope does not know: let the policy judge
            ~sa.exists().where(log.c.assignment_id == a.c.id,
                               log.c.kind.in_(sorted(CHECKIN_KINDS)),
                               log.c.anchor == starts.c.start)))


def _follow_ups(scope: ScanScope, tz: tzinfo, session: AsyncSession) -> Any:
    """Assignments whose last reminder waited long enough, unanswered and not followed up."""
    a, log = assignment_t, log_t
    last, newer, follow = log.alias("last"), log.alias("newer"), log.alias("follow")
    reminder = is_reminder
    since = local_midnight(session, last.c.day, tz)
    # Only reminders still waiting for an answer (settle_answered marks the others), so after
    # the first scan this reads one column of the history and looks closer at a few rows.
    return select(last.c.assignment_id).select_from(
        last.join(a, a.c.id == last.c.assignment_id)
    ).where(
        waiting_reminder(last), last.c.day <= scope.follow_up_cutoff,
        ~sa.exists().where(follow.c.assignment_id == last.c.assignment_id,
                           follow.c.kind == FOLLOW_UP, follow.c.anchor == last.c.day),
        ~sa.exists().where(change_t.c.assignment_id == last.c.assignment_id,
                           change_t.c.at >= since),
        ~sa.exists().where(report_t.c.assignment_id == last.c.assignment_id,
                           report_t.c.at >= since),
        ~sa.exists().where(newer.c.assignment_id == last.c.assignment_id, reminder(newer),
                           newer.c.day > last.c.day, newer.c.day <= scope.on),
        is_open(),
    )


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
