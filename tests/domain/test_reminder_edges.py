"""Reminder rules the mutation run found unpinned (docs/MUTATION.md): one test per change."""

from __future__ import annotations

from dataclasses import replace

from domain.reminders import due_reminders
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
