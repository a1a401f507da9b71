"""A completion said as a condition is never "done"; a year qualifier belongs to its date."""

from datetime import date

import pytest

from domain.replies import parse_reply

TODAY = date(2025, 11, 19)


@pytest.mark.parametrize(("text", "status"), [
    # "sẽ báo" is also an away phrase ("I will report later"); after "xong" it makes a condition.
    ("Đã nhận, xong sẽ báo", "in_progress"),
    ("Da nhan, xong se bao", "in_progress"),
    ("xong sẽ báo", "in_progress"),
    ("Xong thì báo lại ạ", "in_progress"),
    ("Em làm xong sẽ báo anh", "in_progress"),
    # Said as done, then a promise of the written report: still done.
    ("đã xong, sẽ báo cáo sau", "done"),
    ("Đã xong rồi, em sẽ báo cáo sau", "done"),
    ("NV3 đã hoàn thành, sẽ gửi báo cáo sau", "done"),
])
def test_a_completion_followed_by_will_report(text: str, status: str) -> None:
    assert parse_reply(text, TODAY).status == status


@pytest.mark.parametrize(("text", "due"), [
    ("tháng 3 năm sau sẽ xong", date(2026, 3, 31)),
    ("hoàn thành trong tháng 3 năm sau", date(2026, 3, 31)),
    ("tháng 10 năm tới hoàn thành", date(2026, 10, 31)),
    ("dự kiến 15/3 năm sau xong", date(2026, 3, 15)),
    ("Xin gia hạn đến tháng 3 năm sau", date(2026, 3, 31)),
    # A date whose completion is denied right after it is not the promise; the later one is.
    ("Thứ 6 tuần sau chưa xong, hẹn 30/12 xong", date(2025, 12, 30)),
    ("thứ 6 tuần sau xong", date(2025, 11, 28)),
    # Without a month, "năm sau" is the end of next year.
    ("xong trong năm sau", date(2026, 12, 31)),
    ("sang năm sau sẽ xong", date(2026, 12, 31)),
])
def test_next_year_qualifies_the_month_before_it(text: str, due: date) -> None:
    assert parse_reply(text, TODAY).new_due == due
