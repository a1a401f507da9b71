"""Cơ quan & đầu mối: who is linked where, and invites for every agency (sheet and XLSX)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import col, select

from storage.invites import hash_code
from storage.models import Agency, Invite
from tests.console.conftest import Console


async def test_the_agencies_page_shows_who_is_linked_and_who_is_missing(console: Console):
    await console.sign_in(console.leader)
    page = await (await console.client.get("/console/coquan")).text()
    assert "Cán bộ đầu mối · đầu mối · Telegram" in page
    assert "Chưa có ai" in page
    assert "Tạo mã mời" not in page  # leaders read only


async def invitable(console: Console) -> list[Agency]:
    async with console.sessions() as session:
        return list((await session.exec(select(Agency).where(
            col(Agency.is_group).is_(False)))).all())


async def test_invites_for_every_agency_as_a_printable_sheet(console: Console):
    await console.sign_in(console.secretariat)
    status, page = await console.act("/console/coquan/moi", format="sheet")
    assert status == 200
    agencies = await invitable(console)
    assert page.count('class="invite"') == len(agencies) > 10
    assert page.count("data:image/png;base64,") == len(agencies)
    codes = [part.split("</code>")[0] for part in page.split('<code class="code">')[1:]]
    async with console.sessions() as session:
        invites = (await session.exec(select(Invite))).all()
    assert sorted(i.code_hash for i in invites) == sorted(hash_code(c) for c in codes)
    assert {i.agency_id for i in invites} == {a.id for a in agencies}
    assert {(i.role, i.created_by) for i in invites} == {("focal", console.secretariat.id)}


async def test_invites_for_every_agency_as_a_workbook_with_qr_codes(console: Console):
    await console.sign_in(console.secretariat)
    answer = await console.client.post("/console/coquan/moi",
                                       data={"csrf": console.csrf, "format": "xlsx"})
    assert answer.status == 200
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="ma-moi-')
    book = load_workbook(io.BytesIO(await answer.read()))
    sheet = book["Mã mời"]
    assert isinstance(sheet, Worksheet)
    rows = [tuple(str(v) for v in row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    agencies = await invitable(console)
    assert sorted(r[0] for r in rows) == sorted(a.name for a in agencies)
    assert len(sheet._images) == len(rows)  # type: ignore[attr-defined]
    async with console.sessions() as session:
        stored = {i.code_hash for i in (await session.exec(select(Invite))).all()}
    assert {hash_code(r[1]) for r in rows} == stored


async def test_a_leader_cannot_make_invites(console: Console):
    await console.sign_in(console.leader)
    status, _ = await console.act("/console/coquan/moi", format="sheet")
    assert status == 403
    async with console.sessions() as session:
        assert (await session.exec(select(Invite))).all() == []
