"""Agency names: canonical forms, abbreviations, groups, and splitting a lead-agency cell."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.text import fold, tidy, unify_tone_placement

# Abbreviations civil servants write, expanded before comparing or storing a name.
# Order matters: the longer, more specific forms first.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"KH\s*&\s*CN|KH\s*và\s*CN|KHCN", "Khoa học và Công nghệ"),
    (r"NN\s*&\s*MT|NN\s*và\s*MT|NNMT", "Nông nghiệp và Môi trường"),
    (r"GD\s*&\s*ĐT|GDĐT", "Giáo dục và Đào tạo"),
    (r"VH\s*,?\s*TT\s*&\s*DL|VHTTDL", "Văn hóa, Thể thao và Du lịch"),
    (r"UBND", "Ủy ban nhân dân"),
    (r"HĐND", "Hội đồng nhân dân"),
    (r"MTTQ", "Mặt trận Tổ quốc"),
    (r"QH", "Quốc hội"),
    (r"TW", "Trung ương"),
    (r"CĐS", "chuyển đổi số"),
)
_ABBREVIATION_RES = tuple(
    (re.compile(rf"(?<![\w&])(?:{pattern})(?![\w&])"), full) for pattern, full in ABBREVIATIONS
)
# A bare "KHCN" means the department, not the words: "Sở" is added when nothing precedes it.
_BARE_DEPARTMENTS = {
    "khoa học và công nghệ": "Sở Khoa học và Công nghệ",
    "nông nghiệp và môi trường": "Sở Nông nghiệp và Môi trường",
    "giáo dục và đào tạo": "Sở Giáo dục và Đào tạo",
}

# Phrases that name several agencies at once; each member reports separately.
_GROUP_PREFIXES = ("các ", "tất cả ", "toàn bộ ")
_GROUP_NAMES = frozenset(
    fold(name)
    for name in (
        "địa phương",
        "Đảng ủy xã, phường",
        "Đảng ủy các xã, phường",
        "UBND các xã, phường",
        "Ủy ban nhân dân các xã, phường",
        "sở, ban, ngành",
        "sở, ban, ngành, địa phương",
    )
)
_AND_GROUP = re.compile(r"\s+(?:và|cùng)\s+(?=(?:các|tất cả)\s)", re.IGNORECASE)
_TRAILING_PUNCT = re.compile(r"[\s.;,]+$")


def expand_abbreviations(name: str) -> str:
    """Spell out the usual abbreviations ("Sở KH&CN" -> "Sở Khoa học và Công nghệ")."""
    text = tidy(name)
    for pattern, full in _ABBREVIATION_RES:
        text = pattern.sub(full, text)
    return _BARE_DEPARTMENTS.get(fold(text), text)


def canonical_name(name: str) -> str:
    """The display form of a name: abbreviations spelled out, one tone placement, capitalised."""
    text = _TRAILING_PUNCT.sub("", unify_tone_placement(expand_abbreviations(name)))
    return text[:1].upper() + text[1:]


def agency_key(name: str) -> str:
    """The key two spellings of one agency share (case, spacing, NFC, tone placement)."""
    return fold(canonical_name(name))


def is_group_name(name: str) -> bool:
    """True when a name stands for several agencies ("Các sở, ban, ngành", "địa phương")."""
    key = agency_key(name)
    return key.startswith(_GROUP_PREFIXES) or key in _GROUP_NAMES


def split_agencies(cell: str) -> list[str]:
    """Split a lead-agency cell into names: on ";" and before "và các …", never on a bare "và"."""
    names: list[str] = []
    for part in re.split(r"[;\n]+", tidy(cell)):
        for piece in _AND_GROUP.split(part):
            piece = _TRAILING_PUNCT.sub("", piece).strip(" -–•+")
            if piece:
                names.append(piece)
    return names


@dataclass(frozen=True)
class AgencyEntry:
    """One registry row: a canonical name, its aliases, and the groups it belongs to."""

    name: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    is_group: bool = False
