"""A focal person's free-text status reply ("đã xong", "dang lam 70%", "xin gia hạn") -> Reply.

Precedence, first rule that applies wins:
- no signal at all ("ok", "đã nhận", "cảm ơn", "?", "không có vướng mắc") -> unclear
- an un-negated extension request ("xin gia hạn", "lùi thời hạn", "xin thêm thời gian") -> extension
- completion next to an un-negated obstacle, nothing in between ("xong nhưng còn vướng") -> unclear
- an un-negated obstacle ("vướng mắc", "khó khăn", "thiếu …", "không thể", "chưa … được") -> blocked
- any progress signal -> in_progress; it outranks completion ("đã xong phần khảo sát, đang …")
- a clear, un-negated completion ("đã hoàn thành", "xong", "đã ban hành", "HT", "100%") -> done
Reading rules:
- keywords match with or without diacritics; a word typed with diacritics must be that word
  ("đăng tải" is not "đang", "chia sẻ" is not "sẽ")
- a negator ("không", "ko", "k", "chưa") up to 5 words before in the same clause, stopping at
  "đã"/"đang", negates; so does a trailing "… : không" and a list after a negated item
  ("không có khó khăn, vướng mắc gì")
- "chưa" + completion ("chưa xong") is progress; "không"/"chưa thể"/"… được" + completion is an
  obstacle ("không hoàn thành được")
- completion after "dự kiến", "sẽ", "sắp", "gần", "cơ bản", "để" … is progress, not done
- percentages: the smallest is kept, above 100 or negated or prospective ones are ignored;
  below 100 is progress, 100 is completion; so "done" never carries a percent below 100
- document numbers ("2345/QĐ-UBND") and their "ngày …" are masked before reading numbers
- new_due (extension, in_progress, blocked only): the first date phrase (read by
  parse_deadline) tied to the request or expectation ("gia hạn đến", "dự kiến", "trước 30/11 sẽ
  xong"); prefer one next to the extension words; a date with no year written that lies more than
  a quarter in the past rolls to next year ("gia hạn đến Quý I" in November); "năm sau" adds a
  year; a date still in the past, or more than 10 years ahead, is dropped
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from domain import reply_words as vocab
from domain.deadlines import parse_deadline
from domain.text import strip_diacritics, tidy

ReplyStatus = Literal["done", "in_progress", "blocked", "extension", "unclear"]


@dataclass(frozen=True)
class Reply:
    """What a status reply says: status, percent, new date, evidence and item codes named."""

    status: ReplyStatus
    percent: int | None
    new_due: date | None
    note: str
    evidence: tuple[str, ...]
    codes: tuple[str, ...]


# A date is "clearly in the past" (so a year-less request means next year) beyond a quarter.
_CLEARLY_PAST = timedelta(days=90)
_MAX_YEARS_AHEAD = 10
_NEGATION_REACH = 5
_DUE_MARKER_REACH = 8
_MAX_DATE_WORDS = 7
_MASK = "|"

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"\S+")
_SYMBOL = r"\d{1,6}[^\W\d_]?(?:/\d{4})?(?:[-/][^\W\d_][^\W_]*)+"
_TYPES = "|".join(strip_diacritics(t) for t in vocab.DOCUMENT_TYPES)
_TYPED_DOCUMENT = re.compile(
    rf"(?<![^\W_])(?:{_TYPES})(?: so)?[ .:]*{_SYMBOL}"
    rf"|(?<![^\W_])(?:{_TYPES}) so[ .:]*\d{{1,6}}(?![\d/%]|[.,]\d)"
)
_BARE_DOCUMENT = re.compile(rf"(?<![^\W_/-]){_SYMBOL}")
_ISSUE_DATE = re.compile(
    r",? *(?:ngay|ban hanh ngay|ky ngay) *"
    r"(?:\d{1,2} *[/.-] *\d{1,2}(?: *[/.-] *\d{2,4})?|\d{1,2} thang \d{1,2}(?: nam \d{4})?)"
)
_ITEM_CODE = re.compile(r"(?<![^\W_#])#? ?(nv|ct) ?[-.]? ?(\d{1,4})(?![^\W_])")
_PARTIAL_NOUNS = "|".join(strip_diacritics(noun) for noun in vocab.PARTIAL_NOUNS)
_PARTIAL = re.compile(rf"(?<![\d/.])(\d{{1,4}}) ?/ ?(\d{{1,4}}) (?:{_PARTIAL_NOUNS})(?![^\W_])")
_PERCENT = re.compile(r"(?<![\d.,/])(\d{1,3})(?:[.,]\d{1,2})?\s*(?:%|phan tram(?![^\W_]))")
_CLAUSE_PUNCTUATION = re.compile(r"[,;:!?\n()\[\]\"|]|(?<!\d)\.|\.(?!\d)")
_SENTENCE_PUNCTUATION = re.compile(r"[;!?\n]|(?<!\d)\.|\.(?!\d)")
# "xong chưa?", "Vướng mắc: không có": a negator closing the clause right after the keyword.
_TRAILING_NEGATOR = re.compile(
    r"\s*[:\-–]?\s*(?:khong|ko|k|chua)(?: (?:co|gi|a|nhi|vay))*\s*(?=$|[?.,;!|])"
)
_TRAILING_CONDITION = re.compile(r"\s*(?:se|thi(?! cong))(?![^\W_])")
_TRAILING_ABILITY = re.compile(r" duoc(?! ?\d)")
_LIST_GLUE = re.compile(r"(?:\s|,|/|&|-|va|hay|hoac|gi)*")
_YEAR_WRITTEN = re.compile(r"\d{4}|\d{1,2} ?[/.-] ?\d{1,2} ?[/.-] ?\d{2}(?!\d)")


@dataclass(frozen=True)
class _Pattern:
    """One keyword table: a diacritic-free regex to find, an accented one to verify."""

    bare: re.Pattern[str]
    accented: re.Pattern[str]


def _pattern(alternatives: Iterable[str]) -> _Pattern:
    source = "|".join(f"(?:{alternative})" for alternative in alternatives)
    bounded = r"(?<![^\W_])(?:{})(?![^\W_])"
    return _Pattern(
        re.compile(bounded.format(strip_diacritics(source))), re.compile(bounded.format(source))
    )


_EXTENSIONS = _pattern(vocab.EXTENSION_REQUESTS)
_OBSTACLES = _pattern(vocab.OBSTACLES)
_PROGRESS = _pattern(vocab.PROGRESS)
_COMPLETIONS = _pattern(vocab.COMPLETIONS)
_CONNECTIVES = _pattern(vocab.CONNECTIVES)


@dataclass(frozen=True)
class _Text:
    """A reply seen three ways, character-aligned: as written, lower-cased, and bare (masked)."""

    note: str
    lower: str
    key: str
    clause_starts: tuple[int, ...]

    def written_as(self, start: int, end: int, accented: re.Pattern[str]) -> bool:
        """Typed without diacritics, or typed with exactly the diacritics of the keyword."""
        if self.key[start:end] == self.lower[start:end]:
            return True
        return accented.fullmatch(self.lower, start, end) is not None

    def find(self, pattern: _Pattern) -> list[tuple[int, int]]:
        """Spans of the keyword table, verified against the diacritics as written."""
        return [
            found.span()
            for found in pattern.bare.finditer(self.key)
            if self.written_as(*found.span(), pattern.accented)
        ]

    def is_word(self, span: tuple[int, int], word: str) -> bool:
        """Whether the token at span is that word (lower case, with diacritics)."""
        start, end = span
        if self.key[start:end] != strip_diacritics(word):
            return False
        written = self.lower[start:end]
        return written in (word, self.key[start:end])

    def clause_start(self, position: int) -> int:
        return max((s for s in self.clause_starts if s <= position), default=0)

    def words_before(self, position: int, reach: int) -> list[tuple[int, int]]:
        """Up to `reach` words before position in its clause, stopping at an aspect word."""
        start = self.clause_start(position)
        words = [m.span() for m in _WORD.finditer(self.key, start, position)][-reach:]
        for index in range(len(words) - 1, -1, -1):
            if any(self.is_word(words[index], stop) for stop in vocab.ASPECT_STOPS):
                return words[index + 1 :]
        return words

    def has_phrase(self, words: list[tuple[int, int]], phrases: Iterable[str]) -> bool:
        """Whether any phrase appears as consecutive words."""
        for phrase in phrases:
            parts = phrase.split()
            for first in range(len(words) - len(parts) + 1):
                window = words[first : first + len(parts)]
                if all(self.is_word(w, p) for w, p in zip(window, parts, strict=True)):
                    return True
        return False

    def ends_with(self, words: list[tuple[int, int]], phrases: Iterable[str]) -> bool:
        """Whether the words end with any of the phrases."""
        sized = ((phrase, len(phrase.split())) for phrase in phrases)
        return any(len(words) >= n and self.has_phrase(words[-n:], [p]) for p, n in sized)

    def words_in(self, start: int, end: int) -> list[tuple[int, int]]:
        return [m.span() for m in _WORD.finditer(self.key, start, end)]


def _aligned_views(note: str) -> tuple[str, str]:
    """Lower-cased and diacritic-free copies of note, one character for one character."""
    lower, bare = [], []
    for char in note:
        low = char.lower() if len(char.lower()) == 1 else char
        plain = strip_diacritics(low)
        lower.append(low)
        bare.append(plain if len(plain) == 1 else low)
    return "".join(lower), "".join(bare)


def _mask(key: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(key)
    for start, end in spans:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


def _document_spans(note: str, key: str) -> list[tuple[int, int]]:
    """Document references: typed ("Quyết định số 12") or a bare official number ("12/QĐ-UB")."""
    spans = [found.span() for found in _TYPED_DOCUMENT.finditer(key)]
    for found in _BARE_DOCUMENT.finditer(_mask(key, spans)):
        letters = [c for c in note[found.start() : found.end()] if c.isalpha()]
        if letters and letters[0].isupper():
            spans.append(found.span())
    return sorted(spans)


def _issue_dates(key: str, documents: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The "ngày 12/9/2025" right after each reference: the document's date, not a deadline."""
    after = (_ISSUE_DATE.match(key, end) for _, end in documents)
    return [found.span() for found in after if found]


def find_item_codes(text: str) -> tuple[str, ...]:
    """Item codes named in text ("NV12", "nv 12", "#CT3") -> ("NV12", "CT3"), in order, once."""
    return _read(text)[2]


def _read(text: str) -> tuple[_Text, tuple[str, ...], tuple[str, ...]]:
    """The reply's views with references and codes masked, its evidence, its item codes."""
    note = tidy(text)
    lower, key = _aligned_views(note)
    documents = _document_spans(note, key)
    evidence = tuple(dict.fromkeys(note[start:end] for start, end in documents))
    masked = _mask(key, documents + _issue_dates(key, documents))
    codes = list(_ITEM_CODE.finditer(masked))
    masked = _mask(masked, (found.span() for found in codes))
    labels = (f"{found.group(1).upper()}{found.group(2)}" for found in codes)
    starts = [m.end() for m in _CLAUSE_PUNCTUATION.finditer(masked)]
    starts += [end for _, end in _Text(note, lower, masked, ()).find(_CONNECTIVES)]
    return _Text(note, lower, masked, tuple(sorted(starts))), evidence, tuple(dict.fromkeys(labels))


@dataclass
class _Signals:
    """Which kinds of statement the reply makes, after negation and hedging are read."""

    extension: bool = False
    obstacle: bool = False
    progress: bool = False
    completion: bool = False


def _nearest_negator(text: _Text, words: list[tuple[int, int]]) -> tuple[int, int] | None:
    for word in reversed(words):
        if any(text.is_word(word, negator) for negator in vocab.NEGATORS):
            return word
    return None


def _affirmed(text: _Text, pattern: _Pattern) -> list[tuple[int, int]]:
    """Spans of the table that no negator reaches (list items after a negated one included)."""
    kept: list[tuple[int, int]] = []
    negated_end: int | None = None
    for start, end in text.find(pattern):
        listed = negated_end is not None and _LIST_GLUE.fullmatch(text.key, negated_end, start)
        before = text.words_before(start, _NEGATION_REACH)
        if listed or _TRAILING_NEGATOR.match(text.key, end) or _nearest_negator(text, before):
            negated_end = end
            continue
        kept.append((start, end))
    return kept


def _read_completion(text: _Text, start: int, end: int, signals: _Signals) -> None:
    """Sort one completion word into done, not yet (progress), cannot (obstacle) or nothing."""
    if _TRAILING_NEGATOR.match(text.key, end):
        return  # "xong chưa?" asks; "hoàn thành: không" denies
    words = text.words_before(start, _NEGATION_REACH)
    if text.ends_with(words, vocab.NEUTRAL_BEFORE_COMPLETION):
        return
    negator = _nearest_negator(text, words)
    if negator is not None:
        not_yet = text.is_word(negator, vocab.NOT_YET) and not text.has_phrase(
            words, vocab.INABILITY
        )
        if not_yet and not _TRAILING_ABILITY.match(text.key, end):
            signals.progress = True
        else:
            signals.obstacle = True
        return
    already = text.key.startswith("da ", start) or text.ends_with(words, ["đã"])
    conditional = not already and _TRAILING_CONDITION.match(text.key, end)
    if text.has_phrase(words, vocab.PROSPECTIVE) or conditional:
        signals.progress = True
    else:
        signals.completion = True


def _negated_amount(text: _Text, words: list[tuple[int, int]]) -> bool:
    """ "chưa 50%", "chưa đạt 50%", "không được 50%": the amount is not reached."""
    if _nearest_negator(text, words[-1:]):
        return True
    reach_verbs = ["đạt", "được", "tới", "đến", "lên"]
    return bool(_nearest_negator(text, words[-2:-1])) and text.ends_with(words, reach_verbs)


def _read_amounts(text: _Text, signals: _Signals) -> list[int]:
    """Percentages reached (0-100) and shares of the work; records the signals they give."""
    values = []
    for found in _PERCENT.finditer(text.key):
        value = int(found.group(1))
        words = text.words_before(found.start(), _NEGATION_REACH)
        if text.has_phrase(words, vocab.PROSPECTIVE):
            continue
        if _negated_amount(text, words):
            signals.progress = True
        elif value > 100:  # "vượt 120% kế hoạch": an indicator beyond its target
            signals.completion |= text.ends_with(words, ["đạt", "vượt"])
        else:
            values.append(value)
            signals.progress |= value < 100
            signals.completion |= value == 100
    for found in _PARTIAL.finditer(text.key):
        signals.progress |= int(found.group(1)) < int(found.group(2))
    return values


def _read_signals(text: _Text) -> tuple[_Signals, list[int]]:
    signals = _Signals(
        extension=bool(_affirmed(text, _EXTENSIONS)),
        obstacle=bool(_affirmed(text, _OBSTACLES)),
        progress=bool(_affirmed(text, _PROGRESS)),
    )
    percents = _read_amounts(text, signals)
    for start, end in text.find(_COMPLETIONS):
        _read_completion(text, start, end, signals)
    return signals, percents


def _status(signals: _Signals) -> ReplyStatus:
    if signals.extension:
        return "extension"
    if signals.completion and signals.obstacle and not signals.progress:
        return "unclear"
    if signals.obstacle:
        return "blocked"
    if signals.progress:
        return "in_progress"
    return "done" if signals.completion else "unclear"


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 2, 28)


def _date_spans(text: _Text, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Longest word runs in key[start:end] that parse_deadline reads as a date, left to right."""
    tokens = [m.span() for m in _TOKEN.finditer(text.key, start, end)]
    first = 0
    while first < len(tokens):
        for last in range(min(len(tokens), first + _MAX_DATE_WORDS) - 1, first - 1, -1):
            span = (tokens[first][0], tokens[last][1])
            if parse_deadline(text.note[span[0] : span[1]], 2000).kind == "date":
                yield span
                first = last
                break
        first += 1


def _due_from(
    text: _Text, span: tuple[int, int], sentence_start: int, piece_end: int, today: date
) -> tuple[date, bool] | None:
    """The date at span if the words around make it a promised or requested date."""
    before = text.words_in(sentence_start, span[0])[-_DUE_MARKER_REACH:]
    after = text.words_in(span[1], piece_end)[:2]
    inside = text.words_in(*span)
    strong = text.has_phrase(before, vocab.STRONG_DUE_MARKERS) or (
        bool(after) and any(text.is_word(after[0], w) for w in vocab.STRONG_DUE_AFTER)
    )
    weak = text.has_phrase(before[-3:] + inside, vocab.WEAK_DUE_MARKERS) or text.has_phrase(
        after, ["xong", "hoàn thành"]
    )
    if not (strong or weak) or _nearest_negator(text, text.words_before(span[0], 3)):
        return None  # no promise, or a negated one ("chưa thể hoàn thành trong năm nay")
    phrase = text.note[span[0] : span[1]]
    next_year = text.has_phrase(after, vocab.NEXT_YEAR)
    due = parse_deadline(phrase, today.year + 1 if next_year else today.year).due
    if due is None:
        return None
    year_written = next_year or _YEAR_WRITTEN.search(text.key, *span) is not None
    if due < today and strong and not year_written and today - due > _CLEARLY_PAST:
        due = _next_year(due)
    if due < today or due.year > today.year + _MAX_YEARS_AHEAD:
        return None
    return due, text.has_phrase(before, vocab.EXTENSION_WORDS)


def _new_due(text: _Text, today: date, for_extension: bool) -> date | None:
    """The promised or requested date; for an extension, the one next to the request first."""
    found: list[tuple[date, bool]] = []
    sentence_starts = [0, *(m.end() for m in _SENTENCE_PUNCTUATION.finditer(text.key))]
    piece_ends = [m.start() for m in _CLAUSE_PUNCTUATION.finditer(text.key)]
    piece_start = 0
    for piece_end in [*piece_ends, len(text.key)]:
        sentence_start = max(s for s in sentence_starts if s <= piece_start)
        for span in _date_spans(text, piece_start, piece_end):
            due = _due_from(text, span, sentence_start, piece_end, today)
            if due is not None:
                found.append(due)
        piece_start = piece_end + 1
    preferred = [due for due, near_request in found if near_request or not for_extension]
    return next(iter(preferred or [due for due, _ in found]), None)


def parse_reply(text: str, today: date) -> Reply:
    """Read a focal person's status reply; anything not clearly said is "unclear"."""
    view, evidence, codes = _read(text)
    signals, percents = _read_signals(view)
    status = _status(signals)
    new_due = None
    if status in ("extension", "in_progress", "blocked"):
        new_due = _new_due(view, today, for_extension=status == "extension")
    percent = min(percents, default=None)
    return Reply(status, percent, new_due, view.note, evidence, codes)
