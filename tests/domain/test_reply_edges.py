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
