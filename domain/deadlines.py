"""Vietnamese deadline phrases ("Quý IV/2025", "Tháng 9", "Thường xuyên") -> Deadline.

Linear in the input: every pattern is anchored (fullmatch/match) or a bounded search, trailing
punctuation is stripped without a regular expression, and a key longer than
MAX_DEADLINE_CHARS is unknown with a reason before any rule runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from domain.deadline_model import (
    Deadline,
    DeadlineKind,
    Every,
    PeriodDay,
    decode_period_day,
    last_day_of_month,
)
from domain.deadline_recurrence import read_plain_cadence, read_recurrence
from domain.text import fold, strip_diacritics

__all__ = ["MAX_DEADLINE_CHARS", "Deadline", "DeadlineKind", "Every", "PeriodDay",
           "decode_period_day", "last_day_of_month", "parse_deadline"]

# The longest real cell is under 60 characters; a cell this long is pasted prose, not a deadline.
MAX_DEADLINE_CHARS = 200


def parse_deadline(text: str, default_year: int) -> Deadline:
    """Read a deadline cell; never raises, never guesses: anything unclear is kind="unknown"."""
    key = _key(text)
    if len(key) > MAX_DEADLINE_CHARS:
        return Deadline(raw=text, kind="unknown",
                        reason=f"quá dài ({len(key)} ký tự, tối đa {MAX_DEADLINE_CHARS})")
    meaning = _parse_key(key, default_year, depth=0)
    if meaning is None:
        return Deadline(raw=text, kind="unknown")
    return replace(meaning, raw=text)


# Everything below works on a "key": NFC, one space, casefolded, diacritics dropped, so that
# "Quý IV", "QUÝ IV", "Quy iv" and a Word file's decomposed "Quý" all read the same.

# Years written in the text outside this window are typos, not deadlines.
_PLAUSIBLE_YEARS = range(1900, 2200)
_MAX_NESTING = 3
# A compound cell ("A - B", "A và hằng năm") is split at no more than this many places.
_MAX_SPLITS = 6

_TRAILING_PUNCTUATION = " .,;:!…"
_ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Leading words that only say "finish by": "Hoàn thành trong", "Đến hết", "Chậm nhất", "cuối".
# "cuối" is filler because every period already resolves to its last day.
# "Từ nay đến hết quý I/2026": an open start says nothing more than "by".
_FILLER = re.compile(
    r"(?:hoan thanh|thuc hien|xong|den|toi|het|trong|vao|cham nhat|cuoi|han chot"
    r"|(?:ke |ngay )?tu (?:nay|bay gio))(?: |$)",
    re.ASCII,
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
_SCHEDULE_OF = (r"theo (?:tien do|lo trinh|huong dan|chi dao|ke hoach|yeu cau)(?: chung)?"
                r" (?:cua )?")
_CENTRAL_SCHEDULE = re.compile(_SCHEDULE_OF + r"(?:tw|tu|t\.u|trung uong|chinh phu)", re.ASCII)
# A ministry's schedule: dependent too, but not "the centre's" when a reminder says whose.
_MINISTRY_SCHEDULE = re.compile(_SCHEDULE_OF + r"(?:cac )?bo(?: nganh)?(?: .*)?", re.ASCII)
# Due once something else happens: "sau khi Bộ ban hành hướng dẫn", "khi Đề án được duyệt",
# "30 ngày kể từ khi có quyết định", "chờ hướng dẫn của Bộ".
_AFTER_EVENT = re.compile(
    # "khi nào" asks when: a question, not a condition.
    r"(?:ngay |ngay sau |sau |chi sau |chi )?khi (?!nao\b)\S.*"
    # "trong" is filler, already gone: "(trong) vòng 30 ngày kể từ khi …"
    r"|(?:vong |thoi gian |thoi han )?(?:\d{1,3}|mot|hai|ba) (?:ngay|tuan|thang)"
    r"(?: lam viec)? (?:sau khi|ke tu (?:khi|ngay)|sau|tinh tu) \S.*"
    r"|(?:cho|phu thuoc(?: vao)?) (?:huong dan|y kien|chi dao|phe duyet|quyet dinh|bo|tw"
    r"|trung uong|chinh phu|ket qua|tien do)\b.*",
    re.ASCII,
)
_DEPENDENT = (_AFTER_EVENT, _CENTRAL_SCHEDULE, _MINISTRY_SCHEDULE)
_ASSESSMENT = re.compile(
    r"(?:(?:qua han|trong han|dung han|chua den han|dang thuc hien|chua thuc hien) ?)?"
    r"\((?:thoi gian hoan thanh|thoi han(?: hoan thanh)?|han(?: hoan thanh)?) ?: ?(.+)\)",
    re.ASCII,
)
# A note on progress after the deadline, in brackets: "Quý III/2025 (chậm)". A note that could
# move the date ("(dự kiến)", "(gia hạn đến …)") is not one of these and leaves the cell unknown.
_STATUS_NOTE = re.compile(
    r"[(\[] ?(?:da |dang |chua |bi |van |con )?(?:cham|tre|qua han|hoan thanh|xong|thuc hien"
    r"|trien khai|dung han|trong han|den han|dat)(?: (?:tien do|han|so voi ke hoach))? ?[)\]]",
    re.ASCII,
)
# Every date, period or cadence the rules read has a digit or one of these words (a quick no).
_HINT = re.compile(r"\d|tuan|thang|quy|nam|thuong xuyen|lan", re.ASCII)
_RANGE_START = re.compile(r"(?:giai doan |tu )", re.ASCII)
_RANGE_SEPARATOR = re.compile(r" ?[-–—] ?| (?:den|toi)(?: het| cuoi)? ", re.ASCII)
# Where a range's end leaves its unit to the start: "Quý III-IV", "tháng 11-12/2025".
_UNIT_PREFIX = re.compile(r"(quy ?|q|thang ?|t)(?=[ivx\d])", re.ASCII)
_AND_THEN = re.compile(
    r"[,;]? (?:va|sau do|tiep theo|roi)(?: (?:sau do|tiep theo|thuc hien|duy tri))* |[,;] ",
    re.ASCII,
)


def _key(text: str) -> str:
    return strip_diacritics(fold(text)).rstrip(_TRAILING_PUNCTUATION)


def _parse_key(key: str, default_year: int, depth: int, compound: bool = True
               ) -> Deadline | None:
    """The deadline a key says; `compound` False for a part of a split cell, which is not
    split again (so a cell costs at most _MAX_SPLITS simple parses per kind of split)."""
    if depth > _MAX_NESTING:
        return None
    assessment = _ASSESSMENT.fullmatch(key)
    if assessment:
        return _parse_key(_key(assessment.group(1)), default_year, depth + 1, compound)
    key = _without_status_note(key)
    core, had_filler, before = _strip_filler(key)
    if any(pattern.fullmatch(core) for pattern in _DEPENDENT):
        return Deadline(raw="", kind="dependent")
    if _HINT.search(core) is None:
        return None  # no number and no period word: no rule below can read it
    rules = _DAY_RULES if before else _DAY_RULES + _PERIOD_RULES
    for rule in rules:
        found = rule(core, default_year)
        if found is not None:
            return found
    recurrence = read_recurrence(core if not before else key)
    if recurrence is not None:
        return Deadline(raw="", kind="recurring", every=recurrence[0], on=recurrence[1])
    found = None
    if compound:
        found = _date_then_recurring(key, default_year, depth)
        if found is None and not before:
            found = _range_end(core, default_year, depth)
    if found is None and had_filler and not before and _BARE_YEAR.fullmatch(core):
        # "Trong năm", "Cuối năm": the year being spoken of is the document's year.
        found = _due(_year_end(None, default_year))
    return found


def _without_status_note(key: str) -> str:
    """The key without a trailing progress note in brackets ("(chậm)", "[đang thực hiện]")."""
    opening = max(key.rfind("("), key.rfind("["))
    if opening > 0 and _STATUS_NOTE.fullmatch(key, opening):
        return key[:opening].rstrip(_TRAILING_PUNCTUATION + "-")
    return key


def _date_then_recurring(key: str, default_year: int, depth: int) -> Deadline | None:
    """ "Quý IV/2025 và hằng năm": the first due date, then the cadence."""
    for split in _splits(_AND_THEN, key):
        first = _parse_key(key[: split.start()], default_year, depth + 1, False)
        if first is None or first.kind != "date" or first.every is not None:
            continue
        then = read_recurrence(key[split.end() :]) or _only(read_plain_cadence(key[split.end():]))
        if then is not None:
            return replace(first, every=then[0], on=then[1])
    return None


def _only(every: Every | None) -> tuple[Every, PeriodDay | None] | None:
    return None if every is None else (every, None)


def _range_end(core: str, default_year: int, depth: int) -> Deadline | None:
    """ "2026 - 2027", "tháng 11-12/2025", "Từ quý III/2025 đến quý II/2026": the range's end."""
    start_word = _RANGE_START.match(core)
    if start_word:
        core = core[start_word.end() :]
    for split in _splits(_RANGE_SEPARATOR, core):
        first_text, last_text = core[: split.start()], core[split.end() :]
        last = _dated(_parse_key(last_text, default_year, depth + 1, False))
        unit = _UNIT_PREFIX.match(first_text)
        if last is None and unit is not None:
            last = _dated(_parse_key(unit.group(1) + last_text, default_year, depth + 1, False))
        if last is None or last.due is None:
            continue
        first = _dated(_parse_key(first_text, last.due.year, depth + 1, False))
        if first is not None and first.due is not None and first.due <= last.due:
            return last
    return None


def _dated(found: Deadline | None) -> Deadline | None:
    """A plain due date (not one that then recurs), else None."""
    if found is None or found.kind != "date" or found.every is not None:
        return None
    return found


def _splits(separator: re.Pattern[str], key: str) -> list[re.Match[str]]:
    """The first few places the separator splits the key into two non-empty parts."""
    found = []
    for match in separator.finditer(key):
        if match.start() > 0 and match.end() < len(key):
            found.append(match)
            if len(found) == _MAX_SPLITS:
                break
    return found


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


_Rule = Callable[[str, int], Deadline | None]
_DAY_RULES: tuple[_Rule, ...] = (_rule_day,)
_PERIOD_RULES: tuple[_Rule, ...] = (
    _rule_month,
    _rule_quarter,
    _rule_half_year,
    _rule_period,
    _rule_year,
)


def follows_central_schedule(raw: str) -> bool:
    """True for "Theo tiến độ TW"-like cells: dependent on the centre's schedule, not an event."""
    core = _strip_filler(_key(raw))[0]
    return len(core) <= MAX_DEADLINE_CHARS and _CENTRAL_SCHEDULE.fullmatch(core) is not None
