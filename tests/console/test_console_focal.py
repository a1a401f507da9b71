"""The focal-person role (DONDOC_CONSOLE_FOCAL_PERSONS): their own agency's items, read and report.

Security: another agency's item, assignment or evidence, and every secretariat page or action,
are refused.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from console.app import ConsoleConfig, add_console
from storage.db import transaction
from storage.models import Assignment, Blocker, Evidence, Outbox, StatusChange
from storage.status import Actor, EvidenceIn, record_status
from tests.console.conftest import SECRET, TZ, Console, seed
from tests.fakes import FakeClock


@pytest.fixture
async def focal_console(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Console]:
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))
    secretariat, leader, focal, request = await seed(sessions, clock.now())
    site = web.Application()
    add_console(site, sessions, ConsoleConfig(secret=SECRET, tz=TZ, now=clock.now,
                                              focal_persons=True))
    async with TestClient(TestServer(site)) as client:
        yield Console(client, sessions, clock, secretariat, leader, focal, request)


async def own_and_other(console: Console) -> tuple[Assignment, Assignment]:
    """The focal person's assignment, and an assignment of another agency on another item."""
    async with console.sessions() as session:
        own = await session.get(Assignment, console.request.assignment_id)
        theirs = set((await session.exec(select(Assignment.item_id).where(
            Assignment.agency_id == console.focal.agency_id))).all())
        other = (await session.exec(select(Assignment).where(
            Assignment.agency_id != console.focal.agency_id,
            col(Assignment.item_id).not_in(theirs)).order_by(col(Assignment.id)))).first()
    assert own is not None and other is not None
    return own, other


async def test_a_focal_person_sees_only_their_agencys_items(focal_console: Console):
    console = focal_console
    own, other = await own_and_other(console)
    await console.sign_in_to("/console/nhiemvu", console.focal)
    answer = await console.client.get("/console/", allow_redirects=False)
    assert answer.status == 303 and answer.headers["Location"] == "/console/nhiemvu"
    async with console.sessions() as session:
        count = len(set((await session.exec(select(Assignment.item_id).where(
            Assignment.agency_id == console.focal.agency_id, col(Assignment.active)))).all()))
    # Another agency asked for in the address: still their own agency's items.
    page = await (await console.client.get(
        "/console/nhiemvu", params={"agency": str(other.agency_id)})).text()
    assert f"{count} kết quả" in page
    assert f'/console/nhiemvu/{own.item_id}"' in page
    assert f'/console/nhiemvu/{other.item_id}"' not in page
    page = await (await console.client.get(f"/console/nhiemvu/{own.item_id}")).text()
    assert "Báo cáo tình trạng" in page and "Đồng ý gia hạn" not in page and "/sua" not in page
    answer = await console.client.get(f"/console/nhiemvu/{other.item_id}")
    assert answer.status == 403


async def test_a_focal_person_reaches_no_secretariat_page_or_action(focal_console: Console):
    console = focal_console
    await console.sign_in_to("/console/nhiemvu", console.focal)
    for path in ("/console/coquan", "/console/nhatky", "/console/nhap",
                 "/console/tai/bieudo.png", "/console/tai/bangtinh.xlsx",
                 "/console/nhiemvu/1/sua", "/console/nhiemvu/them"):
        assert (await console.client.get(path, allow_redirects=False)).status == 403, path
    for path, form in ((f"/console/giahan/{console.request.id}", {"decision": "y"}),
                       ("/console/coquan/moi", {"format": "sheet"}),
                       ("/console/nhantin", {"agency": str(console.focal.agency_id),
                                             "text": "x"})):
        status, _ = await console.act(path, **form)
        assert status == 403, path
    async with console.sessions() as session:
        assert (await session.exec(select(Outbox))).all() == []


async def test_a_focal_person_reports_on_their_own_assignment_only(focal_console: Console):
    console = focal_console
    own, other = await own_and_other(console)
    await console.sign_in_to("/console/nhiemvu", console.focal)
    status, _ = await console.act(f"/console/phancong/{other.id}/tinhtrang",
                                  status="done", reason="Xong")
    assert status == 403
    status, page = await console.act(f"/console/phancong/{own.id}/tinhtrang",
                                     status="blocked", reason="Chưa có kinh phí")
    assert status == 200 and "Đã ghi tình trạng." in page
    async with console.sessions() as session:
        [change] = (await session.exec(select(StatusChange))).all()
        [blocker] = (await session.exec(select(Blocker))).all()
        told = (await session.exec(select(Outbox).where(
            col(Outbox.key).like("blocker:%")))).all()
    assert (change.assignment_id, change.actor, change.focal_person_id, change.new_status) == (
        own.id, "focal", console.focal.id, "blocked")
    # As a chat report: an action item before the secretariat.
    assert (blocker.assignment_id, blocker.reported_by, blocker.reason) == (
        own.id, console.focal.id, "Chưa có kinh phí")
    assert [m.focal_person_id for m in told] == [console.secretariat.id]


async def test_a_focal_person_downloads_only_their_agencys_evidence(focal_console: Console):
    console = focal_console
    own, other = await own_and_other(console)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    kept: dict[int | None, int | None] = {}
    async with transaction(console.sessions) as session:
        for assignment in (own, other):
            change = await record_status(
                assignment.id, "done", console.clock.now(), date(2025, 9, 22),
                Actor("secretariat", console.secretariat.id), session=session,
                evidence=[EvidenceIn(file_id=f"f{assignment.id}", file_name="a.png", data=png,
                                     content_type="image/png")])
            [kept[assignment.id]] = (await session.exec(select(Evidence.id).where(
                Evidence.status_change_id == change.id))).all()
    await console.sign_in_to("/console/nhiemvu", console.focal)
    assert (await console.client.get(f"/console/minhchung/{kept[own.id]}")).status == 200
    assert (await console.client.get(f"/console/minhchung/{kept[other.id]}")).status == 403


async def test_without_the_setting_a_focal_person_cannot_sign_in(console: Console):
    token = await console.link_token(console.focal)
    answer = await console.client.post("/console/dangnhap", data={"token": token},
                                       allow_redirects=False)
    assert answer.status == 403
