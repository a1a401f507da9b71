"""The digest's workbook (XLSX) in the appendix's own layout, ready to file or upload.

Three sheets: "Nhiệm vụ" (one row per item, its class as status), "Theo cơ quan" (one row per
item x lead agency, the grain the agencies report at) and "Tổng hợp" (the digest's figures and
per-agency table). Written in openpyxl's write-only mode so 100,000 rows stay fast and small in
memory; in that mode the header's view settings must be set before the first row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.digest import AssignmentStatus, Digest, ItemStatus
from domain.digest_inputs import INDICATOR_CLASSES, TASK_CLASSES, AssignmentIn
from domain.digest_text import INDICATOR_LABELS, TASK_LABELS, share, title

COLUMNS = ("STT", "Mã", "Nhiệm vụ", "Văn bản giao nhiệm vụ", "Cơ quan chủ trì", "Thời hạn",
           "Tình trạng", "Tiến độ (%)", "Cập nhật lần cuối", "Ghi chú/vướng mắc", "Minh chứng")
WIDTHS = (6, 8, 70, 32, 34, 16, 24, 11, 14, 44, 30)
DATE_FORMAT = "DD/MM/YYYY"
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_BORDER = Border(bottom=Side(style="thin", color="000000"))
_LABELS = {**TASK_LABELS, **INDICATOR_LABELS}


def _styled(sheet: WriteOnlyWorksheet, names: Sequence[str]) -> list[Any]:
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment, cell.border = _HEADER_ALIGN, _HEADER_BORDER
        cells.append(cell)
    return cells


# openpyxl's stubs leave column_dimensions and auto_filter off WriteOnlyWorksheet; they exist.
def _widths(sheet: Any, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _header(sheet: WriteOnlyWorksheet, names: Sequence[str], widths: Sequence[int]) -> None:
    _widths(sheet, widths)
    sheet.freeze_panes = "A2"
    sheet.append(_styled(sheet, names))


def _filter(sheet: Any, columns: int, rows: int) -> None:
    sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows + 1}"


def _date(sheet: WriteOnlyWorksheet, day: date | None) -> Any:
    if day is None:
        return None
    cell = WriteOnlyCell(sheet, value=cast(Any, day))
    cell.number_format = DATE_FORMAT
    return cell


def _note(assignment: AssignmentIn) -> str:
    parts = []
    if assignment.note:
        prefix = "Vướng mắc: " if assignment.status == "blocked" else ""
        parts.append(f"{prefix}{assignment.note}")
    if assignment.extended_due is not None:
        parts.append(f"Đã gia hạn đến {assignment.extended_due:%d/%m/%Y}")
    if assignment.indicator is not None and assignment.indicator.value_text:
        parts.append(f"Giá trị: {assignment.indicator.value_text}")
    return "; ".join(parts)


def _item_row(sheet: WriteOnlyWorksheet, number: int, status: ItemStatus) -> list[Any]:
    item = status.item
    several = len(status.assignments) > 1
    notes = [(part.assignment.agency_name, _note(part.assignment)) for part in status.assignments]
    note = "\n".join(f"{agency}: {text}" if several else text for agency, text in notes if text)
    proofs = dict.fromkeys(p for part in status.assignments for p in part.assignment.evidence)
    return [number, item.code, item.text, item.document or None,
            "; ".join(item.lead_agencies) or None, item.deadline_raw or None,
            _LABELS[status.cls], status.percent, _date(sheet, status.last_update), note or None,
            "; ".join(proofs) or None]


def _assignment_row(sheet: WriteOnlyWorksheet, number: int, status: ItemStatus,
                    part: AssignmentStatus) -> list[Any]:
    item, assignment = status.item, part.assignment
    progress = 100 if assignment.status == "done" else assignment.percent
    # None, not "": openpyxl writes an empty string as a cell, and skips None.
    return [number, item.code, item.text, item.document or None, assignment.agency_name,
            item.deadline_raw or None, _LABELS[part.cls],
            progress if item.kind == "task" else None, _date(sheet, assignment.last_update),
            _note(assignment) or None, "; ".join(assignment.evidence) or None]


def _rows(sheet: WriteOnlyWorksheet, rows: Iterable[list[Any]]) -> int:
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    return count


def _summary(sheet: WriteOnlyWorksheet, digest: Digest) -> None:
    _widths(sheet, (48, 12, 14, 12, 18))
    figures = digest.figures
    heading = WriteOnlyCell(sheet, value=title(digest.period))
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    sheet.append([f"Số liệu tính đến ngày {digest.period.today:%d/%m/%Y}"])
    sheet.append([])
    sheet.append(_styled(sheet, ("Nhiệm vụ", "Số lượng", "Tỷ lệ")))
    for name in TASK_CLASSES:
        count = figures.tasks[name]
        sheet.append([TASK_LABELS[name], count, share(count, figures.task_total)])
    sheet.append(["Tổng số nhiệm vụ", figures.task_total])
    sheet.append([])
    sheet.append(_styled(sheet, ("Chỉ tiêu", "Số lượng", "Tỷ lệ")))
    for indicator in INDICATOR_CLASSES:
        count = figures.indicators[indicator]
        sheet.append([INDICATOR_LABELS[indicator], count,
                      share(count, figures.indicator_total)])
    sheet.append(["Tổng số chỉ tiêu", figures.indicator_total])
    sheet.append([])
    sheet.append(_styled(sheet, ("Cơ quan", "Được giao", "Hoàn thành", "Quá hạn",
                                 "Cập nhật lần cuối")))
    for row in digest.agencies:
        sheet.append([row.agency_name, row.assigned, row.done, row.overdue,
                      _date(sheet, row.last_update)])
    sheet.append(["Cộng (lượt giao)", sum(r.assigned for r in digest.agencies),
                  sum(r.done for r in digest.agencies), sum(r.overdue for r in digest.agencies)])


def build_workbook(digest: Digest) -> bytes:
    """The workbook as XLSX bytes."""
    workbook = Workbook(write_only=True)
    items = workbook.create_sheet("Nhiệm vụ")
    _header(items, COLUMNS, WIDTHS)
    count = _rows(items, (_item_row(items, number, status)
                          for number, status in enumerate(digest.items, start=1)))
    _filter(items, len(COLUMNS), count)
    detail = workbook.create_sheet("Theo cơ quan")
    _header(detail, COLUMNS, WIDTHS)
    parts = ((status, part) for status in digest.items for part in status.assignments)
    count = _rows(detail, (_assignment_row(detail, number, status, part)
                           for number, (status, part) in enumerate(parts, start=1)))
    _filter(detail, len(COLUMNS), count)
    _summary(workbook.create_sheet("Tổng hợp"), digest)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
