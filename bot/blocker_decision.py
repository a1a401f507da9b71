"""Deciding a blocker ("handled" or "forward"), from chat's buttons or the web console alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import texts
from bot.keyboards import Choice, encode
from bot.messenger import Button
from bot.turn import notify
from storage.blockers import focal_people, mark_forwarded, mark_handled, open_blocker
from storage.chat import AssignmentCard, cards
from storage.committees import secretariat_for
from storage.models import Agency, Blocker, FocalPerson


async def open_and_notify(card: AssignmentCard, change_id: int | None, reason: str | None,
                          now: datetime, today: date, person_id: int | None, reporter: str, *,
                          session: AsyncSession, text: str | None = None) -> Blocker:
    """Open a blocker and put it before its committee's secretariat with its two buttons."""
    blocker = await open_blocker(card.assignment_id, change_id, now, person_id, reason,
                                 session=session)
    text = text or texts.blocker_notice(card, reporter, today, reason)
    buttons = ((Button("✅ Đã xử lý", encode(Choice("blocker", blocker.id or 0, "h"))),
                Button("➡️ Chuyển cơ quan phối hợp",
                       encode(Choice("blocker", blocker.id or 0, "f")))),)
    for person in await secretariat_for(card.assignment_id, session=session):
        await notify(session, person, f"blocker:{blocker.id}:{person.id}", text, now, buttons)
    return blocker


@dataclass(frozen=True)
class Decided:
    """A decided blocker, its assignment's card, and who was told of a forward."""

    blocker: Blocker
    card: AssignmentCard
    told: list[FocalPerson]


async def _card_and_reporter(blocker: Blocker, *, session: AsyncSession
                             ) -> tuple[AssignmentCard, FocalPerson | None]:
    [card] = await cards(session=session, assignment_ids=[blocker.assignment_id])
    reporter = (await session.get(FocalPerson, blocker.reported_by)
                if blocker.reported_by is not None else None)
    return card, reporter


async def handle_and_tell(blocker_id: int, now: datetime, today: date, person_id: int | None, *,
                          session: AsyncSession) -> Decided:
    """Mark a blocker handled (StatusError if it cannot be) and tell whoever reported it."""
    blocker = await mark_handled(blocker_id, now, today, person_id, session=session)
    card, reporter = await _card_and_reporter(blocker, session=session)
    if reporter is not None:
        await notify(session, reporter, f"blocker-handled:{blocker.id}",
                     texts.blocker_handled(card), now)
    return Decided(blocker, card, [])


async def forward_and_tell(blocker_id: int, agency: Agency, now: datetime, tz: tzinfo,
                           person_id: int | None, *, session: AsyncSession) -> Decided:
    """Forward a blocker to a coordinating agency; tell its focal persons and the reporter."""
    blocker = await mark_forwarded(blocker_id, now, person_id, agency.name, session=session)
    card, reporter = await _card_and_reporter(blocker, session=session)
    told = await focal_people(agency.id or 0, session=session)
    for person in told:
        await notify(session, person, f"blocker-forward:{blocker.id}:{person.id}",
                     texts.blocker_forwarded(card, agency.name, blocker.reason,
                                             blocker.reported_at.astimezone(tz).date()), now)
    if reporter is not None:
        await notify(session, reporter, f"blocker-forwarded:{blocker.id}",
                     texts.blocker_forwarded_told(card, agency.name), now)
    return Decided(blocker, card, told)
