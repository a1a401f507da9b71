"""domain/reply_normalise.py at its edges: glued words, case, tone marks moved or left."""

from __future__ import annotations

import unicodedata

import pytest

from domain.reply_normalise import normalise


@pytest.mark.parametrize(("typed", "normal"), [
    ("ko xong 1", "khong xong 1"),  # first word: the text's last character is not "before" it
    ("xong ko", "xong khong"),  # last word: nothing after it
    ("ko/", "ko/"), ("/ko", "/ko"), ("1ko", "1ko"), ("ko1", "ko1"),
    ("&ko", "&ko"), ("ko_", "ko_"), ("-ko", "-ko"), (".ko", ".ko"), ("ko.1", "ko.1"),
    ("ko.vn", "ko.vn"), ("ko..x", "ko..x"),
    # A full stop ending a sentence is punctuation: "Xong chưa? Ko." says "không".
    ("ko.", "khong."), ("Xong ko. Chua", "Xong khong. Chua"), ("ko...", "khong..."),
    ("ko.\nmai", "khong.\nmai"), ("chưa xong, ko.", "chưa xong, không."),
    ("KO", "KHONG"), ("K xong", "khong xong"), ("Ko", "khong"), ("DC", "DUOC"),
    ("Dc", "duoc"), ("kh xong", "khong xong"), ("KH xong", "KH xong"), ("Kh xong", "Kh xong"),
    ("ko đã", "không đã"), ("ko da", "khong da"),
])
def test_abbreviations_are_expanded_only_as_whole_words(typed, normal):
    assert normalise(typed) == normal


@pytest.mark.parametrize(("typed", "normal"), [
    ("hòan", "hoàn"), ("HÒAN", "HOÀN"), ("Tòan", "Toàn"), ("qùan", "quàn"),
    ("vứơng", "vướng"), ("ngừơi", "người"), ("đã hòan", "đã hoàn"),
    ("hoan", "hoan"),  # no tone mark: nothing to move
    ("hòàn", "hòàn"),  # two tone marks: not a spelling we can mend
    ("hòa", "hòa"), ("thủy", "thủy"),  # open syllables are left alone
    ("xin", "xin"), ("ms", "moi"), ("đã ms", "đã mới"),
])
def test_a_tone_mark_moves_to_the_vowel_the_spelling_rules_give(typed, normal):
    assert normalise(typed) == normal


def test_decomposed_input_comes_out_composed():
    assert normalise(unicodedata.normalize("NFD", "đã hòan thành")) == "đã hoàn thành"
    assert normalise(unicodedata.normalize("NFD", "hoàn")) == "hoàn"
