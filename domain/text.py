"""Text normalisation shared by the Vietnamese parsers."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")

# Old-style tone placement ("hoà", "uỷ") -> new style ("hòa", "ủy"): one spelling for keys.
# Only open syllables move their mark: "Đoàn", "hoàn", "toán" are spelled one way only, and in
# "quý" the "u" belongs to the consonant "qu", so its mark never moves.
_TONE_PLACEMENT = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_TONE_RE = re.compile(
    r"(?<!q)(?:" + "|".join(_TONE_PLACEMENT) + r")(?!\w)", re.IGNORECASE
)


def tidy(text: str) -> str:
    """NFC-normalise and collapse every kind of space into one ASCII space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def unify_tone_placement(text: str) -> str:
    """Rewrite old-style tone placement ("hoà", "Tỉnh uỷ") in the new style ("hòa", "Tỉnh ủy")."""

    def swap(match: re.Match[str]) -> str:
        written = match.group(0)
        moved = _TONE_PLACEMENT[written.lower()]
        return "".join(
            new.upper() if old.isupper() else new for old, new in zip(written, moved, strict=True)
        )

    return _TONE_RE.sub(swap, text)


def fold(text: str) -> str:
    """A comparison key: tidy, one tone placement, case-folded."""
    return unify_tone_placement(tidy(text)).casefold()


def strip_diacritics(text: str) -> str:
    """Drop Vietnamese diacritics ("đã hoàn thành" -> "da hoan thanh") for lenient matching."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
