"""Storage fixtures: the seed appendix with a registry and a few people linked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.agencies import import_registry, read_registry
from storage.db import transaction
from storage.importer import import_appendix
from storage.models import Agency, FocalPerson
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY


async def agency_id(session, name: str) -> int:
    agency = (await session.exec(select(Agency).where(Agency.name == name))).one()
    assert agency.id is not None
    return agency.id


@pytest.fixture
async def seeded(sessions, seed_path):
    """The seed appendix with the sample registry, three focal persons, a leader, a secretariat."""
    linked = datetime(2025, 9, 1, tzinfo=UTC)
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(seed_path, 2025, linked, session=session)
        people = [
            FocalPerson(agency_id=await agency_id(session, "Sở Y tế"), role="focal",
                        channel="telegram", chat_id="101", name="Lê Thị Hoa", linked_at=linked),
            FocalPerson(agency_id=await agency_id(session, "Công an tỉnh"), role="focal",
                        channel="telegram", chat_id="102", name="Trần Văn Nam", linked_at=linked),
            FocalPerson(agency_id=await agency_id(session, "Sở Nông nghiệp và Môi trường"),
                        role="focal", channel="telegram", chat_id="103", name="", linked_at=linked),
            FocalPerson(agency_id=await agency_id(session, "Công an tỉnh"), role="leader",
                        channel="telegram", chat_id="202", name="", linked_at=linked),
            FocalPerson(role="secretariat", channel="telegram", chat_id="900",
                        name="Văn phòng BCĐ", linked_at=linked),
        ]
        session.add_all(people)
    return sessions


@pytest.fixture
async def example(sessions):
    """The repository's copy of the appendix (examples/) with the sample registry, no people."""
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(EXAMPLE_APPENDIX, 2025, datetime(2025, 9, 17, tzinfo=UTC),
                              session=session)
    return sessions
