"""Focal persons, leaders and secretariat chats."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.channels import LinkedChat, one_chat_per_person
from storage.models import Agency, FocalPerson


@dataclass(frozen=True)
class PersonView:
    """A linked chat with its agency's name."""

    id: int
    role: str
    name: str
    agency_name: str | None
    # Another reachable chat of the same person (channel, chat id, person id), if linked.
    elsewhere: tuple[str, str, int] | None = None


def _linked(person: FocalPerson) -> LinkedChat:
    return LinkedChat(person.id or 0, person.channel, person.chat_id, person.identity_id,
                      person.preferred, person.last_seen_at)


async def reachable_chats(*, session: AsyncSession,
                          role: str | None = None) -> list[FocalPerson]:
    """Every active, reachable chat (of one role, or all), one per person, oldest first.

    A person who linked several channels is reached on one: the chat they chose, else the
    one they wrote from last.
    """
    query = select(FocalPerson).where(col(FocalPerson.active).is_(True),
                                      col(FocalPerson.reachable).is_(True))
    if role is not None:
        query = query.where(FocalPerson.role == role)
    people = list((await session.exec(query.order_by(col(FocalPerson.id)))).all())
    chosen = {chat.person_id for chat in one_chat_per_person(_linked(p) for p in people)}
    return [person for person in people if person.id in chosen]


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
    elsewhere = None
    if person.identity_id is not None:
        others = [p for p in await reachable_chats(session=session)
                  if p.identity_id == person.identity_id and p.id != person_id]
        if others:
            elsewhere = (others[0].channel, others[0].chat_id, others[0].id or 0)
    return PersonView(person_id, person.role, person.name, agency.name if agency else None,
                      elsewhere)


async def secretariat_chats(*, session: AsyncSession) -> list[tuple[str, str, int]]:
    """(channel, chat id, person id) of every reachable secretariat member, one chat each."""
    return [(p.channel, p.chat_id, p.id or 0)
            for p in await reachable_chats(session=session, role="secretariat")]


async def secretariat_people(*, session: AsyncSession) -> list[FocalPerson]:
    """Every reachable secretariat member, as people, one chat each."""
    return await reachable_chats(session=session, role="secretariat")


async def linked_chats(person: FocalPerson, *, session: AsyncSession) -> list[FocalPerson]:
    """The person's active chats on every channel (just this one when none is linked)."""
    if person.identity_id is None:
        return [person]
    rows = await session.exec(select(FocalPerson).where(
        FocalPerson.identity_id == person.identity_id, col(FocalPerson.active).is_(True))
        .order_by(col(FocalPerson.id)))
    return list(rows.all())


def reminded_chat(chats: list[FocalPerson]) -> FocalPerson | None:
    """Which of one person's chats their reminders go to (None when none is reachable)."""
    chosen = one_chat_per_person(_linked(p) for p in chats if p.reachable)
    return next((p for p in chats if chosen and p.id == chosen[0].person_id), None)


async def prefer_chat(person: FocalPerson, chosen: FocalPerson | None, *,
                      session: AsyncSession) -> None:
    """Send the person's messages to `chosen` (one of their chats), or None: the last used."""
    for chat in await linked_chats(person, session=session):
        chat.preferred = chosen is not None and chat.id == chosen.id
        session.add(chat)
    await session.flush()
