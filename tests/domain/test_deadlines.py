"""Tests for the Vietnamese deadline parser."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.deadline_model import PeriodDay, decode_period_day
from domain.deadlines import Deadline, Every, last_day_of_month, parse_deadline

YEAR = 2025

# (text, expected due date) with default_year = 2025.
DATES = [
    # months
    ("Tháng 9", date(2025, 9, 30)),
    ("tháng 9", date(2025, 9, 30)),
    ("THÁNG 2", date(2025, 2, 28)),
    ("Tháng 7/2025", date(2025, 7, 31)),
    ("Tháng 7/2025.", date(2025, 7, 31)),
    ("Tháng 9/2025", date(2025, 9, 30)),
    ("Tháng 2/2024", date(2024, 2, 29)),
    ("tháng 10 năm 2025", date(2025, 10, 31)),
    ("Hoàn thành trong tháng 11/2025", date(2025, 11, 30)),
    ("trong tháng 9", date(2025, 9, 30)),
    ("tháng 09-2025", date(2025, 9, 30)),
    ("Tháng 12 2026", date(2026, 12, 31)),
    ("Chậm nhất tháng 10/2025", date(2025, 10, 31)),
    ("Cuối tháng 6", date(2025, 6, 30)),
    ("Đến hết tháng 8/2026", date(2026, 8, 31)),
    ("T9/2025", date(2025, 9, 30)),
    ("t10", date(2025, 10, 31)),
    ("9/2025", date(2025, 9, 30)),
    ("thang 9", date(2025, 9, 30)),
    ("Thang 7/2026", date(2026, 7, 31)),
    # quarters
    ("Quý I", date(2025, 3, 31)),
    ("Quý II", date(2025, 6, 30)),
    ("Quý III", date(2025, 9, 30)),
    ("Quý IV", date(2025, 12, 31)),
    ("Quý IV/2025", date(2025, 12, 31)),
    ("Quý 4", date(2025, 12, 31)),
    ("quý III năm 2025", date(2025, 9, 30)),
    ("quý iv", date(2025, 12, 31)),
    ("QUÝ 1/2026", date(2026, 3, 31)),
    ("Quý II-2026", date(2026, 6, 30)),
    ("Trong quý IV năm 2025", date(2025, 12, 31)),
    ("Q4/2025", date(2025, 12, 31)),
    ("Quy IV", date(2025, 12, 31)),
    ("Qúy IV", date(2025, 12, 31)),  # tone mark on the other vowel, as some typists write it
    # years
    ("Năm 2025", date(2025, 12, 31)),
    ("2025", date(2025, 12, 31)),
    ("2026", date(2026, 12, 31)),
    ("Trong năm 2025", date(2025, 12, 31)),
    ("Cuối năm 2025", date(2025, 12, 31)),
    ("Đến hết năm 2025", date(2025, 12, 31)),
    ("Hết năm 2025", date(2025, 12, 31)),
    ("cuối năm", date(2025, 12, 31)),
    ("trong năm", date(2025, 12, 31)),
    ("Năm nay", date(2025, 12, 31)),
    ("nam 2026", date(2026, 12, 31)),
    ("Thực hiện trong năm 2025", date(2025, 12, 31)),
    # halves
    ("6 tháng đầu năm", date(2025, 6, 30)),
    ("6 tháng cuối năm", date(2025, 12, 31)),
    ("6 tháng đầu năm 2026", date(2026, 6, 30)),
    ("06 tháng cuối năm 2026", date(2026, 12, 31)),
    ("Nửa đầu năm", date(2025, 6, 30)),
    # explicit days
    ("ngày 30/9/2025", date(2025, 9, 30)),
    ("trước ngày 30/9/2025", date(2025, 9, 30)),
    ("Hoàn thành trước ngày 15/11/2025", date(2025, 11, 15)),
    ("xong trước 31/10", date(2025, 10, 31)),
    ("30/9", date(2025, 9, 30)),
    ("30-9-2025", date(2025, 9, 30)),
    ("30.9.2025", date(2025, 9, 30)),
    ("30/9/25", date(2025, 9, 30)),
    ("ngày 30 tháng 9 năm 2025", date(2025, 9, 30)),
    ("ngày 5 tháng 1", date(2025, 1, 5)),
    ("Trước 15/10", date(2025, 10, 15)),
    ("29/2/2024", date(2024, 2, 29)),
    ("2025-09-30", date(2025, 9, 30)),
    ("ngay 30/9/2025", date(2025, 9, 30)),
    # periods
    ("Giai đoạn 2026-2030", date(2030, 12, 31)),
    ("giai đoạn 2026 - 2030", date(2030, 12, 31)),
    ("2026–2030", date(2030, 12, 31)),
    ("2025-2025", date(2025, 12, 31)),
    ("Từ 2026 đến 2030", date(2030, 12, 31)),
    # assessment column
    ("Quá hạn (Thời gian hoàn thành: Quý II)", date(2025, 6, 30)),
    ("Quá hạn (Thời hạn: Tháng 9/2025)", date(2025, 9, 30)),
    ("Thời hạn: Quý III", date(2025, 9, 30)),
    # ranges end at their end
    ("tháng 9-10", date(2025, 10, 31)),
    ("Quý III-IV", date(2025, 12, 31)),
]

RECURRING: list[tuple[str, Every]] = [
    ("Thường xuyên", "biweekly"),
    ("thuong xuyen", "biweekly"),
    ("Thường xuyên, liên tục", "biweekly"),
    ("Thực hiện thường xuyên", "biweekly"),
    ("Hằng tháng", "monthly"),
    ("Hàng tháng", "monthly"),
    ("hang thang", "monthly"),
    ("Hằng quý", "quarterly"),
    ("Hàng quý", "quarterly"),
    ("Hằng năm", "yearly"),
    ("Hàng năm", "yearly"),
    ("Hằng tuần", "weekly"),
    ("Hàng tuần", "weekly"),
    ("Định kỳ hằng tháng", "monthly"),
    ("2 tuần/1 lần", "biweekly"),
    ("2 tuần 1 lần", "biweekly"),
    ("02 tuần/lần", "biweekly"),
    ("1 tháng/1 lần", "monthly"),
    ("1 tháng, 1 lần", "monthly"),
    ("tháng/lần", "monthly"),
    ("3 tháng/lần", "quarterly"),
    ("1 lần/tuần", "weekly"),
    ("1 lần/2 tuần", "biweekly"),
]

DEPENDENT = [
    "Theo tiến độ TW",
    "Theo tiến độ của Trung ương",
    "Theo lộ trình của Trung ương",
    "Theo hướng dẫn của TW",
    "theo tien do TW",
    "Theo tiến độ của TƯ",
    "Sau khi có hướng dẫn",
]

UNKNOWN = [
    "",
    "   ",
    "\u00a0",
    "Tháng 13",
    "Tháng 0",
    "Quý V",
    "Quý 0",
    "Quý 5",
    "32/12/2025",
    "29/2/2025",
    "31/4",
    "30.9",
    "2030-2026",
    "Năm 0000",
    "Năm 1234",
    "năm",
    "Hoàn thành",
    "trước tháng 9",  # by 31/8 or by 30/9? not guessed
    "trước năm 2026",
    "Đầu năm 2026",
    "Tháng 9 hoặc tháng 10",
    "Theo tiến độ",
    "3 tuần/lần",
    "2 lần/tháng",
    "Định kỳ",
    "tuần lần",
    "Quý IV (dự kiến)",
    "Quá hạn",
    "Quá hạn (Thời gian hoàn thành: sớm)",
    "Kế hoạch số 328-KH/TU ngày 24/4/2025",
]


@pytest.mark.parametrize(("text", "due"), DATES)
def test_dated_phrases_resolve_to_their_last_day(text: str, due: date) -> None:
    assert parse_deadline(text, YEAR) == Deadline(raw=text, kind="date", due=due)


@pytest.mark.parametrize(("text", "every"), RECURRING)
def test_recurring_phrases_give_a_cadence(text: str, every: Every) -> None:
    assert parse_deadline(text, YEAR) == Deadline(raw=text, kind="recurring", every=every)


@pytest.mark.parametrize("text", DEPENDENT)
def test_central_schedule_phrases_are_dependent(text: str) -> None:
    assert parse_deadline(text, YEAR) == Deadline(raw=text, kind="dependent")


@pytest.mark.parametrize("text", UNKNOWN)
def test_unclear_phrases_are_unknown_and_keep_raw(text: str) -> None:
    assert parse_deadline(text, YEAR) == Deadline(raw=text, kind="unknown")


@pytest.mark.parametrize(
    ("text", "default_year", "due"),
    [
        ("Tháng 9", 2026, date(2026, 9, 30)),
        ("Quý II", 2024, date(2024, 6, 30)),
        ("cuối năm", 2030, date(2030, 12, 31)),
        ("30/9", 2026, date(2026, 9, 30)),
        ("29/2", 2024, date(2024, 2, 29)),
        ("Tháng 7/2025", 2030, date(2025, 7, 31)),
    ],
)
def test_year_comes_from_text_else_default(text: str, default_year: int, due: date) -> None:
    assert parse_deadline(text, default_year).due == due


def test_day_that_only_leap_years_have_is_unknown_in_other_years() -> None:
    assert parse_deadline("29/2", 2025).kind == "unknown"


ALL_PARSED = [text for text, _ in DATES] + [text for text, _ in RECURRING] + DEPENDENT


@pytest.mark.parametrize("text", ALL_PARSED)
def test_decomposed_diacritics_and_odd_spaces_read_the_same(text: str) -> None:
    expected = parse_deadline(text, YEAR)
    messy = "\u00a0" + unicodedata.normalize("NFD", text).replace(" ", "\u00a0 \t") + " \u202f"
    assert parse_deadline(messy, YEAR) == Deadline(
        raw=messy, kind=expected.kind, due=expected.due, every=expected.every
    )


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [(2025, 1, 31), (2025, 2, 28), (2024, 2, 29), (2100, 2, 28), (2000, 2, 29), (2025, 4, 30)],
)
def test_last_day_of_month(year: int, month: int, last: int) -> None:
    assert last_day_of_month(year, month) == date(year, month, last)


# The real appendix: every deadline cell of its section II must be understood.

SEED = Path(__file__).parents[2] / "examples" / "phu-luc-4362-CV-TU.txt"
DATA_ROW = re.compile(r"\d+\.")


def seed_section_two_deadlines(seed: Path) -> list[str]:
    """The last column of every numbered row after the section II header."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("II-"))
    cells = []
    in_table = False
    for line in lines[start:]:
        columns = line.split("\t")
        if columns[-1] == "Thời hạn hoàn thành":
            in_table = True
        elif in_table and DATA_ROW.fullmatch(columns[0]):
            cells.append(columns[-1])
    return cells


def test_every_seed_deadline_is_understood() -> None:
    cells = seed_section_two_deadlines(SEED)
    assert len(cells) >= 70
    unknown = [cell for cell in cells if parse_deadline(cell, YEAR).kind == "unknown"]
    assert unknown == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tháng 9", Deadline("Tháng 9", "date", date(2025, 9, 30))),
        ("Tháng 7/2025.", Deadline("Tháng 7/2025.", "date", date(2025, 7, 31))),
        ("Quý IV/2025", Deadline("Quý IV/2025", "date", date(2025, 12, 31))),
        ("Thường xuyên", Deadline("Thường xuyên", "recurring", every="biweekly")),
        ("Theo tiến độ TW", Deadline("Theo tiến độ TW", "dependent")),
    ],
)
def test_examples_from_the_issue(text: str, expected: Deadline) -> None:
    assert parse_deadline(text, YEAR) == expected


# Properties.

years = st.integers(min_value=1900, max_value=2199)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@given(st.text(), st.integers(min_value=1900, max_value=2200))
def test_never_raises_keeps_raw_and_is_consistent(text: str, default_year: int) -> None:
    result = parse_deadline(text, default_year)
    assert result.raw == text
    if result.kind == "date":  # a first due date may then recur ("Quý IV/2025 và hằng năm")
        assert result.due is not None
    elif result.kind == "recurring":
        assert result.every is not None and result.due is None
    else:
        assert result.due is None and result.every is None


@given(st.text(alphabet="0123456789/.-– ThángQuýIVXnăm", max_size=20), years)
def test_never_raises_on_deadline_like_noise(text: str, default_year: int) -> None:
    assert parse_deadline(text, default_year).raw == text


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_absurd_default_years_do_not_raise(default_year: int) -> None:
    result = parse_deadline("Tháng 9", default_year)
    assert result.kind in {"date", "unknown"}


@given(st.text())
def test_composed_and_decomposed_text_read_the_same(text: str) -> None:
    composed = parse_deadline(unicodedata.normalize("NFC", text), YEAR)
    decomposed = parse_deadline(unicodedata.normalize("NFD", text), YEAR)
    assert (composed.kind, composed.due, composed.every) == (
        decomposed.kind,
        decomposed.due,
        decomposed.every,
    )


@given(st.integers(min_value=1, max_value=12), years)
def test_month_of_year_gives_its_last_day(month: int, year: int) -> None:
    due = parse_deadline(f"Tháng {month}/{year}", YEAR).due
    assert due == last_day_of_month(year, month)
    assert due is not None and due.month == month and due.replace(day=1) < due


@given(st.integers(min_value=1, max_value=4), years, st.booleans(), st.booleans())
def test_quarter_gives_its_last_day(quarter: int, year: int, roman: bool, lower: bool) -> None:
    numeral = ROMAN[quarter] if roman else str(quarter)
    text = f"Quý {numeral}/{year}"
    due = parse_deadline(text.lower() if lower else text, YEAR).due
    assert due == last_day_of_month(year, 3 * quarter)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_written_day_gives_that_day(day: date) -> None:
    assert parse_deadline(f"ngày {day.day}/{day.month}/{day.year}", YEAR).due == day
    assert parse_deadline(f"ngày {day.day} tháng {day.month} năm {day.year}", YEAR).due == day


@given(st.integers(min_value=1, max_value=31), st.integers(min_value=1, max_value=12), years)
def test_impossible_days_are_unknown(day: int, month: int, year: int) -> None:
    result = parse_deadline(f"{day}/{month}/{year}", YEAR)
    if day > last_day_of_month(year, month).day:
        assert result.kind == "unknown"
    else:
        assert result.due == date(year, month, day)


@pytest.mark.parametrize(("day", "stored"), [
    (PeriodDay(weekday=1), "w1"), (PeriodDay(weekday=7), "w7"), (PeriodDay(day=25), "d25"),
    (PeriodDay(month=3, day=10), "m3d10"), (PeriodDay(month=12), "m12"),
])
def test_a_period_day_is_stored_and_read_back(day, stored):
    assert day.encoded() == stored
    assert decode_period_day(stored) == day


@pytest.mark.parametrize("stored", [None, "", "w8", "w0", "x1", "m123", "d25m3", "25"])
def test_a_stored_period_day_that_is_not_one_reads_as_none(stored):
    assert decode_period_day(stored) is None
