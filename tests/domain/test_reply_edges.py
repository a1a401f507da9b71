"""Reply rules the mutation run found unpinned (docs/MUTATION.md): one row per surviving change."""

from __future__ import annotations

from datetime import date

import pytest

from domain.replies import parse_reply, read_view
from domain.reply_dates import new_due

TODAY = date(2025, 11, 21)  # a Friday


@pytest.mark.parametrize(("text", "expected"), [
    # "năm" closing the date and "sau"/"tới" right after it: next year ("sang năm sau").
    ("hoàn thành trong năm sau", date(2026, 12, 31)),
    ("hoàn thành trong năm tới", date(2026, 12, 31)),
    ("xong cuối năm sau", date(2026, 12, 31)),
    ("XONG CUỐI NĂM TỚI", date(2026, 12, 31)),
    ("hoàn thành trong năm nay", date(2025, 12, 31)),
    ("xong trong năm", date(2025, 12, 31)),
    ("xong trong năm, sau đó báo cáo", date(2025, 12, 31)),  # "sau" in the next clause
])
def test_the_year_after_a_date_ending_in_nam(text, expected):
    assert new_due(read_view(text), TODAY, False) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # A negator refuses the date up to three words before it, not four.
    ("không aa ab 30/11 sẽ xong", None),
    ("không aa ab ac 30/11 sẽ xong", date(2025, 11, 30)),
    ("chưa aa ab ac 30/11 sẽ xong", date(2025, 11, 30)),
])
def test_a_negator_reaches_three_words_before_the_date(text, expected):
    assert new_due(read_view(text), TODAY, False) == expected


@pytest.mark.parametrize(("text", "status"), [
    # A negator closing the clause counts only right after the completion word, not at the
    # start of the reply: "Không, đã hoàn thành rồi" answers "any problem?" and is done.
    ("Không, đã hoàn thành rồi.", "done"),
    ("Hoàn thành chưa?", "unclear"),
    # "được" before the completion states it: "Kế hoạch được phê duyệt" is not the neutral
    # "kế hoạch phê duyệt" (a plan's approval named, not reported).
    ("Kế hoạch được phê duyệt", "done"),
    ("Kế hoạch đã được phê duyệt", "done"),
])
def test_completion_words_in_their_context(text, status):
    assert parse_reply(text, TODAY).status == status


HEDGED = "partial work: completion hedged, denied or of a part only"


@pytest.mark.parametrize(("text", "status", "why"), [
    ("Chưa chắc đã xong", "in_progress", HEDGED),
    # A hedge reaches seven words back …
    ("chắc gì aa ab ac ad đã xong", "in_progress", HEDGED),
    ("chắc gì aa ab ac ad ae đã xong", "done", "a clear completion"),
    # … and 40 characters back from the completion word.
    ("chắc gì " + "x" * 28 + " đã xong", "in_progress", HEDGED),
    ("chắc gì " + "x" * 29 + " đã xong", "done", "a clear completion"),
    # A part named within five words after the completion, in its clause, makes it partial.
    ("đã xong aa ab ac ad phần", "in_progress", HEDGED),
    ("đã xong aa ab ac ad ae phần", "done", "a clear completion"),
    ("Đã hoàn thành, bước tiếp theo là tổng kết.", "done", "a clear completion"),
    ("Đã xong hết phần A", "in_progress", HEDGED),
    ("Đã hoàn thành được phần A", "in_progress", HEDGED),
    # "… thôi" after the completion: only that much is done; before it, it says nothing.
    ("Xong bản nháp thôi", "in_progress", HEDGED),
    ("xong ban nhap thoi", "in_progress", HEDGED),
    ("Yên tâm thôi đã xong rồi", "done", "a clear completion"),
    # Each partial reading names its rule.
    ("Chưa xong", "in_progress", "partial work: completion negated with 'chưa'"),
    ("Dự kiến sẽ xong", "in_progress", "partial work: completion expected, not reached"),
    ("Xong thì báo", "in_progress", "partial work: completion expected, not reached"),
])
def test_what_around_a_completion_makes_it_partial(text, status, why):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.why) == (status, why)


@pytest.mark.parametrize(("text", "status", "percent", "values", "due"), [
    # "đã" must stand before (or begin) this completion, not elsewhere in the reply: then a
    # completion with a date ahead is a promise, and "… thì …" a condition.
    ("Đã nhận, hoàn thành trước 30/11", "in_progress", None, (), date(2025, 11, 30)),
    ("Đã họp, xong thì báo", "in_progress", None, (), None),
    # A completion said as past ("đã phê duyệt", "xong rồi") stays done beside a later date.
    ("Đã phê duyệt, hoàn thành trước 30/11", "done", None, (), None),
    ("Kế hoạch đã được phê duyệt, triển khai trước 30/11", "done", None, (), None),
    ("Xong rồi, hoàn thành trước 30/11", "done", None, (), None),
    # A target met ("đạt/vượt kế hoạch") makes a later percent a measured value, whichever
    # completion comes last, and only when the completion itself is "đạt"/"vượt".
    ("Vượt kế hoạch, đã hoàn thành, 85%", "done", None, ("85%",), None),
    ("Đạt kế hoạch, 85%", "done", None, ("85%",), None),
    ("Đã vượt kế hoạch, đạt 85%", "done", None, ("đạt 85%",), None),
    ("Đã hoàn thành, đạt 85%", "in_progress", 85, (), None),
    # A negator right before a percent: the amount is not reached (no progress figure); two
    # words back it is not read as negating it.
    ("chưa 50%", "in_progress", None, (), None),
    ("mới chưa 50%", "in_progress", None, (), None),
    ("không aa 50%", "in_progress", 50, (), None),
    # 100% is progress even beside a completion and a measured noun; over 100 is no progress.
    ("Đã hoàn thành, 100% số hộ", "done", 100, (), None),
    ("đạt 101%", "done", None, (), None),
    ("vượt 101% kế hoạch", "done", None, (), None),
])
def test_completion_and_amount_readings(text, status, percent, values, due):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.percent, reply.values, reply.new_due) == (
        status, percent, values, due)


def test_a_date_is_read_in_its_own_clause():
    # The words after "30/11" ("năm sau") belong to its clause: read from the clause before,
    # it would lose them and give this year's 30/11.
    assert new_due(read_view("xin gia hạn, 30/11 năm sau"), TODAY, True) == date(2026, 11, 30)
    assert parse_reply("xin gia hạn, 30/11 năm sau", TODAY).new_due == date(2026, 11, 30)
    # A clause starts right after its comma, even with no space ("…,30/11").
    assert new_due(read_view("xin gia hạn,30/11"), TODAY, True) == date(2025, 11, 30)


@pytest.mark.parametrize(("text", "expected"), [
    # Asked on a Monday, "thứ Sáu tuần tới/sau" is the Friday of next week, not this week's.
    ("gia hạn đến thứ Sáu tuần tới", date(2025, 11, 28)),
    ("gia hạn đến thứ Sáu tuần sau", date(2025, 11, 28)),
    ("gia hạn đến thứ Sáu", date(2025, 11, 21)),
    ("gia hạn đến thứ Sáu tuần này", date(2025, 11, 21)),
])
def test_next_weeks_weekday_asked_on_a_monday(text, expected):
    assert new_due(read_view(text), date(2025, 11, 17), True) == expected


@pytest.mark.parametrize(("text", "status", "why"), [
    # Reply.why names every rule that read the reply (the secretariat sees it on review).
    ("hoàn thành 100% chưa", "unclear",
     "percent asked about or denied; completion asked about or denied"),
    ("xong 100% đâu", "in_progress",
     "partial work: percent asked about or denied; completion hedged, denied or of a part only"),
    ("chưa 50%", "in_progress", "partial work: amount not reached"),
    ("Xong 2/5 nhiệm vụ", "in_progress", "partial work: a share of the work"),
    ("Xong 5/5 nhiệm vụ", "done", "a clear completion"),
    ("Đạt 50%", "in_progress", "partial work: percent below 100"),
    ("Phần A xong, phần B chưa", "in_progress", "partial work: a part not yet done"),
    ("Đã ban hành văn bản lần 2.", "in_progress",
     "partial work: completion hedged, denied or of a part only; an official document as proof"),
    ("vượt 120% kế hoạch", "done", "a clear completion"),
])
def test_why_names_the_rules_that_read_the_reply(text, status, why):
    reply = parse_reply(text, TODAY)
    assert (reply.status, reply.why) == (status, why)
