"""The pieces around the reply parser: normaliser, dates, bare answers, the percent rule."""

from __future__ import annotations

from datetime import date

import pytest

from domain.replies import MAX_REPLY_CHARS, parse_reply
from domain.reply_answers import percent_answer, requested_date
from domain.reply_normalise import normalise

TODAY = date(2025, 11, 21)  # a Friday


@pytest.mark.parametrize(("typed", "normal"), [
    ("NV41 ht r", "NV41 ht roi"),  # no diacritics typed: expansions stay without
    ("ko vướng mắc j", "không vướng mắc gì"),
    ("đhth", "đã hoàn thành"),
    ("đã hòan thành", "đã hoàn thành"),
    ("Tòan bộ", "Toàn bộ"),
    ("vứơng mắc", "vướng mắc"),
    ("KO", "KHONG"),
    ("KH số 12/KH-UBND", "KH số 12/KH-UBND"),  # upper case "KH" is a plan, not "không"
    ("kh xong", "khong xong"),
    ("kh xong ạ", "không xong ạ"),
    ("1520/QĐ-UBND, NV12, r/2", "1520/QĐ-UBND, NV12, r/2"),  # glued to numbers: untouched
    ("hòa, thủy", "hòa, thủy"),  # open syllables are left alone
])
def test_normalise(typed, normal):
    assert normalise(typed) == normal


@pytest.mark.parametrize(("text", "due"), [
    ("30/11/2025", date(2025, 11, 30)),
    ("đến 15/01/2026", date(2026, 1, 15)),
    ("ngày 20/12", date(2025, 12, 20)),
    ("Quý I/2026", date(2026, 3, 31)),
    ("thứ Ba tuần tới", date(2025, 11, 25)),
    ("thứ 6 này", date(2025, 11, 21)),
    ("thứ Hai", date(2025, 11, 24)),
    ("chủ nhật tuần sau", date(2025, 11, 30)),
    ("sang năm", date(2026, 12, 31)),
    ("tháng sau", date(2025, 12, 31)),
    ("ngày mai", date(2025, 11, 22)),
    ("15/11/2025", None),  # past
    ("sớm nhất có thể", None),
    ("x" * (MAX_REPLY_CHARS + 1), None),
])
def test_requested_date(text, due):
    assert requested_date(text, TODAY) == due


@pytest.mark.parametrize(("text", "percent"), [
    ("45", 45), (" 45 % ", 45), ("khoảng 45", 45), ("45,5%", 45), ("100", 100), ("0", 0),
    ("101", None), ("45 ngày", None), ("NV45", None), ("", None),
])
def test_percent_answer(text, percent):
    assert percent_answer(text) == percent


def test_two_percents_keep_the_smallest():
    """The documented rule: two progress percents -> the smaller one (never over-report)."""
    assert parse_reply("Phần mềm đạt 80%, dữ liệu đạt 40%", TODAY).percent == 40
    assert parse_reply("đạt 40%; phần mềm xong 80%", TODAY).percent == 40


def test_a_measured_value_with_a_completion_is_done_with_the_value():
    reply = parse_reply("Đã hoàn thành, đạt 52% dân số trưởng thành có chữ ký số", TODAY)
    assert (reply.status, reply.percent) == ("done", None)
    assert reply.values == ("đạt 52% dân số trưởng thành có chữ ký số",)


def test_a_document_named_as_proof_is_the_evidence():
    assert parse_reply("Đã có QĐ phê duyệt số 1520/QĐ-UBND", TODAY).evidence == (
        "1520/QĐ-UBND",)
    assert parse_reply("UBND tỉnh đã ký QĐ rồi", TODAY).evidence == ("UBND tỉnh đã ký QĐ rồi",)


def test_every_reply_says_why():
    assert parse_reply("xong rồi chưa?", TODAY).why == "a question"
    assert parse_reply("xong rồi chưa", TODAY).why == "completion asked about or denied"
    assert parse_reply("em đang bận họp, chiều em nhắn", TODAY).why == "an away message"
    assert parse_reply("chưa hẳn đã xong", TODAY).why.startswith("partial work")


def test_a_reply_beyond_the_cap_is_not_read():
    reply = parse_reply("đã hoàn thành " * 1000, TODAY)
    assert (reply.status, reply.too_long) == ("unclear", True)
    assert not parse_reply("đã hoàn thành " * 10, TODAY).too_long


@pytest.mark.parametrize("verb", ["đạt", "được", "tới", "đến", "lên"])
def test_a_percent_not_yet_reached_is_not_recorded(verb):
    """ "chưa đạt 50%": every reaching verb behind a negation; without it, the percent counts."""
    negated = parse_reply(f"Tiến độ chưa {verb} 50%", TODAY)
    assert (negated.status, negated.percent) == ("in_progress", None)
    assert parse_reply(f"Tiến độ {verb} 50%", TODAY).percent == 50


@pytest.mark.parametrize("filler", ["hết", "được", "xong"])
def test_a_completion_of_a_part_after_a_filler_word_is_only_progress(filler):
    """ "xong hết phần thiết kế": the word after the completion does not hide the part."""
    reply = parse_reply(f"Đã hoàn thành {filler} phần thiết kế", TODAY)
    assert reply.status == "in_progress"
    assert parse_reply(f"Đã hoàn thành {filler}", TODAY).status == "done"


def test_a_date_answer_as_long_as_a_reply_may_be_is_still_read():
    head = "Xin gia hạn đến 30/11/2025"
    longest = head + "." * (MAX_REPLY_CHARS - len(head))
    assert len(longest) == MAX_REPLY_CHARS
    assert requested_date(longest, TODAY) == date(2025, 11, 30)
    assert requested_date(longest + ".", TODAY) is None


@pytest.mark.parametrize(("today", "text", "due"), [
    # From Friday 21/11/2025 and from Wednesday 10/12/2025 (the month after is in the next year).
    ("2025-11-21", "tháng sau", "2025-12-31"), ("2025-12-10", "tháng sau", "2026-01-31"),
    ("2025-11-21", "năm sau", "2026-12-31"),
    ("2025-11-21", "thứ Ba tuần sau", "2025-11-25"),
    ("2025-11-21", "thứ Ba tuần tới", "2025-11-25"),
    ("2025-11-21", "thứ Ba tuần sau nữa", "2025-12-02"),
    ("2025-12-10", "chủ nhật tuần sau nữa", "2025-12-28"),
    ("2025-12-10", "thứ Sáu tuần này", "2025-12-12"), ("2025-11-21", "thứ Hai tuần này", None),
    # 29/02 clearly past in a leap year: next year has none, so the end of February.
    ("2028-12-01", "Xin gia hạn đến 29/2", "2029-02-28"),
])
def test_relative_dates_in_an_answer(today, text, due):
    expected = date.fromisoformat(due) if due else None
    assert requested_date(text, date.fromisoformat(today)) == expected
