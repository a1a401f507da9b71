"""Write the seed appendix as .docx, .xlsx and .csv files laid out the way offices make them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from domain.appendix import SourceRow
from storage.readers import read_source_rows

# Another column order than the seed's (STT, Nhiệm vụ, Văn bản, Cơ quan chủ trì, Thời hạn/Đánh giá).
COLUMN_ORDER = (0, 3, 4, 1, 2)


@dataclass
class Table:
    """One table of the appendix: its header, the section it opens, its rows."""

    header: list[str]
    section: str | None
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Layout:
    """The appendix as title paragraphs and tables."""

    titles: list[str]
    tables: list[Table]


def seed_layout(path: Path) -> Layout:
    """Split the text appendix into title lines and tables, columns reordered."""
    rows: list[SourceRow] = read_source_rows(path)
    start = next(r.line for r in rows if r.cells[0].startswith("PHỤ LỤC"))
    titles: list[str] = []
    tables: list[Table] = []
    section: str | None = None
    for row in rows:
        if row.line < start or not any(cell.strip() for cell in row.cells):
            continue
        if len(row.cells) == 1:
            text = row.cells[0].strip()
            if text[:3] in ("I- ", "II-"):
                section = text
            elif not tables:
                titles.append(text)
            continue
        cells = [row.cells[i] if i < len(row.cells) else "" for i in COLUMN_ORDER]
        if cells[0] == "STT":
            tables.append(Table(cells, section))
            section = None
        else:
            tables[-1].rows.append(cells)
    return Layout(titles, tables)


def write_docx(layout: Layout, path: Path) -> None:
    """Word tables, one per page as printed; each section row merged across its table."""
    from docx import Document

    document = Document()
    for title in layout.titles:
        document.add_paragraph(title)
    for table in layout.tables:
        grid = document.add_table(rows=1, cols=len(table.header))
        for cell, text in zip(grid.rows[0].cells, table.header, strict=True):
            cell.text = text
        if table.section:
            merged = grid.add_row().cells
            merged[0].merge(merged[-1]).text = table.section
        for values in table.rows:
            for cell, text in zip(grid.add_row().cells, values, strict=True):
                cell.text = text
        document.add_paragraph("")
    document.save(str(path))


def write_xlsx(layout: Layout, path: Path) -> None:
    """One sheet: titles above the header, merged section rows, numbers stored as numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Phụ lục"
    for title in layout.titles:
        sheet.append([title])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                          end_column=5)
    for table in layout.tables:
        sheet.append(table.header)
        if table.section:
            sheet.append([table.section])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                              end_column=5)
        for values in table.rows:
            number = values[0].rstrip(".")
            sheet.append([int(number) if number.isdigit() else None, *values[1:]])
    workbook.save(path)


def write_csv(layout: Layout, path: Path) -> None:
    """A CSV export: one header, the section as a row of its own, UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(layout.tables[0].header)
    for table in layout.tables:
        if table.section:
            writer.writerow([table.section, "", "", "", ""])
        if table.header != layout.tables[0].header:
            writer.writerow(table.header)
        writer.writerows(table.rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


WRITERS = {".docx": write_docx, ".xlsx": write_xlsx, ".csv": write_csv}
