"""Codes to items through one function; the transition from id-based codes never guesses."""

from __future__ import annotations

from sqlmodel import select

from storage.db import transaction
from storage.item_lookup import resolve_codes
from storage.models import Item


async def ids(session, *codes: str) -> dict[str, int]:
    rows = (await session.exec(select(Item.code, Item.id).where(Item.code.in_(codes)))).all()
    return {code: item_id for code, item_id in rows}


async def test_own_codes_any_case(example):
    async with example() as session:
        known = await ids(session, "NV47", "CT5")
        assert await resolve_codes(["nv47", "CT5", "NV999", " "], session=session) == known


async def test_a_legacy_code_finds_its_item_unless_it_is_now_another_items_code(example):
    async with transaction(example) as session:
        known = await ids(session, "NV47", "NV73", "NV27")
        # As migration 0010 leaves an older database: id-based codes kept as legacy codes.
        for code, legacy in (("NV47", "NV67"), ("NV73", "NV93"), ("NV27", "NV47")):
            item = await session.get(Item, known[code])
            item.legacy_code = legacy
            session.add(item)
    async with example() as session:
        found = await resolve_codes(["NV67", "NV93", "NV47", "NV27"], session=session)
    # NV93 is nobody's code now: the old reminder's item. NV67 (row 67 now, row 47's old code)
    # and NV47 (row 47 now, row 27's old code) are ambiguous: nothing (the bot asks which)
    # rather than a guess.
    assert found == {"NV93": known["NV73"], "NV27": known["NV27"]}
