"""What a parent committee's roll-up reads: each child's digest figures, read-only."""

from __future__ import annotations

from datetime import tzinfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest import build_digest
from domain.digest_inputs import Period
from domain.rollup import ChildFigures
from storage.committees import CommitteeScope
from storage.digest import load_digest_inputs
from storage.models import Committee


async def child_figures(parent_id: int, period: Period, tz: tzinfo, *,
                        session: AsyncSession) -> list[ChildFigures]:
    """The figures of each committee whose parent this is, as its own digest counts them."""
    children = (await session.exec(select(Committee).where(Committee.parent_id == parent_id)
                                   .order_by(col(Committee.id)))).all()
    found = []
    for child in children:
        inputs = await load_digest_inputs(period, tz, CommitteeScope(child.id or 0),
                                          session=session)
        found.append(ChildFigures(child.name, build_digest(inputs).figures))
    return found
