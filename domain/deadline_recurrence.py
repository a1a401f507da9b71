"""Recurring deadline phrases ("Hằng tháng", "trước ngày 25 hằng tháng", "6 tháng một lần").

Everything here reads a deadline key (see domain.deadlines: folded, no diacritics, one space).
Every pattern is anchored or a plain search with bounded repetition, so a key is read in time
linear in its length.
"""

from __future__ import annotations

import re
from datetime import date

from domain.deadline_model import Every, PeriodDay

_UNITS: dict[str, Every] = {"tuan": "weekly", "thang": "monthly", "quy": "quarterly",
                            "nam": "yearly"}
# (how many units, unit) -> cadence; anything else ("3 tuần/lần") has no cadence of ours.
_COUNTED_CADENCES: dict[tuple[int, str], Every] = {
    (1, "tuan"): "weekly",
    (2, "tuan"): "biweekly",
    (1, "thang"): "monthly",
    (3, "thang"): "quarterly",
    (6, "thang"): "half_yearly",
    (12, "thang"): "yearly",
    (1, "quy"): "quarterly",
    (2, "quy"): "half_yearly",
    (1, "nam"): "yearly",
}
_ONE = r"(?:\d{1,2}|mot)"
_ONGOING = re.compile(r"thuong xuyen(?:(?:,| va)? ?lien tuc)?", re.ASCII)
# A cadence phrase, searched for anywhere in the key; each alternative names its groups.
_CADENCE = re.compile(
    r"(?:dinh ky )?(?:hang|moi|vao moi) (?P<unit>tuan|thang|quy|nam)(?! ?/)"
    # "2 tuần/1 lần", "02 tuần/lần", "2 tuần 1 lần", "6 tháng một lần"; a bare "tuần lần" is not.
    r"|(?:dinh ky |moi )?(?:(?P<units>\d{1,2}) )?(?P<counted>tuan|thang|quy|nam)"
    rf"(?: ?/ ?(?:(?P<slash_times>{_ONE}) )?| ?,? (?P<times>{_ONE}) )lan"
    rf"|(?:dinh ky )?(?:(?P<per_times>{_ONE}) )?lan ?/ ?(?:(?P<per_units>\d{{1,2}}) )?"
    r"(?P<per>tuan|thang|quy|nam)"
    r"|(?:dinh ky |moi )(?P<every_units>\d{1,2}) (?P<every_unit>tuan|thang)(?! ?/)"
    r"|(?:moi |hang )?nua nam (?:mot|1) lan|(?:hang|moi) nua nam"
    r"|(?P<then>(?:cac|nhung) (?:nam|quy|thang) (?:tiep theo|sau|ke tiep|tiep sau))",
    re.ASCII,
)
# Report every six months and every year: the shorter cadence reminds often enough for both.
_HALF_AND_YEAR = re.compile(
    r"(?:bao cao |dinh ky )?(?:so ket )?(?:06|6) thang(?:,| va| va ca| ,) (?:hang |ca )?nam",
    re.ASCII,
)
# Words around a day of the period that only say "by" or "report": "hằng tháng, trước ngày 25".
_AROUND = re.compile(
    r"(?:truoc|cham nhat|vao|han|dinh ky|gui bao cao|bao cao|gui|thuc hien|hoan thanh|trong"
    r"|den|toi|het|thuong xuyen|lien tuc|va)(?: |$)",
    re.ASCII,
)
_SEPARATORS = re.compile(r"[(),;:]|\s-\s")
_SPACES = re.compile(r" +")
_WEEKDAYS = {"2": 1, "hai": 1, "3": 2, "ba": 2, "4": 3, "tu": 3, "5": 4, "nam": 4, "6": 5,
             "sau": 5, "7": 6, "bay": 6}
_WEEKDAY = re.compile(
    r"(?:(?:buoi )?(?:sang|chieu) )?(?:ngay )?(?:thu (2|3|4|5|6|7|hai|ba|tu|nam|sau|bay)"
    r"|(chu nhat|cn))", re.ASCII)
_DAY_OF_MONTH = re.compile(r"(?:ngay )?(\d{1,2})(?: (?:cua |hang |moi )?thang)?", re.ASCII)
_MONTH_IN_QUARTER = {"dau": 1, "thu nhat": 1, "thu 1": 1, "giua": 2, "thu hai": 2, "thu 2": 2,
                     "cuoi": 3, "thu ba": 3, "thu 3": 3}
_DAY_OF_QUARTER = re.compile(
    r"(?:(?:ngay )?(\d{1,2}) (?:cua )?)?thang (dau|giua|cuoi|thu (?:nhat|hai|ba|1|2|3))"
    r" (?:cua )?(?:moi |hang |cac )?quy",
    re.ASCII,
)
_DAY_OF_YEAR = re.compile(
    r"(?:ngay )?(\d{1,2}) ?/ ?(\d{1,2})|(?:ngay (\d{1,2}) )?thang (\d{1,2})", re.ASCII)


def read_plain_cadence(key: str) -> Every | None:
    """The cadence of a key that is only a cadence ("Hằng quý", "2 tuần/lần", "Thường xuyên")."""
    if _ONGOING.fullmatch(key):
        # Ongoing work gets the check-in cadence the committee asked for: every two weeks.
        return "biweekly"
    if _HALF_AND_YEAR.fullmatch(key):
        return "half_yearly"
    found = _CADENCE.fullmatch(key)
    return _cadence_of(found) if found else None


def read_recurrence(key: str) -> tuple[Every, PeriodDay | None] | None:
    """A cadence with its day of the period ("thứ Hai hằng tuần"), or None if the key is not."""
    plain = read_plain_cadence(key)
    if plain is not None:
        return plain, None
    found = _CADENCE.search(key)
    if found is None:
        # "chậm nhất ngày 10 tháng cuối quý": the quarter is the period, though unsaid.
        if "quy" not in key:
            return None
        rest, _ = _rest(key)
        day = _DAY_OF_QUARTER.fullmatch(rest)
        return ("quarterly", _quarter_day(day)) if day is not None and day.group(1) else None
    every = _cadence_of(found)
    if every is None or found.group("then"):
        return None
    rest, before = _rest(key[: found.start()] + " " + key[found.end() :])
    if not rest:
        return every, None
    on = _period_day(rest, every)
    if on is None or (before and on.day is None and on.weekday is None):
        # "trước tháng 12 hằng năm": by 30/11 or by 31/12? Not guessed, as for one year.
        return None
    return every, on


def _cadence_of(found: re.Match[str]) -> Every | None:
    groups = found.groupdict()
    if groups["unit"]:
        return _UNITS[groups["unit"]]
    if groups["then"]:
        return _UNITS[groups["then"].split(" ")[1]]
    if groups["counted"]:
        times = groups["slash_times"] or groups["times"]
        units, unit = groups["units"], groups["counted"]
    elif groups["per"]:
        times, units, unit = groups["per_times"], groups["per_units"], groups["per"]
    elif groups["every_unit"]:
        times, units, unit = None, groups["every_units"], groups["every_unit"]
    else:  # "nửa năm một lần"
        return "half_yearly"
    if times is not None and times not in ("1", "01", "mot"):
        return None
    return _COUNTED_CADENCES.get((int(units or 1), unit))


def _rest(text: str) -> tuple[str, bool]:
    """What is left around a cadence, separators gone and "by"/"report" words dropped; and
    whether "trước" was among them."""
    rest = _SPACES.sub(" ", _SEPARATORS.sub(" ", text)).strip()
    before = False
    while True:
        word = _AROUND.match(rest)
        if word is None:
            return rest, before
        before = before or word.group(0).strip() == "truoc"
        rest = rest[word.end() :]


def _period_day(rest: str, every: Every) -> PeriodDay | None:
    """The day of the period `rest` names for that cadence, if it names a possible one."""
    if every in ("weekly", "biweekly"):
        weekday = _WEEKDAY.fullmatch(rest)
        if weekday is None:
            return None
        return PeriodDay(weekday=7 if weekday.group(2) else _WEEKDAYS[weekday.group(1)])
    if every == "monthly":
        of_month = _DAY_OF_MONTH.fullmatch(rest)
        if of_month is None or not 1 <= int(of_month.group(1)) <= 31:
            return None
        return PeriodDay(day=int(of_month.group(1)))
    if every == "quarterly":
        quarter_day = _DAY_OF_QUARTER.fullmatch(rest)
        return _quarter_day(quarter_day) if quarter_day else None
    if every == "yearly":
        year_day = _DAY_OF_YEAR.fullmatch(rest)
        if year_day is None:
            return None
        numeric_day, numeric_month, spelled_day, spelled_month = year_day.groups()
        written_day = numeric_day or spelled_day
        return _possible(int(numeric_month or spelled_month),
                         int(written_day) if written_day else None)
    return None


def _quarter_day(found: re.Match[str]) -> PeriodDay | None:
    day = int(found.group(1)) if found.group(1) else None
    month = _MONTH_IN_QUARTER[found.group(2)]
    if day is not None and not 1 <= day <= 31:
        return None
    return PeriodDay(month=month, day=day)


def _possible(month: int, day: int | None) -> PeriodDay | None:
    """A month and day some year has (29/2 is possible: leap years have it)."""
    try:
        date(2024, month, day or 1)
    except ValueError:
        return None
    return PeriodDay(month=month, day=day)
