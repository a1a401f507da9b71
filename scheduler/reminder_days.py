"""Keeping each assignment's next reminder day, so a day's scan reads only what is due."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.calendar import WorkCalendar
from domain.reminder_schedule import next_days, schedule_fingerprint
from domain.reminders import ReminderPolicy, scan_scope
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


def fingerprint(calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo) -> str:
    """The schedule fingerprint for this calendar, policy and zone."""
    return schedule_fingerprint(calendar, policy, getattr(tz, "key", None) or repr(tz))


async def days_choose(today: date, calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo,
                      *, session: AsyncSession) -> bool:
    """Whether the stored days can choose `today`'s candidates (else: the full search)."""
    stored = await read_schedule(session=session)
    return (stored is not None and stored[0] == fingerprint(calendar, policy, tz)
            and stored[1] <= today)


async def prepare_days(today: date, tz: tzinfo, calendar: WorkCalendar, policy: ReminderPolicy,
                       *, session: AsyncSession) -> bool:
    """Bring the stored days up to `today`'s scan; whether they can choose its candidates.

    Days worked out with another calendar or policy are cleared; assignments with no day
    (new, changed, or all of them after a clearing) get one.
    """
    wanted = fingerprint(calendar, policy, tz)
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
        if stored is None or stored[0] != fingerprint(calendar, policy, tz) or stored[1] > today:
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
    scope = scan_scope(await due_dates(session=session), scope_day, calendar, policy)
    stored = 0
    for start in range(0, len(ids), REFRESH_CHUNK):
        inputs = await load_reminder_inputs(tz, session=session,
                                            assignment_ids=ids[start:start + REFRESH_CHUNK],
                                            scope=scope)
        stored += await store_next(inputs, after, calendar, policy, session=session)
    return stored


async def store_next(inputs: ReminderInputs, after: date, calendar: WorkCalendar,
                     policy: ReminderPolicy, *, session: AsyncSession) -> int:
    """Store each read assignment's next reminder after `after`; how many were stored."""
    found = next_days(inputs.states, inputs.history, after, calendar, policy)
    return await store_days([(aid, inputs.revisions[aid], nxt) for aid, nxt in found.items()],
                            session=session)


async def store_after_scan(inputs: ReminderInputs, today: date, calendar: WorkCalendar,
                           policy: ReminderPolicy, *, session: AsyncSession) -> int:
    """After a scan, the next reminder of every assignment it planned, from its history now."""
    if not inputs.states:
        return 0
    scope = scan_scope(await due_dates(session=session), today, calendar, policy)
    if scope is None:
        return 0
    stored = 0
    # Read again, today's steps included (those the plan took from stored rules had none),
    # a slice at a time.
    for start in range(0, len(inputs.states), AFTER_SCAN_CHUNK):
        states = inputs.states[start:start + AFTER_SCAN_CHUNK]
        history = await load_history(states, scope, session=session)
        stored += await store_next(replace(inputs, states=states, history=history), today,
                                   calendar, policy, session=session)
    return stored


async def mark_scanned(today: date, calendar: WorkCalendar, policy: ReminderPolicy, tz: tzinfo,
                       *, session: AsyncSession) -> None:
    """Remember `today` as scanned with the schedule (the latest day, if a later one was)."""
    stored = await read_schedule(session=session)
    latest = max(today, stored[1]) if stored is not None else today
    await save_schedule(fingerprint(calendar, policy, tz), latest, session=session)
