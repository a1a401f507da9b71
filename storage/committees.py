"""Committees and the one scope object every per-committee read goes through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    DEFAULT_COMMITTEE_ID,
    Agency,
    Assignment,
    Committee,
    ExtensionRequest,
    FocalPerson,
    Item,
)
from storage.people import secretariat_people

# Roles that work for one committee; an agency's people (focal, leader) serve any committee
# that assigns their agency work.
COMMITTEE_ROLES = ("secretariat", "committee")


def committee_of(role: str, committee_id: int | None) -> int | None:
    """A person's committee: theirs if set, the default one for a committee role, else None."""
    if role not in COMMITTEE_ROLES:
        return None
    return committee_id if committee_id is not None else DEFAULT_COMMITTEE_ID


@dataclass(frozen=True)
class CommitteeScope:
    """What one committee's people may read: its items and their assignments, nothing else."""

    committee_id: int = DEFAULT_COMMITTEE_ID

    def items(self) -> sa.ColumnElement[bool]:
        """WHERE clause on Item."""
        return col(Item.committee_id) == self.committee_id

    def assignments(self) -> sa.ColumnElement[bool]:
        """WHERE clause on Assignment (through its item)."""
        return col(Assignment.item_id).in_(select(Item.id).where(self.items()))

    def agencies(self) -> sa.ColumnElement[bool]:
        """WHERE clause on Agency: those the committee's items assign (or assigned, or reach
        through a group), and for the default committee also those no committee assigns."""
        # The registry is shared and has no owner: an agency is a committee's by its work.
        # A name no item assigns yet (a registry loaded ahead of the appendix) stays with the
        # default committee, so a single-committee deployment sees its whole registry.
        mine = sa.or_(
            col(Agency.id).in_(select(Assignment.agency_id).where(self.assignments())),
            col(Agency.id).in_(select(Assignment.via_group_id).where(
                self.assignments(), col(Assignment.via_group_id).is_not(None))))
        if self.committee_id != DEFAULT_COMMITTEE_ID:
            return mine
        # agency_id is indexed: one look-up an agency. via_group_id is not, and only a group
        # can be one: read once (uncorrelated), and only when a group is asked about.
        return sa.or_(mine, sa.and_(
            sa.not_(sa.exists().where(col(Assignment.agency_id) == col(Agency.id))),
            sa.or_(col(Agency.is_group).is_(False), col(Agency.id).not_in(
                select(Assignment.via_group_id).where(
                    col(Assignment.via_group_id).is_not(None))))))

    def owns_item(self, item: Item | None) -> bool:
        """Whether an item already read is this committee's."""
        return item is not None and item.committee_id == self.committee_id


DEFAULT_SCOPE = CommitteeScope()


def person_scope(person: FocalPerson | Any) -> CommitteeScope:
    """The scope of a secretariat member or committee leader (the default one for others)."""
    found = committee_of(person.role, person.committee_id)
    return CommitteeScope(found if found is not None else DEFAULT_COMMITTEE_ID)


async def committees(*, session: AsyncSession) -> list[Committee]:
    """Every committee, by id."""
    return list((await session.exec(select(Committee).order_by(col(Committee.id)))).all())


async def committee_by_code(code: str | None, *, session: AsyncSession) -> Committee | None:
    """The committee with this code; without a code, the only committee there is (None if
    there are several or none)."""
    if code:
        return (await session.exec(select(Committee).where(Committee.code == code))).first()
    found = await committees(session=session)
    return found[0] if len(found) == 1 else None


async def committee_labels(*, session: AsyncSession) -> dict[int, str]:
    """Committee id -> short name, when there are several committees (else {}: nothing to mark)."""
    found = await committees(session=session)
    if len(found) < 2:
        return {}
    return {c.id: c.short_name or c.name for c in found if c.id is not None}


async def agencies_serving_several(*, session: AsyncSession,
                                   among: list[int] | None = None) -> frozenset[int]:
    """The agencies (of `among`, if given) with active assignments in two or more committees:
    their people serve several, so every item they are shown is marked with its committee."""
    query = (select(Assignment.agency_id).join(Item, col(Item.id) == col(Assignment.item_id))
             .where(col(Assignment.active).is_(True)).group_by(col(Assignment.agency_id))
             .having(sa.func.count(sa.distinct(col(Item.committee_id))) > 1))
    if among is not None:
        query = query.where(col(Assignment.agency_id).in_(among))
    return frozenset((await session.exec(query)).all())


async def assignment_committee(assignment_id: int, *, session: AsyncSession) -> int:
    """The committee whose item an assignment is of."""
    found = (await session.exec(select(Item.committee_id).join(
        Assignment, col(Assignment.item_id) == col(Item.id)).where(
        Assignment.id == assignment_id))).first()
    return found if found is not None else DEFAULT_COMMITTEE_ID


async def extension_in_scope(request_id: int, scope: CommitteeScope, *,
                             session: AsyncSession) -> bool:
    """Whether a request for more time is about one of the committee's items (a button naming
    another committee's request may be forged)."""
    return (await session.exec(select(ExtensionRequest.id).where(
        ExtensionRequest.id == request_id,
        col(ExtensionRequest.assignment_id).in_(select(Assignment.id).where(
            scope.assignments()))))).first() is not None


async def secretariat_for(assignment_id: int, *, session: AsyncSession) -> list[FocalPerson]:
    """The reachable secretariat chats of the committee an assignment belongs to: who is told
    of its blockers and requests for more time (never another committee's secretariat)."""
    committee = await assignment_committee(assignment_id, session=session)
    return [person for person in await secretariat_people(session=session)
            if person_scope(person).committee_id == committee]


async def secretariat_chats_about(person_id: int | None, *,
                                  session: AsyncSession) -> list[tuple[str, str, int]]:
    """The secretariat chats to tell about a person's chat (unreachable, a message given up):
    their own committee's for a committee role; for an agency's person, those of every
    committee that assigns their agency work; every secretariat chat for no person."""
    return [(p.channel, p.chat_id, p.id or 0)
            for p in await secretariat_people_about(person_id, session=session)]


async def secretariat_people_about(person_id: int | None, *,
                                   session: AsyncSession) -> list[FocalPerson]:
    """The secretariat members `secretariat_chats_about` names, as people."""
    everyone = await secretariat_people(session=session)
    person = await session.get(FocalPerson, person_id) if person_id is not None else None
    if person is None:
        wanted = {person_scope(p).committee_id for p in everyone}
    elif committee_of(person.role, person.committee_id) is not None:
        wanted = {person_scope(person).committee_id}
    else:
        wanted = set((await session.exec(select(Item.committee_id).distinct().join(
            Assignment, col(Assignment.item_id) == col(Item.id)).where(
            Assignment.agency_id == person.agency_id))).all()) or {DEFAULT_COMMITTEE_ID}
    return [p for p in everyone if person_scope(p).committee_id in wanted]


async def secretariat_about_chat(channel: str, chat_id: str | None, *,
                                 session: AsyncSession) -> list[FocalPerson]:
    """The secretariat members to tell about a chat (a system error there): those of the
    committees its active person serves, every one when nobody is linked from it."""
    person = (await session.exec(select(FocalPerson.id).where(
        FocalPerson.channel == channel, FocalPerson.chat_id == chat_id,
        col(FocalPerson.active).is_(True)))).first() if chat_id is not None else None
    return await secretariat_people_about(person, session=session)
