"""Read an appendix file (.txt, .csv, .docx, .xlsx) into rows of cells, in document order."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from domain.appendix import AppendixError, SourceRow

SUPPORTED_SUFFIXES = (".txt", ".tsv", ".csv", ".docx", ".xlsx")


def read_source_rows(path: Path) -> list[SourceRow]:
    """All rows of the file; a file that cannot be read raises AppendixError in Vietnamese."""
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
    if suffix == ".docx":
        return list(_docx_rows(data))
    if suffix == ".xlsx":
        return list(_xlsx_rows(data))
    text = _decode(data, suffix)
    if suffix == ".csv":
        return list(_csv_rows(text))
    return [
        SourceRow(tuple(line.split("\t")), number)
        for number, line in enumerate(text.splitlines(), start=1)
    ]


def _decode(data: bytes, suffix: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AppendixError(
            f"tệp {suffix} không ở mã UTF-8 (byte lạ ở vị trí {exc.start}); "
            "hãy lưu lại tệp với mã hóa UTF-8"
        ) from exc


def _csv_rows(text: str) -> Iterator[SourceRow]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        yield SourceRow(tuple(cells), number)


def _docx_rows(data: bytes) -> Iterator[SourceRow]:
    # python-docx is imported here so the text path does not pay for it.
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
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


def _xlsx_rows(data: bytes) -> Iterator[SourceRow]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise AppendixError("tệp .xlsx bị hỏng hoặc không phải tệp Excel") from exc
    line = 0
    try:
        for sheet in workbook.worksheets:
            for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                line += 1
                cells = tuple(_xlsx_text(value) for value in values)
                yield SourceRow(cells, line, f"trang tính '{sheet.title}', hàng {row_number}")
    finally:
        workbook.close()


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
