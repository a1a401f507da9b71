"""What a parent committee's roll-up reads: each child's digest figures, read-only."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest import build_digest
from domain.digest_inputs import Figures, Period
from domain.rollup import ChildFigures
from storage.committees import CommitteeScope
from storage.digest import load_digest_inputs
from storage.models import Committee, DigestRun


async def child_figures(parent_id: int, period: Period, tz: tzinfo, *,
                        session: AsyncSession) -> list[ChildFigures]:
    """The figures of each committee whose parent this is, as its own digest counts them.

    A child whose digest of the period already ran gives the figures that digest stored (what
    its secretariat received, read in one row instead of a whole store); the others are
    worked out now the same way.
    """
    children = await _children(parent_id, session=session)
    stored = await stored_figures([child.id or 0 for child in children], period,
                                  session=session)
    found = []
    for child in children:
        if child.id in stored:
            figures = Figures.from_json(stored[child.id])
        else:
            inputs = await load_digest_inputs(period, tz, CommitteeScope(child.id or 0),
                                              session=session)
            figures = build_digest(inputs).figures
        found.append(ChildFigures(child.name, figures, child.id or 0))
    return found


async def _children(parent_id: int, *, session: AsyncSession) -> list[Committee]:
    return list((await session.exec(select(Committee).where(Committee.parent_id == parent_id)
                                    .order_by(col(Committee.id)))).all())


async def stored_figures(committee_ids: list[int], period: Period, *,
                         session: AsyncSession) -> dict[int, dict[str, Any]]:
    """Committee id -> the figures its digest of the period stored (those with none left out)."""
    return {run.committee_id: run.figures for run in (await session.exec(
        select(DigestRun).where(col(DigestRun.committee_id).in_(committee_ids),
                                DigestRun.period_start == period.start,
                                DigestRun.period_end == period.end))).all()
            if run.figures}  # a run still under way (or failed) has stored nothing yet


async def reported_child_figures(parent_id: int, period: Period, *, session: AsyncSession,
                                 ) -> tuple[list[ChildFigures], list[str]]:
    """The children's stored figures only, and the names of those with none stored yet (the
    scheduled roll-up after its wait: nothing is worked out on their behalf)."""
    children = await _children(parent_id, session=session)
    stored = await stored_figures([child.id or 0 for child in children], period,
                                  session=session)
    found = [ChildFigures(child.name, Figures.from_json(stored[child.id]), child.id)
             for child in children if child.id in stored]
    late = [child.name for child in children if child.id not in stored]
    return found, late
