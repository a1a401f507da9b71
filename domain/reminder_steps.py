"""Which reminder step one assignment has reached today: deadline steps, check-ins, escalation.

The kinds, the policy's knobs and the states they read live in domain/reminder_model.py; they
are re-exported here, where they were first defined (callers import them from either).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache

from domain.calendar import WorkCalendar
from domain.deadlines import Deadline, Every
from domain.reminder_model import (
    BLOCKER_HANDLED,
    CHECKIN_BLOCKED,
    CHECKIN_DEPENDENT,
    CHECKIN_EXPECTED,
    CHECKIN_INDICATOR,
    CHECKIN_KINDS,
    CHECKIN_RECURRING,
    CHECKIN_REPORT,
    CHECKIN_UNDATED,
    DUE_TODAY,
    FOLLOW_UP,
    OVERDUE_WEEKLY,
    WEEKLY_KINDS,
    AssignmentState,
    DueReminder,
    ItemKind,
    ReminderPolicy,
    SentReminder,
    Status,
    before_kind,
    deadline_step_order,
    escalation_kind,
    escalation_threshold,
    is_escalation,
    overdue_kind,
)
from domain.weeks import message_day_from, overdue_days

__all__ = [
    "BLOCKER_HANDLED",
    "CHECKIN_BLOCKED",
    "CHECKIN_DEPENDENT",
    "CHECKIN_EXPECTED",
    "CHECKIN_INDICATOR",
    "CHECKIN_KINDS",
    "CHECKIN_RECURRING",
    "CHECKIN_REPORT",
    "CHECKIN_UNDATED",
    "DUE_TODAY",
    "FOLLOW_UP",
    "OVERDUE_WEEKLY",
    "WEEKLY_KINDS",
    "AssignmentState",
    "DueReminder",
    "ItemKind",
    "ReminderPolicy",
    "SentReminder",
    "Status",
    "before_kind",
    "checkin_day",
    "checkin_every",
    "deadline_step_on",
    "deadline_step_order",
    "escalates",
    "escalation_kind",
    "escalation_on",
    "escalation_step",
    "escalation_threshold",
    "is_escalation",
    "last_escalation",
    "make_step",
    "next_period",
    "overdue_kind",
    "period_start",
    "scheduled_step",
]



def period_start(day: date, every: Every, fortnight_epoch: date) -> date:
    """The first day of the period of that cadence that contains `day`."""
    if every == "weekly":
        return day - timedelta(days=day.weekday())
    if every == "biweekly":
        return fortnight_epoch + timedelta(days=14 * ((day - fortnight_epoch).days // 14))
    if every == "monthly":
        return day.replace(day=1)
    if every == "quarterly":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if every == "half_yearly":
        return date(day.year, 1 if day.month <= 6 else 7, 1)
    return date(day.year, 1, 1)


def escalation_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """The escalation to the leader and secretariat due today: after escalate_after working
    days overdue, then again once escalate_every more have passed since the last one."""
    due = state.deadline.due
    if not escalates(state) or due is None:
        return None
    current = escalation_on(due, today, calendar, policy)
    if current is None:
        return None
    kind, overdue, _ = current
    last = last_escalation(history, due)
    if last is not None and overdue < last + policy.escalate_every:
        return None
    return make_step(state, kind, due, today, calendar, policy)


def last_escalation(history: Sequence[SentReminder], due: date) -> int | None:
    """How many working days overdue the deadline was at its latest escalation, if any."""
    return max((days for record in history if record.anchor == due
                for days in (escalation_threshold(record.kind),) if days is not None),
               default=None)


def escalates(state: AssignmentState) -> bool:
    """Whether the assignment can be escalated at all (an open blocker goes to the secretariat
    instead; once the secretariat handled it, the item is overdue like any other)."""
    return ((state.status != "blocked" or state.blocker_handled) and state.status != "done"
            and state.item_kind != "indicator"
            and state.deadline.kind == "date" and state.deadline.due is not None)



# A day's scan asks the same few hundred (deadline, today) questions for every assignment:
# the answers depend on nothing else, so they are kept (the calendar and policy are frozen).
@lru_cache(maxsize=8192)
def deadline_step_on(
    due: date, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> tuple[str, int, str] | None:
    """The focal step a deadline on `due` has reached `today`: (kind, order, rule), or None."""
    # The latest step whose day has come; earlier missed steps are superseded by it, so a
    # holiday or a missed scan delays a step to the next working day but never repeats one.
    # After the first day overdue there is no step of its own: the weekly message carries it.
    if today <= due:
        remaining = calendar.count_working_days(today, due)
        reached = [days for days in policy.before_days if days >= remaining]
        if not reached:
            return None
        step = min(reached)
        rule = (
            "deadline day"
            if step == 0
            else f"{step} working days before the deadline {due.isoformat()}"
            f" ({remaining} working days left)"
        )
        return before_kind(step), -step, rule
    overdue = overdue_days(due, today, calendar)
    if overdue < policy.overdue_first:
        return None
    step = policy.overdue_first
    rule = f"{overdue} working days past the deadline {due.isoformat()} (first step {step})"
    return overdue_kind(step), step, rule


@lru_cache(maxsize=8192)
def escalation_on(
    due: date, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> tuple[str, int, str] | None:
    """The escalation a deadline on `due` could have `today`: (kind, overdue, rule), or None.

    The kind names how many working days overdue it is, so the next one can be spaced from it.
    """
    if today <= due:
        return None
    overdue = overdue_days(due, today, calendar)
    if overdue < policy.escalate_after:
        return None
    rule = (f"{overdue} working days past the deadline {due.isoformat()} (after"
            f" {policy.escalate_after}, then {policy.escalate_every} apart)")
    return escalation_kind(overdue), overdue, rule


def checkin_every(item_kind: str, deadline: Deadline, policy: ReminderPolicy) -> Every | None:
    """The check-in cadence of an item that has no dated deadline step; None if it has one."""
    if item_kind == "indicator":
        return policy.indicator_every
    if deadline.kind == "date" and deadline.due is not None:
        return None
    if deadline.kind == "recurring":
        return deadline.every or policy.recurring_default
    if deadline.kind == "dependent":
        return policy.dependent_every
    return policy.undated_every


def next_period(start: date, every: Every, policy: ReminderPolicy) -> date:
    """The start of the period after the one starting on `start`."""
    return period_start(start + timedelta(days=_LONGEST_PERIOD[every]), every,
                        policy.fortnight_epoch)


_LONGEST_PERIOD: dict[Every, int] = {"weekly": 7, "biweekly": 14, "monthly": 31,
                                     "quarterly": 92, "half_yearly": 184, "yearly": 366}


@lru_cache(maxsize=8192)
def checkin_day(start: date, every: Every, calendar: WorkCalendar,
                policy: ReminderPolicy) -> date | None:
    """The day a period's check-in goes: its first weekly-message day; None if it has none."""
    day = message_day_from(start, calendar, policy.weekly_weekday)
    return day if day < next_period(start, every, policy) else None


def scheduled_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """Today's deadline step or periodic check-in, unless the history already has it."""
    deadline = state.deadline
    if state.item_kind == "indicator" and state.indicator_assessed_final:
        return None
    every = checkin_every(state.item_kind, deadline, policy)
    if every is not None:
        return _checkin(state, history, today, _checkin_kind(state), every, calendar, policy)
    if deadline.kind == "date" and deadline.due is not None:
        return _deadline_step(state, deadline.due, history, today, calendar, policy)
    return None


def _checkin_kind(state: AssignmentState) -> str:
    if state.item_kind == "indicator":
        return CHECKIN_INDICATOR
    if state.deadline.kind == "recurring":
        return CHECKIN_RECURRING
    if state.deadline.kind == "dependent":
        return CHECKIN_DEPENDENT
    return CHECKIN_UNDATED


def _deadline_step(
    state: AssignmentState,
    due: date,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    current = deadline_step_on(due, today, calendar, policy)
    if current is None:
        return None
    kind, order, _ = current
    done = covered_order(history, due, calendar, policy)
    if done is not None and done >= order:
        return None
    return make_step(state, kind, due, today, calendar, policy)


def covered_order(history: Sequence[SentReminder], due: date, calendar: WorkCalendar,
                  policy: ReminderPolicy) -> int | None:
    """The latest deadline step already asked: sent as such, or covered by a blocked item's
    check-in (which asked after the item on a day that step had been reached)."""
    orders = []
    for record in history:
        if record.anchor == due and (order := deadline_step_order(record.kind)) is not None:
            orders.append(order)
        elif record.kind in (BLOCKER_HANDLED, CHECKIN_BLOCKED):
            reached = deadline_step_on(due, record.sent_on, calendar, policy)
            if reached is not None:
                orders.append(reached[1])
    return max(orders, default=None)


def _checkin(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    kind: str,
    every: Every,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    start = period_start(today, every, policy.fortnight_epoch)
    day = checkin_day(start, every, calendar, policy)
    if day is None or today < day:
        return None
    if state.last_update_on is not None and state.last_update_on >= start:
        return None
    if any(record.kind in CHECKIN_KINDS and record.anchor == start for record in history):
        return None
    return make_step(state, kind, start, today, calendar, policy)


def make_step(state: AssignmentState, kind: str, anchor: date, today: date,
              calendar: WorkCalendar, policy: ReminderPolicy) -> DueReminder:
    """The step of that kind and anchor due `today`, with its rule (the same from any path)."""
    due = state.deadline.due
    days_left = (due - today).days if due is not None else None
    overdue = overdue_days(due, today, calendar) if due is not None and today > due else None
    return DueReminder(state, kind, anchor, _rule(kind, anchor, due, overdue, policy), days_left,
                       overdue if is_escalation(kind) else None)


def _rule(kind: str, anchor: date, due: date | None, overdue: int | None,
          policy: ReminderPolicy) -> str:
    """The rule that fired, in English for the log (the dry run explains it in Vietnamese)."""
    if kind in CHECKIN_KINDS:
        return f"{kind}: check-in for the period from {anchor.isoformat()} (no update since)"
    if kind == FOLLOW_UP:
        return f"{kind}: weekly message of {anchor.isoformat()}, the last question unanswered"
    if kind == OVERDUE_WEEKLY:
        return (f"{kind}: weekly message of {anchor.isoformat()}, {overdue} working days"
                " overdue, no fresh report")
    if kind == CHECKIN_REPORT:
        return (f"{kind}: {policy.report_quiet_days} working days since the report of"
                f" {anchor.isoformat()}")
    if kind == CHECKIN_EXPECTED:
        return f"{kind}: the completion date {anchor.isoformat()} given in the last report"
    if kind == CHECKIN_BLOCKED:
        return (f"{kind}: {policy.blocked_checkin_after} working days since the blocker report"
                f" or the last check-in, {anchor.isoformat()}")
    if kind == BLOCKER_HANDLED:
        return f"{kind}: the secretariat handled the blocker on {anchor.isoformat()}"
    when = f"deadline {due.isoformat()}" if due is not None else "no deadline"
    late = f", {overdue} working days overdue" if overdue is not None else ""
    return f"{kind}: {when}{late}"
