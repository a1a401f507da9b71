"""Blockers: a "blocked" report as the secretariat's action item, and what they did with it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.committees import CommitteeScope
from storage.models import Assignment, Blocker, FocalPerson
from storage.status import StatusError


async def open_blocker(assignment_id: int, change_id: int | None, now: datetime,
                       person_id: int | None, reason: str | None, *,
                       session: AsyncSession) -> Blocker:
    """Record a new blocker (the status change is already written)."""
    blocker = Blocker(assignment_id=assignment_id, status_change_id=change_id, reported_at=now,
                      reported_by=person_id, reason=reason)
    session.add(blocker)
    await session.flush()
    return blocker


async def _open(blocker_id: int, session: AsyncSession) -> Blocker:
    blocker = await session.get(Blocker, blocker_id)
    if blocker is None:
        raise StatusError("Không tìm thấy vướng mắc này.")
    if blocker.state == "handled":
        raise StatusError("Vướng mắc này đã được đánh dấu đã xử lý.")
    return blocker


async def mark_handled(blocker_id: int, now: datetime, today: date, person_id: int | None, *,
                       session: AsyncSession) -> Blocker:
    """The secretariat removed the blocker: the item gets a check-in the next working day."""
    blocker = await _open(blocker_id, session)
    blocker.state, blocker.decided_by, blocker.decided_at = "handled", person_id, now
    # Read by the follow-up policy; the database trigger clears the stored next day.
    await session.exec(sa.update(Assignment).where(
        col(Assignment.id) == blocker.assignment_id).values(blocker_handled_on=today))
    await session.flush()
    return blocker


async def mark_forwarded(blocker_id: int, now: datetime, person_id: int | None, agency: str, *,
                         session: AsyncSession) -> Blocker:
    """The secretariat sent the blocker to a coordinating agency (it stays open)."""
    blocker = await _open(blocker_id, session)
    blocker.state, blocker.decided_by, blocker.decided_at = "forwarded", person_id, now
    blocker.forwarded_to = agency
    await session.flush()
    return blocker


async def open_blockers(scope: CommitteeScope | None = None, *,
                        session: AsyncSession) -> list[Blocker]:
    """Blockers not yet handled, one per item still reported blocked (its latest), oldest first.

    A forwarded blocker stays open until someone marks it handled; an item whose agency has
    reported another status since is no longer blocked, and its blocker is not listed.
    """
    latest = (sa.select(sa.func.max(col(Blocker.id)))
              .join(Assignment, col(Assignment.id) == col(Blocker.assignment_id))
              .where(col(Assignment.active).is_(True), col(Assignment.status) == "blocked",
                     *([scope.assignments()] if scope is not None else []))
              .group_by(col(Blocker.assignment_id)))
    query = select(Blocker).where(col(Blocker.id).in_(latest), col(Blocker.state) != "handled")
    return list((await session.exec(query.order_by(col(Blocker.reported_at),
                                                    col(Blocker.id)))).all())


async def focal_people(agency_id: int, *, session: AsyncSession) -> list[FocalPerson]:
    """An agency's reachable focal persons (a forwarded blocker goes to them)."""
    return list((await session.exec(select(FocalPerson).where(
        FocalPerson.agency_id == agency_id, FocalPerson.role == "focal",
        col(FocalPerson.active).is_(True), col(FocalPerson.reachable).is_(True)))).all())


async def blocker_item(blocker_id: int, scope: CommitteeScope, *,
                       session: AsyncSession) -> int | None:
    """The item a blocker is about, if it is one of the committee's (else None)."""
    return (await session.exec(
        select(Assignment.item_id).join(Blocker, col(Blocker.assignment_id) == col(Assignment.id))
        .where(Blocker.id == blocker_id, scope.assignments()))).first()


async def in_scope(blocker_id: int, scope: CommitteeScope, *, session: AsyncSession) -> bool:
    """Whether a blocker is about one of the committee's items (a button may be forged)."""
    return await blocker_item(blocker_id, scope, session=session) is not None
