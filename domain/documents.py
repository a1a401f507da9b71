"""Assigning documents ("Kế hoạch số 328-KH/TU ngày 24/4/2025"): their number and date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from domain.text import fold, tidy

# "328-KH/TU", "01-CTr/BCĐ", "9912/UBND-VX", "1968/QĐ-TTg", "03/NQ-CP"
_CODE = re.compile(r"\b(\d+[A-Za-z]?(?:/\d{4})?[-/][A-ZĐ][\wĐđ]*(?:[-/][\wĐđ]+)*)")
_NUMERIC_DATE = re.compile(r"ngày\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)
_WORDED_DATE = re.compile(
    r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})", re.IGNORECASE
)


@dataclass(frozen=True)
class DocumentRef:
    """A document as an appendix cites it: title as written, its number, its date."""

    title: str
    code: str | None
    issued_on: date | None

    @property
    def key(self) -> str:
        """What makes two citations the same document: the number, else the folded title."""
        return fold(self.code) if self.code else fold(self.title)

    @property
    def year(self) -> int | None:
        """The year of issue, the default year of the deadlines it sets."""
        return self.issued_on.year if self.issued_on else None


def parse_document(title: str) -> DocumentRef:
    """Read the number and date out of a document citation; missing parts stay None."""
    text = tidy(title)
    code_match = _CODE.search(text)
    issued_on = None
    for pattern in (_NUMERIC_DATE, _WORDED_DATE):
        found = pattern.search(text)
        if found:
            day, month, year = (int(part) for part in found.groups())
            try:
                issued_on = date(year, month, day)
            except ValueError:
                issued_on = None
            break
    return DocumentRef(title=text, code=code_match.group(1) if code_match else None,
                       issued_on=issued_on)
