"""Limits on an appendix file a person sends: refuse bombs and monsters with a clear sentence.

A .docx or .xlsx is a zip of XML: its declared sizes are checked before any XML is parsed (a
1 MB file must not unpack to gigabytes), its CRCs are checked so a corrupt file is refused up
front rather than half-way, and what the readers yield is capped in rows, cells and text.
openpyxl parses through defusedxml (entity bombs refused); python-docx's lxml parser resolves
no entities and refuses nesting deeper than libxml2's default limit.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator

from domain.appendix import AppendixError, SourceRow

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 5_000
MAX_RATIO = 100  # unpacked / packed, for members over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_ROWS = 50_000
MAX_CELLS = 200
MAX_CELL_CHARS = 20_000


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_size(data: bytes, suffix: str) -> None:
    """Refuse a file over MAX_FILE_BYTES."""
    if len(data) > MAX_FILE_BYTES:
        raise AppendixError(f"tệp {suffix} quá lớn ({_mb(len(data))}; tối đa "
                            f"{_mb(MAX_FILE_BYTES)}); hãy tách thành nhiều tệp")


def check_package(data: bytes, suffix: str, what: str) -> None:
    """Refuse a zip package that is corrupt or unpacks to too much (a decompression bomb)."""
    broken = f"tệp {suffix} bị hỏng hoặc không phải tệp {what}"
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise AppendixError(broken) from exc
    with package:
        members = package.infolist()
        if len(members) > MAX_MEMBERS:
            raise AppendixError(f"{broken} ({len(members)} phần bên trong)")
        unpacked = sum(member.file_size for member in members)
        bomb = unpacked > MAX_UNPACKED_BYTES or any(
            member.file_size > RATIO_FROM
            and member.file_size > MAX_RATIO * max(member.compress_size, 1)
            for member in members)
        if bomb:
            raise AppendixError(
                f"tệp {suffix} giải nén ra {_mb(unpacked)} từ {_mb(len(data))}: quá lớn hoặc là "
                "tệp nén bất thường (bom nén), không đọc; hãy lưu lại tệp gốc rồi gửi lại")
        try:
            bad = package.testzip()
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
                RuntimeError, ValueError) as exc:
            raise AppendixError(f"{broken} ({exc})") from exc
        if bad is not None:
            raise AppendixError(f"{broken} (phần {bad} sai mã kiểm tra CRC)")


def checked(row: SourceRow, count: int) -> SourceRow:
    """The `count`-th row, refused past MAX_ROWS, MAX_CELLS cells or MAX_CELL_CHARS in a cell."""
    if count > MAX_ROWS:
        raise AppendixError(f"tệp có hơn {MAX_ROWS:,} hàng".replace(",", ".")
                            + "; hãy tách thành nhiều tệp")
    if len(row.cells) > MAX_CELLS:
        raise AppendixError(f"hàng có {len(row.cells)} ô (tối đa {MAX_CELLS})", row.place)
    longest = max((len(cell) for cell in row.cells), default=0)
    if longest > MAX_CELL_CHARS:
        raise AppendixError(f"một ô dài {longest:,} ký tự (tối đa {MAX_CELL_CHARS:,}); "
                            .replace(",", ".") + "có thể do dấu ngoặc kép \" chưa đóng",
                            row.place)
    if any("\x00" in cell for cell in row.cells):
        row = SourceRow(tuple(cell.replace("\x00", "") for cell in row.cells), row.line,
                        row.where)
    return row


def capped(rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
    """The rows, each checked (see `checked`)."""
    for count, row in enumerate(rows, start=1):
        yield checked(row, count)
