"""Weeks and working-day counts the follow-up policy reads (pure, cached: a scan asks often)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from domain.calendar import WorkCalendar

_ONE_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
# A calendar with no working day for this long is broken; stop instead of looping forever.
_MAX_SEARCH_WEEKS = 530


def week_of(day: date) -> date:
    """The Monday of `day`'s week (the anchor of its weekly lines)."""
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=8192)
def message_day(monday: date, calendar: WorkCalendar, weekday: int) -> date | None:
    """The week's consolidated-message day: its first working day from `weekday` on, if any."""
    for offset in range(weekday, 7):
        day = monday + timedelta(days=offset)
        if calendar.is_working_day(day):
            return day
    return None


@lru_cache(maxsize=8192)
def message_day_from(start: date, calendar: WorkCalendar, weekday: int) -> date:
    """The first consolidated-message day on or after `start`."""
    monday = week_of(start)
    for _ in range(_MAX_SEARCH_WEEKS):
        found = message_day(monday, calendar, weekday)
        if found is not None and found >= start:
            return found
        monday += _WEEK
    raise ValueError(f"no working day within {_MAX_SEARCH_WEEKS} weeks of {start}")


def overdue_days(due: date, today: date, calendar: WorkCalendar) -> int:
    """Working days in (due, today]: how late a deadline on `due` is on `today`."""
    return _count(calendar, due + _ONE_DAY, today + _ONE_DAY)


@lru_cache(maxsize=16384)
def _count(calendar: WorkCalendar, start: date, end: date) -> int:
    return calendar.count_working_days(start, end)
