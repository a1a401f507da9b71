"""Item codes people see and type: the appendix's own row number with a kind prefix.

Section II row 47 (a task) is NV47, section I row 5 (an indicator) is CT5: a leader holding the
paper finds the row. The shape stays letters+digits (NV/CT and at most four digits) because the
reply parser recognises exactly that. When the codes are taken — another section of the same
appendix numbered from 1 again, or another appendix — the whole section takes the first
thousand where all its rows are free: NV1047, NV2047, … (the code still ends in its row
number, and a section's rows share one series). A row number that is not a plain number (rare:
"1a") gets the first free code from NV9001 up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable

PREFIXES = {"task": "NV", "indicator": "CT"}
SERIES = 1000
SERIES_COUNT = 9
_FALLBACK_FROM = SERIES * SERIES_COUNT + 1
_PLAIN = re.compile(r"^\s*0*(\d{1,3})\s*[.)]?\s*$")


def row_number(number: str) -> int | None:
    """The row's number in its section (1–999), or None when it is not a plain number."""
    found = _PLAIN.match(number or "")
    if found is None or int(found.group(1)) == 0:
        return None
    return int(found.group(1))


def section_series(kind: str, numbers: Iterable[str], free: Callable[[str], bool]) -> int:
    """The first series (0: NV47, 1: NV1047, …) in which every row of a section is free."""
    prefix = PREFIXES.get(kind, "NV")
    rows = [row for row in map(row_number, numbers) if row is not None]
    for series in range(SERIES_COUNT):
        if all(free(f"{prefix}{series * SERIES + row}") for row in rows):
            return series
    return 0


def item_code(kind: str, number: str, taken: Container[str], series: int = 0) -> str:
    """The row's code in its section's series if free, else the next free series; NV9001 up
    for odd numbers."""
    prefix = PREFIXES.get(kind, "NV")
    row = row_number(number)
    if row is not None:
        for step in range(series, SERIES_COUNT):
            code = f"{prefix}{step * SERIES + row}"
            if code not in taken:
                return code
    value = _FALLBACK_FROM
    while f"{prefix}{value}" in taken:
        value += 1
    return f"{prefix}{value}"


def appendix_number(code: str) -> int | None:
    """The row number a code carries (NV1047 -> 47), None for a fallback code."""
    found = re.fullmatch(r"[A-Z]+(\d+)", code)
    if found is None:
        return None
    value = int(found.group(1))
    return None if value >= _FALLBACK_FROM else value % SERIES
