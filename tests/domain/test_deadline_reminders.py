"""What the reminder policy does with the deadlines the grown grammar reads: the same rules as
before, each new form landing on a kind the policy already knows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.deadlines import parse_deadline
from domain.followup_steps import focal_step
from domain.reminder_schedule import next_reminder_day
from domain.reminder_steps import CHECKIN_DEPENDENT, CHECKIN_RECURRING, before_kind
from domain.reminders import ReminderPolicy
from tests.domain.test_reminders import CALENDAR, D, task

POLICY = ReminderPolicy()


def state_for(text: str, last_update_on: date | None = None):
    return replace(task(), deadline=parse_deadline(text, 2025), last_update_on=last_update_on)


@pytest.mark.parametrize(("text", "today", "kind", "anchor"), [
    # Waiting for an event: the monthly check-in of items without a fixed date, like "Theo
    # tiến độ TW" (ReminderPolicy.dependent_every).
    ("sau khi Bộ ban hành hướng dẫn", "2025-10-06", CHECKIN_DEPENDENT, "2025-10-01"),
    ("khi Đề án được duyệt", "2025-10-06", CHECKIN_DEPENDENT, "2025-10-01"),
    ("Theo tiến độ TW", "2025-10-06", CHECKIN_DEPENDENT, "2025-10-01"),
    # A recurrence with its day: checked in at the start of each period, as before.
    ("trước ngày 25 hằng tháng", "2025-10-06", CHECKIN_RECURRING, "2025-10-01"),
    ("chậm nhất ngày 10 tháng cuối quý", "2025-10-06", CHECKIN_RECURRING, "2025-10-01"),
    ("thứ Hai hằng tuần", "2025-10-08", CHECKIN_RECURRING, "2025-10-06"),
    # Half-yearly periods start on 1 January and 1 July.
    ("6 tháng một lần", "2025-10-06", CHECKIN_RECURRING, "2025-07-01"),
    ("Định kỳ 6 tháng", "2026-01-05", CHECKIN_RECURRING, "2026-01-01"),
    # A date then a recurrence, a range, an open start, a status note: dated steps.
    ("Quý IV/2025 và hằng năm", "2025-12-31", before_kind(0), "2025-12-31"),
    ("Quý III/2025 - Quý IV/2025", "2025-12-31", before_kind(0), "2025-12-31"),
    ("từ nay đến hết quý IV/2025", "2025-12-31", before_kind(0), "2025-12-31"),
    ("Quý IV/2025 (chậm)", "2025-12-31", before_kind(0), "2025-12-31"),
])
def test_each_new_form_is_reminded_by_a_rule_the_policy_has(text, today, kind, anchor):
    step = focal_step(state_for(text), (), D(today), CALENDAR, POLICY)
    assert step is not None and (step.kind, step.anchor) == (kind, D(anchor))


def test_a_half_yearly_check_in_waits_for_the_next_half_once_answered():
    state = state_for("6 tháng một lần", last_update_on=D("2025-07-03"))
    assert focal_step(state, (), D("2025-12-31"), CALENDAR, POLICY) is None
    # The new half's check-in goes with its first weekly message (Monday 5 January), anchored
    # on the half's first day; not on Thursday 1 January, a day of its own.
    assert focal_step(state, (), D("2026-01-01"), CALENDAR, POLICY) is None
    assert focal_step(state, (), D("2026-01-05"), CALENDAR, POLICY).anchor == D("2026-01-01")
    assert next_reminder_day(state, (), D("2025-12-30"), CALENDAR, POLICY) == D("2026-01-05")
