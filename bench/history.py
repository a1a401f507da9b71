"""Reminder history for the benchmark: months of past steps, then real daily scans with replies."""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.synthetic import TZ, Ids, OpenAssignment, at_local
from domain.calendar import WorkCalendar
from domain.reminder_steps import (
    CHECKIN_DEPENDENT,
    CHECKIN_INDICATOR,
    CHECKIN_RECURRING,
    CHECKIN_UNDATED,
    FOLLOW_UP,
    ReminderPolicy,
    checkin_every,
    deadline_step_on,
    escalation_on,
    period_start,
)
from scheduler.reminder_days import keep_days
from scheduler.scan import scan
from storage.db import transaction
from storage.models import Assignment, ReminderLog, StatusChange

REPLY_SAME_DAY = 0.55
REPLY_NEXT_DAY = 0.15
DONE_ON_REPLY = 0.08
FOLLOW_UP_SHARE = 0.3


@dataclass
class Seeder:
    """Past steps as daily scans would have left them, from `since` to the day before `until`."""

    since: date
    until: date
    calendar: WorkCalendar
    policy: ReminderPolicy
    rng: random.Random
    ids: Ids
    _deadline_steps: dict[date, list[tuple[str, date]]] = field(default_factory=dict)
    _checkins: dict[str, list[tuple[date, date]]] = field(default_factory=dict)

    def _days(self) -> list[date]:
        days, day = [], self.since
        while day < self.until:
            if self.calendar.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def deadline_steps(self, due: date) -> list[tuple[str, date]]:
        """Each step of a deadline, on the first working day it was current."""
        if due not in self._deadline_steps:
            steps: list[tuple[str, date]] = []
            seen: set[str] = set()
            for day in self._days():
                for current in (deadline_step_on(due, day, self.calendar, self.policy),
                                escalation_on(due, day, self.calendar, self.policy)):
                    if current is not None and current[0] not in seen:
                        seen.add(current[0])
                        steps.append((current[0], day))
            self._deadline_steps[due] = steps
        return self._deadline_steps[due]

    def checkins(self, every: str) -> list[tuple[date, date]]:
        """(period start, first working day on or after it) for each period in the window."""
        if every not in self._checkins:
            found: dict[date, date] = {}
            for day in self._days():
                found.setdefault(period_start(day, every, self.policy.fortnight_epoch),  # type: ignore[arg-type]
                                 day)
            self._checkins[every] = sorted(found.items())
        return self._checkins[every]

    def rows(self, summary: OpenAssignment) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(reminder_log rows, status_change rows) of one assignment's past."""
        stop = min(summary.done_on, self.until) if summary.done_on else self.until
        every = checkin_every(summary.item_kind, summary.deadline, self.policy)
        steps: list[tuple[str, date, date]]
        if every is not None:
            kind = (CHECKIN_INDICATOR if summary.item_kind == "indicator" else
                    CHECKIN_RECURRING if summary.deadline.kind == "recurring" else
                    CHECKIN_DEPENDENT if summary.deadline.kind == "dependent" else CHECKIN_UNDATED)
            steps = [(kind, start, day) for start, day in self.checkins(every) if day < stop]
        elif summary.deadline.due is not None:
            due = summary.deadline.due
            steps = [(kind, due, day) for kind, day in self.deadline_steps(due) if day < stop]
        else:
            steps = []
        if summary.focal_id is None:
            # Listed for the secretariat, marked answered: nobody to follow up.
            return [(self.ids.take("reminder_log"), summary.assignment_id, kind, anchor, day,
                     True, None) for kind, anchor, day in steps], []
        logs: list[tuple[Any, ...]] = []
        replies: list[tuple[Any, ...]] = []
        for index, (kind, anchor, day) in enumerate(steps):
            logs.append((self.ids.take("reminder_log"), summary.assignment_id, kind, anchor, day,
                         False, None))
            if kind.startswith("escalation_"):
                continue
            later = steps[index + 1][2] if index + 1 < len(steps) else self.until
            follow = self.calendar.add_working_days(day, 2)
            if follow < later and self.rng.random() < FOLLOW_UP_SHARE:
                logs.append((self.ids.take("reminder_log"), summary.assignment_id, FOLLOW_UP,
                             day, follow, False, None))
            elif index == len(steps) - 1 or self.rng.random() < 0.5:
                # The last reminder was answered (or it would be followed up on the first day).
                replies.append(reply_row(self.ids, summary, day, self.rng))
        return logs, replies


def reply_row(ids: Ids, summary: OpenAssignment, day: date, rng: random.Random,
              status: str | None = None) -> tuple[Any, ...]:
    """A status update from the focal person on that day."""
    return (ids.take("status_change"), summary.assignment_id, at_local(day, rng), "focal",
            summary.focal_id, None, "bench reply", None, summary.status, status or summary.status,
            None, None)


@dataclass
class DayFigures:
    """One simulated day."""

    day: str
    seconds: float
    steps: int
    messages: int
    parts: int


async def simulate(sessions: async_sessionmaker[AsyncSession], days: Sequence[date],
                   summaries: dict[int, OpenAssignment], calendar: WorkCalendar,
                   policy: ReminderPolicy, rng: random.Random) -> list[DayFigures]:
    """Run the real daily scan on each day, with focal persons replying to part of it."""
    figures: list[DayFigures] = []
    pending: list[tuple[int, date]] = []
    for day in days:
        figure, pending = await scan_and_reply(sessions, day, pending, summaries, calendar,
                                               policy, rng)
        figures.append(figure)
    return figures


async def scan_and_reply(sessions: async_sessionmaker[AsyncSession], day: date,
                         pending: list[tuple[int, date]], summaries: dict[int, OpenAssignment],
                         calendar: WorkCalendar, policy: ReminderPolicy, rng: random.Random,
                         ) -> tuple[DayFigures, list[tuple[int, date]]]:
    """One day: the 08:00 scan, then the replies; returns the replies that come tomorrow."""
    async with sessions() as session:
        last_id = (await session.exec(select(func.max(ReminderLog.id)))).one() or 0
    started = time.perf_counter()
    now = datetime.combine(day, datetime.min.time().replace(hour=8), tzinfo=TZ)
    report = await scan(sessions, now, TZ, calendar, policy)
    figure = DayFigures(day.isoformat(), round(time.perf_counter() - started, 3), report.steps,
                        report.messages, report.parts)
    async with sessions() as session:
        sent = (await session.exec(select(
            ReminderLog.assignment_id, ReminderLog.kind, ReminderLog.answered).where(
            col(ReminderLog.id) > last_id))).all()
    replies = [(assignment_id, day) for assignment_id, _ in pending]
    later: list[tuple[int, date]] = []
    for assignment_id, kind, answered in sent:
        if answered or kind.startswith("escalation_"):
            continue
        draw = rng.random()
        if draw < REPLY_SAME_DAY:
            replies.append((assignment_id, day))
        elif draw < REPLY_SAME_DAY + REPLY_NEXT_DAY:
            later.append((assignment_id, calendar.next_working_day(day)))
    await _reply(sessions, replies, summaries, rng)
    # The service's reminder_days tick in the afternoon: the replies cleared those days.
    await keep_days(sessions, now.replace(hour=16), TZ, calendar, policy)
    return figure, later


async def _reply(sessions: async_sessionmaker[AsyncSession], replies: list[tuple[int, date]],
                 summaries: dict[int, OpenAssignment], rng: random.Random) -> None:
    changes: list[dict[str, Any]] = []
    done: list[dict[str, Any]] = []
    for assignment_id, day in sorted(set(replies)):
        summary = summaries.get(assignment_id)
        if summary is None or summary.status == "done":
            continue
        finished = rng.random() < DONE_ON_REPLY
        status = "done" if finished else summary.status
        changes.append({"assignment_id": assignment_id, "at": at_local(day, rng),
                        "actor": "focal", "focal_person_id": summary.focal_id,
                        "message_text": "bench reply", "old_status": summary.status,
                        "new_status": status})
        if finished:
            done.append({"b_id": assignment_id, "b_day": day})
            summaries[assignment_id] = OpenAssignment(
                assignment_id, summary.item_kind, summary.deadline, "done", day, summary.focal_id)
    async with transaction(sessions) as session:
        if changes:
            await session.exec(insert(StatusChange), params=changes)
        if done:
            table = Assignment.__table__  # type: ignore[attr-defined]
            await session.exec(update(table).where(table.c.id == bindparam("b_id")).values(
                status="done", percent=100, done_on=bindparam("b_day")), params=done)
