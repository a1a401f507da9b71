"""A commune's secretariat on Cơ quan & đầu mối: only the agencies its items assign, their
people, invites and messages; the province's other agencies stay out of reach (issue #22)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from storage.db import transaction
from storage.importer import import_appendix
from storage.models import Agency, Committee, FocalPerson, Invite, Outbox
from tests.commune import commune_appendix
from tests.console.conftest import Console

COMMUNE_APPENDIX = commune_appendix("UBND xã Hưng Nguyên")
THEIRS = ["Công an tỉnh", "Ủy ban nhân dân xã Hưng Nguyên"]


async def commune_secretariat(console: Console, tmp_path: Path) -> FocalPerson:
    path = tmp_path / "phu-luc-xa.txt"
    path.write_text(COMMUNE_APPENDIX, encoding="utf-8")
    now = console.clock.now()
    async with transaction(console.sessions) as session:
        commune = Committee(code="xa", name="BCĐ xã Hưng Nguyên", short_name="Xã", parent_id=1)
        session.add(commune)
        await session.flush()
        await import_appendix(path, 2025, now, session=session, committee_id=commune.id or 0)
        person = FocalPerson(role="secretariat", channel="telegram", chat_id="990",
                             name="VP xã", linked_at=now, committee_id=commune.id)
        session.add(person)
    return person


async def agency_id(console: Console, name: str) -> int:
    async with console.sessions() as session:
        found = (await session.exec(select(Agency.id).where(Agency.name == name))).one()
    assert found is not None
    return found


async def test_a_commune_sees_and_invites_only_its_agencies(console: Console, tmp_path: Path):
    await console.sign_in(await commune_secretariat(console, tmp_path))
    page = await (await console.client.get("/console/coquan")).text()
    assert all(name in page for name in THEIRS)
    assert "Sở Y tế" not in page and "Văn phòng Tỉnh ủy" not in page
    status, sheet = await console.act("/console/coquan/moi", format="sheet")
    assert status == 200 and sheet.count('class="invite"') == 2
    async with console.sessions() as session:
        invited = (await session.exec(select(Agency.name).join(
            Invite, col(Invite.agency_id) == col(Agency.id)).order_by(col(Agency.name)))).all()
    assert list(invited) == THEIRS
    # One agency at a time, and messages: only its own agencies.
    province_only = await agency_id(console, "Sở Y tế")
    status, _ = await console.act("/console/coquan/moi-mot", agency=str(province_only),
                                  format="sheet")
    assert status == 400
    status, _ = await console.act("/console/nhantin", agency=str(province_only), text="Chào")
    assert status == 404
    async with console.sessions() as session:
        assert not (await session.exec(select(Outbox))).all()


async def test_the_province_does_not_see_the_communes_own_agency(console: Console,
                                                                 tmp_path: Path):
    await commune_secretariat(console, tmp_path)
    await console.sign_in(console.secretariat)
    page = await (await console.client.get("/console/coquan")).text()
    assert "Công an tỉnh" in page and "Sở Y tế" in page
    assert "Ủy ban nhân dân xã Hưng Nguyên" not in page
