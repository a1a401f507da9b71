"""domain/weeks.py: the week's message day, the next one, how late a deadline is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.calendar import WorkCalendar
from domain.weeks import message_day, message_day_from, overdue_days, week_of

PLAIN = WorkCalendar()
MONDAY = date(2025, 11, 17)


def test_week_of_is_the_monday():
    assert [week_of(MONDAY + timedelta(days=n)) for n in range(7)] == [MONDAY] * 7
    assert week_of(MONDAY + timedelta(days=7)) == date(2025, 11, 24)


def test_message_day_is_the_first_working_day_from_the_weekday():
    assert message_day(MONDAY, PLAIN, 0) == MONDAY
    assert message_day(MONDAY, PLAIN, 4) == date(2025, 11, 21)
    off_monday = WorkCalendar(holidays=frozenset({MONDAY}))
    assert message_day(MONDAY, off_monday, 0) == date(2025, 11, 18)
    rest_of_week = WorkCalendar(holidays=frozenset({date(2025, 11, 20), date(2025, 11, 21)}))
    assert message_day(MONDAY, rest_of_week, 3) is None
    sunday_worked = WorkCalendar(holidays=frozenset({date(2025, 11, 21)}),
                                 extra_working_days=frozenset({date(2025, 11, 23)}))
    assert message_day(MONDAY, sunday_worked, 4) == date(2025, 11, 23)


def test_message_day_from_takes_the_first_on_or_after_the_start():
    assert message_day_from(MONDAY, PLAIN, 0) == MONDAY
    assert message_day_from(MONDAY + timedelta(days=1), PLAIN, 0) == date(2025, 11, 24)
    assert message_day_from(date(2025, 11, 21), PLAIN, 4) == date(2025, 11, 21)
    assert message_day_from(date(2025, 11, 22), PLAIN, 4) == date(2025, 11, 28)
    # A week without its message day is skipped.
    off = WorkCalendar(holidays=frozenset(MONDAY + timedelta(days=n) for n in range(7, 12)))
    assert message_day_from(MONDAY + timedelta(days=1), off, 0) == date(2025, 12, 1)


def test_message_day_from_stops_on_a_calendar_without_working_days():
    start = date(2025, 1, 6)
    closed = WorkCalendar(holidays=frozenset(start + timedelta(days=n) for n in range(7 * 531)))
    with pytest.raises(ValueError, match=r"^no working day within 530 weeks of 2025-01-06$"):
        message_day_from(start, closed, 0)
    # 529 closed weeks: the 530th week still gives a day.
    almost = WorkCalendar(holidays=frozenset(start + timedelta(days=n) for n in range(7 * 529)))
    assert message_day_from(start, almost, 0) == start + timedelta(weeks=529)


def test_overdue_days_counts_working_days_after_the_deadline_up_to_today():
    assert overdue_days(date(2025, 11, 21), date(2025, 11, 21), PLAIN) == 0
    assert overdue_days(date(2025, 11, 21), date(2025, 11, 23), PLAIN) == 0
    assert overdue_days(date(2025, 11, 21), date(2025, 11, 24), PLAIN) == 1
    assert overdue_days(date(2025, 11, 20), date(2025, 11, 21), PLAIN) == 1
    assert overdue_days(date(2025, 11, 14), date(2025, 11, 21), PLAIN) == 5
