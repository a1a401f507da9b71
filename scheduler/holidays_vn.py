"""Vietnam's public holidays from the `holidays` package, as a WorkCalendar (the only importer)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from domain.calendar import WorkCalendar


def vietnam_calendar(
    years: Iterable[int],
    extra_working_days: Iterable[date] = (),
    extra_days_off: Iterable[date] = (),
) -> WorkCalendar:
    """Vietnam's working calendar for those years, lunar holidays (Tết, Hùng Kings) included."""
    # The package carries observed days and the published swaps (a weekday off, a Saturday
    # worked); extra_* adds swaps the government announces after the package's release.
    wanted = sorted(set(years))
    if not wanted:
        raise ValueError("at least one year is needed")
    vietnam = holidays.country_holidays("VN", years=wanted)
    # weekend_workdays spans every year the package knows; keep only the years asked for so the
    # calendar says the same thing whatever else has been loaded.
    worked_weekends = {day for day in vietnam.weekend_workdays if day.year in wanted}
    return WorkCalendar(
        holidays=frozenset(vietnam.keys()),
        extra_working_days=frozenset(worked_weekends | set(extra_working_days)),
        extra_days_off=frozenset(extra_days_off),
        weekend=frozenset(vietnam.weekend),
    )
