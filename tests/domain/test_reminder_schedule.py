"""next_reminder_day: the first day the policy fires, found without asking it day by day."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.followup_steps import focal_step
from domain.reminder_schedule import (
    NextReminder,
    next_reminder,
    next_reminder_day,
    schedule_fingerprint,
    steps_on,
)
from domain.reminder_steps import (
    BLOCKER_HANDLED,
    CHECKIN_BLOCKED,
    CHECKIN_EXPECTED,
    CHECKIN_RECURRING,
    CHECKIN_REPORT,
    FOLLOW_UP,
    OVERDUE_WEEKLY,
    before_kind,
    escalation_kind,
    escalation_step,
    overdue_kind,
    period_start,
)
from domain.reminders import ReminderPolicy, SentReminder
from domain.weeks import week_of
from tests.domain.test_reminders import CALENDAR, D, task

POLICY = ReminderPolicy()


def sent(kind: str, anchor: str, on: str, answered: bool = False) -> SentReminder:
    return SentReminder(1, kind, D(anchor), D(on), answered)


def brute_force(state, history, after, calendar, policy, horizon=800) -> date | None:
    """The first day after `after` on which the policy itself fires, asked day by day."""
    day = after + timedelta(days=1)
    for _ in range(horizon):
        if (focal_step(state, history, day, calendar, policy)
                or escalation_step(state, history, day, calendar, policy)):
            return day
        day += timedelta(days=1)
    return None


@pytest.mark.parametrize(("state", "history", "after", "expected", "why"), [
    (task(due="2025-09-30"), [], "2025-08-01", "2025-09-19",
     "7 working days before 30/09 (no earlier step by default)"),
    (task(due="2025-09-30"), [sent(before_kind(7), "2025-09-30", "2025-09-19", True)],
     "2025-09-19", "2025-09-27",
     "the 1-day step after the (answered) 7-day one (a Saturday: the scan takes it Monday)"),
    (task(due="2025-09-30"), [sent(before_kind(0), "2025-09-30", "2025-09-30", True)],
     "2025-09-30", "2025-10-01", "first working day overdue"),
    (task(due="2025-09-30"), [sent(overdue_kind(1), "2025-09-30", "2025-10-01", True)],
     "2025-10-01", "2025-10-06", "overdue, answered: the next weekly message (Monday 06/10)"),
    (task(due="2025-09-30"), [sent(overdue_kind(1), "2025-09-30", "2025-10-01")],
     "2025-10-01", "2025-10-06", "unanswered: asked again in the next weekly message"),
    (task(due="2025-12-31", last_update_on="2025-10-02"),
     [sent(before_kind(7), "2025-12-31", "2025-10-01")], "2025-10-02", "2025-10-16",
     "a fresh report: quiet for 10 working days, then a check-in on it"),
    (task(due="2025-09-30", last_update_on="2025-10-02"),
     [sent(overdue_kind(1), "2025-09-30", "2025-10-01")], "2025-10-02", "2025-10-14",
     "a fresh report on an overdue item: the escalation (10 working days overdue) still goes"),
    (task(due="2025-09-30"), [sent(overdue_kind(1), "2025-09-30", "2025-10-09", True),
                              sent(escalation_kind(10), "2025-09-30", "2025-10-14")],
     "2025-10-14", "2025-10-14", "impossible history (escalation sent after `after`): tomorrow"),
    (replace(task(due="2025-12-31", last_update_on="2025-10-02"), expected_on=D("2025-10-09")),
     [sent(before_kind(7), "2025-12-31", "2025-10-01")], "2025-10-02", "2025-10-09",
     "a fresh report with a completion date: checked in on that date, before the quiet's end"),
    (replace(task(due="2025-12-31", last_update_on="2025-10-02"), expected_on=D("2025-11-20")),
     [sent(before_kind(7), "2025-12-31", "2025-10-01")], "2025-10-02", "2025-10-16",
     "a completion date after the quiet's end: the quiet's check-in comes first"),
    (task(due="2025-09-30", status="blocked", last_update_on="2025-09-17"),
     [sent(before_kind(7), "2025-09-30", "2025-09-17", True)], "2025-09-17", "2025-10-01",
     "blocked: not nagged, a check-in 10 working days after the report"),
    (task(due=None, kind="recurring", every="monthly"),
     [sent(CHECKIN_RECURRING, "2025-10-01", "2025-10-06", True)], "2025-10-06", "2025-11-03",
     "monthly check-in: the next month's first weekly-message day"),
    (task(due=None, kind="recurring", every="monthly", last_update_on="2025-11-03"),
     [sent(CHECKIN_RECURRING, "2025-10-01", "2025-10-06", True)], "2025-11-05", "2025-12-01",
     "an update in November covers November's check-in"),
    (task(due="2025-12-31", item_kind="indicator", assessed_final=True), [], "2025-10-01", None,
     "an indicator assessed for the year: nothing"),
    (task(status="done"), [], "2025-10-01", None, "done: nothing"),
])
def test_next_reminder_day(state, history, after, expected, why):
    after_day = D(after)
    if expected == after:  # the impossible-history row: checked against its rule, not the policy
        assert next_reminder_day(state, history, after_day, CALENDAR, POLICY) == \
            after_day + timedelta(days=1), why
        return
    want = D(expected) if expected else None
    assert next_reminder_day(state, history, after_day, CALENDAR, POLICY) == want, why
    assert brute_force(state, history, after_day, CALENDAR, POLICY) == want, why


def _random_case(rng: random.Random) -> tuple:
    after = D("2025-06-02") + timedelta(days=rng.randrange(0, 400))
    shape = rng.choice(["date", "date", "date", "recurring", "dependent", "undated", "indicator"])
    due = after + timedelta(days=rng.randrange(-60, 120))
    if shape == "indicator":
        state = task(due=due.isoformat(), item_kind="indicator",
                     assessed_final=rng.random() < 0.2)
    elif shape == "date":
        # A first due date then a recurrence ("Quý IV/2025 và hằng năm") is a date to the policy.
        then = rng.choice([None, None, None, "yearly", "half_yearly"])
        state = task(due=due.isoformat(), every=then)
    else:
        every = rng.choice(["weekly", "biweekly", "monthly", "quarterly", "half_yearly",
                            "yearly", None])
        state = task(due=None, kind=shape if shape != "undated" else "undated", every=every)
    state = replace(state, status=rng.choice(["not_started", "in_progress", "in_progress",
                                              "blocked"]))
    if rng.random() < 0.5 or state.status == "blocked":
        state = replace(state, last_update_on=after - timedelta(days=rng.randrange(0, 40)))
    if state.last_update_on is not None and rng.random() < 0.4:
        # A completion date given with the report (kept for any status: the policy must
        # read it only where it applies).
        state = replace(state, expected_on=state.last_update_on + timedelta(
            days=rng.randrange(-3, 30)))
    if state.status == "blocked" and rng.random() < 0.5:
        state = replace(state, blocker_handled_on=after - timedelta(days=rng.randrange(-5, 30)))
    if rng.random() < 0.05:
        state = replace(state, status="done")
    history = []
    for _ in range(rng.randrange(0, 5)):
        on = after - timedelta(days=rng.randrange(0, 30))
        kind = rng.choice([before_kind(rng.choice([14, 7, 3, 1, 0])), overdue_kind(rng.choice(
            [1, 4])), escalation_kind(rng.choice([6, 10, 12, 20, 30])), CHECKIN_RECURRING,
            FOLLOW_UP, OVERDUE_WEEKLY, CHECKIN_REPORT, CHECKIN_BLOCKED, BLOCKER_HANDLED,
            CHECKIN_EXPECTED])
        if kind == CHECKIN_RECURRING:
            anchor = period_start(on, rng.choice(["weekly", "biweekly", "monthly",
                                                  "half_yearly"]),
                                  POLICY.fortnight_epoch)
        elif kind in (FOLLOW_UP, OVERDUE_WEEKLY):
            anchor = week_of(on)
        elif kind in (CHECKIN_REPORT, CHECKIN_BLOCKED, BLOCKER_HANDLED, CHECKIN_EXPECTED):
            anchor = on - timedelta(days=rng.randrange(0, 20))
        else:
            anchor = due if rng.random() < 0.8 else due - timedelta(days=7)
        history.append(SentReminder(1, kind, anchor, on, rng.random() < 0.4))
    return state, history, after


@pytest.mark.parametrize("policy", [
    ReminderPolicy(),
    ReminderPolicy(escalate_after=6, escalate_every=3, report_quiet_days=4,
                   blocked_checkin_after=3, weekly_weekday=2),
    ReminderPolicy(before_days=(10, 2), overdue_first=2, undated_every=None,
                   recurring_default="weekly", weekly_weekday=4),
], ids=["defaults", "tight", "sparse-steps"])
def test_agrees_with_the_policy_asked_day_by_day(policy):
    rng = random.Random(57)
    exact = 0
    for case in range(1500):
        state, history, after = _random_case(rng)
        assert next_reminder_day(state, history, after, CALENDAR, policy) == brute_force(
            state, history, after, CALENDAR, policy), (case, state, history, after)
        found = next_reminder(state, history, after, CALENDAR, policy)
        if found is None or not found.exact:
            continue
        # The rules it names give, without the history, exactly the policy's steps that day;
        # stored and read back, they still do.
        want = (focal_step(state, history, found.day, CALENDAR, policy),
                escalation_step(state, history, found.day, CALENDAR, policy))
        assert steps_on(state, found, CALENDAR, policy) == want, (case, found)
        stored = NextReminder.decoded(found.day, found.encoded())
        assert steps_on(state, stored, CALENDAR, policy) == want, (case, found.encoded())
        exact += 1
    assert exact > 700


def test_fingerprint_follows_the_calendar_and_the_policy():
    base = schedule_fingerprint(CALENDAR, POLICY, "Asia/Ho_Chi_Minh")
    assert base == schedule_fingerprint(CALENDAR, ReminderPolicy(), "Asia/Ho_Chi_Minh")
    moved = replace(CALENDAR, extra_days_off=frozenset({D("2025-09-03")}))
    assert schedule_fingerprint(moved, POLICY, "Asia/Ho_Chi_Minh") != base
    assert schedule_fingerprint(CALENDAR, ReminderPolicy(escalate_every=5),
                                "Asia/Ho_Chi_Minh") != base
    assert schedule_fingerprint(CALENDAR, POLICY, "UTC") != base
