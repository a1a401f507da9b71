"""Keeping each assignment's next reminder day, so a day's scan reads only what is due."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.calendar import WorkCalendar
from domain.committee_policy import policies_mark, policy_groups, policy_of
from domain.reminder_schedule import next_days, schedule_fingerprint
from domain.reminders import AssignmentState, ReminderPolicy, scan_scope
from scheduler.committee_policies import split_ids
from storage.committee_settings import committee_policies
from storage.db import transaction
from storage.reminder_inputs import ReminderInputs, load_history, load_reminder_inputs
from storage.reminder_schedule import (
    forget_days,
    read_schedule,
    save_schedule,
    store_days,
    unscheduled_ids,
)
from storage.reminders import due_dates
from storage.scan_sql import prepare_bulk_reads, try_scan_lock

log = logging.getLogger(__name__)

# Assignments worked out at a time when many have no day (after an upgrade or a policy change):
# enough to keep the queries few, few enough to keep the memory small.
REFRESH_CHUNK = 50_000
AFTER_SCAN_CHUNK = 25_000


def fingerprint(calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo,
                policies: Mapping[int, ReminderPolicy] | None = None) -> str:
    """The schedule fingerprint for this calendar, policy (and committees' own) and zone."""
    base = schedule_fingerprint(calendar, policy, getattr(tz, "key", None) or repr(tz))
    # Unchanged when no committee has a policy of its own: an upgrade clears no stored day.
    mark = policies_mark(policy, policies)
    return f"{base[:16]}{mark}" if mark else base


async def _fingerprint_now(calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo, *,
                           session: AsyncSession) -> str:
    return fingerprint(calendar, policy, tz, await committee_policies(policy, session=session))


async def days_choose(today: date, calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo,
                      *, session: AsyncSession) -> bool:
    """Whether the stored days can choose `today`'s candidates (else: the full search)."""
    stored = await read_schedule(session=session)
    return (stored is not None
            and stored[0] == await _fingerprint_now(calendar, policy, tz, session=session)
            and stored[1] <= today)


async def prepare_days(today: date, tz: tzinfo, calendar: WorkCalendar, policy: ReminderPolicy,
                       *, session: AsyncSession) -> bool:
    """Bring the stored days up to `today`'s scan; whether they can choose its candidates.

    Days worked out with another calendar or policy are cleared; assignments with no day
    (new, changed, or all of them after a clearing) get one.
    """
    wanted = await _fingerprint_now(calendar, policy, tz, session=session)
    stored = await read_schedule(session=session)
    if stored is None or stored[0] != wanted:
        cleared = await forget_days(session=session)
        log.info("reminder days: new calendar or policy, %d stored days cleared", cleared)
        await save_schedule(wanted, today, session=session)
    elif stored[1] > today:
        return False  # a day before the latest scanned: the days say nothing about it
    await _work_out(today - timedelta(days=1), calendar.on_or_after(today), tz, calendar, policy,
                    session=session)
    return True


async def keep_days(sessions: async_sessionmaker[AsyncSession], now: datetime, tz: tzinfo,
                    calendar: WorkCalendar, policy: ReminderPolicy) -> int:
    """Between scans, work out the days the day's updates cleared; how many were stored.

    So the morning scan finds almost every due assignment with its rules and reads no history
    for it. Nothing when the days are void or a scan is running (it does this itself).
    """
    today = now.astimezone(tz).date()
    async with transaction(sessions) as session:
        if not await try_scan_lock(session):
            return 0
        await prepare_bulk_reads(session)
        stored = await read_schedule(session=session)
        if (stored is None or stored[1] > today
                or stored[0] != await _fingerprint_now(calendar, policy, tz, session=session)):
            return 0
        if stored[1] == today:  # today is scanned: what comes next is from tomorrow on
            return await _work_out(today, calendar.next_working_day(today), tz, calendar, policy,
                                   session=session)
        return await _work_out(today - timedelta(days=1), calendar.on_or_after(today), tz,
                               calendar, policy, session=session)


async def _work_out(after: date, scope_day: date, tz: tzinfo, calendar: WorkCalendar,
                    policy: ReminderPolicy, *, session: AsyncSession) -> int:
    """Store the next reminder after `after` of every open assignment that has none."""
    # The history read is the one the scan of `scope_day` reads: the day worked out is exact
    # from that day on (and never later than the true one before it).
    ids = await unscheduled_ids(session=session)
    if not ids:
        return 0
    if len(ids) > REFRESH_CHUNK:
        log.info("reminder days: working out %d assignments", len(ids))
    due = await due_dates(session=session)
    groups = policy_groups(policy, await committee_policies(policy, session=session))
    stored = 0
    # Each committee's days by its own policy: the history its own scope reads.
    for (mine, _), group_ids in zip(groups, await split_ids(ids, groups, session=session),
                                    strict=True):
        scope = scan_scope(due, scope_day, calendar, mine)
        for start in range(0, len(group_ids), REFRESH_CHUNK):
            inputs = await load_reminder_inputs(
                tz, session=session, assignment_ids=group_ids[start:start + REFRESH_CHUNK],
                scope=scope)
            stored += await store_next(inputs, after, calendar, mine, session=session)
    return stored


async def store_next(inputs: ReminderInputs, after: date, calendar: WorkCalendar,
                     policy: ReminderPolicy, *, session: AsyncSession) -> int:
    """Store each read assignment's next reminder after `after`; how many were stored."""
    found = next_days(inputs.states, inputs.history, after, calendar, policy)
    return await store_days([(aid, inputs.revisions[aid], nxt) for aid, nxt in found.items()],
                            session=session)


async def store_after_scan(inputs: ReminderInputs, today: date, calendar: WorkCalendar,
                           policy: ReminderPolicy, *, session: AsyncSession,
                           policies: Mapping[int, ReminderPolicy] | None = None) -> int:
    """After a scan, the next reminder of every assignment it planned, from its history now."""
    if not inputs.states:
        return 0
    due = await due_dates(session=session)
    if scan_scope(due, today, calendar, policy) is None:
        return 0
    # Grouped by committee policy (one group without committee policies), each read by its
    # own scope.
    by_policy: dict[ReminderPolicy, list[AssignmentState]] = {}
    for state in inputs.states:
        by_policy.setdefault(policy_of(state.committee_id, policy, policies), []).append(state)
    stored = 0
    for mine, planned in by_policy.items():
        scope = scan_scope(due, today, calendar, mine)
        if scope is None:
            continue
        # Read again, today's steps included (those the plan took from stored rules had
        # none), a slice at a time.
        for start in range(0, len(planned), AFTER_SCAN_CHUNK):
            states = planned[start:start + AFTER_SCAN_CHUNK]
            history = await load_history(states, scope, session=session)
            stored += await store_next(replace(inputs, states=states, history=history), today,
                                       calendar, mine, session=session)
    return stored


async def mark_scanned(today: date, calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo,
                       *, session: AsyncSession) -> None:
    """Remember `today` as scanned with the schedule (the latest day, if a later one was)."""
    stored = await read_schedule(session=session)
    latest = max(today, stored[1]) if stored is not None else today
    await save_schedule(await _fingerprint_now(calendar, policy, tz, session=session), latest,
                        session=session)
