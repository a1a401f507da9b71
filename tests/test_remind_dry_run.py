"""`dondoc remind --dry-run`: each line explained in words a secretariat reads."""

from __future__ import annotations

from dataclasses import replace

from cli.remind import render_plan
from domain.reminder_reasons import explain
from domain.reminder_steps import (
    BLOCKER_HANDLED,
    CHECKIN_BLOCKED,
    CHECKIN_DEPENDENT,
    CHECKIN_EXPECTED,
    CHECKIN_INDICATOR,
    CHECKIN_RECURRING,
    CHECKIN_REPORT,
    CHECKIN_UNDATED,
    DUE_TODAY,
    FOLLOW_UP,
    OVERDUE_WEEKLY,
    ReminderPolicy,
    before_kind,
    escalation_kind,
    make_step,
    overdue_kind,
)
from domain.reminders import due_reminders
from tests.domain.test_reminders import CALENDAR, RECIPIENTS, D, task


def test_each_line_says_its_rule_in_vietnamese_with_the_code_beside():
    states = [task(1, "2025-09-30", status="not_started"),
              task(2, "2025-09-01", status="not_started", code="NV2")]
    history = [replace(step.recorded(D("2025-09-29")), answered=False)
               for step in due_reminders(states[:1], [], RECIPIENTS, D("2025-09-29"),
                                         CALENDAR).due]
    plan = due_reminders(states, history, RECIPIENTS, D("2025-09-30"), CALENDAR)
    text = render_plan(plan, ["tg:30"])
    assert "NV1: nhắc đúng ngày đến hạn (hạn 30/09/2025) [due_today]" in text
    assert ("NV2: báo lãnh đạo đơn vị và Cơ quan thường trực: quá hạn 20 ngày làm việc"
            in text)
    assert "[escalation_20]" in text
    assert "báo khi quá hạn từ 10 ngày làm việc, các lần báo cách nhau ít nhất 10" in text
    done = [replace(step.recorded(D("2025-10-01")), answered=False) for step in
            due_reminders(states[:1], history, RECIPIENTS, D("2025-10-01"), CALENDAR).due]
    later = due_reminders(states[:1], history + done, RECIPIENTS, D("2025-10-06"), CALENDAR)
    assert "NV1: tin tổng hợp hằng tuần: lần nhắc trước chưa được trả lời" in render_plan(
        later, ["tg:30"])


def test_every_kind_of_line_has_its_own_vietnamese_explanation():
    policy = ReminderPolicy()
    state = replace(task(1, "2025-09-30", last_update_on="2025-09-17"),
                    expected_on=D("2025-09-24"))
    kinds = [before_kind(7), before_kind(1), DUE_TODAY, overdue_kind(1), FOLLOW_UP,
             OVERDUE_WEEKLY, CHECKIN_REPORT, CHECKIN_EXPECTED, CHECKIN_BLOCKED, BLOCKER_HANDLED,
             CHECKIN_RECURRING, CHECKIN_DEPENDENT, CHECKIN_INDICATOR, CHECKIN_UNDATED,
             escalation_kind(10)]
    said = {kind: explain(make_step(state, kind, D("2025-09-24"), D("2025-10-14"), CALENDAR,
                                    policy), policy) for kind in kinds}
    assert len(set(said.values())) == len(kinds), said  # no two rules read the same
    vietnamese = set("ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ")
    for kind, text in said.items():
        assert vietnamese & set(text.lower()), (kind, text)
        assert text != "đề nghị cập nhật tiến độ", kind  # not the catch-all
    assert said[CHECKIN_EXPECTED].startswith(
        "hỏi lại một lần vào ngày dự kiến hoàn thành đơn vị đã báo (24/09/2025)")
