"""Read an appendix file (.txt, .csv, .docx, .xlsx) into rows of cells, in document order."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from defusedxml import DefusedXmlException

from domain.appendix import AppendixError, SourceRow
from storage.file_guard import capped, check_package, check_size, checked

_T = TypeVar("_T")

SUPPORTED_SUFFIXES = (".txt", ".tsv", ".csv", ".docx", ".xlsx")


@dataclass
class SourceRead:
    """The rows of a file, what the reader noticed on the way, and formulas it could not read."""

    rows: list[SourceRow]
    warnings: list[str] = field(default_factory=list)
    formulas_without_values: int = 0


def read_source_rows(path: Path) -> list[SourceRow]:
    """All rows of the file; a file that cannot be read raises AppendixError in Vietnamese."""
    return read_source(path).rows


def read_source(path: Path) -> SourceRead:
    """All rows of the file and the reader's warnings; AppendixError (in Vietnamese) if unread."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise AppendixError(
            f"không đọc được loại tệp {suffix or '(không có đuôi)'}; "
            "hãy dùng .docx, .xlsx, .csv hoặc .txt"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AppendixError(f"không mở được tệp ({exc.strerror or exc})") from exc
    if not data.strip():
        raise AppendixError("tệp rỗng")
    check_size(data, suffix)
    if suffix == ".docx":
        check_package(data, suffix, "Word")
        return SourceRead(_parsed(lambda: list(capped(_docx_rows(data))), suffix, "Word"))
    if suffix == ".xlsx":
        check_package(data, suffix, "Excel")
        return _parsed(lambda: _xlsx_read(data), suffix, "Excel")
    text = _decode(data, suffix)
    if suffix == ".csv":
        return _csv_read(text)
    return SourceRead(list(capped(
        SourceRow(tuple(line.split("\t")), number)
        for number, line in enumerate(text.splitlines(), start=1))))


def _parsed(read: Callable[[], _T], suffix: str, what: str) -> _T:
    """Run a reader; any failure of the file itself becomes a sentence, never a traceback."""
    try:
        return read()
    except AppendixError:
        raise
    except MemoryError as exc:
        raise AppendixError(f"tệp {suffix} cần quá nhiều bộ nhớ để đọc") from exc
    except RecursionError as exc:
        raise AppendixError(f"tệp {suffix} lồng nhau quá sâu, không đọc") from exc
    except DefusedXmlException as exc:
        raise AppendixError(f"tệp {suffix} chứa khai báo XML không an toàn ({type(exc).__name__}: "
                            "DTD hoặc thực thể), không đọc") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError,
            IndexError, AttributeError, OSError, SyntaxError) as exc:
        # SyntaxError covers lxml's and ElementTree's parse errors.
        detail = str(exc).lower()
        if "depth" in detail:
            raise AppendixError(f"tệp {suffix} có XML lồng nhau quá sâu, không đọc") from exc
        if "entity" in detail or "amplification" in detail:
            raise AppendixError(f"tệp {suffix} chứa khai báo XML không an toàn (thực thể lồng "
                                "nhau), không đọc") from exc
        raise AppendixError(f"tệp {suffix} bị hỏng hoặc không phải tệp {what} "
                            f"({type(exc).__name__})") from exc


def _decode(data: bytes, suffix: str) -> str:
    try:
        return data.decode("utf-8-sig").replace("\x00", "")
    except UnicodeDecodeError as exc:
        raise AppendixError(
            f"tệp {suffix} không ở mã UTF-8 (byte lạ ở vị trí {exc.start}); "
            "hãy lưu lại tệp với mã hóa UTF-8"
        ) from exc


def _csv_read(text: str) -> SourceRead:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[SourceRow] = []
    warnings: list[str] = []
    first_line = 1
    try:
        for number, cells in enumerate(reader, start=1):
            row = checked(SourceRow(tuple(cells), number), number)
            rows.append(row)
            if _swallowed_rows(row, dialect.delimiter):
                warnings.append(
                    f"dòng {first_line}: một ô kéo dài qua nhiều dòng và chứa cả dấu phân cách "
                    "— có thể một dấu ngoặc kép (\") chưa đóng đã gộp nhiều hàng làm một; "
                    "hãy kiểm tra tệp")
            first_line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise AppendixError(
                f"một ô dài quá {csv.field_size_limit():,} ký tự; ".replace(",", ".")
                + "có thể do dấu ngoặc kép (\") chưa đóng", f"dòng {reader.line_num}") from exc
        raise AppendixError(f"tệp .csv không đúng định dạng ({exc})",
                            f"dòng {reader.line_num}") from exc
    return SourceRead(rows, warnings)


def _swallowed_rows(row: SourceRow, delimiter: str) -> bool:
    """Whether a quoted cell runs over lines that look like rows of their own."""
    return any("\n" in cell and any(delimiter in line for line in cell.splitlines()[1:])
               for cell in row.cells)


def _docx_rows(data: bytes) -> Iterator[SourceRow]:
    # python-docx is imported here so the text path does not pay for it.
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except PackageNotFoundError as exc:
        raise AppendixError("tệp .docx bị hỏng hoặc không phải tệp Word") from exc
    line = 0
    table_number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            line += 1
            yield SourceRow((block.text,), line, f"đoạn văn {line}")
        elif isinstance(block, Table):
            table_number += 1
            for row_number, row in enumerate(block.rows, start=1):
                line += 1
                # A merged cell comes back once per grid column it spans; drop the repeats.
                cells: list[str] = []
                previous = None
                for cell in row.cells:
                    cells.append("" if cell._tc is previous else cell.text)
                    previous = cell._tc
                yield SourceRow(tuple(cells), line, f"bảng {table_number}, hàng {row_number}")


def _xlsx_read(data: bytes) -> SourceRead:
    """The workbook's rows (cached values), and how many formulas had no cached value."""
    from openpyxl import load_workbook

    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    rows: list[SourceRow] = []
    missing = 0
    line = 0
    try:
        for sheet, formula_sheet in zip(values.worksheets, formulas.worksheets, strict=True):
            pairs = zip(sheet.iter_rows(values_only=True),
                        formula_sheet.iter_rows(values_only=True), strict=False)
            for row_number, (row, written) in enumerate(pairs, start=1):
                line += 1
                missing += sum(1 for value, formula in zip(row, written, strict=False)
                               if value is None and isinstance(formula, str)
                               and formula.startswith("="))
                cells = tuple(_xlsx_text(value) for value in row)
                rows.append(checked(SourceRow(cells, line, f"trang tính '{sheet.title}', "
                                                         f"hàng {row_number}"), line))
    finally:
        values.close()
        formulas.close()
    warnings = [f"{missing} ô là công thức chưa có giá trị tính sẵn, được đọc là ô trống; hãy "
                "mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi lại"] if missing else []
    return SourceRead(rows, warnings, missing)


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)
