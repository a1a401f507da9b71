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
from domain.weeks import message_day_from, overdue_days

Status = Literal["not_started", "in_progress", "blocked", "done"]

# Reminder kinds are stored in history rows and outbox keys: never rename them. Deadline steps
# carry their distance in working days ("before_7", "overdue_4", "escalation_10").
DUE_TODAY = "due_today"
CHECKIN_RECURRING = "checkin_recurring"
CHECKIN_DEPENDENT = "checkin_dependent"
CHECKIN_INDICATOR = "checkin_indicator"
CHECKIN_UNDATED = "checkin_undated"
# The weekly consolidated message's lines, anchored at the week's Monday: an unanswered
# question asked again, or an overdue item's weekly line.
FOLLOW_UP = "follow_up"
OVERDUE_WEEKLY = "overdue_weekly"
WEEKLY_KINDS = frozenset({FOLLOW_UP, OVERDUE_WEEKLY})
# Check-ins after a report: anchored at the report's day (or the blocker's handling).
CHECKIN_REPORT = "checkin_report"
CHECKIN_BLOCKED = "checkin_blocked"
BLOCKER_HANDLED = "blocker_handled"
CHECKIN_KINDS = frozenset(
    {CHECKIN_RECURRING, CHECKIN_DEPENDENT, CHECKIN_INDICATOR, CHECKIN_UNDATED}
)

_STEP_KIND = re.compile(r"(before|overdue|escalation)_(\d+)")
_ONE_DAY = timedelta(days=1)


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
    """Every knob of the follow-up policy, with the committee's defaults (counts in working days).

    A secretary's rhythm: the deadline steps (T-7, T-1, the day, the first day overdue), one
    consolidated message a week for what is overdue or unanswered, quiet after a fresh report,
    blockers to the secretariat instead of nagging, escalation spaced out.
    """

    # Bi-weekly periods are 14 calendar days from fortnight_epoch (a Monday), so a period's start
    # is the same whatever holidays are added later and can key the history.
    before_days: tuple[int, ...] = (7, 1, 0)
    overdue_first: int = 1
    # The weekly consolidated message goes on the first working day of the week from this
    # weekday on (0 = Monday); a week with none has no weekly message.
    weekly_weekday: int = 0
    escalate_after: int = 10
    escalate_every: int = 10
    # A fresh report (any update) keeps an item out of the weekly message this long, and an
    # in-progress report gets a check-in then if nothing was asked since.
    report_quiet_days: int = 10
    blocked_checkin_after: int = 10
    recurring_default: Every = "biweekly"
    dependent_every: Every = "monthly"
    indicator_every: Every = "monthly"
    undated_every: Every | None = "biweekly"
    fortnight_epoch: date = date(2024, 1, 1)

    def __post_init__(self) -> None:
        if any(days < 0 for days in self.before_days):
            raise ValueError(f"before_days must not be negative: {self.before_days}")
        if self.overdue_first < 1:
            raise ValueError("overdue_first must be at least 1")
        if not 0 <= self.weekly_weekday <= 6:
            raise ValueError("weekly_weekday must be 0 (Monday) to 6 (Sunday)")
        for name in ("escalate_after", "escalate_every", "report_quiet_days",
                     "blocked_checkin_after"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")


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
    # The last reported percent (shown beside each reminder line), and the day the
    # secretariat marked the current blocker handled.
    percent: int | None = None
    blocker_handled_on: date | None = None
    # A group the registry could not expand ("Các Viện/trường"): it needs a concrete lead.
    agency_is_group: bool = False
    # The committee whose item this is: its escalations go to that committee's secretariat.
    committee_id: int | None = None


@dataclass(frozen=True, slots=True)
class SentReminder:
    """A reminder step already handled for an assignment (sent, or listed as unreachable)."""

    # anchor: the date the step belongs to, independent of the holiday calendar: the deadline
    # for deadline steps and escalations, the period start for check-ins, the week's Monday
    # for weekly lines, the report's day for check-ins after a report.
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
    # Escalations: how many working days overdue (the one unit they speak in).
    overdue_working_days: int | None = None

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
    """Whether the assignment can be escalated at all (a blocker goes to the secretariat)."""
    return (state.status not in ("done", "blocked") and state.item_kind != "indicator"
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
    for record in history:
        done_order = deadline_step_order(record.kind)
        if record.anchor == due and done_order is not None and done_order >= order:
            return None
    return make_step(state, kind, due, today, calendar, policy)


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
    if kind == CHECKIN_BLOCKED:
        return (f"{kind}: {policy.blocked_checkin_after} working days since the blocker"
                f" reported {anchor.isoformat()}")
    if kind == BLOCKER_HANDLED:
        return f"{kind}: the secretariat handled the blocker on {anchor.isoformat()}"
    when = f"deadline {due.isoformat()}" if due is not None else "no deadline"
    late = f", {overdue} working days overdue" if overdue is not None else ""
    return f"{kind}: {when}{late}"
