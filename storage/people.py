"""Focal persons, leaders and secretariat chats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Agency, FocalPerson


@dataclass(frozen=True)
class PersonView:
    """A linked chat with its agency's name."""

    id: int
    role: str
    name: str
    agency_name: str | None


async def mark_unreachable(person_id: int, reason: str, *,
                           session: AsyncSession) -> PersonView | None:
    """Record that a chat cannot be reached; None if the person is gone."""
    person = await session.get(FocalPerson, person_id)
    if person is None:
        return None
    person.reachable = False
    person.unreachable_reason = reason
    session.add(person)
    agency = await session.get(Agency, person.agency_id) if person.agency_id else None
    return PersonView(person_id, person.role, person.name, agency.name if agency else None)


async def secretariat_chats(*, session: AsyncSession) -> list[tuple[str, str, int]]:
    """(channel, chat id, person id) of every reachable secretariat chat."""
    rows = await session.exec(
        select(FocalPerson.channel, FocalPerson.chat_id, FocalPerson.id).where(
            FocalPerson.role == "secretariat", col(FocalPerson.active).is_(True),
            col(FocalPerson.reachable).is_(True)).order_by(col(FocalPerson.id)))
    return [(channel, chat_id, person_id or 0) for channel, chat_id, person_id in rows.all()]


async def secretariat_people(*, session: AsyncSession) -> list[FocalPerson]:
    """Every reachable secretariat chat, as people."""
    rows = await session.exec(select(FocalPerson).where(
        FocalPerson.role == "secretariat", col(FocalPerson.active).is_(True),
        col(FocalPerson.reachable).is_(True)).order_by(col(FocalPerson.id)))
    return list(rows.all())
