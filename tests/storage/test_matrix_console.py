"""The role matrix with two committees (issue #22), on the web console and the CLI exports:
each committee's secretariat and leader see their own committee's pages, files and actions,
and an address naming the other committee's item, evidence, request or blocker finds nothing."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from sqlmodel import select
from typer.testing import CliRunner

from cli.main import app
from console.app import ConsoleConfig, add_console
from storage.console_auth import create_login
from storage.db import transaction
from storage.models import Agency, Assignment, Blocker, Evidence, ExtensionRequest, FocalPerson
from storage.status import Actor, EvidenceIn, record_status
from tests.fakes import FakeClock
from tests.storage.committee_pair import TZ, Pair, Side, leaked, make_pair, outbox_to

SECRET = b"console-test-secret-0123456789"


@pytest.fixture
async def pair(seeded, tmp_path) -> Pair:
    return await make_pair(seeded, tmp_path)


@pytest.fixture
async def web_pair(pair) -> AsyncIterator[tuple[Pair, TestClient, FakeClock, dict[int, int]]]:
    """The console over both committees, and one kept evidence file on each side's item."""
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))
    kept: dict[int, int] = {}
    async with transaction(pair.sessions) as session:
        for side in pair.sides():
            change = await record_status(
                side.assignment_id, "in_progress", clock.now(), date(2025, 9, 22),
                Actor("secretariat", None), session=session, percent=10,
                evidence=[EvidenceIn(file_id="f", file_name="anh.png", data=b"\x89PNG",
                                     content_type="image/png")])
            kept[side.committee_id] = (await session.exec(select(Evidence.id).where(
                Evidence.status_change_id == change.id))).one() or 0
    site = web.Application()
    add_console(site, pair.sessions, ConsoleConfig(secret=SECRET, tz=TZ, now=clock.now))
    async with TestClient(TestServer(site)) as client:
        yield pair, client, clock, kept


async def _person(pair: Pair, chat: str) -> FocalPerson:
    async with pair.sessions() as session:
        return (await session.exec(select(FocalPerson).where(FocalPerson.chat_id == chat))).one()


async def sign_in(pair: Pair, client: TestClient, clock: FakeClock, chat: str) -> str:
    """Sign in as a chat's person; the CSRF token of the page."""
    async with transaction(pair.sessions) as session:
        token = await create_login(await _person(pair, chat), clock.now(),
                                   timedelta(minutes=10), session=session)
    answer = await client.post("/console/dangnhap", data={"token": token},
                               allow_redirects=False)
    assert answer.status == 303, await answer.text()
    page = await (await client.get("/console/nhatky")).text()
    return page.split('name="csrf" value="')[1].split('"')[0] if 'name="csrf"' in page else ""


PAGES = ["/console/", "/console/nhiemvu", "/console/nhiemvu?q=so+hoa", "/console/nhatky",
         "/console/tai/tonghop.txt"]


@pytest.mark.parametrize("side_name", ["province", "commune"])
@pytest.mark.parametrize("role", ["secretariat", "leader"])
async def test_pages_and_files_hold_only_the_committees_items(web_pair, side_name, role):
    pair, client, clock, _ = web_pair
    side: Side = getattr(pair, side_name)
    await sign_in(pair, client, clock, getattr(side, role))
    for path in PAGES:
        answer = await client.get(path)
        assert answer.status == 200, path
        # The filters offer the shared registry's agencies: names, no item, no person.
        text = re.sub(r"<option[^>]*>[^<]*</option>", "", await answer.text())
        assert not leaked(text, side.foreign), (path, leaked(text, side.foreign))
    listed = await (await client.get("/console/nhiemvu")).text()
    assert any(word in listed for word in side.own)
    answer = await client.get("/console/tai/bangtinh.xlsx")
    assert answer.status == 200
    book = load_workbook(io.BytesIO(await answer.read()), read_only=True)
    cells = "\n".join(str(v) for sheet in book.worksheets
                      for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert not leaked(cells, side.foreign) and any(word in cells for word in side.own)


@pytest.mark.parametrize("side_name", ["province", "commune"])
async def test_the_other_committees_addresses_find_nothing(web_pair, side_name):
    pair, client, clock, kept = web_pair
    side: Side = getattr(pair, side_name)
    other = pair.commune if side is pair.province else pair.province
    csrf = await sign_in(pair, client, clock, side.secretariat)
    gets = [f"/console/nhiemvu/{other.item_id}", f"/console/nhiemvu/{other.item_id}/sua",
            f"/console/minhchung/{kept[other.committee_id]}"]
    for path in gets:
        assert (await client.get(path)).status in (403, 404), path
    # Their own item and evidence do open (the refusal is about the committee).
    assert (await client.get(f"/console/nhiemvu/{side.item_id}")).status == 200
    assert (await client.get(f"/console/minhchung/{kept[side.committee_id]}")).status == 200
    posts: list[tuple[str, dict[str, Any]]] = [
        (f"/console/giahan/{other.request_id}", {"decision": "y"}),
        (f"/console/vuongmac/{other.blocker_id}/xuly", {}),
        (f"/console/vuongmac/{other.blocker_id}/chuyen", {"agency": "1"}),
        (f"/console/phancong/{other.assignment_id}/tinhtrang",
         {"status": "done", "reason": "giả mạo"}),
        (f"/console/nhiemvu/{other.item_id}/thoihan", {"deadline": "Tháng 12/2025"}),
        (f"/console/nhiemvu/{other.item_id}/sua", {"text": "Sửa giả mạo"}),
        ("/console/nhantin", {"agency": str(await _agency_id(pair, "Công an tỉnh")),
                              "item": str(other.item_id), "text": "Tin giả mạo"}),
    ]
    for path, form in posts:
        answer = await client.post(path, data={"csrf": csrf, **form}, allow_redirects=False)
        assert answer.status in (403, 404), (path, answer.status)
    async with pair.sessions() as session:
        assignment = await session.get(Assignment, other.assignment_id)
        request = await session.get(ExtensionRequest, other.request_id)
        blocker = await session.get(Blocker, other.blocker_id)
        assert assignment is not None and assignment.status == "in_progress"
        assert request is not None and request.state == "pending"
        assert blocker is not None and blocker.state == "open"
    assert not [m for m in await outbox_to(pair.sessions, "102") if "giả mạo" in m.text]


async def _agency_id(pair: Pair, name: str) -> int:
    async with pair.sessions() as session:
        return (await session.exec(select(Agency.id).where(Agency.name == name))).one() or 0


@pytest.mark.parametrize("side_name", ["province", "commune"])
async def test_a_message_without_an_item_goes_only_to_the_committees_agencies(web_pair,
                                                                             side_name):
    pair, client, clock, _ = web_pair
    side: Side = getattr(pair, side_name)
    csrf = await sign_in(pair, client, clock, side.secretariat)
    # Sở Y tế (Lê Thị Hoa, 101) has work from the province only.
    answer = await client.post("/console/nhantin", data={
        "csrf": csrf, "agency": str(await _agency_id(pair, "Sở Y tế")), "text": "Xin chào"},
        allow_redirects=False)
    reached = bool(await outbox_to(pair.sessions, "101"))
    assert reached == (side is pair.province), answer.status


async def test_the_agencies_page_names_none_of_the_other_committees_people(web_pair):
    pair, client, clock, _ = web_pair
    await sign_in(pair, client, clock, pair.commune.secretariat)
    page = await (await client.get("/console/coquan")).text()
    # Lê Thị Hoa is Sở Y tế's focal person: Sở Y tế works for the province only.
    assert "Lê Thị Hoa" not in page


# The CLI's reads with --committee (ccli's part): the commune's rows only.
CLI_READS = [("export", "--format", "json"), ("tasks",), ("tasks", "--agency", "Công an tỉnh"),
             ("remind", "--dry-run", "--today", "2025-09-22")]


@pytest.mark.parametrize("command", CLI_READS, ids=lambda c: "-".join(c[:2]))
async def test_the_cli_reads_take_a_committee(pair, database_url, monkeypatch, command):
    monkeypatch.setenv("DONDOC_DATABASE_URL", database_url)
    # Wide enough that no table cell wraps a word apart: a split word would hide a leak.
    monkeypatch.setenv("COLUMNS", "400")
    result = await asyncio.to_thread(CliRunner().invoke, app,
                                     [*command, "--committee", "xa"])
    assert result.exit_code == 0, result.output
    assert any(word in result.output for word in pair.commune.own), result.output
    assert not leaked(result.output, pair.commune.foreign)


async def test_the_cli_digest_takes_a_committee(pair, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DONDOC_DATABASE_URL", database_url)
    out = tmp_path / "tonghop"
    result = await asyncio.to_thread(CliRunner().invoke, app, [
        "digest", "--today", "2025-09-26", "--out", str(out), "--committee", "xa"])
    assert result.exit_code == 0, result.output
    written = "\n".join(path.read_text(encoding="utf-8") for path in out.glob("*.txt"))
    assert "Hưng Nguyên" in written or "2 nhiệm vụ" in written
    assert not leaked(written, pair.commune.foreign)
