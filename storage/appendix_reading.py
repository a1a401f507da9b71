"""An appendix file read into items, with warnings: no database, so a child process can do it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from domain.appendix import AppendixError, AppendixItem, parse_appendix, repeated_numbers
from domain.appendix_heading import AppendixHeading, appendix_heading
from storage.readers import read_source


class ImportFailed(Exception):
    """An appendix could not be imported; the message names the file, the row and the reason."""


@dataclass(frozen=True)
class ParsedAppendix:
    """A file's items, the warnings about it, its digest, and its title lines."""

    items: list[AppendixItem]
    warnings: list[str]
    sha256: str
    heading: AppendixHeading


def read_appendix(path: Path, fallback_year: int) -> list[AppendixItem]:
    """Parse a file into items, or raise ImportFailed naming the file, the row and the reason."""
    return read_appendix_checked(path, fallback_year).items


def read_appendix_checked(path: Path, fallback_year: int) -> ParsedAppendix:
    """Parse a file into items with warnings, or raise ImportFailed (file, row, reason)."""
    try:
        read = read_source(path)
        try:
            items = parse_appendix(read.rows, fallback_year)
        except AppendixError:
            if read.formulas_without_values:
                # Not "no task table": the table is formulas nobody calculated.
                raise AppendixError(read.warnings[0]) from None
            raise
    except AppendixError as exc:
        raise ImportFailed(f"{path.name}: {exc}") from exc
    return ParsedAppendix(items, read.warnings + repeated_numbers(items),
                          hashlib.sha256(path.read_bytes()).hexdigest(),
                          appendix_heading(read.rows))


