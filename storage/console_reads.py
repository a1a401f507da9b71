"""The console's reads beside console_queries: blockers, an agency's reach, the console's log."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.committees import DEFAULT_COMMITTEE_ID
from storage.console_queries import AuditLine, Scope
from storage.models import (
    Agency,
    Assignment,
    Blocker,
    ConsoleAction,
    Evidence,
    FocalPerson,
    Item,
    StatusChange,
)


@dataclass(frozen=True)
class BlockerLine:
    """An open blocker with where it is: item, code, agency."""

    blocker: Blocker
    item_id: int
    code: str
    agency: str


def _blocker_query():  # type: ignore[no-untyped-def]
    return (select(Blocker, Item.id, Item.code, Agency.name)
            .join(Assignment, col(Assignment.id) == col(Blocker.assignment_id))
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .join(Agency, col(Agency.id) == col(Assignment.agency_id)))


async def open_blockers(scope: Scope, *, session: AsyncSession) -> list[BlockerLine]:
    """Blockers not yet handled (forwarded ones stay open), oldest first."""
    rows = (await session.exec(_blocker_query().where(col(Blocker.state) != "handled",
                                                      scope.items())
                               .order_by(col(Blocker.reported_at), col(Blocker.id)))).all()
    return [BlockerLine(b, item_id or 0, code or "", agency) for b, item_id, code, agency in rows]


async def item_blockers(scope: Scope, item_id: int, *,
                        session: AsyncSession) -> dict[int, list[Blocker]]:
    """An item's blockers (every state) by assignment id, oldest first."""
    rows = (await session.exec(_blocker_query().where(col(Item.id) == item_id, scope.items())
                               .order_by(col(Blocker.reported_at), col(Blocker.id)))).all()
    found: dict[int, list[Blocker]] = {}
    for blocker, *_ in rows:
        found.setdefault(blocker.assignment_id, []).append(blocker)
    return found


async def agency_of_item(scope: Scope, item_id: int, agency_id: int, *,
                         session: AsyncSession) -> bool:
    """Whether the agency holds an active assignment of the item (a focal person's reach)."""
    return (await session.exec(select(Assignment.id).where(
        Assignment.item_id == item_id, Assignment.agency_id == agency_id,
        col(Assignment.active), scope.assignments()))).first() is not None


def _person_in(scope: Scope) -> sa.ColumnElement[bool]:
    found = col(FocalPerson.committee_id) == scope.committee_id
    if scope.committee_id == DEFAULT_COMMITTEE_ID:  # people from before committees have none
        found = sa.or_(found, col(FocalPerson.committee_id).is_(None))
    return found


def _name(person: FocalPerson | None) -> str:
    if person is None:
        return "-"
    return person.name or f"{person.channel} #{person.id}"


async def console_audit(scope: Scope, limit: int, *, session: AsyncSession) -> list[AuditLine]:
    """Blocker decisions (chat or console) and the console's own actions, newest first."""
    people = {p.id: p for p in (await session.exec(select(FocalPerson))).all()}
    lines: list[AuditLine] = []
    for blocker, item_id, code, agency in (await session.exec(
            _blocker_query().where(col(Blocker.decided_at).is_not(None), scope.items())
            .order_by(col(Blocker.decided_at).desc()).limit(limit))).all():
        assert blocker.decided_at is not None
        detail = (f"{agency} → {blocker.forwarded_to}" if blocker.state == "forwarded"
                  else agency)
        lines.append(AuditLine(blocker.decided_at, _name(people.get(blocker.decided_by)), "-",
                               "blocker", None, blocker.state, detail, item_id, code))
    for action, code in (await session.exec(
            select(ConsoleAction, Item.code)
            .join(Item, col(Item.id) == col(ConsoleAction.item_id), isouter=True)
            .join(FocalPerson, col(FocalPerson.id) == col(ConsoleAction.person_id))
            # An action is its committee's: the item's, or (a message) the acting person's.
            .where(sa.or_(scope.items(), sa.and_(col(ConsoleAction.item_id).is_(None),
                                                 _person_in(scope))))
            .order_by(col(ConsoleAction.at).desc()).limit(limit))).all():
        lines.append(AuditLine(action.at, _name(people.get(action.person_id)), "console",
                               action.kind, None, None, action.detail, action.item_id, code))
    return sorted(lines, key=lambda line: line.at, reverse=True)[:limit]


async def evidence_agency(scope: Scope, evidence_id: int, *, session: AsyncSession) -> int | None:
    """The agency whose status report an evidence file came with."""
    return (await session.exec(
        select(Assignment.agency_id)
        .join(StatusChange, col(StatusChange.assignment_id) == col(Assignment.id))
        .join(Evidence, col(Evidence.status_change_id) == col(StatusChange.id))
        .where(Evidence.id == evidence_id, scope.assignments()))).first()


async def assignment(scope: Scope, assignment_id: int, *,
                     session: AsyncSession) -> Assignment | None:
    """One assignment (whose agency decides who may report on it), if it is the scope's."""
    return (await session.exec(select(Assignment).where(
        Assignment.id == assignment_id, scope.assignments()))).first()
