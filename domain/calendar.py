"""The working calendar: weekends, public holidays, swapped days and office hours."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

_ONE_DAY = timedelta(days=1)
_SATURDAY, _SUNDAY = 5, 6
# A calendar with no working day for this long is broken; stop instead of looping forever.
_MAX_SEARCH_DAYS = 3660


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: the week minus weekend and holidays, plus the swaps."""

    # extra_working_days: weekend days worked for a bridge day off ("ngày làm bù");
    # extra_days_off: weekdays given off. An explicit day off beats an explicit working day,
    # which beats the weekend and holiday rules.
    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    extra_days_off: frozenset[date] = frozenset()
    weekend: frozenset[int] = field(default=frozenset({_SATURDAY, _SUNDAY}))
    # Every date some rule above names, sorted: counting corrects the plain weekday count there.
    _exceptions: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.weekend <= set(range(7)):
            raise ValueError(f"weekend days are weekday numbers 0-6, got {sorted(self.weekend)}")
        if len(self.weekend) == 7:
            raise ValueError("a week with no working day")
        named = self.holidays | self.extra_working_days | self.extra_days_off
        object.__setattr__(self, "_exceptions", tuple(sorted(named)))

    def is_working_day(self, day: date) -> bool:
        """True if offices are open that day."""
        if day in self.extra_days_off:
            return False
        if day in self.extra_working_days:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self._search(day + _ONE_DAY, _ONE_DAY)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        return self._search(day - _ONE_DAY, -_ONE_DAY)

    def on_or_after(self, day: date) -> date:
        """`day` itself if it is a working day, else the next one."""
        return self._search(day, _ONE_DAY)

    def on_or_before(self, day: date) -> date:
        """`day` itself if it is a working day, else the previous one."""
        return self._search(day, -_ONE_DAY)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it if negative); `day` itself for 0."""
        step = self.next_working_day if count > 0 else self.previous_working_day
        for _ in range(abs(count)):
            day = step(day)
        return day

    def count_working_days(self, start: date, end: date) -> int:
        """How many working days lie in [start, end); 0 if end <= start."""
        if end <= start:
            return 0
        full_weeks, rest = divmod((end - start).days, 7)
        per_week = 7 - len(self.weekend)
        count = full_weeks * per_week + sum(
            1
            for offset in range(rest)
            if (start + timedelta(days=full_weeks * 7 + offset)).weekday() not in self.weekend
        )
        for day in self._exceptions[bisect_left(self._exceptions, start) :]:
            if day >= end:
                break
            plain = day.weekday() not in self.weekend
            count += int(self.is_working_day(day)) - int(plain)
        return count

    def working_days_between(self, start: date, end: date) -> int:
        """Signed working days: those in (start, end], or minus those in [end, start) going back."""
        # Chosen so that working_days_between(d, add_working_days(d, n)) == n for every d and n;
        # it is antisymmetric when both ends are working days.
        if end >= start:
            return self.count_working_days(start + _ONE_DAY, end + _ONE_DAY)
        return -self.count_working_days(end, start)

    def _search(self, day: date, step: timedelta) -> date:
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(day):
                return day
            day += step
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {day.isoformat()}")


@dataclass(frozen=True)
class WorkingHours:
    """Office hours in a time zone: when a message may reach a civil servant's phone."""

    start: time
    end: time
    tz: tzinfo

    def __post_init__(self) -> None:
        if self.start >= self.end:
            raise ValueError(f"working hours must start before they end: {self.start}-{self.end}")

    def is_open(self, now: datetime, calendar: WorkCalendar) -> bool:
        """True if `now` (timezone-aware) is a working day inside office hours."""
        local = self._local(now)
        return calendar.is_working_day(local.date()) and self.start <= local.time() < self.end

    def next_opening(self, now: datetime, calendar: WorkCalendar) -> datetime:
        """`now` if open, else when the office next opens (in the configured time zone)."""
        if self.is_open(now, calendar):
            return now
        local = self._local(now)
        day = local.date()
        if not (calendar.is_working_day(day) and local.time() < self.start):
            day = calendar.next_working_day(day)
        return datetime.combine(day, self.start, tzinfo=self.tz)

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("a timezone-aware datetime is required")
        return now.astimezone(self.tz)
