"""What storage asks the reminder policy for: the scan's scope, next days, stored forms."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pytest

from domain.calendar import WorkCalendar
from domain.followup_steps import blocked_day, reached
from domain.reminder_schedule import (
    NextReminder,
    first_deadline_step_after,
    next_days,
    next_reminder,
    schedule_fingerprint,
)
from domain.reminders import (
    PlanResult,
    Recipient,
    ReminderPolicy,
    SentReminder,
    due_reminders,
    scan_scope,
    urgency_key,
)
from tests.domain.test_reminders import CALENDAR, RECIPIENTS, D, task

POLICY = ReminderPolicy()


def test_no_scope_on_a_day_off():
    assert scan_scope([D("2025-09-30")], D("2025-09-27"), CALENDAR, POLICY) is None
    assert scan_scope([D("2025-09-30")], D("2025-09-02"), CALENDAR, POLICY) is None


def test_the_scope_names_each_deadlines_step_escalation_and_the_periods():
    dues = [D("2025-09-30"), D("2025-10-09"), D("2025-09-01"), D("2025-12-31"),
            D("2025-09-30")]
    scope = scan_scope(dues, D("2025-09-30"), CALENDAR, POLICY)
    assert scope is not None
    assert (scope.on, scope.policy) == (D("2025-09-30"), POLICY)
    assert scope.deadline_kinds == {D("2025-09-30"): "due_today", D("2025-10-09"): "before_7",
                                    D("2025-09-01"): "overdue_1"}
    assert scope.escalation_kinds == {D("2025-09-01"): "escalation_20"}
    assert scope.superseded == {D("2025-09-30"): frozenset({"before_7", "before_1"}),
                                D("2025-10-09"): frozenset(),
                                D("2025-09-01"): frozenset({"before_7", "before_1",
                                                           "due_today"})}
    assert scope.period_starts == {
        "weekly": D("2025-09-29"), "biweekly": D("2025-09-22"), "monthly": D("2025-09-01"),
        "quarterly": D("2025-07-01"), "half_yearly": D("2025-07-01"),
        "yearly": D("2025-01-01")}


def test_next_days_reads_each_assignments_own_history():
    states = [task(1, "2025-09-30"), task(2, "2025-09-30")]
    sent = SentReminder(1, "before_7", D("2025-09-30"), D("2025-09-19"))
    late = SentReminder(2, "before_1", D("2025-09-30"), D("2025-09-26"))
    days = next_days(states, [sent, late], D("2025-09-22"), CALENDAR, POLICY)
    assert days == {
        1: next_reminder(states[0], [sent], D("2025-09-22"), CALENDAR, POLICY),
        2: NextReminder(D("2025-09-23"), exact=False)}
    # The unanswered T-7 makes the next step a follow-up, not the T-7 itself.
    assert days[1] == NextReminder(D("2025-09-23"), ("follow_up", D("2025-09-22")))
    alone = next_days(states[:1], [], D("2025-09-22"), CALENDAR, POLICY)
    assert alone == {1: NextReminder(D("2025-09-23"), ("before_7", D("2025-09-30")))}
    assert next_days([], [sent], D("2025-09-22"), CALENDAR, POLICY) == {}


def test_a_plan_records_each_due_step_on_its_day():
    plan = due_reminders([task(1, "2025-09-30"), task(2, "2025-09-01")], [], RECIPIENTS,
                         D("2025-09-30"), CALENDAR)
    assert plan.history_rows() == tuple(
        SentReminder(item.assignment_id, item.kind, item.anchor, D("2025-09-30"))
        for item in plan.due)
    assert {(row.assignment_id, row.kind) for row in plan.history_rows()} == {
        (1, "due_today"), (2, "overdue_1"), (2, "escalation_20")}


@pytest.mark.parametrize(("found", "stored"), [
    (NextReminder(D("2025-09-30"), exact=False), "?"),
    (NextReminder(D("2025-09-30")), ""),
    (NextReminder(D("2025-09-30"), escalation=True), "e"),
    (NextReminder(D("2025-09-30"), ("due_today", D("2025-09-30"))), "k=due_today@2025-09-30"),
    (NextReminder(D("2025-09-30"), ("before_7", D("2025-10-09")), True),
     "k=before_7@2025-10-09;e"),
])
def test_next_reminder_stored_and_read_back(found, stored):
    assert found.encoded() == stored
    assert NextReminder.decoded(found.day, stored) == found


def test_fingerprint_is_the_hash_of_policy_zone_weekend_and_days():
    calendar = WorkCalendar(holidays=frozenset({date(2025, 9, 2), date(2025, 9, 1)}),
                            extra_days_off=frozenset({date(2025, 9, 3)}))
    text = "|".join([repr(POLICY), "UTC", "[5, 6]", "2025-09-01,2025-09-02", "",
                     "2025-09-03"])
    expected = hashlib.sha256(text.encode()).hexdigest()[:32]
    assert schedule_fingerprint(calendar, POLICY, "UTC") == expected
    assert len(expected) == 32
    sunday_only = WorkCalendar(weekend=frozenset({6}))
    assert schedule_fingerprint(sunday_only, POLICY, "UTC") != schedule_fingerprint(
        WorkCalendar(), POLICY, "UTC")


def test_a_focal_person_or_leader_needs_an_agency():
    with pytest.raises(ValueError, match=r"^a leader recipient needs an agency \(person 7\)$"):
        Recipient(7, "leader", "tg:7")
    assert Recipient(8, "secretariat", "tg:8").agency_id is None


def test_urgency_puts_dated_items_first_then_the_least_time_left_then_the_code():
    plan = due_reminders([task(1, "2025-09-30", code="NV10"), task(2, "2025-09-01", code="NV2")],
                         [], RECIPIENTS, D("2025-09-30"), CALENDAR)
    keys = {item.kind: urgency_key(item) for item in plan.due}
    assert keys["due_today"] == (False, 0, ("nv", 10, ""), 1)
    assert keys["overdue_1"][:2] == (False, -29)
    undated = replace(plan.due[0], days_left=None)
    assert urgency_key(undated)[:2] == (True, 0)
    assert sorted([undated, *plan.due], key=urgency_key)[-1] is undated


def test_a_day_off_plans_nothing_but_says_which_day():
    off = due_reminders([task(1, "2025-09-02")], [], RECIPIENTS, D("2025-09-02"), CALENDAR)
    assert off == PlanResult(on=D("2025-09-02"))


def test_escalations_go_to_the_secretariat_members_only_in_their_order():
    people = (Recipient(40, "secretariat", "tg:40"), *RECIPIENTS,
              Recipient(31, "secretariat", "tg:31"))
    result = due_reminders([task(2, "2025-09-01")], [], people, D("2025-09-30"), CALENDAR)
    assert [(m.recipient.role, m.recipient.person_id) for m in result.escalations] == [
        ("leader", 20), ("secretariat", 30), ("secretariat", 31), ("secretariat", 40)]


def test_a_blocker_handled_on_the_day_it_was_reported_gets_its_check_in_next_day():
    blocked = task(1, "2025-12-31", status="blocked", last_update_on="2025-09-22",
                   blocker_handled_on=D("2025-09-22"))
    assert blocked_day(blocked, [], D("2025-09-22"), CALENDAR, POLICY) == D("2025-09-23")
    earlier = replace(blocked, blocker_handled_on=D("2025-09-19"))
    assert blocked_day(earlier, [], D("2025-09-22"), CALENDAR, POLICY) == D("2025-10-06")


def test_reached_counts_working_days_after_since_from_start_on():
    assert reached(D("2025-09-22"), 0, D("2025-09-15"), CALENDAR) == D("2025-09-23")
    assert reached(D("2025-09-22"), 1, D("2025-09-15"), CALENDAR) == D("2025-09-23")
    assert reached(D("2025-09-26"), 1, D("2025-09-15"), CALENDAR) == D("2025-09-29")
    assert reached(D("2025-09-22"), 2, D("2025-10-01"), CALENDAR) == D("2025-10-01")


def test_warnings_name_each_agency_and_what_nobody_receives():
    from tests.domain.test_reminders import FOCAL, HOME_AFFAIRS, LEADER, SECRETARIAT

    states = [task(2, "2025-09-01", agency_id=HOME_AFFAIRS),
              task(3, "2025-09-29", agency_id=HOME_AFFAIRS)]
    monday = due_reminders(states, [], (FOCAL, LEADER), D("2025-09-29"), CALENDAR)
    assert monday.warnings == (
        "agency 2 (Sở Nội vụ) has no leader registered: escalation goes to the secretariat"
        " only",
        "agency 2 (Sở Nội vụ) has no focal person registered: its reminders are listed for"
        " the secretariat",
        "no secretariat member registered: 1 escalation(s) and 2 unreachable reminder(s) have"
        " nobody to go to")
    tuesday = due_reminders(states[:1], [], (FOCAL, LEADER, SECRETARIAT), D("2025-09-30"),
                            CALENDAR)
    assert tuesday.warnings == (
        "agency 2 (Sở Nội vụ) has no leader registered: escalation goes to the secretariat"
        " only",)


def test_a_stored_next_day_gives_the_same_plan_as_the_history():
    states = [task(1, "2025-09-30"), task(2, "2025-09-10")]
    known = next_days(states, [], D("2025-09-29"), CALENDAR, POLICY)
    assert {key: value.day for key, value in known.items() if value} == {
        1: D("2025-09-30"), 2: D("2025-09-30")}
    with_known = due_reminders(states, [], RECIPIENTS, D("2025-09-30"), CALENDAR, POLICY,
                               known=known)
    assert with_known == due_reminders(states, [], RECIPIENTS, D("2025-09-30"), CALENDAR,
                                       POLICY)
    assert {item.kind for item in with_known.due} == {"due_today", "overdue_1", "escalation_14"}
    assert all(message.on == D("2025-09-30")
               for message in (*with_known.messages, *with_known.escalations))


def test_the_first_day_overdue_after_a_friday_deadline_is_monday():
    # A date no other test uses: _overdue_reaches is cached, and a cached answer would hide
    # a change in the search under it.
    friday = D("2031-01-03")
    calendar = WorkCalendar()
    assert friday.weekday() == 4
    assert first_deadline_step_after(friday, 0, friday, calendar, POLICY) == D("2031-01-06")
    assert first_deadline_step_after(friday, 0, D("2031-01-20"), calendar, POLICY) == D(
        "2031-01-21")
    assert first_deadline_step_after(friday, 1, friday, calendar, POLICY) is None
