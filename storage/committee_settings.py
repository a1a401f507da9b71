"""Each committee's own settings (issue #22): read once a scan or tick, written by the CLI."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.committee_settings import decode, encode
from domain.committee_policy import own_policies, policy_with
from domain.reminder_model import ReminderPolicy
from storage.models import Assignment, Committee, Item
from storage.scan_sql import is_open


async def committee_overrides(*, session: AsyncSession) -> dict[int, dict[str, Any]]:
    """Committee id -> the knobs it overrides (committees that override none are left out)."""
    rows = (await session.exec(select(Committee.id, Committee.settings).where(
        col(Committee.settings).is_not(None)))).all()
    return {cid: found for cid, text in rows if cid is not None and (found := decode(text))}


async def save_overrides(committee_id: int, overrides: Mapping[str, Any], *,
                         session: AsyncSession) -> None:
    """Store a committee's overrides (already checked); empty: the deployment's settings."""
    await session.exec(sa.update(Committee).where(
        col(Committee.id) == committee_id).values(settings=encode(overrides)))


async def committee_policies(base: ReminderPolicy, *,
                             session: AsyncSession) -> dict[int, ReminderPolicy]:
    """Committee id -> its reminder policy, for the committees whose policy is not `base`."""
    found = await committee_overrides(session=session)
    return own_policies(base, {cid: policy_with(base, knobs) for cid, knobs in found.items()})


async def open_assignments_of(committee_ids: Collection[int], *,
                              session: AsyncSession) -> dict[int, int]:
    """Open assignment id -> committee id, for these committees' items only."""
    if not committee_ids:
        return {}
    rows = (await session.exec(select(Assignment.id, Item.committee_id).join(
        Item, col(Item.id) == col(Assignment.item_id)).where(
        col(Item.committee_id).in_(sorted(committee_ids)), is_open()))).all()
    return {aid: cid for aid, cid in rows if aid is not None}
