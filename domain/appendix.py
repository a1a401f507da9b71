"""Turn the rows of a task appendix (any file format) into items with parsed deadlines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from domain.agencies import split_agencies
from domain.deadlines import Deadline, parse_deadline
from domain.documents import DocumentRef, parse_document
from domain.text import fold, strip_diacritics, tidy

ItemKind = Literal["task", "indicator"]
Column = Literal[
    "number", "text", "document", "lead", "support", "deadline", "assessment", "note", "kind"
]

# Header names and their variants, matched on folded text without diacritics, by prefix.
_HEADER_PREFIXES: tuple[tuple[Column, tuple[str, ...]], ...] = (
    ("number", ("stt", "tt", "so tt", "so thu tu")),
    ("text", ("nhiem vu", "noi dung nhiem vu", "ten nhiem vu", "noi dung", "chi tieu, nhiem vu",
              "nhiem vu/chi tieu", "ten chi tieu", "chi tieu")),
    ("document", ("van ban giao", "van ban", "can cu")),
    ("lead", ("co quan chu tri", "don vi chu tri", "chu tri", "co quan thuc hien",
              "don vi thuc hien", "co quan, don vi chu tri")),
    ("support", ("co quan phoi hop", "don vi phoi hop", "phoi hop")),
    ("deadline", ("thoi han", "thoi gian hoan thanh", "thoi gian thuc hien", "han hoan thanh")),
    ("assessment", ("danh gia", "ket qua danh gia")),
    ("note", ("ghi chu",)),
    ("kind", ("loai",)),
)
_NUMBER = re.compile(r"^(\d{1,6})(?:\.0+)?[.)]?$")  # up to 999,999 rows
_ROMAN_OR_LETTER = r"(?:[IVXLC]{1,6}|[A-Z])"
_SECTION_LINE = re.compile(rf"^{_ROMAN_OR_LETTER}\s*[-.–)/:]\s*\S")
_SECTION_NUMBER = re.compile(rf"^{_ROMAN_OR_LETTER}[.)]?$")
_OVERDUE = re.compile(r"^qua han\b")


class AppendixError(Exception):
    """The appendix cannot be understood; `where` says where in the file, in Vietnamese."""

    def __init__(self, reason: str, where: str | None = None) -> None:
        super().__init__(f"{where}: {reason}" if where else reason)
        self.reason = reason
        self.where = where


@dataclass(frozen=True)
class SourceRow:
    """One row of the input as its reader saw it: the cells and where it stands in the file."""

    cells: tuple[str, ...]
    line: int
    where: str = ""

    @property
    def place(self) -> str:
        """Where the row is, for a person: "dòng 12", "bảng 2, hàng 5"."""
        return self.where or f"dòng {self.line}"


@dataclass(frozen=True)
class AppendixItem:
    """A task or indicator as the appendix states it, deadline parsed."""

    kind: ItemKind
    number: str
    section: str
    text: str
    document: DocumentRef | None
    lead_agencies: tuple[str, ...]
    support_agencies: tuple[str, ...]
    deadline: Deadline
    assessment: str | None
    note: str | None
    lines: tuple[int, ...]

    @property
    def identity(self) -> str:
        """What makes two rows the same item: its document and its wording."""
        return item_identity(self.document.key if self.document else "", self.text)


def item_identity(document_key: str, text: str) -> str:
    """What makes two rows the same item: its document's key and its folded wording."""
    return f"{document_key}|{fold(text).rstrip(' .;')}"


@dataclass
class _Draft:
    """A row being assembled: continuation lines are joined into it."""

    cells: dict[Column, str]
    section: str
    has_deadline_column: bool
    lines: list[int] = field(default_factory=list)
    place: str = ""


def find_columns(cells: Sequence[str]) -> dict[Column, int]:
    """Map known header names in a row to their column index (empty when it is not a header)."""
    found: dict[Column, int] = {}
    for index, cell in enumerate(cells):
        name = strip_diacritics(fold(cell)).strip(" *:")
        if not name or len(name) > 60:
            continue
        for column, prefixes in _HEADER_PREFIXES:
            if column not in found and any(
                name == p or name.startswith(p + " ") or name.startswith(p + "(") for p in prefixes
            ):
                found[column] = index
                break
    return found if len(found) >= 2 else {}


def _distinct_values(cells: Sequence[str]) -> list[str]:
    values: list[str] = []
    for cell in cells:
        if cell and cell not in values:
            values.append(cell)
    return values


def _section_heading(cells: Sequence[str], columns: dict[Column, int]) -> str | None:
    values = _distinct_values(cells)
    if len(values) == 1 and _SECTION_LINE.match(values[0]):
        return values[0]
    number = _cell(cells, columns, "number")
    text = _cell(cells, columns, "text")
    if number and text and _SECTION_NUMBER.match(number) and len(values) == 2:
        return f"{number.rstrip('.)')}- {text}"
    return None


def _cell(cells: Sequence[str], columns: dict[Column, int], column: Column) -> str:
    index = columns.get(column)
    return cells[index] if index is not None and index < len(cells) else ""


def _join(above: str, below: str) -> str:
    return f"{above} {below}".strip() if above and below else above or below


def read_rows(rows: Iterable[SourceRow]) -> list[_Draft]:
    """Find the tables in the rows: headers, sections, data rows and their continuation lines."""
    columns: dict[Column, int] = {}
    section = ""
    drafts: list[_Draft] = []
    saw_header_without_text: str | None = None
    for row in rows:
        cells = tuple(tidy(cell) for cell in row.cells)
        if not any(cells):
            continue
        header = find_columns(cells)
        if header:
            if "text" not in header:
                saw_header_without_text = row.place
                columns = {}
                continue
            columns = header
            continue
        heading = _section_heading(cells, columns)
        if heading:
            section = heading
            continue
        if not columns:
            continue  # titles and letters above the first table
        number = _cell(cells, columns, "number")
        values = {column: _cell(cells, columns, column) for column in columns}
        numbered = _NUMBER.match(number)
        if numbered:
            values["number"] = numbered.group(1)
            drafts.append(_Draft(values, section, "deadline" in columns, [row.line], row.place))
        elif not number and drafts and len(cells) > 1 and any(values.values()):
            # A row broken across a page break: its continuation has no number.
            above = drafts[-1]
            for column, value in values.items():
                above.cells[column] = _join(above.cells.get(column, ""), value)
            above.lines.append(row.line)
        elif number and len(_distinct_values(cells)) > 1:
            raise AppendixError(f"số thứ tự không hợp lệ: {number!r}", row.place)
        # Anything else is a footnote or a signature line between tables.
    if not drafts:
        if saw_header_without_text is not None:
            raise AppendixError("bảng không có cột nhiệm vụ", saw_header_without_text)
        raise AppendixError("không tìm thấy bảng nhiệm vụ (cần hàng tiêu đề có cột STT và "
                            "Nhiệm vụ)")
    return drafts


def _kind_from_cell(value: str) -> ItemKind | None:
    folded = strip_diacritics(fold(value))
    if folded.startswith("chi tieu"):
        return "indicator"
    if folded.startswith("nhiem vu"):
        return "task"
    return None


def _to_item(draft: _Draft, fallback_year: int) -> AppendixItem:
    cells = draft.cells
    text = cells.get("text", "")
    if not text:
        raise AppendixError(f"nhiệm vụ số {cells['number']} không có nội dung", draft.place)
    document = parse_document(cells["document"]) if cells.get("document") else None
    year = (document.year if document else None) or fallback_year
    assessment = cells.get("assessment") or None
    deadline_text = cells.get("deadline", "")
    if not deadline_text and assessment and _OVERDUE.match(strip_diacritics(fold(assessment))):
        deadline_text = assessment
    kind = _kind_from_cell(cells.get("kind", "")) or "task"
    return AppendixItem(
        kind=kind,
        number=cells["number"],
        section=draft.section,
        text=text,
        document=document,
        lead_agencies=tuple(split_agencies(cells.get("lead", ""))),
        support_agencies=tuple(split_agencies(cells.get("support", ""))),
        deadline=parse_deadline(deadline_text, year),
        assessment=assessment,
        note=cells.get("note") or None,
        lines=tuple(draft.lines),
    )


def _merge(first: AppendixItem, again: AppendixItem, first_has_deadline: bool) -> AppendixItem:
    """One item listed twice: the row with a deadline column leads, the other fills gaps."""
    lead, other = (first, again) if first_has_deadline else (again, first)
    return replace(
        lead,
        kind="task",
        assessment=lead.assessment or other.assessment,
        note=lead.note or other.note,
        lead_agencies=lead.lead_agencies or other.lead_agencies,
        support_agencies=lead.support_agencies or other.support_agencies,
        deadline=lead.deadline if lead.deadline.raw else other.deadline,
        lines=tuple(sorted({*first.lines, *again.lines})),
    )


def parse_appendix(rows: Iterable[SourceRow], fallback_year: int) -> list[AppendixItem]:
    """Every item of an appendix, each once; tasks listed again for assessment are merged."""
    drafts = read_rows(rows)
    items: dict[str, AppendixItem] = {}
    has_deadline: dict[str, bool] = {}
    explicit_kind: dict[str, bool] = {}
    for draft in drafts:
        item = _to_item(draft, fallback_year)
        key = item.identity
        if key in items:
            items[key] = _merge(items[key], item, has_deadline[key])
            has_deadline[key] = has_deadline[key] or draft.has_deadline_column
            continue
        items[key] = item
        has_deadline[key] = draft.has_deadline_column
        explicit_kind[key] = bool(draft.cells.get("kind"))
    result = []
    for key, item in items.items():
        if not explicit_kind[key] and not has_deadline[key] and item.assessment is not None:
            # An assessment-only row is an indicator unless it is an overdue task.
            overdue = _OVERDUE.match(strip_diacritics(fold(item.assessment)))
            item = replace(item, kind="task" if overdue else "indicator")
        result.append(item)
    return result


def repeated_numbers(items: Iterable[AppendixItem]) -> list[str]:
    """Numbers (STT) given to different items of one section, as warnings in Vietnamese."""
    seen: dict[tuple[str, str], int] = {}
    for item in items:
        key = (item.section, item.number)
        seen[key] = seen.get(key, 0) + 1
    return [f"STT {number}{' (' + section + ')' if section else ''} dùng cho {count} mục khác "
            "nhau" for (section, number), count in seen.items() if count > 1]
