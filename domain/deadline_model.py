"""A parsed deadline: a due date, a recurrence (with its day of the period), a dependency."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

DeadlineKind = Literal["date", "recurring", "dependent", "unknown"]
Every = Literal["weekly", "biweekly", "monthly", "quarterly", "half_yearly", "yearly"]

# Months in one period of each cadence: a day of the period names a month within it.
MONTHS_IN_PERIOD: dict[Every, int] = {"monthly": 1, "quarterly": 3, "half_yearly": 6,
                                      "yearly": 12}


@dataclass(frozen=True)
class PeriodDay:
    """The day of its period a recurring deadline falls on ("ngày 25 hằng tháng", "thứ Hai").

    `weekday` (1 = Monday … 7 = Sunday) for weekly cadences; otherwise `month` (1-based, within
    the period: 3 = the last month of a quarter, 12 = December) and `day` of that month, either
    of which may be unsaid ("tháng 12 hằng năm" has no day: the month's last).
    """

    month: int | None = None
    day: int | None = None
    weekday: int | None = None

    def encoded(self) -> str:
        """Storage form: "w1", "d25", "m3d10", "m12" (read back by decode_period_day)."""
        if self.weekday is not None:
            return f"w{self.weekday}"
        month = f"m{self.month}" if self.month is not None else ""
        day = f"d{self.day}" if self.day is not None else ""
        return month + day


_ENCODED = re.compile(r"w([1-7])|(?:m(\d{1,2}))?(?:d(\d{1,2}))?", re.ASCII)


def decode_period_day(text: str | None) -> PeriodDay | None:
    """The PeriodDay `PeriodDay.encoded` wrote; None for None, "" or anything else."""
    if not text:
        return None
    found = _ENCODED.fullmatch(text)
    if found is None:
        return None
    weekday, month, day = found.groups()
    if weekday is not None:
        return PeriodDay(weekday=int(weekday))
    return PeriodDay(month=int(month) if month else None, day=int(day) if day else None)


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline: a due date, a recurrence, a dependency, or unknown (raw kept).

    A "date" may also carry `every`: a first due date, then recurring ("Quý IV/2025 và hằng
    năm"). `on` is the day of the period of a recurrence, when the text names one. `reason`
    says why an unknown deadline was not read, when it is not simply outside the grammar.
    """

    raw: str
    kind: DeadlineKind
    due: date | None = None
    every: Every | None = None
    on: PeriodDay | None = None
    reason: str | None = None


def last_day_of_month(year: int, month: int) -> date:
    """The last day of that month; ValueError if the month or year is impossible."""
    return date(year, month, calendar.monthrange(year, month)[1])
