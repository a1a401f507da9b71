"""The real Vietnamese calendar from the holidays package (0.109): lunar holidays and swaps."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.holidays_vn import vietnam_calendar

D = date.fromisoformat
CALENDAR = vietnam_calendar([2025, 2026])


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        ("2025-01-01", False, "New Year"),
        ("2025-01-24", True, "Friday before Tết 2025"),
        ("2025-01-27", False, "29 Tết"),
        ("2025-01-28", False, "New Year's Eve (lunar)"),
        ("2025-01-29", False, "Tết 2025, first day"),
        ("2025-01-31", False, "third day of Tết"),
        ("2025-02-03", True, "back to work after Tết 2025"),
        ("2025-04-07", False, "Hùng Kings 2025 (lunar 10/3)"),
        ("2025-04-26", True, "Saturday worked for the 02/05 bridge day"),
        ("2025-04-30", False, "Reunification Day"),
        ("2025-05-01", False, "Labour Day"),
        ("2025-05-02", False, "bridge day off"),
        ("2025-09-01", False, "National Day, second day"),
        ("2025-09-02", False, "National Day"),
        ("2025-09-03", True, "after National Day"),
        ("2026-02-16", False, "New Year's Eve (lunar) 2026"),
        ("2026-02-17", False, "Tết 2026, first day"),
        ("2026-02-20", False, "fourth day of Tết 2026"),
        ("2026-02-23", True, "back to work after Tết 2026"),
        ("2026-04-27", False, "Hùng Kings 2026 fell on a Sunday: observed Monday"),
        ("2026-08-22", True, "Saturday worked for the 31/08 bridge day"),
        ("2026-08-31", False, "bridge day off"),
        ("2026-09-02", False, "National Day"),
        ("2026-11-24", False, "Vietnam Cultural Day, from 2026"),
    ],
)
def test_known_days(day, working, why):
    assert CALENDAR.is_working_day(D(day)) is working, why


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-24", "2025-02-03"),  # the whole Tết week is skipped
        ("2025-08-29", "2025-09-03"),  # National Day weekend
        ("2025-04-29", "2025-05-05"),  # 30/04, 01/05 and the bridge day
        ("2026-02-13", "2026-02-23"),  # Tết 2026 moved to February
    ],
)
def test_next_working_day_across_holidays(day, expected):
    assert CALENDAR.next_working_day(D(day)) == D(expected)


def test_lunar_new_year_moves_between_years():
    tet = (D("2025-01-29"), D("2026-01-29"), D("2026-02-17"))  # 29/01/2026 is an ordinary day
    assert [CALENDAR.is_working_day(day) for day in tet] == [False, True, False]


def test_working_saturdays_are_kept_to_the_years_asked_for():
    only_2025 = vietnam_calendar([2025])
    assert all(day.year == 2025 for day in only_2025.extra_working_days)
    assert D("2025-04-26") in only_2025.extra_working_days


def test_late_announced_swaps_can_be_added():
    calendar = vietnam_calendar(
        [2025], extra_working_days=[D("2025-09-06")], extra_days_off=[D("2025-09-05")]
    )
    assert calendar.is_working_day(D("2025-09-06"))
    assert not calendar.is_working_day(D("2025-09-05"))


def test_no_year_is_refused():
    with pytest.raises(ValueError):
        vietnam_calendar([])
