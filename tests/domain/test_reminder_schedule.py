"""next_reminder_day: the first day the policy fires, found without asking it day by day."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.reminder_schedule import (
    NextReminder,
    next_reminder,
    next_reminder_day,
    schedule_fingerprint,
    steps_on,
)
from domain.reminder_steps import (
    CHECKIN_RECURRING,
    FOLLOW_UP,
    before_kind,
    escalation_kind,
    escalation_step,
    focal_step,
    overdue_kind,
    period_start,
)
from domain.reminders import ReminderPolicy, SentReminder
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
    (task(due="2025-09-30"), [], "2025-08-01", "2025-09-10",
     "14 working days before 30/09, National Day (1-2/09) not counted"),
    (task(due="2025-09-30"), [sent(before_kind(14), "2025-09-30", "2025-09-10", True)],
     "2025-09-10", "2025-09-19", "the 7-day step after the (answered) 14-day one"),
    (task(due="2025-09-30"), [sent(before_kind(0), "2025-09-30", "2025-09-30", True)], "2025-09-30",
     "2025-10-01", "first working day overdue"),
    (task(due="2025-09-30"), [sent(overdue_kind(1), "2025-09-30", "2025-10-01", True)],
     "2025-10-01", "2025-10-06", "every 3 working days overdue: 1 → 4"),
    (task(due="2025-09-30"), [sent(overdue_kind(1), "2025-09-30", "2025-10-01")],
     "2025-10-01", "2025-10-03", "unanswered: the follow-up 2 working days later comes first"),
    (task(due="2025-09-30", last_update_on="2025-10-02"),
     [sent(overdue_kind(1), "2025-09-30", "2025-10-01")], "2025-10-02", "2025-10-06",
     "an update answered the reminder: no follow-up"),
    (task(due="2025-09-30"), [sent(overdue_kind(7), "2025-09-30", "2025-10-09", True),
                              sent(escalation_kind(10), "2025-09-30", "2025-10-14")],
     "2025-10-14", "2025-10-14", "impossible history (escalation sent after `after`): tomorrow"),
    (task(due="2025-09-30"), [sent(overdue_kind(10), "2025-09-30", "2025-10-14", True),
                              sent(escalation_kind(10), "2025-09-30", "2025-10-14")],
     "2025-10-14", "2025-10-17", "overdue 13 next; escalation only once"),
    (task(due=None, kind="recurring", every="monthly"),
     [sent(CHECKIN_RECURRING, "2025-10-01", "2025-10-01", True)], "2025-10-01", "2025-11-01",
     "monthly check-in: the next period's first day (a Saturday; the scan takes it Monday)"),
    (task(due=None, kind="recurring", every="monthly", last_update_on="2025-11-03"),
     [sent(CHECKIN_RECURRING, "2025-10-01", "2025-10-01", True)], "2025-11-05", "2025-12-01",
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
    if rng.random() < 0.4:
        state = replace(state, last_update_on=after - timedelta(days=rng.randrange(0, 40)))
    if rng.random() < 0.05:
        state = replace(state, status="done")
    history = []
    for _ in range(rng.randrange(0, 5)):
        on = after - timedelta(days=rng.randrange(0, 30))
        kind = rng.choice([before_kind(rng.choice([14, 7, 3, 1, 0])), overdue_kind(rng.choice(
            [1, 4, 7, 10, 13])), escalation_kind(rng.choice([6, 10, 12])), CHECKIN_RECURRING,
            FOLLOW_UP])
        if kind == CHECKIN_RECURRING:
            anchor = period_start(on, rng.choice(["weekly", "biweekly", "monthly",
                                                  "half_yearly"]),
                                  POLICY.fortnight_epoch)
        elif kind == FOLLOW_UP:
            anchor = on - timedelta(days=rng.randrange(2, 6))
        else:
            anchor = due if rng.random() < 0.8 else due - timedelta(days=7)
        history.append(SentReminder(1, kind, anchor, on, rng.random() < 0.4))
    return state, history, after


@pytest.mark.parametrize("policy", [
    ReminderPolicy(),
    ReminderPolicy(escalate_after=(6, 12), overdue_every=2, follow_up_after=3),
    ReminderPolicy(before_days=(10, 2), overdue_first=2, undated_every=None,
                   recurring_default="weekly"),
], ids=["defaults", "two-escalations", "sparse-steps"])
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
    assert exact > 1000


def test_fingerprint_follows_the_calendar_and_the_policy():
    base = schedule_fingerprint(CALENDAR, POLICY, "Asia/Ho_Chi_Minh")
    assert base == schedule_fingerprint(CALENDAR, ReminderPolicy(), "Asia/Ho_Chi_Minh")
    moved = replace(CALENDAR, extra_days_off=frozenset({D("2025-09-03")}))
    assert schedule_fingerprint(moved, POLICY, "Asia/Ho_Chi_Minh") != base
    assert schedule_fingerprint(CALENDAR, ReminderPolicy(overdue_every=2),
                                "Asia/Ho_Chi_Minh") != base
    assert schedule_fingerprint(CALENDAR, POLICY, "UTC") != base
