"""Cells and print setup shared by the digest's workbook sheets (openpyxl write-only mode)."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import date
from typing import Any, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "DD/MM/YYYY"
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def styled(sheet: WriteOnlyWorksheet, names: Sequence[str]) -> list[Any]:
    """A header row: white bold on dark blue, boxed, wrapped."""
    cells = []
    for name in names:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill, cell.alignment, cell.border = (HEADER_FONT, HEADER_FILL, _CENTER,
                                                             _BOX)
        cells.append(cell)
    return cells


def _prototype(sheet: WriteOnlyWorksheet, number_format: str | None = None) -> Any:
    cell = WriteOnlyCell(sheet)
    cell.border, cell.alignment = _BOX, _WRAP
    if number_format:
        cell.number_format = number_format
    return cell


class Boxes:
    """Body rows of one sheet: every cell boxed and wrapped at the top (a printed table).

    Setting a style on each cell looks it up in the workbook's style tables every time (most of
    the workbook's time at 100,000 rows); copying a prototype's style array is not.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.plain, self.dated = _prototype(sheet), _prototype(sheet, DATE_FORMAT)

    def row(self, values: Sequence[Any]) -> list[Any]:
        """The values as boxed cells (dates keep their dd/mm/yyyy format)."""
        cells = []
        for value in values:
            cell: Any = value if isinstance(value, Cell) else WriteOnlyCell(self.sheet, value)
            cell._style = copy((self.dated if cell.is_date else self.plain)._style)
            cells.append(cell)
        return cells


def text_line(sheet: WriteOnlyWorksheet, text: str, *, bold: bool = False, size: int = 11,
              center: bool = True, fill: PatternFill | None = None) -> list[Any]:
    """A line of text in the first cell (merged across the table by the caller)."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=bold, size=size, italic=not bold and center)
    cell.alignment = _CENTER if center else Alignment(vertical="center", wrap_text=True)
    if fill is not None:
        cell.fill = fill
    return [cell]


def merge(sheet: Any, row: int, columns: int) -> None:
    """Merge a row's cells across the table (write-only sheets keep the range for saving)."""
    sheet.merged_cells.add(f"A{row}:{get_column_letter(columns)}{row}")


def widths(sheet: Any, values: Sequence[float]) -> None:
    """Column widths, in characters."""
    for index, width in enumerate(values, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def a4_landscape(sheet: Any, header_row: int | None = None) -> None:
    """Print on A4 landscape, one page wide, the header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_options.horizontalCentered = True
    if header_row is not None:
        sheet.print_title_rows = f"{header_row}:{header_row}"


def text_of(value: Any) -> str:
    """What a cell shows, roughly, for sizing its row."""
    inner = value.value if isinstance(value, Cell) else value
    return "" if inner is None else str(inner)


def fit_height(sheet: Any, row: int, values: Sequence[Any], sizes: Sequence[float]) -> None:
    """Give a wrapped row the height its longest cell needs (no spreadsheet sizes rows of a
    file it did not lay out itself, and a printed row must show all its text)."""
    lines = 1
    for value, width in zip(values, sizes, strict=False):
        # About one character of this font per unit of column width, less for whole words.
        per_line = max(int(width * 1.05) - 1, 4)
        needed = sum(max(1, -(-len(part) // per_line)) for part in text_of(value).split("\n"))
        lines = max(lines, needed)
    if lines > 1:
        sheet.row_dimensions[row].height = 15 * lines + 2


def date_cell(sheet: WriteOnlyWorksheet, day: date | None) -> Any:
    """A real date cell shown dd/mm/yyyy, or nothing."""
    if day is None:
        return None
    cell = WriteOnlyCell(sheet, value=cast(Any, day))
    cell.number_format = DATE_FORMAT
    return cell
