"""The workbook's "Tổng hợp" sheet: the digest's figures, each table saying what it counts."""

from __future__ import annotations

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from domain.digest import Digest
from domain.digest_groups import by_document, ranking
from domain.digest_inputs import INDICATOR_CLASSES, TASK_CLASSES
from domain.digest_text import INDICATOR_LABELS, TASK_LABELS, share, title
from domain.digest_words import UNREPORTED
from storage.workbook_style import a4_landscape, date_cell, styled, text_line, widths


def summary_sheet(sheet: WriteOnlyWorksheet, digest: Digest) -> None:
    """Classes of items, indicators, by document, agencies ranked (assignments)."""
    widths(sheet, (44, 14, 14, 14, 16, 14, 16))
    a4_landscape(sheet)  # before the first row: a write-only sheet writes its setup then
    figures = digest.figures
    sheet.append(text_line(sheet, title(digest.period), bold=True, size=13, center=False))
    sheet.append([f"Số liệu tính đến ngày {digest.period.today:%d/%m/%Y}"])
    sheet.append([])
    sheet.append(styled(sheet, ("Nhiệm vụ (số nhiệm vụ)", "Số lượng", "Tỷ lệ",
                                f"Trong đó {UNREPORTED}", "Chỉ có đánh giá của phụ lục")))
    for name in TASK_CLASSES:
        count = figures.tasks[name]
        sheet.append([TASK_LABELS[name], count, share(count, figures.task_total),
                      figures.unreported[name], figures.from_document[name]])
    sheet.append(["Tổng số nhiệm vụ", figures.task_total, None, figures.unreported_total])
    if figures.adjusted:
        sheet.append(["Trong đó hoàn thành đúng hạn (đã điều chỉnh theo gia hạn được duyệt)",
                      figures.adjusted])
    sheet.append([])
    sheet.append(styled(sheet, ("Chỉ tiêu (số chỉ tiêu)", "Số lượng", "Tỷ lệ")))
    for indicator in INDICATOR_CLASSES:
        count = figures.indicators[indicator]
        sheet.append([INDICATOR_LABELS[indicator], count,
                      share(count, figures.indicator_total)])
    sheet.append(["Tổng số chỉ tiêu", figures.indicator_total])
    sheet.append([])
    sheet.append(styled(sheet, ("Văn bản giao nhiệm vụ (số nhiệm vụ)", "Tổng", "Hoàn thành",
                                "Quá hạn chưa hoàn thành", "Đang thực hiện trong hạn",
                                "Chưa đến hạn", "Thường xuyên / theo tiến độ TW")))
    for row in by_document(digest):
        c = row.classes
        sheet.append([row.document, row.total, row.done, c["overdue"], c["in_progress_on_time"],
                      c["not_due"], c["recurring"]])
    sheet.append([])
    sheet.append(styled(sheet, ("Cơ quan (lượt phân công), xếp theo tỷ lệ hoàn thành",
                                "Được giao", "Hoàn thành", "Tỷ lệ (%)", "Quá hạn",
                                "Thay đổi so với báo cáo trước (điểm %)",
                                "Cập nhật lần cuối")))
    last = {row.agency_name: row.last_update for row in digest.agencies}
    ranked = ranking(digest)
    for entry in ranked:
        sheet.append([f"{entry.place}. {entry.agency_name}", entry.assigned, entry.done,
                      entry.rate, entry.overdue, entry.change_points,
                      date_cell(sheet, last.get(entry.agency_name))])
    sheet.append(["Cộng (lượt phân công)", sum(r.assigned for r in ranked),
                  sum(r.done for r in ranked), None, sum(r.overdue for r in ranked)])
