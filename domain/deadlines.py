"""Vietnamese deadline phrases ("Quý IV/2025", "Tháng 9", "Thường xuyên") -> Deadline."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from domain.text import fold, strip_diacritics

DeadlineKind = Literal["date", "recurring", "dependent", "unknown"]
Every = Literal["weekly", "biweekly", "monthly", "quarterly", "yearly"]


@dataclass(frozen=True)
class Deadline:
    """A parsed deadline: a due date, a recurrence, a dependency, or unknown (raw kept)."""

    raw: str
    kind: DeadlineKind
    due: date | None = None
    every: Every | None = None


def last_day_of_month(year: int, month: int) -> date:
    """The last day of that month; ValueError if the month or year is impossible."""
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_deadline(text: str, default_year: int) -> Deadline:
    """Read a deadline cell; never raises, never guesses: anything unclear is kind="unknown"."""
    meaning = _parse_key(_key(text), default_year, depth=0)
    if meaning is None:
        return Deadline(raw=text, kind="unknown")
    return replace(meaning, raw=text)


# Everything below works on a "key": NFC, one space, casefolded, diacritics dropped, so that
# "Quý IV", "QUÝ IV", "Quy iv" and a Word file's decomposed "Quý" all read the same.

# Years written in the text outside this window are typos, not deadlines.
_PLAUSIBLE_YEARS = range(1900, 2200)
_MAX_NESTING = 3

_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!…]+$")
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_UNITS: dict[str, Every] = {
    "tuan": "weekly",
    "thang": "monthly",
    "quy": "quarterly",
    "nam": "yearly",
}
# (how many units, unit) -> cadence; anything else ("3 tuần/lần") has no cadence of ours.
_COUNTED_CADENCES: dict[tuple[int, str], Every] = {
    (1, "tuan"): "weekly",
    (2, "tuan"): "biweekly",
    (1, "thang"): "monthly",
    (3, "thang"): "quarterly",
    (12, "thang"): "yearly",
    (1, "quy"): "quarterly",
    (1, "nam"): "yearly",
}

# Leading words that only say "finish by": "Hoàn thành trong", "Đến hết", "Chậm nhất", "cuối".
# "cuối" is filler because every period already resolves to its last day.
_FILLER = re.compile(
    r"(?:hoan thanh|thuc hien|xong|den|toi|het|trong|vao|cham nhat|cuoi)(?: |$)", re.ASCII
)
# "trước" means "by" only before a day ("trước ngày 30/9"); "trước tháng 9" could mean by
# 31/8 or by 30/9, so it is left unknown rather than guessed.
_BEFORE = re.compile(r"truoc(?: |$)", re.ASCII)
# A column label the cell may repeat: "Thời hạn: Quý II".
_LABEL = re.compile(
    r"(?:thoi gian hoan thanh|thoi han(?: hoan thanh)?|han(?: hoan thanh)?) ?: ?", re.ASCII
)

_YEAR_SUFFIX = r"(?: ?[/.-] ?| (?:nam )?)(\d{4})"
_MONTH = re.compile(r"(?:thang ?|t)(\d{1,2})(?:" + _YEAR_SUFFIX + r")?", re.ASCII)
_MONTH_OF_YEAR = re.compile(r"(\d{1,2}) ?[/.-] ?(\d{4})", re.ASCII)
_QUARTER = re.compile(r"(?:quy ?|q)([ivx]{1,4}|\d{1,2})(?:" + _YEAR_SUFFIX + r")?", re.ASCII)
_YEAR = re.compile(r"(?:nam )?(\d{4})", re.ASCII)
_THIS_YEAR = re.compile(r"nam nay", re.ASCII)
_BARE_YEAR = re.compile(r"nam", re.ASCII)
_HALF_YEAR = re.compile(r"(?:0?6 thang|nua) (dau|cuoi) nam(?: (\d{4}))?", re.ASCII)
_PERIOD = re.compile(r"(?:giai doan |tu )?(\d{4}) ?(?:[-–—]|den) ?(\d{4})", re.ASCII)
_DAY_NUMERIC = re.compile(
    r"(?:ngay )?(\d{1,2}) ?([/.-]) ?(\d{1,2})(?: ?\2 ?(\d{4}|\d{2})| nam (\d{4}))?", re.ASCII
)
_DAY_SPELLED = re.compile(r"(?:ngay )?(\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?", re.ASCII)
_DAY_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ONGOING = re.compile(r"thuong xuyen(?:(?:,| va)? ?lien tuc)?", re.ASCII)
_EVERY_UNIT = re.compile(r"(?:dinh ky )?(?:hang|moi) (tuan|thang|quy|nam)", re.ASCII)
_UNITS_PER_TIME = re.compile(
    # "2 tuần/1 lần", "02 tuần/lần", "2 tuần 1 lần"; a bare "tuần lần" is not enough.
    r"(?:dinh ky )?(?:(\d{1,2}) )?(tuan|thang|quy|nam)(?: ?/ ?(?:(\d{1,2}) )?| ?,? (\d{1,2}) )lan",
    re.ASCII,
)
_TIMES_PER_UNITS = re.compile(
    r"(?:dinh ky )?(?:(\d{1,2}) )?lan ?/ ?(?:(\d{1,2}) )?(tuan|thang|quy|nam)", re.ASCII
)
_CENTRAL_SCHEDULE = re.compile(
    r"theo (?:tien do|lo trinh|huong dan|chi dao|ke hoach|yeu cau)(?: chung)?"
    r" (?:cua )?(?:tw|tu|t\.u|trung uong|chinh phu)",
    re.ASCII,
)
_ASSESSMENT = re.compile(
    r"(?:(?:qua han|trong han|dung han|chua den han|dang thuc hien|chua thuc hien) ?)?"
    r"\((?:thoi gian hoan thanh|thoi han(?: hoan thanh)?|han(?: hoan thanh)?) ?: ?(.+)\)",
    re.ASCII,
)


def _key(text: str) -> str:
    return _TRAILING_PUNCTUATION.sub("", strip_diacritics(fold(text)))


def _parse_key(key: str, default_year: int, depth: int) -> Deadline | None:
    assessment = _ASSESSMENT.fullmatch(key)
    if assessment:
        if depth >= _MAX_NESTING:
            return None
        return _parse_key(_key(assessment.group(1)), default_year, depth + 1)

    core, had_filler, before = _strip_filler(key)
    rules = _DAY_RULES if before else _DAY_RULES + _PERIOD_RULES + _OPEN_RULES
    for rule in rules:
        found = rule(core, default_year)
        if found is not None:
            return found
    if had_filler and not before and _BARE_YEAR.fullmatch(core):
        # "Trong năm", "Cuối năm": the year being spoken of is the document's year.
        return _due(_year_end(None, default_year))
    return None


def _strip_filler(key: str) -> tuple[str, bool, bool]:
    """Drop leading filler; say whether any was dropped and whether "trước" was among it."""
    had_filler = before = False
    label = _LABEL.match(key)
    if label:
        key = key[label.end() :]
    while True:
        filler = _FILLER.match(key)
        if filler:
            key, had_filler = key[filler.end() :], True
            continue
        before_word = _BEFORE.match(key)
        if before_word:
            key, had_filler, before = key[before_word.end() :], True, True
            continue
        return key, had_filler, before


def _due(due: date | None) -> Deadline | None:
    return None if due is None else Deadline(raw="", kind="date", due=due)


def _every(every: Every | None) -> Deadline | None:
    return None if every is None else Deadline(raw="", kind="recurring", every=every)


def _year(written: str | None, default_year: int) -> int | None:
    """The year written in the text (if plausible), else the default year."""
    if written is None:
        return default_year
    year = int(written)
    return year if year in _PLAUSIBLE_YEARS else None


def _safe_date(year: int | None, month: int, day: int) -> date | None:
    if year is None:
        return None
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def _month_end(written_year: str | None, default_year: int, month: int) -> date | None:
    year = _year(written_year, default_year)
    if year is None or not 1 <= month <= 12:
        return None
    try:
        return last_day_of_month(year, month)
    except (ValueError, OverflowError):
        return None


def _year_end(written_year: str | None, default_year: int) -> date | None:
    return _safe_date(_year(written_year, default_year), 12, 31)


def _quarter_number(numeral: str) -> int | None:
    if numeral.isdigit():
        number = int(numeral)
        return number if 1 <= number <= 4 else None
    return _ROMAN_QUARTERS.get(numeral)


# Rules: each reads a filler-free key and returns a Deadline (raw filled in later) or None.


def _rule_day(core: str, default_year: int) -> Deadline | None:
    numeric = _DAY_NUMERIC.fullmatch(core)
    if numeric:
        day, separator, month, year_digits, year_spelled = numeric.groups()
        if year_digits is None and separator != "/":
            # "30.9" or "30-9" alone reads as a number or a range as easily as a date.
            return None
        written = year_digits or year_spelled
        if written is not None and len(written) == 2:
            written = f"20{written}"
        return _due(_safe_date(_year(written, default_year), int(month), int(day)))
    spelled = _DAY_SPELLED.fullmatch(core)
    if spelled:
        day, month, written = spelled.groups()
        return _due(_safe_date(_year(written, default_year), int(month), int(day)))
    iso = _DAY_ISO.fullmatch(core)
    if iso:
        year, month, day = iso.groups()
        return _due(_safe_date(_year(year, default_year), int(month), int(day)))
    return None


def _rule_month(core: str, default_year: int) -> Deadline | None:
    month = _MONTH.fullmatch(core) or _MONTH_OF_YEAR.fullmatch(core)
    if month is None:
        return None
    return _due(_month_end(month.group(2), default_year, int(month.group(1))))


def _rule_quarter(core: str, default_year: int) -> Deadline | None:
    quarter = _QUARTER.fullmatch(core)
    if quarter is None:
        return None
    number = _quarter_number(quarter.group(1))
    if number is None:
        return None
    return _due(_month_end(quarter.group(2), default_year, 3 * number))


def _rule_half_year(core: str, default_year: int) -> Deadline | None:
    half = _HALF_YEAR.fullmatch(core)
    if half is None:
        return None
    month = 6 if half.group(1) == "dau" else 12
    return _due(_month_end(half.group(2), default_year, month))


def _rule_year(core: str, default_year: int) -> Deadline | None:
    if _THIS_YEAR.fullmatch(core):
        return _due(_year_end(None, default_year))
    year = _YEAR.fullmatch(core)
    return None if year is None else _due(_year_end(year.group(1), default_year))


def _rule_period(core: str, default_year: int) -> Deadline | None:
    period = _PERIOD.fullmatch(core)
    if period is None:
        return None
    first, last = _year(period.group(1), default_year), _year(period.group(2), default_year)
    if first is None or last is None or last < first:
        return None
    return _due(_safe_date(last, 12, 31))


def _rule_ongoing(core: str, default_year: int) -> Deadline | None:
    # Ongoing work gets the check-in cadence the committee asked for: every two weeks.
    return _every("biweekly") if _ONGOING.fullmatch(core) else None


def _rule_every_unit(core: str, default_year: int) -> Deadline | None:
    every = _EVERY_UNIT.fullmatch(core)
    return None if every is None else _every(_UNITS[every.group(1)])


def _rule_counted(core: str, default_year: int) -> Deadline | None:
    units_per_time = _UNITS_PER_TIME.fullmatch(core)
    if units_per_time:
        units, unit, times_after_slash, times_after_space = units_per_time.groups()
        times = times_after_slash or times_after_space
    else:
        times_per_units = _TIMES_PER_UNITS.fullmatch(core)
        if times_per_units is None:
            return None
        times, units, unit = times_per_units.groups()
    if times is not None and int(times) != 1:
        return None
    return _every(_COUNTED_CADENCES.get((int(units or 1), unit)))


def _rule_central_schedule(core: str, default_year: int) -> Deadline | None:
    if _CENTRAL_SCHEDULE.fullmatch(core) is None:
        return None
    return Deadline(raw="", kind="dependent")


_Rule = Callable[[str, int], Deadline | None]
_DAY_RULES: tuple[_Rule, ...] = (_rule_day,)
_PERIOD_RULES: tuple[_Rule, ...] = (
    _rule_month,
    _rule_quarter,
    _rule_half_year,
    _rule_period,
    _rule_year,
)
_OPEN_RULES: tuple[_Rule, ...] = (
    _rule_ongoing,
    _rule_every_unit,
    _rule_counted,
    _rule_central_schedule,
)
