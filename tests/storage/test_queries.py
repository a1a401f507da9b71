"""Finding an agency by what a person types: any case, any tone placement, diacritics optional."""

from __future__ import annotations

import pytest

from domain.agencies import agency_key
from storage.db import transaction
from storage.models import Agency, AgencyAlias
from storage.queries import find_agency


@pytest.fixture
async def agencies(sessions) -> None:
    names = ["Sở Y tế", "Sở Tài chính", "Sở Tư pháp", "Ban Dân vận", "Ban Dân vân"]
    async with transaction(sessions) as session:
        rows = [Agency(key=agency_key(name), name=name) for name in names]
        session.add_all(rows)
        await session.flush()
        session.add(AgencyAlias(key=agency_key("Sở Tài chính Nghệ An"), agency_id=rows[1].id))


@pytest.mark.parametrize(("typed", "expected"), [
    ("Sở Y tế", "Sở Y tế"), ("so y te", "Sở Y tế"), ("SO Y TE", "Sở Y tế"),
    ("sở y te", "Sở Y tế"), ("so tai chinh", "Sở Tài chính"), ("So Tu Phap", "Sở Tư pháp"),
    ("Sở Tài chính Nghệ An", "Sở Tài chính"),  # an alias, exactly
    ("so tai chinh nghe an", "Sở Tài chính"),  # the alias, without diacritics
    ("Ban Dân vân", "Ban Dân vân"),  # exact wins over the look-alike
    ("ban dan van", None),  # two agencies read the same without diacritics: none is guessed
    ("so y", None), ("", None),
])
async def test_find_agency(sessions, agencies, typed, expected):
    async with sessions() as session:
        found = await find_agency(typed, session=session)
    assert (found.name if found else None) == expected
