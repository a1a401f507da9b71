"""The date a reply promises or requests ("gia hạn đến 30/11", "xin khất sang thứ Ba tuần tới").

Rules (documented in domain/replies.py): the first date phrase tied to a request or an
expectation; prefer one next to the extension words; a year-less date more than a quarter in
the past rolls to next year after a strong marker; a date in the past or more than 10 years
ahead is dropped. Weekday phrases ("thứ Ba tuần tới", "thứ 6 này", "chủ nhật") and "ngày mai"
and "năm sau", "sang năm", "tháng tới" are resolved against `today`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta

from domain import reply_words as vocab
from domain.deadlines import last_day_of_month, parse_deadline
from domain.reply_text import Span, Text

# A date is "clearly in the past" (so a year-less request means next year) beyond a quarter.
_CLEARLY_PAST = timedelta(days=90)
_MAX_YEARS_AHEAD = 10
_DUE_MARKER_REACH = 8
_MAX_DATE_WORDS = 7

_TOKEN = re.compile(r"\S+")
_CLAUSE_PUNCTUATION = re.compile(r"[,;:!?\n()\[\]\"|]|(?<!\d)\.|\.(?!\d)")
_SENTENCE_PUNCTUATION = re.compile(r"[;!?\n]|(?<!\d)\.|\.(?!\d)")
_YEAR_WRITTEN = re.compile(r"\d{4}|\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?\d{2}(?!\d)")
_DIGIT = re.compile(r"\d")
# Words a date phrase parse_deadline reads can begin with (its fillers: "hoàn thành trong",
# "thời hạn:" …); other tokens are not tried, so ordinary words cost no parse.
_DATE_FIRST_WORDS = frozenset((
    "quy", "q", "thang", "t", "nam", "nua", "cuoi", "dau", "het", "giua", "ngay", "truoc",
    "den", "toi", "trong", "vao", "cham", "muon", "sang", "tu", "trung", "thu", "chu", "mai",
    "hoan", "thuc", "xong", "thoi", "han",
))
_WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5,
             "2": 0, "3": 1, "4": 2, "5": 3, "6": 4, "7": 5}
_WEEKDAY = re.compile(
    r"(?:thu (hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat|cn))(?![^\W_])"
    r"(?: (?:(tuan (?:nay|toi|sau(?: nua)?))|(nay|toi))(?![^\W_]))?"
)
_TOMORROW = re.compile(r"(?:ngay )?mai(?![^\W_])")
# "sang năm", "năm sau", "tháng tới": the end of the next year or month.
_NEXT_PERIOD = re.compile(r"(?:sang nam|(nam|thang) (?:sau|toi))(?![^\W_])")


def _weekday(text: Text, start: int, today: date) -> tuple[Span, date] | None:
    """A weekday phrase starting at start, resolved against today, or None."""
    if (found := _TOMORROW.match(text.key, start)) is not None:
        return found.span(), today + timedelta(days=1)
    if (found := _NEXT_PERIOD.match(text.key, start)) is not None:
        if found.group(1) == "thang":
            month = today.month % 12 + 1
            year = today.year + (today.month == 12)
            return found.span(), last_day_of_month(year, month)
        return found.span(), date(today.year + 1, 12, 31)
    found = _WEEKDAY.match(text.key, start)
    if found is None:
        return None
    target = 6 if found.group(2) else _WEEKDAYS[found.group(1)]
    week = found.group(3) or ""
    monday = today - timedelta(days=today.weekday())
    if week.startswith("tuan sau nua"):
        due = monday + timedelta(weeks=2, days=target)
    elif week.startswith(("tuan toi", "tuan sau")):
        due = monday + timedelta(weeks=1, days=target)
    elif week == "tuan nay" or found.group(4) == "nay":
        due = monday + timedelta(days=target)
    else:  # "thứ Ba", "thứ 6 tới": the next one after today
        due = today + timedelta(days=(target - today.weekday() - 1) % 7 + 1)
    return found.span(), due


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


def _date_spans(text: Text, start: int, end: int,
                today: date) -> Iterable[tuple[Span, date | None]]:
    """Longest word runs in key[start:end] read as a date, left to right (weekdays resolved)."""
    tokens = [m.span() for m in _TOKEN.finditer(text.key, start, end)]
    token_starts = [token_start for token_start, _ in tokens]
    first = 0
    while first < len(tokens):
        head = text.key[tokens[first][0]:tokens[first][1]].strip(".,;:()")
        if head not in _DATE_FIRST_WORDS and not _DIGIT.search(head):
            first += 1
            continue
        weekday = _weekday(text, tokens[first][0], today)
        if weekday is not None and weekday[0][1] <= end:
            yield weekday
            first = bisect_right(token_starts, weekday[0][1] - 1)
            continue
        for last in range(min(len(tokens), first + _MAX_DATE_WORDS) - 1, first - 1, -1):
            span = (tokens[first][0], tokens[last][1])
            if parse_deadline(text.note[span[0]:span[1]], 2000).kind == "date":
                yield span, None
                first = last
                # "tháng 3 năm sau": the year qualifier is the date's, not a period of its own.
                if text.key[tokens[last][1]:].startswith((" nam sau", " nam toi")):
                    first += 2
                break
        first += 1


def _due_from(text: Text, span: Span, resolved: date | None, sentence_start: int,
              piece_end: int, today: date, assume_request: bool) -> tuple[date, bool] | None:
    """The date at span if the words around make it a promised or requested date."""
    before = text.last_words(sentence_start, span[0], _DUE_MARKER_REACH)
    after = text.words_after(span[1], 4, piece_end)
    qualified = text.has_phrase(after[:2], vocab.NEXT_YEAR)  # "tháng 3 năm sau sẽ xong"
    after = after[2:] if qualified and len(after) > 2 else after[:2]
    inside = text.words_in(*span)
    strong = assume_request or text.has_phrase(before, vocab.STRONG_DUE_MARKERS) or (
        bool(after) and any(text.is_word(after[0], w) for w in vocab.STRONG_DUE_AFTER)
    )
    # "thứ 6 tuần sau chưa xong": a completion denied right after the date promises nothing.
    weak = text.has_phrase(before[-3:] + inside, vocab.WEAK_DUE_MARKERS) or (
        text.has_phrase(after, ["xong", "hoàn thành"]) and not text.nearest_negator(after))
    if not (strong or weak) or text.nearest_negator(text.words_before(span[0], 3)):
        return None  # no promise, or a negated one ("chưa thể hoàn thành trong năm nay")
    next_year = qualified or text.has_phrase(after, vocab.NEXT_YEAR) or (
        bool(inside and after) and text.is_word(inside[-1], "năm")
        and any(text.is_word(after[0], w) for w in ("sau", "tới")))  # "sang năm sau"
    due = resolved
    if due is None:
        phrase = text.note[span[0]:span[1]]
        due = parse_deadline(phrase, today.year + 1 if next_year else today.year).due
    if due is None:
        return None
    year_written = resolved is not None or next_year or (
        _YEAR_WRITTEN.search(text.key, *span) is not None)
    if due < today and strong and not year_written and today - due > _CLEARLY_PAST:
        due = _next_year(due)
    if due < today or due.year > today.year + _MAX_YEARS_AHEAD:
        return None
    return due, assume_request or text.has_phrase(before, vocab.EXTENSION_WORDS)


def new_due(text: Text, today: date, for_extension: bool,
            assume_request: bool = False) -> date | None:
    """The promised or requested date; for an extension, the one next to the request first."""
    found: list[tuple[date, bool]] = []
    sentence_starts = [0, *(m.end() for m in _SENTENCE_PUNCTUATION.finditer(text.key))]
    piece_ends = [m.start() for m in _CLAUSE_PUNCTUATION.finditer(text.key)]
    piece_start = 0
    for piece_end in [*piece_ends, len(text.key)]:
        sentence_start = sentence_starts[bisect_right(sentence_starts, piece_start) - 1]
        for span, resolved in _date_spans(text, piece_start, piece_end, today):
            due = _due_from(text, span, resolved, sentence_start, piece_end, today,
                            assume_request)
            if due is not None:
                found.append(due)
        piece_start = piece_end + 1
    preferred = [due for due, near_request in found if near_request or not for_extension]
    return next(iter(preferred or [due for due, _ in found]), None)
