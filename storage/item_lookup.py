"""Item codes to items: the one place a code a person typed or read is resolved.

A code is first the item's own (NV47, from the appendix's row number). During the transition
from id-based codes (before migration 0010), a code that is no item's own but some item's
legacy code still finds that item. A code that is one item's own and ANOTHER item's legacy
code is ambiguous (an old reminder said NV67 for what is now NV47) and resolves to nothing,
so the bot asks instead of recording on the wrong item: a false "done" is the worst error.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.committees import CommitteeScope
from storage.models import Assignment, Item


async def resolve_codes(codes: Iterable[str], scope: CommitteeScope | None = None, *,
                        session: AsyncSession, agency_id: int | None = None) -> dict[str, int]:
    """Each code that names exactly one item -> that item's id (case-insensitive codes).

    Codes are per committee: within a scope a code is that committee's; without one (an
    agency's person, who may serve several committees) a code two committees use is ambiguous
    and resolves to nothing, so the bot asks rather than record on the wrong committee's item
    — unless `agency_id` is given and only one of that agency's items has it.
    """
    wanted = sorted({code.strip().upper() for code in codes if code.strip()})
    if not wanted:
        return {}
    query = select(Item.id, Item.code, Item.legacy_code).where(or_(
        col(Item.code).in_(wanted), col(Item.legacy_code).in_(wanted)))
    if scope is not None:
        query = query.where(scope.items())
    if agency_id is not None:  # the agency's items only: a code its person reads in a reminder
        query = query.where(col(Item.id).in_(select(Assignment.item_id).where(
            Assignment.agency_id == agency_id, col(Assignment.active).is_(True))))
    rows = (await session.exec(query)).all()
    holders: dict[str, set[int]] = {}
    for item_id, code, _ in rows:
        if code in wanted and item_id:
            holders.setdefault(code, set()).add(item_id)
    own = {code: next(iter(ids)) for code, ids in holders.items() if len(ids) == 1}
    shared = {code for code, ids in holders.items() if len(ids) > 1}
    legacy: dict[str, set[int]] = {}
    for item_id, _, old in rows:
        if old in wanted and item_id:
            legacy.setdefault(old, set()).add(item_id)
    found: dict[str, int] = {}
    for code in wanted:
        if code in shared:
            continue
        others = legacy.get(code, set()) - ({own[code]} if code in own else set())
        if code in own and not others:
            found[code] = own[code]
        elif code not in own and len(others) == 1:
            found[code] = next(iter(others))
    return found
