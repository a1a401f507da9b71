"""Which reminder step one assignment has reached today: the policy knobs and the step rules."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

from domain.appendix import ItemKind
from domain.calendar import WorkCalendar
from domain.deadlines import Deadline, Every

Status = Literal["not_started", "in_progress", "blocked", "done"]

# Reminder kinds are stored in history rows and outbox keys: never rename them. Deadline steps
# carry their distance in working days ("before_7", "overdue_4", "escalation_10").
DUE_TODAY = "due_today"
CHECKIN_RECURRING = "checkin_recurring"
CHECKIN_DEPENDENT = "checkin_dependent"
CHECKIN_INDICATOR = "checkin_indicator"
CHECKIN_UNDATED = "checkin_undated"
FOLLOW_UP = "follow_up"
CHECKIN_KINDS = frozenset(
    {CHECKIN_RECURRING, CHECKIN_DEPENDENT, CHECKIN_INDICATOR, CHECKIN_UNDATED}
)

_STEP_KIND = re.compile(r"(before|overdue|escalation)_(\d+)")
_ONE_DAY = timedelta(days=1)
# A calendar with no working day for this long is broken; stop instead of looping forever.
_MAX_WAIT_SEARCH_DAYS = 3660


def before_kind(working_days: int) -> str:
    """The kind of the reminder `working_days` before the deadline ("due_today" for 0)."""
    return DUE_TODAY if working_days == 0 else f"before_{working_days}"


def overdue_kind(working_days: int) -> str:
    """The kind of the reminder `working_days` after the deadline."""
    return f"overdue_{working_days}"


def escalation_kind(working_days: int) -> str:
    """The kind of the escalation `working_days` after the deadline."""
    return f"escalation_{working_days}"


def is_escalation(kind: str) -> bool:
    """True for escalations to the leader and the secretariat."""
    return kind.startswith("escalation_")


@lru_cache(maxsize=1024)
def escalation_threshold(kind: str) -> int | None:
    """How many working days overdue an escalation kind stands for; None if not one."""
    match = _STEP_KIND.fullmatch(kind)
    return int(match.group(2)) if match and match.group(1) == "escalation" else None


@lru_cache(maxsize=1024)
def deadline_step_order(kind: str) -> int | None:
    """Position of a focal deadline step on the time line (before_7 -> -7, overdue_4 -> 4)."""
    if kind == DUE_TODAY:
        return 0
    match = _STEP_KIND.fullmatch(kind)
    if match is None or match.group(1) == "escalation":
        return None
    distance = int(match.group(2))
    return -distance if match.group(1) == "before" else distance


@dataclass(frozen=True)
class ReminderPolicy:
    """Every knob of the reminder policy, with the committee's defaults (counts in working days)."""

    # Bi-weekly periods are 14 calendar days from fortnight_epoch (a Monday), so a period's start
    # is the same whatever holidays are added later and can key the history.
    before_days: tuple[int, ...] = (14, 7, 3, 1, 0)
    overdue_first: int = 1
    overdue_every: int = 3
    escalate_after: tuple[int, ...] = (10,)
    recurring_default: Every = "biweekly"
    dependent_every: Every = "monthly"
    indicator_every: Every = "monthly"
    undated_every: Every | None = "biweekly"
    follow_up_after: int = 2
    fortnight_epoch: date = date(2024, 1, 1)

    def __post_init__(self) -> None:
        if any(days < 0 for days in self.before_days):
            raise ValueError(f"before_days must not be negative: {self.before_days}")
        if self.overdue_first < 1 or self.overdue_every < 1:
            raise ValueError("overdue_first and overdue_every must be at least 1")
        if any(days < 1 for days in self.escalate_after):
            raise ValueError(f"escalate_after must be at least 1: {self.escalate_after}")
        if self.follow_up_after < 1:
            raise ValueError("follow_up_after must be at least 1")


@dataclass(frozen=True, slots=True)
class AssignmentState:
    """One item for one lead agency, as the reminder policy needs to see it."""

    assignment_id: int
    item_code: str
    item_kind: ItemKind
    item_text: str
    agency_id: int
    agency_name: str
    deadline: Deadline
    status: Status
    last_update_on: date | None = None
    indicator_assessed_final: bool = False


@dataclass(frozen=True, slots=True)
class SentReminder:
    """A reminder step already handled for an assignment (sent, or listed as unreachable)."""

    # anchor: the date the step belongs to, independent of the holiday calendar: the deadline
    # for deadline steps and escalations, the period start for check-ins, the followed
    # reminder's sent_on for a follow-up.
    assignment_id: int
    kind: str
    anchor: date
    sent_on: date
    answered: bool = False


@dataclass(frozen=True, slots=True)
class DueReminder:
    """One reminder step due today for one assignment, with the rule that fired (for dry runs)."""

    assignment: AssignmentState
    kind: str
    anchor: date
    rule: str
    days_left: int | None

    @property
    def key(self) -> str:
        """Stable identity of this step: the same step always has the same key."""
        return f"{self.assignment.assignment_id}:{self.kind}:{self.anchor.isoformat()}"

    @property
    def assignment_id(self) -> int:
        """The assignment reminded."""
        return self.assignment.assignment_id

    @property
    def item_code(self) -> str:
        """The short code the focal person answers with."""
        return self.assignment.item_code

    def recorded(self, sent_on: date) -> SentReminder:
        """The history row to store once this step has been handled."""
        return SentReminder(self.assignment_id, self.kind, self.anchor, sent_on)


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


def focal_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """The step the focal person should get today for this assignment, if any."""
    if state.status == "done":
        return None
    return scheduled_step(state, history, today, calendar, policy) or _follow_up(
        state, history, today, calendar, policy
    )


def escalation_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """The escalation to the leader and secretariat due today, once per threshold crossed."""
    due = state.deadline.due
    if state.status == "done" or state.item_kind == "indicator" or due is None:
        return None
    if state.deadline.kind != "date":
        return None
    current = escalation_on(due, today, calendar, policy)
    if current is None:
        return None
    kind, threshold, rule = current
    for record in history:
        done_threshold = escalation_threshold(record.kind)
        if record.anchor == due and done_threshold is not None and done_threshold >= threshold:
            return None
    return _due(state, kind, due, rule, today)


# A day's scan asks the same few hundred (deadline, today) questions for every assignment:
# the answers depend on nothing else, so they are kept (the calendar and policy are frozen).
@lru_cache(maxsize=8192)
def deadline_step_on(
    due: date, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> tuple[str, int, str] | None:
    """The focal step a deadline on `due` has reached `today`: (kind, order, rule), or None."""
    # The latest step whose day has come; earlier missed steps are superseded by it, so a
    # holiday or a missed scan delays a step to the next working day but never repeats one.
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
    overdue = calendar.count_working_days(due + _ONE_DAY, today + _ONE_DAY)
    if overdue < policy.overdue_first:
        return None
    step = policy.overdue_first + (
        (overdue - policy.overdue_first) // policy.overdue_every * policy.overdue_every
    )
    rule = (
        f"{step} working days past the deadline {due.isoformat()}"
        f" ({overdue} working days overdue; first after {policy.overdue_first},"
        f" then every {policy.overdue_every})"
    )
    return overdue_kind(step), step, rule


@lru_cache(maxsize=8192)
def escalation_on(
    due: date, today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> tuple[str, int, str] | None:
    """The escalation a deadline on `due` has reached `today`: (kind, threshold, rule), or None."""
    if today <= due:
        return None
    overdue = calendar.count_working_days(due + _ONE_DAY, today + _ONE_DAY)
    crossed = [days for days in policy.escalate_after if days <= overdue]
    if not crossed:
        return None
    threshold = max(crossed)
    rule = f"{overdue} working days past the deadline {due.isoformat()} (threshold {threshold})"
    return escalation_kind(threshold), threshold, rule


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


def follow_up_cutoff(today: date, calendar: WorkCalendar, policy: ReminderPolicy) -> date:
    """The latest sent_on whose reminder has waited long enough for a follow-up today."""
    # working_days_between(day, today) only grows as day goes back, so the days that have
    # waited enough are exactly those on or before this one.
    day = today
    for _ in range(_MAX_WAIT_SEARCH_DAYS):
        if calendar.working_days_between(day, today) >= policy.follow_up_after:
            return day
        day -= _ONE_DAY
    raise ValueError(f"no follow-up day within {_MAX_WAIT_SEARCH_DAYS} days of {today}")


def scheduled_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """Today's deadline step or check-in, unless the history already has it."""
    deadline = state.deadline
    if state.item_kind == "indicator" and state.indicator_assessed_final:
        return None
    every = checkin_every(state.item_kind, deadline, policy)
    if every is not None:
        return _checkin(state, history, today, _checkin_kind(state), every, policy)
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
    kind, order, rule = current
    for record in history:
        done_order = deadline_step_order(record.kind)
        if record.anchor == due and done_order is not None and done_order >= order:
            return None
    return _due(state, kind, due, rule, today)


def _checkin(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    kind: str,
    every: Every,
    policy: ReminderPolicy,
) -> DueReminder | None:
    start = period_start(today, every, policy.fortnight_epoch)
    if state.last_update_on is not None and state.last_update_on >= start:
        return None
    if any(record.kind in CHECKIN_KINDS and record.anchor == start for record in history):
        return None
    rule = f"{every} check-in for the period from {start.isoformat()} (no update since)"
    return _due(state, kind, start, rule, today)


def _follow_up(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    reminders = [
        record
        for record in history
        if record.kind != FOLLOW_UP and not is_escalation(record.kind) and record.sent_on <= today
    ]
    if not reminders:
        return None
    last = max(reminders, key=lambda record: (record.sent_on, record.anchor, record.kind))
    answered = last.answered or (
        state.last_update_on is not None and state.last_update_on >= last.sent_on
    )
    if answered:
        return None
    if any(record.kind == FOLLOW_UP and record.anchor == last.sent_on for record in history):
        return None
    return follow_up_of(state, last.kind, last.sent_on, today, calendar, policy)


def follow_up_of(state: AssignmentState, kind: str, sent_on: date, today: date,
                 calendar: WorkCalendar, policy: ReminderPolicy) -> DueReminder | None:
    """The follow-up of an unanswered reminder (its kind, the day sent), once it waited enough."""
    waited = _working_days_between(calendar, sent_on, today)
    if waited < policy.follow_up_after:
        return None
    rule = f"no answer to {kind} sent {sent_on.isoformat()} for {waited} working days"
    return _due(state, FOLLOW_UP, sent_on, rule, today)


@lru_cache(maxsize=8192)
def _working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    return calendar.working_days_between(start, end)


def _due(state: AssignmentState, kind: str, anchor: date, rule: str, today: date) -> DueReminder:
    due = state.deadline.due
    days_left = (due - today).days if due is not None else None
    return DueReminder(state, kind, anchor, rule, days_left)
