"""Typing habits undone before a reply is read: chat abbreviations and misplaced tone marks.

`normalise` rewrites whole words only ("ko" -> "không", "hòan" -> "hoàn") and leaves every
other character as written, so document numbers ("1520/QĐ-UBND"), codes ("NV41") and dates
pass through untouched. It runs in one pass over the text (linear time).

The abbreviation list (TEENCODE) was compiled by hand from the abbreviations commonly typed in
Vietnamese chat ("teencode", as catalogued e.g. on vi.wikipedia.org/wiki/Teencode and in
style guides for Zalo/Messenger writing) and from the replies quoted in issue #17. Each entry was
reviewed for a collision with the abbreviations agencies use in documents: "bc" (báo cáo),
"kh" (kế hoạch), "qđ" (quyết định), "tt" (thông tư), "hd" (hướng dẫn), "nv"/"ct" (item codes),
"ht" (hoàn thành / hệ thống: left to the parser, which reads it in context) are NOT expanded
("kh" only in lower case); "dk"/"đk" (được / dự kiến / điều kiện) and "tr" (trước / triệu) are
left out;
"hong" (không / hỏng) and "v" (vậy / Roman five) are left out because both readings occur.
"""

from __future__ import annotations

import re
import unicodedata

from domain.text import strip_diacritics

# Abbreviation (lower case, as typed) -> the words it stands for.
TEENCODE: dict[str, str] = {
    # không
    "ko": "không", "k": "không", "kg": "không", "khg": "không",
    "hok": "không", "hông": "không", "khum": "không", "hem": "không", "khong": "không",
    "kô": "không", "kp": "không phải",
    # chưa, cũng, rồi
    "chx": "chưa", "chưx": "chưa", "cx": "cũng", "cg": "cũng", "r": "rồi", "rùi": "rồi",
    "rui": "rồi", "roài": "rồi", "ròi": "rồi",
    # đang, đã, được, làm, xong
    "đg": "đang", "dg": "đang", "đag": "đang", "đng": "đang", "dag": "đang",
    "đc": "được", "dc": "được", "lm": "làm",
    "xog": "xong", "xg": "xong", "xonq": "xong", "sog": "xong", "đx": "đã xong", "dx": "đã xong",
    "done": "xong", "finish": "xong", "finished": "xong",
    # hoàn thành
    "htành": "hoàn thành", "htanh": "hoàn thành", "hthanh": "hoàn thành",
    "hthành": "hoàn thành", "hth": "hoàn thành", "đhth": "đã hoàn thành",
    "dhth": "đã hoàn thành", "đht": "đã hoàn thành",
    # other words replies are read by
    "j": "gì", "gj": "gì", "trc": "trước", "ms": "mới", "vs": "với",
    "vm": "vướng mắc", "tđ": "tiến độ", "bh": "bao giờ", "ntn": "như thế nào",
}
# Expanded only when typed in lower case: upper case they are document types ("KH" = kế hoạch).
LOWER_CASE_ONLY: dict[str, str] = {"kh": "không"}

_WORD = re.compile(r"[^\W\d_]+")
# A word glued to a number, a slash or a hyphen belongs to a code or a document number.
_GLUED = "/-_.&0123456789"
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = "aăâeêioôơuưy"
_SHAPED = "ăâêôơư"


def _retone(word: str) -> str:
    """A word with its one tone mark on the vowel the spelling rules put it on.

    Only the unambiguous cases move: a vowel with a shape mark takes the tone ("ươ" -> on
    "ơ"), otherwise a syllable closed by a consonant takes it on its last vowel ("hòan" ->
    "hoàn"). Open syllables ("hòa"/"hoà") are left to domain.text.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [c for c in decomposed if c in _TONES]
    if len(tones) != 1:
        return word
    bare = unicodedata.normalize("NFC", decomposed.replace(tones[0], ""))
    low = bare.lower()
    vowels = [i for i, c in enumerate(low) if c in _VOWELS]
    if not vowels:
        return word
    if low.startswith(("qu", "gi")) and len(vowels) > 1 and vowels[0] == 1:
        vowels = vowels[1:]  # the "u" of "qu", the "i" of "gi" belong to the consonant
    shaped = [i for i in vowels if low[i] in _SHAPED]
    if shaped:
        target = shaped[-1]
    elif vowels[-1] < len(low) - 1:
        target = vowels[-1]
    else:
        return word
    marked = unicodedata.normalize("NFC", bare[target] + tones[0])
    fixed = bare[:target] + marked + bare[target + 1 :]
    return fixed if len(fixed) == len(word) else word


def _glued(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] touches a number, slash, hyphen … (a code, not a word)."""
    if start and text[start - 1] in _GLUED:
        return True
    if end == len(text) or text[end] not in _GLUED:
        return False
    # Full stops ending a sentence ("… ko.", "ko... ") are punctuation, not part of a code.
    if text[end] != ".":
        return True
    rest = text[end:].lstrip(".")
    return rest != "" and not rest[0].isspace()


def _replace(match: re.Match[str], accented: bool) -> str:
    word = match.group(0)
    if _glued(match.string, match.start(), match.end()):
        return word
    expanded = TEENCODE.get(word.lower()) or LOWER_CASE_ONLY.get(word)
    if expanded is not None:
        if not accented:  # a reply typed without diacritics stays without
            expanded = strip_diacritics(expanded)
        return expanded.upper() if word.isupper() and len(word) > 1 else expanded
    return _retone(word)


def normalise(text: str) -> str:
    """The text with chat abbreviations spelled out and tone marks where they belong."""
    text = unicodedata.normalize("NFC", text)
    accented = strip_diacritics(text) != text
    return _WORD.sub(lambda match: _replace(match, accented), text)
