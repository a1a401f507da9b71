"""The digest's workbook (XLSX): the appendix itself, filled in, ready to print and file.

Sheets: "Phụ lục" — the appendix's title and "kèm theo …" line, its sections with their headings
and original numbering, its columns plus the deadline as a real date, the adjusted deadline,
status, progress, last report, evidence and notes; "Tổng hợp" — the digest's figures by class,
by document and per agency; "Theo cơ quan" — one row per item x lead agency, the grain agencies
report at; then one sheet per agency (up to MAX_AGENCY_SHEETS). Every sheet prints on A4
landscape, one page wide, its header row repeated, text wrapped. Written in openpyxl's
write-only mode so 100,000 rows stay fast and small in memory.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.digest import AssignmentStatus, Digest, ItemStatus, name_key
from domain.digest_text import INDICATOR_LABELS, TASK_LABELS, title
from domain.digest_words import UNREPORTED, according_to, state_text
from domain.item_codes import row_number
from storage.digest_summary_sheet import summary_sheet
from storage.workbook_style import (
    SECTION_FILL,
    Boxes,
    a4_landscape,
    date_cell,
    fit_height,
    merge,
    styled,
    text_line,
    widths,
)

COLUMNS = ("STT", "Mã", "Nhiệm vụ", "Văn bản giao nhiệm vụ", "Cơ quan chủ trì",
           "Thời hạn (theo phụ lục)", "Hạn", "Hạn đã điều chỉnh", "Đánh giá trong phụ lục",
           "Tình trạng", "Tiến độ (%)", "Báo cáo gần nhất", "Minh chứng", "Ghi chú")
WIDTHS = (5, 7, 44, 18, 20, 11, 11, 11, 14, 18, 7, 11, 16, 26)
DETAIL = ("STT", "Mã", "Nhiệm vụ", "Văn bản giao nhiệm vụ", "Cơ quan chủ trì",
          "Thời hạn (theo phụ lục)", "Hạn", "Hạn đã điều chỉnh", "Tình trạng", "Tiến độ (%)",
          "Báo cáo gần nhất", "Minh chứng", "Ghi chú")
DETAIL_WIDTHS = (6, 7, 48, 18, 22, 11, 11, 11, 20, 7, 11, 18, 30)
MAX_AGENCY_SHEETS = 80
NAMES_IN_NOTE = 6
_LABELS = {**TASK_LABELS, **INDICATOR_LABELS}
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def item_status_text(status: ItemStatus) -> str:
    """The class as people read it, with "chưa báo cáo" or the appendix's source said."""
    label = _LABELS[status.cls]
    if status.adjusted:
        label = "Hoàn thành đúng hạn (đã điều chỉnh)"
    if status.source == "none" and status.item.kind == "task":
        return f"{label} – {UNREPORTED}"
    if status.source == "document":
        return f"{label} ({according_to(status.item.attached_to)})"
    return label


def _note(status: ItemStatus) -> str:
    parts = []
    for part in status.assignments:
        a = part.assignment
        said = []
        if a.note:
            said.append(f"{'Vướng mắc: ' if a.status == 'blocked' else ''}{a.note}")
        if a.indicator is not None and a.indicator.value_text:
            said.append(f"Giá trị: {a.indicator.value_text}")
        if said:
            parts.append(f"{a.agency_name}: {'; '.join(said)}")
    grouped = [p.assignment for p in status.assignments if p.assignment.via_group]
    if grouped:
        silent = sorted((a.agency_name for a in grouped if a.last_update is None
                         and a.indicator is None), key=name_key)
        shown = "; ".join(silent[:NAMES_IN_NOTE]) + (
            f" và {len(silent) - NAMES_IN_NOTE} cơ quan khác" if len(silent) > NAMES_IN_NOTE
            else "")
        parts.append(f"{len(grouped) - len(silent)}/{len(grouped)} cơ quan đã báo cáo"
                     + (f"; chưa báo cáo: {shown}" if silent else ""))
    return "\n".join(parts)


def _appendix_row(boxes: Boxes, status: ItemStatus) -> list[Any]:
    item, sheet = status.item, boxes.sheet
    proofs = dict.fromkeys(p for part in status.assignments for p in part.assignment.evidence)
    return boxes.row([
        row_number(item.number) or item.number, item.code, item.text, item.document or None,
        "; ".join(item.lead_agencies) or None, item.deadline_raw or None,
        date_cell(sheet, item.due), date_cell(sheet, status.extended_due),
        # No progress figure for what nobody reported: 0% would be a report nobody made.
        item.assessment or None, item_status_text(status),
        status.percent if status.source == "reported" else None,
        date_cell(sheet, status.last_update), "; ".join(proofs) or None,
        _note(status) or None])


def _sections(digest: Digest) -> list[tuple[str, list[ItemStatus]]]:
    """Items by the appendix's sections, in the order they appear, by original number."""
    blocks: dict[str, list[ItemStatus]] = defaultdict(list)
    for status in digest.items:
        blocks[status.item.section].append(status)
    return [(section, sorted(found, key=lambda s: (row_number(s.item.number) or 0,
                                                   s.item.number, s.item.item_id)))
            for section, found in blocks.items()]


def _title_block(sheet: WriteOnlyWorksheet, lines: Sequence[str], columns: int) -> int:
    # Print setup first: a write-only sheet writes its properties with the first row.
    header = len(lines) + 1
    a4_landscape(sheet, header)
    sheet.freeze_panes = f"A{header + 1}"
    for index, line in enumerate(lines, start=1):
        sheet.append(text_line(sheet, line, bold=index < len(lines), size=13 if index == 1
                               else 11))
        merge(sheet, index, columns)
    return header


class _Rows:
    """Appends rows to a write-only sheet, each sized to its wrapped text."""

    def __init__(self, sheet: WriteOnlyWorksheet, sizes: Sequence[float], row: int) -> None:
        self.sheet, self.sizes, self.row = sheet, sizes, row

    def add(self, values: list[Any]) -> None:
        self.row += 1
        fit_height(self.sheet, self.row, values, self.sizes)
        self.sheet.append(values)


def _appendix_sheet(workbook: Workbook, digest: Digest) -> None:
    sheet = workbook.create_sheet("Phụ lục")
    widths(sheet, WIDTHS)
    heading = [line for line in digest.heading.split("\n") if line] or ["PHỤ LỤC"]
    lines = [*heading, f"Tình hình thực hiện đến ngày {digest.period.today:%d/%m/%Y}"
             f" – {title(digest.period)}"]
    header = _title_block(sheet, lines, len(COLUMNS))
    rows, boxes = _Rows(sheet, WIDTHS, header - 1), Boxes(sheet)
    rows.add(styled(sheet, COLUMNS))
    for section, statuses in _sections(digest):
        if section:
            # Sized as one cell across the whole table.
            rows.sizes = (sum(WIDTHS),)
            rows.add(text_line(sheet, section, bold=True, center=False, fill=SECTION_FILL))
            rows.sizes = WIDTHS
            merge(sheet, rows.row, len(COLUMNS))
        for status in statuses:
            rows.add(_appendix_row(boxes, status))


def _detail_row(boxes: Boxes, number: int, status: ItemStatus,
                part: AssignmentStatus) -> list[Any]:
    item, a, sheet = status.item, part.assignment, boxes.sheet
    progress = 100 if a.status == "done" else a.percent
    label = _LABELS[part.cls]
    known = state_text(item, a)
    return boxes.row([
        number, item.code, item.text, item.document or None, a.agency_name,
        item.deadline_raw or None, date_cell(sheet, item.due), date_cell(sheet, a.extended_due),
        f"{label} – {known}" if known != label.lower() else label,
        progress if item.kind == "task" else None, date_cell(sheet, a.last_update),
        "; ".join(a.evidence) or None, a.note or None])


def _detail_sheet(workbook: Workbook, name: str, heading: str,
                  parts: Iterable[tuple[ItemStatus, AssignmentStatus]]) -> None:
    sheet = workbook.create_sheet(name)
    widths(sheet, DETAIL_WIDTHS)
    header = _title_block(sheet, [heading], len(DETAIL))
    rows, boxes = _Rows(sheet, DETAIL_WIDTHS, header - 1), Boxes(sheet)
    rows.add(styled(sheet, DETAIL))
    for number, (status, part) in enumerate(parts, start=1):
        rows.add(_detail_row(boxes, number, status, part))


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_NAME.sub(" ", name)[:28].strip() or "Cơ quan"
    candidate, n = base, 2
    while candidate.casefold() in used:
        candidate, n = f"{base[:26]} {n}", n + 1
    used.add(candidate.casefold())
    return candidate


def build_workbook(digest: Digest) -> bytes:
    """The workbook as XLSX bytes."""
    workbook = Workbook(write_only=True)
    _appendix_sheet(workbook, digest)
    summary_sheet(workbook.create_sheet("Tổng hợp"), digest)
    when = f"đến ngày {digest.period.today:%d/%m/%Y}"
    parts = [(status, part) for status in digest.items for part in status.assignments]
    _detail_sheet(workbook, "Theo cơ quan", f"Tình hình thực hiện theo cơ quan chủ trì {when}",
                  parts)
    by_agency: dict[str, list[tuple[ItemStatus, AssignmentStatus]]] = defaultdict(list)
    for status, part in parts:
        by_agency[part.assignment.agency_name].append((status, part))
    used = {"phụ lục", "tổng hợp", "theo cơ quan"}
    for agency in sorted(by_agency, key=name_key)[:MAX_AGENCY_SHEETS]:
        _detail_sheet(workbook, _sheet_name(agency, used),
                      f"{agency}: tình hình thực hiện {when}", by_agency[agency])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
