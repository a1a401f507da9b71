"""A reply seen three ways, character-aligned, and the word-level look-ups the parser makes.

Every look-up is a binary search over word and clause positions computed once, so reading a
reply costs time linear in its length (no scan from a clause start for each keyword).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from domain import reply_words as vocab
from domain.text import strip_diacritics

MASK = "|"
WORD = re.compile(r"[^\W_]+")
# What ends a clause: punctuation (a masked reference included), a full stop not in a number.
CLAUSE_STOP = re.compile(r"[,;:!?\n()\[\]\"|]|(?<!\d)\.(?!\d)")

Span = tuple[int, int]
_bare = lru_cache(maxsize=4096)(strip_diacritics)  # vocabulary words, read again and again


@dataclass(frozen=True)
class Pattern:
    """One keyword table: a diacritic-free regex to find, an accented one to verify."""

    bare: re.Pattern[str]
    accented: re.Pattern[str]
    accented_only: bool = False


def pattern(alternatives: Iterable[str], *, accented_only: bool = False) -> Pattern:
    """A keyword table; accented_only for words whose bare spelling means something else."""
    source = "|".join(f"(?:{alternative})" for alternative in alternatives)
    bounded = r"(?<![^\W_])(?:{})(?![^\W_])"
    return Pattern(
        re.compile(bounded.format(strip_diacritics(source))),
        re.compile(bounded.format(source)),
        accented_only,
    )


def aligned_views(note: str) -> tuple[str, str]:
    """Lower-cased and diacritic-free copies of note, one character for one character."""
    lower, bare = [], []
    for char in note:
        low = char.lower() if len(char.lower()) == 1 else char
        plain = strip_diacritics(low)
        lower.append(low)
        bare.append(plain if len(plain) == 1 else low)
    return "".join(lower), "".join(bare)


def mask(key: str, spans: Iterable[Span]) -> str:
    """key with the spans overwritten by MASK (same length)."""
    chars = list(key)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


@dataclass(frozen=True)
class Text:
    """A reply as written (note), lower-cased, and bare with references masked (key)."""

    note: str
    lower: str
    key: str
    clause_starts: tuple[int, ...]
    words: tuple[Span, ...] = field(default=(), compare=False)
    word_starts: tuple[int, ...] = field(default=(), compare=False)
    stops: tuple[int, ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, note: str, lower: str, key: str, clause_starts: Iterable[int]) -> Text:
        words = tuple(m.span() for m in WORD.finditer(key))
        stops = tuple(m.start() for m in CLAUSE_STOP.finditer(key))
        return cls(note, lower, key, tuple(sorted(set(clause_starts))), words,
                   tuple(start for start, _ in words), stops)

    def clause_end(self, position: int) -> int:
        """Where the clause holding position ends (its punctuation, or the end of the text)."""
        index = bisect_left(self.stops, position)
        return self.stops[index] if index < len(self.stops) else len(self.key)

    def written_as(self, start: int, end: int, accented: re.Pattern[str]) -> bool:
        """Typed without diacritics, or typed with exactly the diacritics of the keyword."""
        if self.key[start:end] == self.lower[start:end]:
            return True
        return accented.fullmatch(self.lower, start, end) is not None

    def find(self, table: Pattern) -> list[Span]:
        """Spans of the keyword table, verified against the diacritics as written."""
        if table.accented_only:
            return [found.span() for found in table.accented.finditer(self.lower)
                    if MASK not in self.key[found.start():found.end()]]
        return [
            found.span()
            for found in table.bare.finditer(self.key)
            if self.written_as(*found.span(), table.accented)
        ]

    def find_in(self, words: list[Span], table: Pattern) -> list[Span]:
        """Spans of the table lying within the run of words."""
        if not words:
            return []
        start, end = words[0][0], words[-1][1]
        # Read a little past the run so that lookaheads see what really follows.
        return [found.span() for found in table.bare.finditer(self.key, start, end + 64)
                if found.end() <= end and self.written_as(*found.span(), table.accented)]

    def is_word(self, span: Span, word: str) -> bool:
        """Whether the token at span is that word (lower case, with diacritics)."""
        start, end = span
        if self.key[start:end] != _bare(word):
            return False
        written = self.lower[start:end]
        return written in (word, self.key[start:end])

    def clause_start(self, position: int) -> int:
        index = bisect_right(self.clause_starts, position)
        return self.clause_starts[index - 1] if index else 0

    def words_in(self, start: int, end: int) -> list[Span]:
        """The words that begin in [start, end) and end by end."""
        first = bisect_left(self.word_starts, start)
        last = bisect_left(self.word_starts, end)
        found = list(self.words[first:last])
        if found and found[-1][1] > end:
            found[-1] = (found[-1][0], end)
        return found

    def words_after(self, position: int, count: int, limit: int | None = None) -> list[Span]:
        """Up to `count` words that begin at or after position (and before limit)."""
        first = bisect_left(self.word_starts, position)
        found = list(self.words[first:first + count])
        return [w for w in found if limit is None or w[0] < limit]

    def last_words(self, start: int, end: int, count: int) -> list[Span]:
        """The last `count` words in [start, end)."""
        first = bisect_left(self.word_starts, start)
        last = bisect_left(self.word_starts, end)
        found = list(self.words[max(first, last - count):last])
        if found and found[-1][1] > end:
            found[-1] = (found[-1][0], end)
        return found

    def words_before(self, position: int, reach: int) -> list[Span]:
        """Up to `reach` words before position in its clause, stopping at an aspect word."""
        words = self.last_words(self.clause_start(position), position, reach)
        for index in range(len(words) - 1, -1, -1):
            if any(self.is_word(words[index], stop) for stop in vocab.ASPECT_STOPS):
                return words[index + 1:]
        return words

    def has_phrase(self, words: list[Span], phrases: Iterable[str]) -> bool:
        """Whether any phrase appears as consecutive words."""
        for phrase in phrases:
            parts = phrase.split()
            head = _bare(parts[0])
            for first in range(len(words) - len(parts) + 1):
                start, end = words[first]
                if self.key[start:end] != head:
                    continue
                window = words[first:first + len(parts)]
                if all(self.is_word(w, p) for w, p in zip(window, parts, strict=True)):
                    return True
        return False

    def ends_with(self, words: list[Span], phrases: Iterable[str]) -> bool:
        """Whether the words end with any of the phrases."""
        sized = ((phrase, len(phrase.split())) for phrase in phrases)
        return any(len(words) >= n and self.has_phrase(words[-n:], [p]) for p, n in sized)

    def nearest_negator(self, words: list[Span]) -> Span | None:
        """The last negator among the words."""
        for word in reversed(words):
            if any(self.is_word(word, negator) for negator in vocab.NEGATORS):
                return word
        return None
