"""A committee's agencies page, invite sheet and system-error notices stay in the committee
(issue #22); two committees share Công an tỉnh and its people, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.conversation import Conversation, ConversationConfig
from domain.agencies import agency_key
from storage.committees import secretariat_about_chat
from storage.console_queries import Scope, agency_lines, forward_agencies, invitable_agencies
from storage.db import transaction
from storage.importer import import_appendix
from storage.models import Agency, Assignment, Committee, FocalPerson, Item, Outbox
from tests.bot.outage import TZ
from tests.commune import add_commune, commune_appendix

COMMUNE_APPENDIX = commune_appendix("UBND xã Hưng Nguyên")
COMMUNE_AGENCY = "Ủy ban nhân dân xã Hưng Nguyên"
# In the registry, assigned by no committee: the default committee's (see CommitteeScope).
UNCLAIMED = "Sở Du lịch"
NOW = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)


@pytest.fixture
async def two(seeded, tmp_path: Path):
    """The seed (default committee, secretariat 900; Sở Y tế's focal 101, Công an tỉnh's
    focal 102 and leader 202) and a commune with its own items and secretariat (901)."""
    async with transaction(seeded) as session:
        commune_id = await add_commune(session, tmp_path, COMMUNE_APPENDIX, NOW)
        session.add_all([
            FocalPerson(role="secretariat", channel="telegram", chat_id="901", name="VP xã",
                        linked_at=NOW, committee_id=commune_id),
            Agency(key=agency_key(UNCLAIMED), name=UNCLAIMED)])
    return seeded, commune_id


async def open_counts(sessions, committee_id: int, agency: str) -> int:
    async with sessions() as session:
        return (await session.exec(select(sa.func.count()).select_from(Assignment).join(
            Item, col(Item.id) == col(Assignment.item_id)).join(
            Agency, col(Agency.id) == col(Assignment.agency_id)).where(
            Agency.name == agency, Item.committee_id == committee_id, col(Assignment.active),
            col(Assignment.status) != "done"))).one()


async def test_the_agencies_page_lists_a_committees_own_agencies_and_their_people(two):
    sessions, commune_id = two
    async with sessions() as session:
        commune = await agency_lines(Scope(commune_id), session=session)
        province = await agency_lines(Scope(), session=session)
    assert [(line.agency.name, [p.chat_id for p in line.people], line.open_assignments,
             line.groups, line.members) for line in commune] == [
        ("Công an tỉnh", ["102", "202"], 1, [], []), (COMMUNE_AGENCY, [], 1, [], [])]
    names = {line.agency.name: line for line in province}
    assert COMMUNE_AGENCY not in names and UNCLAIMED in names
    assert names["Công an tỉnh"].open_assignments == await open_counts(sessions, 1,
                                                                       "Công an tỉnh") > 1
    assert [p.chat_id for p in names["Sở Y tế"].people] == ["101"]
    # Every agency the province's items assign is listed, and nothing the commune's alone do.
    async with sessions() as session:
        assigned = set((await session.exec(select(Agency.name).join(
            Assignment, col(Assignment.agency_id) == col(Agency.id)).join(
            Item, col(Item.id) == col(Assignment.item_id)).where(Item.committee_id == 1))).all())
    assert assigned <= set(names)
    people = {p.chat_id for line in commune for p in line.people}
    assert "101" not in people and "900" not in people and "901" not in people


async def test_the_invite_sheet_covers_only_the_committees_agencies(two):
    sessions, commune_id = two
    async with sessions() as session:
        commune = [a.name for a in await invitable_agencies(Scope(commune_id), session=session)]
        province = [a.name for a in await invitable_agencies(Scope(), session=session)]
        everyone = [a.name for a in await forward_agencies(session=session)]
    assert commune == ["Công an tỉnh", COMMUNE_AGENCY]
    assert "Công an tỉnh" in province and UNCLAIMED in province
    assert COMMUNE_AGENCY not in province
    # A blocker may still be forwarded to any agency of the shared registry.
    assert set(commune) | set(province) == set(everyone)


@pytest.mark.parametrize(("chat", "told"), [
    ("102", ["900", "901"]),  # Công an tỉnh serves both committees
    ("101", ["900"]),  # Sở Y tế: the province's items only
    ("901", ["901"]),  # the commune's secretariat member
    ("555", ["900", "901"]),  # nobody linked: every secretariat
])
async def test_a_system_error_is_told_to_the_secretariat_the_person_serves(two, chat, told):
    sessions, _ = two
    async with sessions() as session:
        assert sorted(p.chat_id for p in await secretariat_about_chat(
            "telegram", chat, session=session)) == told
    conversation = Conversation(sessions, ConversationConfig(tz=TZ, now=lambda: NOW))
    assert await conversation.report_error("telegram", 7, RuntimeError("x"), chat)
    async with sessions() as session:
        rows = (await session.exec(select(Outbox).where(
            col(Outbox.key).startswith("error:")))).all()
    assert sorted(row.chat_id for row in rows) == told
    assert {row.text for row in rows} == {
        "⚠️ Lỗi hệ thống khi xử lý một tin nhắn (telegram, cập nhật 7: RuntimeError). "
        "Chi tiết trong nhật ký máy chủ."}


GROUP_APPENDIX = """PHỤ LỤC
NHIỆM VỤ CỦA BAN CHỈ ĐẠO PHƯỜNG

II- Danh sách nhiệm vụ phải hoàn thành

STT\tNhiệm vụ\tVăn bản giao nhiệm vụ\tCơ quan chủ trì thực hiện\tThời hạn hoàn thành
1.\tRà soát thủ tục hành chính trực tuyến\tKế hoạch 9-KH/UBND, ngày 1/7/2025\t\
Các sở, ban, ngành\tTháng 12/2025
"""


async def test_a_group_and_its_members_are_the_committees_when_its_item_names_the_group(
        seeded, tmp_path: Path):
    path = tmp_path / "phu-luc-phuong.txt"
    path.write_text(GROUP_APPENDIX, encoding="utf-8")
    async with transaction(seeded) as session:
        ward = Committee(code="phuong", name="BCĐ phường", short_name="Phường", parent_id=1)
        session.add(ward)
        await session.flush()
        await import_appendix(path, 2025, NOW, session=session, committee_id=ward.id or 0)
    async with seeded() as session:
        group = (await session.exec(select(Agency).where(
            Agency.name == "Các sở, ban, ngành"))).one()
        members = set((await session.exec(select(Assignment.agency_id).where(
            Assignment.via_group_id == group.id))).all())
        lines = await agency_lines(Scope(ward.id or 0), session=session)
        invited = await invitable_agencies(Scope(ward.id or 0), session=session)
    assert len(members) > 5
    assert {line.agency.id for line in lines} == members | {group.id}
    assert {a.id for a in invited} == members
    [heading] = [line for line in lines if line.agency.id == group.id]
    assert len(heading.members) == len(members)
