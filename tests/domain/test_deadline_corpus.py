"""The labelled corpus of deadline cells: every row must parse as labelled (100%), every kind
the issue names has rows, and random text never breaks the parser."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.deadlines import MAX_DEADLINE_CHARS, parse_deadline
from tests.domain.deadline_corpus import CORPUS, YEAR, label

ROWS = [(kind, text, want) for kind, rows in CORPUS.items() for text, want in rows]


@pytest.mark.parametrize(("kind", "text", "want"), ROWS,
                         ids=[f"{kind}:{text[:40]}" for kind, text, _ in ROWS])
def test_every_corpus_cell_parses_as_labelled(kind: str, text: str, want: str) -> None:
    assert label(parse_deadline(text, YEAR)) == want


def test_the_corpus_is_large_and_covers_every_kind() -> None:
    assert len(ROWS) >= 150
    assert {"range", "open start", "day without year", "dependent, on an event",
            "date then recurring", "status note", "half-yearly", "recurring, day of the month",
            "recurring, day of the quarter", "recurring, day of the year",
            "recurring, day of the week", "unknown"} <= set(CORPUS)
    assert all(len(rows) >= 4 for rows in CORPUS.values())


def test_an_over_long_cell_is_unknown_with_a_reason() -> None:
    result = parse_deadline("Quý IV/2025 " + "x" * MAX_DEADLINE_CHARS, YEAR)
    assert (result.kind, result.reason) == (
        "unknown", f"quá dài ({MAX_DEADLINE_CHARS + 12} ký tự, tối đa {MAX_DEADLINE_CHARS})")
    assert parse_deadline("Quý IV/2025" + " " * 10_000, YEAR).due is not None  # spaces fold


GRAMMAR_BITS = [*"0123456789/.-–,;:() ", "Quý ", "IV", "tháng ", "năm ", "hằng ", "trước ",
                "ngày ", "khi ", "sau ", "từ ", "đến ", "và ", "lần", "thứ ", "Hai", "cuối ",
                "6 ", "quý"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(GRAMMAR_BITS), max_size=25).map("".join),
       st.integers(min_value=1900, max_value=2200))
def test_never_raises_on_grammar_words(text: str, default_year: int) -> None:
    result = parse_deadline(text, default_year)
    assert result.raw == text
    if result.kind == "recurring":
        assert result.every is not None and result.due is None
    elif result.kind == "date":
        assert result.due is not None
    else:
        assert result.due is None and result.every is None and result.on is None


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=8), st.sampled_from(["", "Quý IV/2025 - ", "khi "]))
def test_a_hundred_kilobytes_of_any_text_returns(unit: str, prefix: str) -> None:
    text = prefix + unit * (100_000 // len(unit))
    result = parse_deadline(text, YEAR)
    assert result.raw == text and result.kind in {"unknown", "date", "recurring", "dependent"}


@pytest.mark.parametrize(("kind", "text", "want"), [row for row in ROWS if len(row[1]) < 200],
                         ids=[f"{k}:{t[:40]}" for k, t, _ in ROWS if len(t) < 200])
def test_decomposed_capitals_and_odd_spaces_read_the_same(kind: str, text: str,
                                                          want: str) -> None:
    messy = "\u00a0" + unicodedata.normalize("NFD", text.upper()).replace(" ", " \u202f\t") + " "
    assert label(parse_deadline(messy, YEAR)) == want
