"""The word-level look-ups of domain/reply_text.py, each pinned on a small reply."""

from __future__ import annotations

from datetime import date

from domain.replies import parse_reply, read_view
from domain.reply_text import MASK, Pattern, Text, aligned_views, mask, pattern


def words(text: Text, spans: list[tuple[int, int]]) -> list[str]:
    return [text.note[start:end] for start, end in spans]


def test_a_keyword_table_matches_whole_words_bare_and_accented():
    table = pattern(["đạt", "xong rồi"])
    assert isinstance(table, Pattern) and table.accented_only is False
    assert table.bare.pattern == r"(?<![^\W_])(?:(?:dat)|(?:xong roi))(?![^\W_])"
    assert table.accented.pattern == r"(?<![^\W_])(?:(?:đạt)|(?:xong rồi))(?![^\W_])"
    assert [m.group() for m in table.bare.finditer("dat, datum xdat dat9 xong roi")] == [
        "dat", "xong roi"]
    assert table.accented.fullmatch("đạt") and not table.accented.fullmatch("dat")
    assert pattern(["đạt"], accented_only=True).accented_only is True


def test_accented_only_tables_ignore_the_bare_spelling():
    text = read_view("da dat 50%, đã đạt 60%")
    either = text.find(pattern(["đạt"]))
    only = text.find(pattern(["đạt"], accented_only=True))
    assert words(text, either) == ["dat", "đạt"]
    assert words(text, only) == ["đạt"]


def test_a_keyword_typed_with_other_diacritics_is_not_found():
    text = read_view("đặt 50%, dat 60%")
    assert words(text, text.find(pattern(["đạt"]))) == ["dat"]


def test_aligned_views_keep_one_character_for_one():
    lower, bare = aligned_views("Đã XONG İ")
    assert lower == "đã xong İ"  # "İ".lower() is two characters: kept as written
    assert bare == "da xong I"
    assert len(lower) == len(bare) == len("Đã XONG İ")


def test_mask_overwrites_the_spans_only():
    assert mask("abcdefgh", [(1, 3), (5, 6)]) == f"a{MASK * 2}de{MASK}gh"
    assert mask("abc", []) == "abc"


def test_clause_ends_at_punctuation_or_the_end_of_the_text():
    text = read_view("đã xong, còn vướng")
    assert text.clause_end(0) == text.key.index(",")
    assert text.clause_end(text.key.index(",")) == text.key.index(",")
    assert text.clause_end(text.key.index(",") + 1) == len(text.key)


def test_clause_start_is_the_last_start_at_or_before_the_position():
    text = Text.of("ab cd ef", "ab cd ef", "ab cd ef", [3, 6, 3])
    assert text.clause_starts == (3, 6)
    assert [text.clause_start(p) for p in (0, 2, 3, 5, 6, 8)] == [0, 0, 3, 3, 6, 6]


def test_words_in_clips_the_last_word_at_the_end():
    text = read_view("xong rồi nhé")
    assert words(text, text.words_in(0, 8)) == ["xong", "rồi"]
    assert words(text, text.words_in(0, 7)) == ["xong", "rồ"]
    assert words(text, text.words_in(0, 10)) == ["xong", "rồi", "n"]
    assert words(text, text.words_in(1, 12)) == ["rồi", "nhé"]
    assert text.words_in(5, 5) == []


def test_words_after_counts_and_stops_at_the_limit():
    text = read_view("một hai ba bốn")
    assert words(text, text.words_after(0, 2)) == ["một", "hai"]
    assert words(text, text.words_after(1, 2)) == ["hai", "ba"]
    assert words(text, text.words_after(4, 3, 9)) == ["hai", "ba"]
    assert words(text, text.words_after(4, 3, 8)) == ["hai"]
    assert words(text, text.words_after(4, 3, None)) == ["hai", "ba", "bốn"]


def test_last_words_counts_back_from_the_end_and_clips_it():
    text = read_view("một hai ba bốn")
    assert words(text, text.last_words(0, 14, 2)) == ["ba", "bốn"]
    assert words(text, text.last_words(4, 14, 9)) == ["hai", "ba", "bốn"]
    assert words(text, text.last_words(0, 13, 1)) == ["bố"]
    assert words(text, text.last_words(0, 10, 5)) == ["một", "hai", "ba"]
    assert text.last_words(0, 0, 3) == []


def test_words_before_stop_at_an_aspect_word():
    text = read_view("chưa làm nhưng đã báo cáo xong")
    position = text.key.index("xong")
    assert words(text, text.words_before(position, 10)) == ["báo", "cáo"]
    assert words(text, text.words_before(position, 1)) == ["cáo"]
    plain = read_view("cơ quan vẫn chờ ý kiến")
    at = plain.key.index("kien")
    assert words(plain, plain.words_before(at, 2)) == ["chờ", "ý"]
    assert words(plain, plain.words_before(at, 9)) == ["cơ", "quan", "vẫn", "chờ", "ý"]


def test_find_in_reads_only_the_run_but_looks_past_it():
    text = read_view("dat 50% va dat 60%")
    table = pattern(["đạt"])
    run = text.words_in(0, 7)
    assert words(text, text.find_in(run, table)) == ["dat"]
    assert text.find_in([], table) == []
    # A lookahead sees what follows the run: "dat" before a number.
    ahead = pattern([r"đạt(?= \d)"])
    assert words(text, text.find_in(text.words_in(0, 3), ahead)) == ["dat"]
    assert words(text, text.find_in(list(text.words), table)) == ["dat", "dat"]


def test_is_word_takes_the_bare_spelling_or_exactly_the_accents():
    text = read_view("da đã đả")
    spans = text.words
    assert [text.is_word(span, "đã") for span in spans] == [True, True, False]
    assert text.is_word(spans[0], "đa") is True
    assert text.is_word(spans[1], "da") is False
    assert text.is_word(spans[1], "xong") is False


def test_has_phrase_needs_the_words_in_a_row():
    text = read_view("đã hoàn thành xong")
    spans = list(text.words)
    assert text.has_phrase(spans, ["hoàn thành"])
    assert text.has_phrase(spans, ["xong"])
    assert not text.has_phrase(spans, ["thành hoàn"])
    assert not text.has_phrase(spans[:2], ["hoàn thành"])
    assert not text.has_phrase(spans, ["hoàn tất"])
    assert text.has_phrase(spans, ["chưa", "đã hoàn"])


def test_ends_with_looks_at_the_last_words_only():
    text = read_view("đã hoàn thành xong")
    spans = list(text.words)
    assert text.ends_with(spans, ["thành xong"])
    assert not text.ends_with(spans, ["hoàn thành"])
    assert not text.ends_with(spans[:1], ["đã hoàn"])
    assert text.ends_with(spans[:2], ["đã hoàn"])


def test_nearest_negator_is_the_last_one():
    text = read_view("không phải chưa xong")
    spans = list(text.words)
    assert text.nearest_negator(spans) == spans[2]
    assert text.nearest_negator(spans[:2]) == spans[0]
    assert text.nearest_negator(spans[3:]) is None


def test_proof_words_without_a_number_give_their_clause_as_evidence():
    today = date(2025, 11, 21)
    assert parse_reply("Đã xong: đã ban hành kế hoạch VX", today).evidence == (
        "đã ban hành kế hoạch VX",)
    # A full stop after a number does not end the clause; it is trimmed from the evidence.
    assert parse_reply("Đã xong, đã ban hành văn bản lần 2.", today).evidence == (
        "đã ban hành văn bản lần 2",)
