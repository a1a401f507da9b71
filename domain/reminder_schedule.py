"""When an assignment can next be reminded: the day the scan must look at it again."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from domain.calendar import WorkCalendar
from domain.committee_policy import policy_of
from domain.deadlines import Every
from domain.followup_steps import (
    blocked_day,
    focal_step,
    report_checkin_day,
    still_blocked,
    weekly_day,
)
from domain.reminder_steps import (
    CHECKIN_KINDS,
    AssignmentState,
    DueReminder,
    ReminderPolicy,
    SentReminder,
    checkin_day,
    checkin_every,
    covered_order,
    escalates,
    escalation_step,
    last_escalation,
    make_step,
    next_period,
    period_start,
)

_ONE_DAY = timedelta(days=1)
# Beyond this, something is odd (an update dated years ahead): look again tomorrow instead.
_MAX_PERIODS = 400
_MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True, slots=True)
class NextReminder:
    """The first day the policy fires for an assignment, and which of its rules fire then.

    `exact` is False when the day is only a day to look again (worked out from a history with
    steps after the day asked): then the rules are not known.
    """

    day: date
    # The focal step of that day (kind, anchor), if one fires.
    focal: tuple[str, date] | None = None
    escalation: bool = False
    exact: bool = True

    def encoded(self) -> str:
        """The rules as stored beside the day: "k=kind@anchor", "e", joined by ";"."""
        if not self.exact:
            return "?"
        parts = [f"k={self.focal[0]}@{self.focal[1].isoformat()}"] if self.focal else []
        if self.escalation:
            parts.append("e")
        return ";".join(parts)

    @staticmethod
    @lru_cache(maxsize=4096)
    def decoded(day: date, text: str) -> NextReminder:
        """The NextReminder `encoded` wrote for that day (the same few texts recur: kept)."""
        if text == "?":
            return NextReminder(day, exact=False)
        parts = text.split(";") if text else []
        focal = None
        for part in parts:
            if part.startswith("k="):
                kind, anchor = part[2:].rsplit("@", 1)
                focal = (kind, date.fromisoformat(anchor))
        return NextReminder(day, focal, "e" in parts)


def next_reminder(state: AssignmentState, history: Sequence[SentReminder], after: date,
                  calendar: WorkCalendar, policy: ReminderPolicy) -> NextReminder | None:
    """The first day after `after` on which the policy reminds or escalates, if nothing changes.

    None when no day will, until the assignment or its history changes. Exact for a history
    that holds nothing sent after `after`; with a shortened history it is never later than the
    true day, which is all the scan needs (it re-plans the assignment that day).
    """
    if state.status == "done":
        return None
    if any(record.sent_on > after for record in history):
        # A schedule asked for a day already past: look again every day, with the history.
        return NextReminder(after + _ONE_DAY, exact=False)
    if still_blocked(state, history):
        days = [blocked_day(state, history, after, calendar, policy)]
    else:
        days = [_scheduled(state, history, after, calendar, policy),
                report_checkin_day(state, history, after, calendar, policy)]
        days.append(weekly_day(state, history, after, calendar, policy,
                               until=min((d for d in days if d is not None), default=None)))
    focal_day = min((found for found in days if found is not None), default=None)
    escalation = _escalation(state, history, after, calendar, policy)
    day = min((found for found in (focal_day, escalation) if found is not None), default=None)
    if day is None:
        return None
    focal = focal_step(state, history, day, calendar, policy) if focal_day == day else None
    return NextReminder(day, (focal.kind, focal.anchor) if focal is not None else None,
                        escalation == day)


def next_reminder_day(state: AssignmentState, history: Sequence[SentReminder], after: date,
                      calendar: WorkCalendar, policy: ReminderPolicy) -> date | None:
    """Just the day of next_reminder."""
    found = next_reminder(state, history, after, calendar, policy)
    return found.day if found is not None else None


def steps_on(state: AssignmentState, known: NextReminder, calendar: WorkCalendar,
             policy: ReminderPolicy) -> tuple[DueReminder | None, DueReminder | None]:
    """The focal step and escalation due on an exact NextReminder's day, without the history."""
    # On that day the history lacks exactly these steps (it was read when the day was worked
    # out, and any change since would have cleared the day).
    today = known.day
    focal = (make_step(state, *known.focal, today, calendar, policy)
             if known.focal is not None else None)
    escalation = (escalation_step(state, (), today, calendar, policy) if known.escalation
                  else None)
    return focal, escalation


def next_days(states: Iterable[AssignmentState], history: Iterable[SentReminder],
              after: date, calendar: WorkCalendar, policy: ReminderPolicy,
              policies: Mapping[int, ReminderPolicy] | None = None,
              ) -> dict[int, NextReminder | None]:
    """next_reminder of each state (by its committee's policy), its history grouped once."""
    by_assignment: dict[int, list[SentReminder]] = defaultdict(list)
    for record in history:
        by_assignment[record.assignment_id].append(record)
    return {state.assignment_id: next_reminder(
        state, by_assignment.get(state.assignment_id, ()), after, calendar,
        policy_of(state.committee_id, policy, policies))
        for state in states}


def schedule_fingerprint(calendar: WorkCalendar, policy: ReminderPolicy, zone: str) -> str:
    """Identity of everything besides the database that the days depend on."""
    parts = [repr(policy), zone, repr(sorted(calendar.weekend))]
    parts += [",".join(day.isoformat() for day in sorted(days)) for days in
              (calendar.holidays, calendar.extra_working_days, calendar.extra_days_off)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _scheduled(state: AssignmentState, history: Sequence[SentReminder], after: date,
               calendar: WorkCalendar, policy: ReminderPolicy) -> date | None:
    if state.item_kind == "indicator" and state.indicator_assessed_final:
        return None
    deadline = state.deadline
    every = checkin_every(state.item_kind, deadline, policy)
    if every is not None:
        return _checkin(state, history, after, every, calendar, policy)
    if deadline.kind != "date" or deadline.due is None:
        return None
    due = deadline.due
    done = covered_order(history, due, calendar, policy)
    return first_deadline_step_after(due, done, after, calendar, policy)


def _checkin(state: AssignmentState, history: Sequence[SentReminder], after: date,
             every: Every, calendar: WorkCalendar, policy: ReminderPolicy) -> date | None:
    covered = {record.anchor for record in history if record.kind in CHECKIN_KINDS}
    start = period_start(after + _ONE_DAY, every, policy.fortnight_epoch)
    for _ in range(_MAX_PERIODS):
        updated = state.last_update_on is not None and state.last_update_on >= start
        day = checkin_day(start, every, calendar, policy)
        if not updated and start not in covered and day is not None:
            day = max(day, after + _ONE_DAY)
            if day < next_period(start, every, policy):
                return day
        start = next_period(start, every, policy)
    return after + _ONE_DAY


def _escalation(state: AssignmentState, history: Sequence[SentReminder], after: date,
                calendar: WorkCalendar, policy: ReminderPolicy) -> date | None:
    due = state.deadline.due
    if not escalates(state) or due is None:
        return None
    last = last_escalation(history, due)
    ahead = policy.escalate_after if last is None else max(policy.escalate_after,
                                                            last + policy.escalate_every)
    return _overdue_reaches(due, ahead, max(after + _ONE_DAY, due + _ONE_DAY), calendar)


# Thousands of assignments share a deadline and a step: one search each per scan.
@lru_cache(maxsize=16384)
def first_deadline_step_after(due: date, done: int | None, after: date, calendar: WorkCalendar,
                              policy: ReminderPolicy) -> date | None:
    """The first day after `after` whose deadline step is later than step order `done`."""
    start = after + _ONE_DAY
    # Before the deadline, step k (order -k) is reached once k working days or fewer are left.
    before = [days for days in policy.before_days if done is None or -days > done]
    if before and start <= due:
        reach = max(before)
        day = _first_day(lambda day: calendar.count_working_days(day, due) <= reach, start, due)
        if day is not None:
            return day
    # After it, one step on the first day overdue; the weekly message carries it from then on.
    if done is not None and done >= policy.overdue_first:
        return None
    return _overdue_reaches(due, policy.overdue_first, max(start, due + _ONE_DAY), calendar)


@lru_cache(maxsize=16384)
def _overdue_reaches(due: date, days: int, start: date, calendar: WorkCalendar) -> date:
    """The first day from `start` on which the deadline is `days` working days overdue."""
    found = _first_day(
        lambda day: calendar.count_working_days(due + _ONE_DAY, day + _ONE_DAY) >= days, start)
    if found is None:
        raise ValueError(f"{due} never becomes {days} working days overdue")
    return found


def _first_day(holds: Callable[[date], bool], start: date, end: date | None = None) -> date | None:
    """The first day in [start, end] where a condition that stays true once true holds."""
    if end is None:  # gallop ahead for a bound
        step = 1
        end = start
        while not holds(end):
            if step > _MAX_SEARCH_DAYS:
                return None
            end = start + timedelta(days=step)
            step *= 2
    elif start > end or not holds(end):
        return None
    low, high = start, end
    while low < high:
        middle = low + timedelta(days=(high - low).days // 2)
        if holds(middle):
            high = middle
        else:
            low = middle + _ONE_DAY
    return low
