"""domain/reply_dates.py at its boundaries: how far back, how far ahead, which date is preferred."""

from __future__ import annotations

from datetime import date

import pytest

from domain.replies import read_view
from domain.reply_dates import new_due

TODAY = date(2025, 11, 21)  # a Friday


def due(text: str, for_extension: bool = True, assume_request: bool = False) -> date | None:
    return new_due(read_view(text), TODAY, for_extension, assume_request)


@pytest.mark.parametrize(("text", "expected"), [
    # A year-less date more than 90 days back, after a strong marker, is next year's.
    ("xin gia hạn đến 22/8", date(2026, 8, 22)),
    ("xin gia hạn đến 23/8", None),  # exactly 90 days back: just a past date, dropped
    ("xong trước 23/8/2025", None),  # a year written: never moved
    ("xin gia hạn đến 22/8/2025", None),
    ("xin gia hạn đến 22/8 vì năm 2025 nhiều việc", date(2026, 8, 22)),  # a year elsewhere
    ("gia hạn đến 31/12/2035", date(2035, 12, 31)),  # ten years ahead is still read
    ("gia hạn đến 31/12/2036", None),  # eleven is not
    ("đến 30/11 sẽ xong", date(2025, 11, 30)),
    ("30/11 thì xong", date(2025, 11, 30)), ("30/11 mới xong", date(2025, 11, 30)),
    ("30/11 xong", date(2025, 11, 30)), ("30/11 hoàn thành", date(2025, 11, 30)),
    ("ngày 30/11", None),  # a date with no promise around it
    ("kế hoạch 30/11", None),
    ("không xong được trước 30/11", None), ("chưa thể hoàn thành trong 30/11", None),
    ("hoàn thành 30/6 năm tới", date(2026, 6, 30)), ("sẽ xong 30/11 năm sau", date(2026, 11, 30)),
    ("sẽ xong ngày 30 tháng 11 năm 2026 nhé", date(2026, 11, 30)),
    ("dự kiến 20/11/2025", None),  # yesterday
    ("gia hạn thứ Sáu", date(2025, 11, 28)),  # today is Friday: the next one
    # A strong marker reaches eight words back from the date's first word.
    ("gia hạn aa ab ac ad ae af 30/11", date(2025, 11, 30)),
    ("gia hạn aa ab ac ad ae af ag 30/11", None),
    # A weak one only the last three words.
    ("trước ab ac 30/11", date(2025, 11, 30)), ("trước aa ab ac 30/11", None),
    ("đến 30/11", date(2025, 11, 30)),
    # Words after the date: two of them, in the same clause.
    ("30/11 mới làm được", date(2025, 11, 30)),
    ("ngày 30/11, sẽ xong", None), ("ngày 30/11 phải hoàn thành", None),
    # "tháng 10 năm sau": the year word closes the date phrase, the next word moves it.
    ("hoàn thành trong tháng 10 năm sau", date(2026, 10, 31)),
    ("hoàn thành trong tháng 10 năm tới", date(2026, 10, 31)),
    ("hoàn thành trong tháng 10 năm nay", date(2025, 12, 31)),
])
def test_a_date_is_read_when_a_promise_or_request_is_around_it(text, expected):
    assert due(text) == expected


def test_a_bare_date_counts_when_the_bot_asked_for_one():
    assert due("ngày 30/11", assume_request=True) == date(2025, 11, 30)
    assert due("đến 22/8 xong", assume_request=True) == date(2026, 8, 22)
    assert due("đến 22/8 xong") is None


def test_for_an_extension_the_date_next_to_the_request_wins():
    assert due("dự kiến 30/11, gia hạn đến 15/12") == date(2025, 12, 15)
    assert due("dự kiến 30/11, gia hạn đến 15/12", for_extension=False) == date(2025, 11, 30)
    # Every date counts as requested after the bot's question: the first one is taken.
    assert due("dự kiến 30/11, gia hạn đến 15/12", assume_request=True) == date(2025, 11, 30)
    assert due("gia hạn 15/12; dự kiến 30/11", for_extension=False) == date(2025, 12, 15)
