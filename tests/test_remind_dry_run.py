"""`dondoc remind --dry-run`: each line explained in words a secretariat reads."""

from __future__ import annotations

from dataclasses import replace

from cli.remind import render_plan
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
