"""Reminder rules the mutation run found unpinned (docs/MUTATION.md): one test per change."""

from __future__ import annotations

from dataclasses import replace

from domain.followup_steps import blocked_day
from domain.reminder_schedule import NextReminder, next_reminder
from domain.reminders import Recipient, ReminderPolicy, SentReminder, due_reminders
from tests.domain.test_reminders import CALENDAR, FOCAL, LEADER, POLICE, SECRETARIAT, D, task


def test_an_escalation_without_a_secretariat_is_warned_about_alone():
    # One escalation lost, nothing unreachable: the warning still comes (`or`, not `and`).
    plan = due_reminders([task(2, "2025-09-01")], [], (FOCAL, LEADER), D("2025-09-29"),
                         CALENDAR)
    assert plan.warnings == (
        "no secretariat member registered: 1 escalation(s) and 0 unreachable reminder(s) have"
        " nobody to go to",)


def test_a_group_without_members_is_named_in_the_warnings():
    group = replace(task(3, "2025-09-29", agency_id=POLICE), agency_name="Các Viện/trường",
                    agency_is_group=True)
    plan = due_reminders([group], [], (FOCAL, LEADER, SECRETARIAT), D("2025-09-29"), CALENDAR)
    assert len(plan.unreachable) == 1
    assert plan.warnings == (
        "group 3 (Các Viện/trường) has no members in the registry: its items need a concrete"
        " lead",)


def test_a_handled_blocker_asked_about_once_has_no_blocked_day_left():
    # Handled the day it was reported, its check-in sent the next day: only that check-in
    # could follow the handling, and it was asked, so the blocked step has no day.
    blocked = task(1, "2025-12-31", status="blocked", last_update_on="2025-09-22",
                   blocker_handled_on=D("2025-09-22"))
    asked = [SentReminder(1, "blocker_handled", D("2025-09-22"), D("2025-09-23"))]
    assert blocked_day(blocked, asked, D("2025-09-23"), CALENDAR, ReminderPolicy()) is None


def test_each_secretariat_gets_its_own_committees_escalations_most_urgent_first():
    first = Recipient(30, "secretariat", "tg:30", committee_id=1)
    second = Recipient(31, "secretariat", "tg:31", committee_id=2)
    states = [replace(task(1, "2025-09-01"), committee_id=1),
              replace(task(2, "2025-08-01", code="NV2"), committee_id=1),
              replace(task(3, "2025-09-01"), committee_id=2)]
    plan = due_reminders(states, [], (FOCAL, LEADER, first, second), D("2025-09-29"), CALENDAR)
    assert [(message.recipient.person_id, message.on,
             [(item.assignment.assignment_id, item.kind) for item in message.items])
            for message in plan.escalations] == [
        (20, D("2025-09-29"), [(2, "escalation_39"), (1, "escalation_19"), (3, "escalation_19")]),
        (30, D("2025-09-29"), [(2, "escalation_39"), (1, "escalation_19")]),
        (31, D("2025-09-29"), [(3, "escalation_19")])]


def test_a_report_dated_centuries_ahead_is_looked_at_again_tomorrow():
    # Every check-in period for 400 periods counts as reported: the search gives up and the
    # scan looks again the next day (never a day already past).
    odd = task(1, None, kind="undated", last_update_on="2600-01-01")
    assert next_reminder(odd, [], D("2025-09-29"), CALENDAR, ReminderPolicy()) == NextReminder(
        D("2025-09-30"))
