"""WorkCalendar arithmetic around weekends, holidays and swapped days; office hours."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import WorkCalendar, WorkingHours

D = date.fromisoformat
# National Day 2025 as a hand-built calendar: Mon 01/09 and Tue 02/09 off.
NATIONAL_DAY = WorkCalendar(holidays=frozenset({D("2025-09-01"), D("2025-09-02")}))
# The 2025 Labour Day swap: Fri 02/05 off, Sat 26/04 worked.
SWAPPED = WorkCalendar(
    holidays=frozenset({D("2025-04-30"), D("2025-05-01")}),
    extra_working_days=frozenset({D("2025-04-26")}),
    extra_days_off=frozenset({D("2025-05-02")}),
)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE = WorkingHours(time(8, 0), time(17, 0), HCM)


@pytest.mark.parametrize(
    ("calendar", "day", "working"),
    [
        (NATIONAL_DAY, "2025-08-29", True),  # Friday
        (NATIONAL_DAY, "2025-08-30", False),  # Saturday
        (NATIONAL_DAY, "2025-08-31", False),  # Sunday
        (NATIONAL_DAY, "2025-09-01", False),  # holiday on a Monday
        (NATIONAL_DAY, "2025-09-02", False),
        (NATIONAL_DAY, "2025-09-03", True),
        (SWAPPED, "2025-04-26", True),  # Saturday worked in exchange
        (SWAPPED, "2025-04-27", False),
        (SWAPPED, "2025-05-02", False),  # bridge Friday off
        (SWAPPED, "2025-05-05", True),
    ],
)
def test_is_working_day(calendar, day, working):
    assert calendar.is_working_day(D(day)) is working


def test_an_explicit_day_off_beats_an_explicit_working_day():
    day = D("2025-04-26")
    calendar = WorkCalendar(extra_working_days=frozenset({day}), extra_days_off=frozenset({day}))
    assert not calendar.is_working_day(day)


def test_an_explicit_working_day_beats_a_holiday():
    day = D("2025-09-02")
    calendar = WorkCalendar(holidays=frozenset({day}), extra_working_days=frozenset({day}))
    assert calendar.is_working_day(day)


@pytest.mark.parametrize(
    ("method", "day", "expected"),
    [
        ("next_working_day", "2025-08-29", "2025-09-03"),
        ("next_working_day", "2025-08-30", "2025-09-03"),
        ("next_working_day", "2025-09-03", "2025-09-04"),
        ("next_working_day", "2025-09-05", "2025-09-08"),
        ("previous_working_day", "2025-09-03", "2025-08-29"),
        ("previous_working_day", "2025-09-08", "2025-09-05"),
        ("on_or_after", "2025-09-03", "2025-09-03"),
        ("on_or_after", "2025-08-30", "2025-09-03"),
        ("on_or_before", "2025-09-02", "2025-08-29"),
        ("on_or_before", "2025-09-04", "2025-09-04"),
    ],
)
def test_neighbouring_working_days(method, day, expected):
    assert getattr(NATIONAL_DAY, method)(D(day)) == D(expected)


@pytest.mark.parametrize(
    ("calendar", "day", "count", "expected"),
    [
        (NATIONAL_DAY, "2025-08-29", 1, "2025-09-03"),
        (NATIONAL_DAY, "2025-08-29", 2, "2025-09-04"),
        (NATIONAL_DAY, "2025-08-25", 5, "2025-09-03"),
        (NATIONAL_DAY, "2025-09-03", -1, "2025-08-29"),
        (NATIONAL_DAY, "2025-09-05", -3, "2025-08-29"),
        (NATIONAL_DAY, "2025-09-07", 1, "2025-09-08"),  # from a Sunday
        (NATIONAL_DAY, "2025-09-07", -1, "2025-09-05"),
        (NATIONAL_DAY, "2025-09-01", 0, "2025-09-01"),  # 0 never moves, even off a holiday
        (SWAPPED, "2025-04-25", 1, "2025-04-26"),  # the worked Saturday counts
        (SWAPPED, "2025-04-29", 1, "2025-05-05"),
        (SWAPPED, "2025-04-28", -1, "2025-04-26"),
    ],
)
def test_add_working_days(calendar, day, count, expected):
    assert calendar.add_working_days(D(day), count) == D(expected)


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        (NATIONAL_DAY, "2025-08-29", "2025-09-04", 2),  # [29/08, 04/09): 29/08 and 03/09
        (NATIONAL_DAY, "2025-09-01", "2025-09-03", 0),
        (NATIONAL_DAY, "2025-09-03", "2025-09-03", 0),
        (NATIONAL_DAY, "2025-09-05", "2025-09-01", 0),
        (NATIONAL_DAY, "2025-09-01", "2025-10-01", 20),
        (SWAPPED, "2025-04-21", "2025-05-05", 8),
    ],
)
def test_count_working_days(calendar, start, end, expected):
    assert calendar.count_working_days(D(start), D(end)) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-08-29", "2025-09-03", 1),
        ("2025-09-03", "2025-08-29", -1),
        ("2025-08-29", "2025-08-29", 0),
        ("2025-08-30", "2025-09-04", 2),  # from a Saturday: 03/09 and 04/09
        ("2025-09-04", "2025-08-30", -1),  # back from Thursday to Saturday: only 03/09
        ("2025-09-06", "2025-09-05", -1),  # back from Saturday to Friday: the Friday
    ],
)
def test_working_days_between_is_signed(start, end, expected):
    assert NATIONAL_DAY.working_days_between(D(start), D(end)) == expected


@pytest.mark.parametrize(
    ("weekend", "reason"),
    [(frozenset({7}), r"^weekend days are weekday numbers 0-6, got \[7\]$"),
     (frozenset(range(7)), "^a week with no working day$")],
    ids=["bad weekday", "no working day"],
)
def test_impossible_weekends_are_refused(weekend, reason):
    with pytest.raises(ValueError, match=reason):
        WorkCalendar(weekend=weekend)


def test_searching_a_calendar_with_no_working_day_stops():
    start = D("2025-01-01")
    closed = WorkCalendar(holidays=frozenset(start + timedelta(days=n) for n in range(4000)))
    with pytest.raises(ValueError, match="no working day"):
        closed.next_working_day(start)


WINDOW_START = D("2025-01-01")
offsets = st.integers(min_value=0, max_value=120)
calendars = st.builds(
    lambda off, on: WorkCalendar(
        holidays=frozenset(WINDOW_START + timedelta(days=n) for n in off),
        extra_working_days=frozenset(WINDOW_START + timedelta(days=n) for n in on),
    ),
    st.sets(offsets, max_size=40),
    st.sets(offsets, max_size=10),
)


@given(calendars, offsets, st.integers(min_value=-15, max_value=15))
def test_add_and_between_agree(calendar, offset, count):
    day = WINDOW_START + timedelta(days=offset)
    landed = calendar.add_working_days(day, count)
    assert calendar.working_days_between(day, landed) == count
    if count:
        assert calendar.is_working_day(landed)


@given(calendars, offsets, offsets)
def test_between_is_antisymmetric_between_working_days(calendar, a, b):
    start = calendar.on_or_after(WINDOW_START + timedelta(days=a))
    end = calendar.on_or_after(WINDOW_START + timedelta(days=b))
    assert calendar.working_days_between(start, end) == -calendar.working_days_between(end, start)


@given(calendars, offsets, offsets)
def test_count_matches_day_by_day(calendar, a, b):
    start, end = WINDOW_START + timedelta(days=a), WINDOW_START + timedelta(days=b)
    brute = sum(
        calendar.is_working_day(start + timedelta(days=n)) for n in range((end - start).days)
    )
    assert calendar.count_working_days(start, end) == brute


@given(calendars, offsets)
def test_next_working_day_skips_only_days_off(calendar, offset):
    day = WINDOW_START + timedelta(days=offset)
    following = calendar.next_working_day(day)
    assert following > day
    assert calendar.is_working_day(following)
    assert calendar.count_working_days(day + timedelta(days=1), following) == 0


@pytest.mark.parametrize(
    ("now", "is_open"),
    [
        (datetime(2025, 9, 3, 8, 0, tzinfo=HCM), True),
        (datetime(2025, 9, 3, 7, 59, tzinfo=HCM), False),
        (datetime(2025, 9, 3, 16, 59, tzinfo=HCM), True),
        (datetime(2025, 9, 3, 17, 0, tzinfo=HCM), False),
        (datetime(2025, 9, 2, 10, 0, tzinfo=HCM), False),  # National Day
        (datetime(2025, 9, 6, 10, 0, tzinfo=HCM), False),  # Saturday
        (datetime(2025, 9, 3, 1, 0, tzinfo=UTC), True),  # 08:00 in Hanoi
        (datetime(2025, 9, 3, 0, 59, tzinfo=UTC), False),
    ],
)
def test_office_hours(now, is_open):
    assert OFFICE.is_open(now, NATIONAL_DAY) is is_open


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 8, 29, 17, 30, tzinfo=HCM), datetime(2025, 9, 3, 8, 0, tzinfo=HCM)),
        (datetime(2025, 9, 3, 6, 0, tzinfo=HCM), datetime(2025, 9, 3, 8, 0, tzinfo=HCM)),
        (datetime(2025, 9, 3, 9, 15, tzinfo=HCM), datetime(2025, 9, 3, 9, 15, tzinfo=HCM)),
        (datetime(2025, 9, 1, 9, 0, tzinfo=HCM), datetime(2025, 9, 3, 8, 0, tzinfo=HCM)),
        (datetime(2025, 9, 4, 23, 0, tzinfo=UTC), datetime(2025, 9, 5, 8, 0, tzinfo=HCM)),
    ],
)
def test_next_opening(now, expected):
    assert OFFICE.next_opening(now, NATIONAL_DAY) == expected


class _NoOffset(tzinfo):
    """A tzinfo that knows no offset: as naive as no tzinfo at all."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None


@pytest.mark.parametrize("naive", [
    datetime(2025, 9, 3, 10, 0, tzinfo=UTC).replace(tzinfo=None),
    datetime(2025, 9, 3, 10, 0, tzinfo=_NoOffset()),
], ids=["no tzinfo", "tzinfo without offset"])
def test_office_hours_refuse_naive_datetimes(naive):
    with pytest.raises(ValueError, match=r"^a timezone-aware datetime is required$"):
        OFFICE.is_open(naive, NATIONAL_DAY)


@pytest.mark.parametrize(("start", "end"), [(time(17, 0), time(8, 0)), (time(8, 0), time(8, 0))],
                         ids=["reversed", "empty"])
def test_office_hours_must_start_before_they_end(start, end):
    with pytest.raises(ValueError, match=f"^working hours must start before they end: "
                                         f"{start}-{end}$"):
        WorkingHours(start, end, HCM)


def test_domain_never_imports_the_holidays_package():
    domain = Path(__file__).resolve().parents[2] / "domain"
    for source in domain.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "holidays" for name in names), source.name
