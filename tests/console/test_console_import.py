"""Nhập phụ lục: the importer's dry run as a preview, then the same file applied."""

from __future__ import annotations

import re

import aiohttp
from sqlmodel import select

from storage.models import ImportRun, Item
from tests.conftest import EXAMPLE_APPENDIX
from tests.console.conftest import Console

# The example appendix with one task's text changed: importing it updates that item.
CHANGED = EXAMPLE_APPENDIX.read_text().replace("chuyên biệt", "chuyên biệt mới", 1)


def upload_form(console: Console, data: bytes, name: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", console.csrf)
    form.add_field("file", data, filename=name, content_type="text/plain")
    return form


async def counts(console: Console) -> tuple[int, int]:
    """Items whose text says "chuyên biệt mới", and import runs."""
    async with console.sessions() as session:
        items = (await session.exec(select(Item))).all()
        return (sum("chuyên biệt mới" in item.text for item in items),
                len((await session.exec(select(ImportRun))).all()))


async def test_a_preview_writes_nothing_and_apply_imports_the_same_file(console: Console):
    await console.sign_in(console.secretariat)
    before = await counts(console)
    answer = await console.client.post("/console/nhap", data=upload_form(
        console, CHANGED.encode(), "phu-luc-moi.txt"))
    page = await answer.text()
    assert answer.status == 200, page
    assert "Chạy thử (không ghi vào cơ sở dữ liệu): phu-luc-moi.txt" in page
    assert await counts(console) == before
    key = re.search(r'name="upload" value="([^"]+)"', page)
    assert key is not None
    status, applied = await console.act("/console/nhap/apdung", upload=key.group(1))
    assert status == 200 and "Đã nhập: phu-luc-moi.txt" in applied
    items, runs = await counts(console)
    assert before[0] == 0 and (items, runs) == (1, before[1] + 1)
    status, _ = await console.act("/console/nhap/apdung", upload=key.group(1))
    assert status == 410 and await counts(console) == (items, runs)


async def test_an_unreadable_file_is_refused_with_a_reason(console: Console):
    await console.sign_in(console.secretariat)
    before = await counts(console)
    answer = await console.client.post("/console/nhap", data=upload_form(
        console, b"\x00\x01 not an appendix", "rac.txt"))
    assert answer.status == 400 and "Không nhập được" in await answer.text()
    wrong = await console.client.post("/console/nhap", data=upload_form(
        console, b"x", "anh.png"))
    assert wrong.status == 400
    assert await counts(console) == before


async def test_a_leader_cannot_upload(console: Console):
    await console.sign_in(console.leader)
    answer = await console.client.post("/console/nhap", data=upload_form(
        console, CHANGED.encode(), "phu-luc-moi.txt"))
    assert answer.status == 403
