"""The appendix's own heading: its title lines and the document it is attached to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from domain.appendix import SourceRow
from domain.text import fold, strip_diacritics, tidy

# "(kèm theo Công văn số 4362-CV/TU, ngày 17 tháng 9 năm 2025 …)" -> "Công văn 4362-CV/TU".
_ATTACHED = re.compile(
    r"kèm theo\s+(?P<kind>(?:[^\W\d_]+\s+){0,3}?)(?:số\s+)?(?P<number>\d+[\w./-]*[\w])",
    re.IGNORECASE)
_TABLE_HEADER = ("stt", "tt")


@dataclass(frozen=True)
class AppendixHeading:
    """What stands above the first table."""

    lines: tuple[str, ...]
    attached_to: str = ""

    @property
    def title(self) -> str:
        """The title lines joined (the "kèm theo" line included)."""
        return "\n".join(self.lines)


def attached_document(text: str) -> str:
    """"Công văn 4362-CV/TU" from a "kèm theo Công văn số 4362-CV/TU, ngày …" line, else ""."""
    found = _ATTACHED.search(tidy(text))
    if found is None:
        return ""
    kind = tidy(found.group("kind"))
    kind = kind[:1].upper() + kind[1:]
    return tidy(f"{kind} {found.group('number')}")


def _is_table_header(row: SourceRow) -> bool:
    first = strip_diacritics(fold(row.cells[0] if row.cells else "")).strip(" .")
    return len([c for c in row.cells if c.strip()]) > 1 and first in _TABLE_HEADER


def appendix_heading(rows: Iterable[SourceRow]) -> AppendixHeading:
    """The lines above the first table, with the "kèm theo" document if one is named."""
    lines: list[str] = []
    for row in rows:
        if _is_table_header(row):
            break
        text = tidy(" ".join(cell for cell in row.cells if cell.strip()))
        if text:
            lines.append(text.strip("*").strip())
    # A covering letter may stand above the appendix: its title starts at "PHỤ LỤC".
    starts = [n for n, line in enumerate(lines)
              if strip_diacritics(fold(line)).startswith("phu luc")]
    if starts:
        lines = lines[starts[-1]:]
    # A title ends where the section headings start ("I- Danh sách …").
    title = []
    for line in lines:
        if re.match(r"^[IVX]+\s*[-.–)]\s", line):
            break
        title.append(line)
    attached = next((found for line in title if (found := attached_document(line))), "")
    return AppendixHeading(tuple(title), attached)
