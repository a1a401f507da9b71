"""What the follow-up policy talks about: step kinds, its knobs, an assignment's state, steps.

The rules that use them are in domain/reminder_steps.py (deadline steps, check-ins,
escalation) and domain/followup_steps.py (weekly lines, quiet after a report, blockers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from domain.appendix import ItemKind
from domain.deadlines import Deadline, Every

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
# The check-in on the completion date an in-progress report gave; anchored at that date.
CHECKIN_EXPECTED = "checkin_expected"
CHECKIN_BLOCKED = "checkin_blocked"
BLOCKER_HANDLED = "blocker_handled"
CHECKIN_KINDS = frozenset(
    {CHECKIN_RECURRING, CHECKIN_DEPENDENT, CHECKIN_INDICATOR, CHECKIN_UNDATED}
)

_STEP_KIND = re.compile(r"(before|overdue|escalation)_(\d+)")


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
    # The completion date the last in-progress report gave ("dự kiến xong 15/10").
    expected_on: date | None = None
    # The committee whose item this is: its escalations go to that committee's secretariat.
    committee_id: int | None = None

    @property
    def blocker_handled(self) -> bool:
        """The secretariat marked the blocker handled on or after the last report."""
        handled, reported = self.blocker_handled_on, self.last_update_on
        return handled is not None and reported is not None and handled >= reported


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
