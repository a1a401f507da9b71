"""The small rules under the reminder policy (domain/reminder_steps.py), each pinned exactly."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import WorkCalendar
from domain.deadline_model import Deadline
from domain.reminder_steps import (
    DUE_TODAY,
    ReminderPolicy,
    SentReminder,
    before_kind,
    checkin_day,
    checkin_every,
    deadline_step_on,
    deadline_step_order,
    escalation_kind,
    escalation_on,
    escalation_threshold,
    is_escalation,
    last_escalation,
    next_period,
    overdue_kind,
    period_start,
)

PLAIN = WorkCalendar()
POLICY = ReminderPolicy()
D = date.fromisoformat


def head(step: tuple[str, int, str] | None) -> tuple[str, int] | None:
    """A step's kind and number, without its rule text."""
    return None if step is None else step[:2]


def test_kinds_name_their_distance():
    assert (before_kind(0), before_kind(1), before_kind(7)) == (DUE_TODAY, "before_1", "before_7")
    assert (overdue_kind(1), escalation_kind(10)) == ("overdue_1", "escalation_10")
    assert is_escalation("escalation_10") and not is_escalation("overdue_10")
    assert not is_escalation("xescalation_10")


@pytest.mark.parametrize(("kind", "threshold", "order"), [
    ("escalation_10", 10, None), ("escalation_25", 25, None), ("before_7", None, -7),
    ("overdue_4", None, 4), ("due_today", None, 0), ("follow_up", None, None),
    ("escalation_", None, None), ("xbefore_7", None, None), ("before_7x", None, None),
])
def test_step_kinds_read_back(kind, threshold, order):
    assert escalation_threshold(kind) == threshold
    assert deadline_step_order(kind) == order


@pytest.mark.parametrize(("knobs", "message"), [
    ({"before_days": (7, -1)}, r"^before_days must not be negative: \(7, -1\)$"),
    ({"overdue_first": 0}, "^overdue_first must be at least 1$"),
    ({"weekly_weekday": -1}, r"^weekly_weekday must be 0 \(Monday\) to 6 \(Sunday\)$"),
    ({"weekly_weekday": 7}, r"^weekly_weekday must be 0 \(Monday\) to 6 \(Sunday\)$"),
    ({"escalate_after": 0}, "^escalate_after must be at least 1$"),
    ({"escalate_every": 0}, "^escalate_every must be at least 1$"),
    ({"report_quiet_days": 0}, "^report_quiet_days must be at least 1$"),
    ({"blocked_checkin_after": 0}, "^blocked_checkin_after must be at least 1$"),
])
def test_a_policy_out_of_range_is_refused(knobs, message):
    with pytest.raises(ValueError, match=message):
        ReminderPolicy(**knobs)


def test_the_smallest_allowed_knobs_are_accepted():
    policy = ReminderPolicy(before_days=(0,), overdue_first=1, weekly_weekday=6,
                            escalate_after=1, escalate_every=1, report_quiet_days=1,
                            blocked_checkin_after=1)
    assert policy.weekly_weekday == 6
    assert ReminderPolicy(weekly_weekday=0).weekly_weekday == 0


@pytest.mark.parametrize(("day", "every", "start"), [
    ("2025-11-23", "weekly", "2025-11-17"), ("2025-11-17", "weekly", "2025-11-17"),
    ("2024-01-14", "biweekly", "2024-01-01"), ("2024-01-15", "biweekly", "2024-01-15"),
    ("2023-12-31", "biweekly", "2023-12-18"),
    ("2025-11-30", "monthly", "2025-11-01"),
    ("2025-03-31", "quarterly", "2025-01-01"), ("2025-04-01", "quarterly", "2025-04-01"),
    ("2025-12-31", "quarterly", "2025-10-01"),
    ("2025-06-30", "half_yearly", "2025-01-01"), ("2025-07-01", "half_yearly", "2025-07-01"),
    ("2025-11-21", "yearly", "2025-01-01"),
])
def test_period_start(day, every, start):
    assert period_start(D(day), every, date(2024, 1, 1)) == D(start)


@pytest.mark.parametrize(("start", "every", "following"), [
    ("2025-11-17", "weekly", "2025-11-24"), ("2024-01-01", "biweekly", "2024-01-15"),
    ("2025-01-01", "monthly", "2025-02-01"), ("2025-10-01", "quarterly", "2026-01-01"),
    ("2025-07-01", "half_yearly", "2026-01-01"), ("2024-01-01", "yearly", "2025-01-01"),
])
def test_next_period(start, every, following):
    assert next_period(D(start), every, POLICY) == D(following)


def test_a_check_in_goes_on_the_periods_first_message_day_if_it_has_one():
    assert checkin_day(D("2025-11-01"), "monthly", PLAIN, POLICY) == D("2025-11-03")
    # A week whose Monday is the last day of the period: the Monday itself.
    assert checkin_day(D("2025-11-17"), "weekly", PLAIN, POLICY) == D("2025-11-17")
    off = WorkCalendar(holidays=frozenset({D("2025-11-17")}))
    assert checkin_day(D("2025-11-17"), "weekly", off, POLICY) == D("2025-11-18")
    closed = WorkCalendar(holidays=frozenset(D(f"2025-11-{d}") for d in range(17, 22)))
    assert checkin_day(D("2025-11-17"), "weekly", closed, POLICY) is None


def test_check_in_cadence_by_kind():
    dated = Deadline("30/11/2025", "date", D("2025-11-30"))
    assert checkin_every("indicator", dated, POLICY) == "monthly"
    assert checkin_every("task", dated, POLICY) is None
    assert checkin_every("task", Deadline("Quý", "date"), POLICY) == "biweekly"
    assert checkin_every("task", Deadline("Hằng quý", "recurring", every="quarterly"),
                         POLICY) == "quarterly"
    assert checkin_every("task", Deadline("Thường xuyên", "recurring"), POLICY) == "biweekly"
    assert checkin_every("task", Deadline("Theo TW", "dependent"), POLICY) == "monthly"
    assert checkin_every("task", Deadline("?", "unknown"), POLICY) == "biweekly"
    custom = ReminderPolicy(indicator_every="quarterly", dependent_every="weekly",
                            recurring_default="monthly", undated_every=None)
    assert checkin_every("indicator", dated, custom) == "quarterly"
    assert checkin_every("task", Deadline("Theo TW", "dependent"), custom) == "weekly"
    assert checkin_every("task", Deadline("Thường xuyên", "recurring"), custom) == "monthly"
    assert checkin_every("task", Deadline("?", "unknown"), custom) is None


def test_deadline_steps_with_their_rules():
    due = D("2025-11-28")  # a Friday
    assert deadline_step_on(due, D("2025-11-18"), PLAIN, POLICY) is None  # 8 working days left
    assert deadline_step_on(due, D("2025-11-19"), PLAIN, POLICY) == (
        "before_7", -7,
        "7 working days before the deadline 2025-11-28 (7 working days left)")
    assert deadline_step_on(due, D("2025-11-20"), PLAIN, POLICY) == (
        "before_7", -7,
        "7 working days before the deadline 2025-11-28 (6 working days left)")
    assert head(deadline_step_on(due, D("2025-11-27"), PLAIN, POLICY)) == ("before_1", -1)
    assert deadline_step_on(due, due, PLAIN, POLICY) == ("due_today", 0, "deadline day")
    assert deadline_step_on(due, D("2025-11-30"), PLAIN, POLICY) is None  # the weekend after
    assert deadline_step_on(due, D("2025-12-01"), PLAIN, POLICY) == (
        "overdue_1", 1, "1 working days past the deadline 2025-11-28 (first step 1)")
    late = ReminderPolicy(overdue_first=2)
    assert deadline_step_on(due, D("2025-12-01"), PLAIN, late) is None
    assert head(deadline_step_on(due, D("2025-12-02"), PLAIN, late)) == ("overdue_2", 2)
    assert deadline_step_on(due, D("2025-11-18"), PLAIN, ReminderPolicy(before_days=())) is None


def test_escalation_after_ten_working_days_with_its_rule():
    due = D("2025-11-14")  # a Friday: ten working days later is 2025-11-28
    assert escalation_on(due, due, PLAIN, POLICY) is None
    assert escalation_on(due, D("2025-11-27"), PLAIN, POLICY) is None
    assert escalation_on(due, D("2025-11-28"), PLAIN, POLICY) == (
        "escalation_10", 10,
        "10 working days past the deadline 2025-11-14 (after 10, then 10 apart)")
    assert head(escalation_on(due, D("2025-12-01"), PLAIN, POLICY)) == ("escalation_11", 11)
    early = ReminderPolicy(escalate_after=1, escalate_every=3)
    assert escalation_on(due, D("2025-11-17"), PLAIN, early) == (
        "escalation_1", 1,
        "1 working days past the deadline 2025-11-14 (after 1, then 3 apart)")


def test_last_escalation_is_the_largest_for_that_deadline():
    due = D("2025-11-14")
    history = [SentReminder(1, "escalation_10", due, D("2025-11-28")),
               SentReminder(1, "escalation_21", due, D("2025-12-15")),
               SentReminder(1, "escalation_40", D("2025-10-01"), D("2025-11-28")),
               SentReminder(1, "overdue_1", due, D("2025-11-17"))]
    assert last_escalation(history, due) == 21
    assert last_escalation(history[3:], due) is None
    assert last_escalation([], due) is None
