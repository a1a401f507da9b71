"""The agency registry: reading it, and folding two spellings of one agency into one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from domain.agencies import agency_key
from storage.agencies import (
    AgencyBook,
    RegistryError,
    import_registry,
    load_agency_book,
    parse_registry,
    read_registry,
)
from storage.db import transaction
from storage.importer import import_appendix
from storage.models import Agency, AgencyAlias, AgencyMembership, Assignment, Item, StatusChange
from tests.conftest import EXAMPLE_APPENDIX

AT = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)
SCIENCE = "Sở Khoa học và Công nghệ"
OTHER = "Sở KH-CN Nghệ An"  # a spelling the name rules do not resolve


def test_a_registry_that_cannot_be_read_says_why_in_vietnamese(tmp_path):
    with pytest.raises(RegistryError, match="không mở được tệp"):
        read_registry(tmp_path / "missing.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nSở Y tế\n".encode("cp1258", errors="replace") + b"\xff\xfe")
    with pytest.raises(RegistryError, match=r"tệp không ở mã UTF-8$"):
        read_registry(latin)
    with pytest.raises(RegistryError, match="thiếu cột 'name'"):
        parse_registry("loai,nhom\nagency,\n")


def test_registry_rows_without_a_name_are_skipped_and_types_are_read():
    entries = parse_registry("Tên cơ quan,Loại,Tên khác,Thuộc nhóm\n"
                             ",agency,,\n"
                             "Sở Y tế,agency,SYT; Y tế ;,Các sở ngành\n"
                             "Khối văn hóa,nhóm,,\n")
    assert [(e.name, e.aliases, e.groups, e.is_group) for e in entries] == [
        ("Sở Y tế", ("SYT", "Y tế"), ("Các sở ngành",), False),
        ("Khối văn hóa", (), (), True)]


async def _item_ids(session, agency_id: int) -> set[int]:
    return set((await session.exec(select(Assignment.item_id).where(
        Assignment.agency_id == agency_id, col(Assignment.active).is_(True)))).all())


async def test_two_spellings_named_one_agency_are_merged_with_their_history(sessions):
    """The appendix imported before the registry, and someone's work recorded under a second
    spelling: the registry folds it into the agency, keeping the report and its history."""
    async with transaction(sessions) as session:
        await import_appendix(EXAMPLE_APPENDIX, 2025, AT, session=session)
        science = (await session.exec(select(Agency).where(Agency.name == SCIENCE))).one()
        assert science.id is not None
        twin = (await session.exec(select(Assignment).where(
            Assignment.agency_id == science.id).order_by(col(Assignment.id)))).first()
        assert twin is not None and twin.status == "not_started"
        spelled = Agency(key=agency_key(OTHER), name=OTHER)
        group = Agency(key=agency_key("Khối khoa học"), name="Khối khoa học", is_group=True)
        session.add_all([spelled, group])
        await session.flush()
        assert spelled.id is not None and group.id is not None
        reported = Assignment(item_id=twin.item_id, agency_id=spelled.id,
                              status="in_progress", percent=40, note="đang làm",
                              status_changed_at=AT)
        session.add_all([reported, AgencyMembership(group_id=group.id, member_id=spelled.id)])
        await session.flush()
        assert reported.id is not None
        session.add(StatusChange(assignment_id=reported.id, at=AT, actor="focal",
                                 old_status="not_started", new_status="in_progress",
                                 percent=40))
        before = await _item_ids(session, science.id)
        science_id, twin_id, group_id = science.id, twin.id, group.id

    async with transaction(sessions) as session:
        merged = await import_registry(parse_registry(
            f"name,aliases\n{SCIENCE},{OTHER}\n"), session=session)
    assert merged == 1

    async with sessions() as session:
        names = (await session.exec(select(Agency.name).where(
            col(Agency.name).in_([SCIENCE, OTHER])))).all()
        assert names == [SCIENCE]
        kept = await session.get(Assignment, twin_id)
        assert kept is not None
        assert (kept.status, kept.percent, kept.note) == ("in_progress", 40, "đang làm")
        history = (await session.exec(select(StatusChange.assignment_id))).all()
        assert history == [twin_id]
        assert await _item_ids(session, science_id) == before
        members = (await session.exec(select(AgencyMembership.member_id).where(
            AgencyMembership.group_id == group_id))).all()
        assert members == [science_id]
        alias = (await session.exec(select(AgencyAlias.agency_id).where(
            AgencyAlias.key == agency_key(OTHER)))).one()
        assert alias == science_id
        book = await load_agency_book(session=session)
        found = book.find(OTHER)
        assert found is not None and found.id == science_id
        assert (await session.exec(select(Item))).first() is not None


def test_nested_groups_expand_to_their_members():
    # 1 = all agencies: the culture block (2) and health (5); the block: 3, 4, itself and
    # (a registry mistake) the whole again: each agency once, no endless loop.
    book = AgencyBook(by_key={}, members={1: [2, 5], 2: [3, 4, 2, 1]}, created=[])
    assert book.expand(1) == [5, 3, 4]
    assert book.expand(2) == [3, 4, 5]
    assert book.expand(9) == []
