"""The scan's SQL helpers on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from storage.scan_sql import agency_t, among


@pytest.mark.parametrize("wanted", [
    [],
    [1],
    [3, 1, 2],
    [2, 2, 2, 5],
    [4, 999_999, -1],
    list(range(1, 7)),
])
async def test_among_keeps_exactly_the_ids_given(seeded, wanted):
    async with seeded() as session:
        every = sorted((await session.exec(sa.select(agency_t.c.id))).scalars())
        query = sa.select(agency_t.c.id).where(among(session, agency_t.c.id, wanted))
        found = sorted((await session.exec(query)).scalars())
    assert len(every) >= 6
    assert found == sorted(set(wanted) & set(every))


async def test_two_id_lists_in_one_statement_keep_their_own_values(seeded):
    async with seeded() as session:
        query = sa.select(agency_t.c.id).where(
            among(session, agency_t.c.id, [1, 2, 3], name="first"),
            among(session, agency_t.c.id, [2, 3, 4], name="second"))
        found = sorted((await session.exec(query)).scalars())
    assert found == [2, 3]
