"""How long the event loop stalls while an uploaded appendix is read (issue #19, defect 6).

    uv run python -m bench.upload_lag [--in-loop]

A probe sleeps 10 ms in a loop and records the longest it overslept while one file is read:
with `read_upload` (a child process, the bot's path) or, with --in-loop, `read_appendix` called
inside the loop (the bot's path before). Files: the example appendix as .txt, the same as
.xlsx, a 6 KB workbook whose two cells sit at A1 and XFD1048576 (openpyxl pads every row in
between), and a 4 MB-unpacking .docx.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from storage.importer import ImportFailed, read_appendix
from storage.isolated_read import read_upload

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "phu-luc-4362-CV-TU.txt"


def corner_workbook() -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet["A1"] = "STT"
    sheet["XFD1048576"] = "x"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def example_workbook() -> bytes:
    workbook = Workbook()
    sheet: Any = workbook.active
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        sheet.append(line.split("\t"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bomb_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", " " * (4 * 1024 * 1024))
    return buffer.getvalue()


async def probe(stop: asyncio.Event, worst: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.perf_counter() - started - 0.01)


async def measure(name: str, data: bytes, in_loop: bool) -> str:
    stop, worst = asyncio.Event(), [0.0]
    probing = asyncio.create_task(probe(stop, worst))
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    try:
        if in_loop:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / name
                path.write_bytes(data)
                outcome = f"{len(read_appendix(path, 2025))} items"
        else:
            outcome = f"{len((await read_upload(data, name, 2025)).items)} items"
    except ImportFailed as refusal:
        outcome = f"refused: {str(refusal)[:70]}"
    took = time.perf_counter() - started
    stop.set()
    await probing
    return (f"{name:<22} {len(data) / 1024:7.1f} KB  read {took:6.2f} s  "
            f"loop stalled at most {worst[0] * 1000:8.1f} ms  {outcome}")


async def main(in_loop: bool) -> None:
    files = [("phu-luc.txt", EXAMPLE.read_bytes()), ("phu-luc.xlsx", example_workbook()),
             ("goc-xa.xlsx", corner_workbook()), ("bom.docx", bomb_docx())]
    print("in the event loop" if in_loop else "read_upload (child process)")
    for name, data in files:
        print(await measure(name, data, in_loop))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--in-loop", action="store_true")
    asyncio.run(main(parser.parse_args().in_loop))
