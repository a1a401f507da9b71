"""Malformed, hostile and odd appendix files: a clear refusal or warning, never a traceback.

Issue #19, defects 6 (bombs, over-deep XML, parsing off the event loop), 7 (bad XML, CRC-corrupt
.xlsx, a CSV field over 131,072 characters) and 8 (silent or misleading imports).
"""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage.importer import ImportFailed, import_appendix, read_appendix, read_appendix_checked
from storage.isolated_read import ReadLimits, read_upload
from tests.conftest import EXAMPLE_APPENDIX

NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
HEADER = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"]


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def task_rows(count: int) -> list[list[object]]:
    header: list[object] = list(HEADER)
    return [header] + [[f"{n}.", f"Nhiệm vụ số {n}", "Sở Y tế", "Tháng 12/2025"]
                       for n in range(1, count + 1)]


def replaced(package: bytes, member: str, content: bytes) -> bytes:
    """The same zip package with one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member
                            else source.read(info.filename))
    return buffer.getvalue()


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1.", "Nhiệm vụ một", "Sở Y tế", "Tháng 12"],
                          strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refusal(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as refused:
        read_appendix(path, 2025)
    return str(refused.value)


def crc_corrupt(package: bytes) -> bytes:
    """One byte of a member's stored data changed: its CRC no longer matches."""
    data = bytearray(package)
    info = next(i for i in zipfile.ZipFile(io.BytesIO(package)).infolist()
                if i.filename == "xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    return bytes(data)


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1
                                                              else b"&lol;") * 10)
                             for n in range(1, 10))
                  + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b"<si><t>&lol9;</t></si></sst>")


@pytest.mark.parametrize(("name", "make", "expected"), [
    ("bom.docx", lambda: replaced(docx_bytes(), "word/document.xml", b" " * (4 * 1024 * 1024)),
     "bom nén"),
    ("sau.docx", lambda: replaced(docx_bytes(), "word/document.xml",
                                  b'<w:document xmlns:w="http://schemas.openxmlformats.org/'
                                  b'wordprocessingml/2006/main">' + b"<w:p>" * 100_000),
     "lồng nhau quá sâu"),
    ("cuoi.xlsx", lambda: replaced(xlsx(task_rows(2)), "xl/workbook.xml", BILLION_LAUGHS),
     "không an toàn"),
    ("hong.xlsx", lambda: replaced(xlsx(task_rows(2)), "xl/worksheets/sheet1.xml",
                                   b"<worksheet><sheetData><row><c>"), "bị hỏng"),
    ("crc.xlsx", lambda: crc_corrupt(xlsx(task_rows(50))), "bị hỏng"),
    ("rac.docx", lambda: b"PK\x03\x04 not a zip at all", "bị hỏng"),
    ("dai.csv", lambda: ("STT,Nhiệm vụ\n1,\"" + "x" * 140_000 + "\"\n").encode(),
     "dấu ngoặc kép"),
])
def test_a_hostile_file_is_refused_with_a_sentence(tmp_path, name, make, expected):
    message = refusal(tmp_path, name, make())
    assert expected in message and name in message
    assert "Traceback" not in message


def test_nul_characters_in_a_csv_are_dropped(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes("STT,Nhiệm vụ,Cơ quan chủ trì\n1,Nhiệm\x00 vụ một,Sở Y tế\n".encode())
    [item] = read_appendix(path, 2025)
    assert item.text == "Nhiệm vụ một"


def test_formulas_without_cached_values_are_named_not_a_missing_table(tmp_path):
    rows = [[f'="{cell}"' for cell in row] for row in task_rows(3)]
    message = refusal(tmp_path, "congthuc.xlsx", xlsx(rows))
    assert "công thức" in message and "không tìm thấy bảng" not in message


def parsed_with(tmp_path: Path, row: int, column: int, value: str):
    """Three tasks in a workbook, one cell changed, read with warnings."""
    rows = task_rows(3)
    rows[row][column] = value
    path = tmp_path / "tep.xlsx"
    path.write_bytes(xlsx(rows))
    parsed = read_appendix_checked(path, 2025)
    assert len(parsed.items) == 3
    return parsed


def test_some_formulas_without_values_are_a_warning(tmp_path):
    parsed = parsed_with(tmp_path, 2, 3, '="Tháng 12/2025"')
    assert any("1 ô là công thức" in warning for warning in parsed.warnings)


def test_an_unbalanced_quote_that_merges_rows_is_warned(tmp_path):
    text = ("STT,Nhiệm vụ,Cơ quan chủ trì,Thời hạn\n"
            '1,"Nhiệm vụ một,Sở Y tế,Tháng 10\n'
            "2,Nhiệm vụ hai,Sở Y tế,Tháng 11\n"
            "3,Nhiệm vụ ba,Sở Y tế,Tháng 12\n")
    path = tmp_path / "ngoac.csv"
    path.write_text(text, encoding="utf-8")
    parsed = read_appendix_checked(path, 2025)
    assert any("dấu ngoặc kép" in warning and "dòng 2" in warning
               for warning in parsed.warnings)


def test_repeated_task_numbers_are_warned(tmp_path):
    parsed = parsed_with(tmp_path, 3, 0, "2.")
    assert "STT 2 dùng cho 2 mục khác nhau" in parsed.warnings


def test_more_than_9999_rows_are_read(tmp_path):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(task_rows(10_050))
    path = tmp_path / "lon.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    items = read_appendix(path, 2025)
    assert len(items) == 10_050 and items[-1].number == "10050"


async def test_warnings_reach_the_import_summary(sessions, tmp_path):
    rows = task_rows(2)
    rows[2][0] = "1."
    path = tmp_path / "trung.xlsx"
    path.write_bytes(xlsx(rows))
    async with sessions() as session, session.begin():
        report = await import_appendix(path, 2025, NOW, session=session)
    assert report.warnings == ["STT 1 dùng cho 2 mục khác nhau"]


async def test_an_upload_is_read_off_the_event_loop():
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    ticker = asyncio.create_task(ticking())
    try:
        parsed = await read_upload(EXAMPLE_APPENDIX.read_bytes(), EXAMPLE_APPENDIX.name, 2025)
        during = ticks
    finally:
        ticker.cancel()
    assert len(parsed.items) == 93
    assert during > 0  # the loop kept running other work while the file was read


async def test_an_upload_over_its_time_is_stopped():
    with pytest.raises(ImportFailed, match="đọc quá"):
        await read_upload(EXAMPLE_APPENDIX.read_bytes(), "phu-luc.txt", 2025,
                          ReadLimits(seconds=0.0))


async def test_an_upload_refused_in_the_child_is_a_sentence():
    with pytest.raises(ImportFailed, match="bị hỏng"):
        await read_upload(b"PK\x03\x04 broken", "hong.docx", 2025)
