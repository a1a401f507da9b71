"""Write every item as JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from storage.queries import ItemView

KIND_LABELS = {"task": "Nhiệm vụ", "indicator": "Chỉ tiêu"}
COLUMNS = ("Mã", "STT", "Loại", "Mục", "Nhiệm vụ", "Văn bản giao nhiệm vụ", "Cơ quan chủ trì",
           "Cơ quan phối hợp", "Thời hạn", "Hạn (dd/mm/yyyy)", "Đánh giá", "Tình trạng")


def _row(item: ItemView) -> list[str]:
    statuses = "; ".join(
        f"{a.agency}: {a.status_label}"
        + (f" {a.percent}%" if a.percent is not None else "")
        for a in item.assignments
    )
    return [item.code, item.number, KIND_LABELS.get(item.kind, item.kind), item.section,
            item.text, item.document or "", "; ".join(item.lead_agencies),
            "; ".join(item.support_agencies), item.deadline_raw,
            item.due.strftime("%d/%m/%Y") if item.due else "", item.assessment or "", statuses]


def export_json(items: Sequence[ItemView]) -> bytes:
    """A JSON list of item objects (UTF-8, Vietnamese kept readable)."""
    return json.dumps([i.as_json() for i in items], ensure_ascii=False, indent=2).encode()


def export_csv(items: Sequence[ItemView]) -> bytes:
    """CSV with a BOM so Excel opens the Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(_row(item) for item in items)
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(items: Sequence[ItemView]) -> bytes:
    """A workbook with a frozen, filtered header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh sách"
    sheet.append(COLUMNS)
    for item in items:
        sheet.append(_row(item))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    widths = (8, 6, 10, 30, 70, 34, 34, 24, 16, 14, 24, 40)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


EXPORTERS = {"json": export_json, "csv": export_csv, "xlsx": export_xlsx}
