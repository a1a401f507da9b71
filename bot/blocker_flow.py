"""Blockers in chat: the secretariat's action item, its "handled" and "forward" buttons."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.keyboards import Choice, encode
from bot.messenger import Button
from bot.turn import ConversationConfig, Outgoing, Turn, notify
from domain.permissions import may_administer
from storage.blockers import focal_people, mark_forwarded, mark_handled, open_blocker
from storage.chat import AssignmentCard, cards, save_state
from storage.committees import secretariat_for
from storage.models import Blocker, FocalPerson
from storage.queries import find_agency
from storage.status import StatusError


async def raise_blocker(turn: Turn, card: AssignmentCard, change_id: int | None,
                        reason: str | None, text: str | None = None) -> None:
    """Put a "blocked" report before the secretariat at once, as an action item."""
    blocker = await open_blocker(card.assignment_id, change_id, turn.now, turn.person.id,
                                 reason, session=turn.session)
    text = text or texts.blocker_notice(card, turn.actor_name, turn.today, reason)
    buttons = ((Button("✅ Đã xử lý", encode(Choice("blocker", blocker.id or 0, "h"))),
                Button("➡️ Chuyển cơ quan phối hợp",
                       encode(Choice("blocker", blocker.id or 0, "f")))),)
    for person in await secretariat_for(card.assignment_id, session=turn.session):
        await notify(turn.session, person, f"blocker:{blocker.id}:{person.id}", text, turn.now,
                     buttons)


async def decide(config: ConversationConfig, turn: Turn, choice: Choice) -> list[Outgoing]:
    """The secretariat pressed "handled" or "forward" under a blocker notice."""
    if not may_administer(turn.person.role):
        return turn.say(texts.NOT_ALLOWED)
    if choice.value == "f":
        await save_state(turn.incoming.channel, turn.incoming.chat_id,
                         {"await": "forward", "blocker": choice.target},
                         turn.now + config.state_valid_for, session=turn.session)
        return turn.say(texts.ASK_FORWARD_AGENCY)
    try:
        blocker = await mark_handled(choice.target, turn.now, turn.today, turn.person.id,
                                     session=turn.session)
    except StatusError as refusal:
        return turn.say(str(refusal))
    card = await _card_of(turn, blocker)
    reporter = await _reporter(turn, blocker)
    if reporter is not None:
        await notify(turn.session, reporter, f"blocker-handled:{blocker.id}",
                     texts.blocker_handled(card), turn.now)
    return turn.say(f"Đã ghi nhận: vướng mắc {card.code} của {card.agency_name} đã được xử lý."
                    " Hệ thống sẽ hỏi lại tiến độ vào ngày làm việc tới.")


async def forward(config: ConversationConfig, turn: Turn,
                  state: dict[str, Any]) -> list[Outgoing]:
    """The coordinating agency's name, typed after "forward"."""
    name = turn.incoming.text.strip()
    agency = await find_agency(name, session=turn.session) if name else None
    if agency is None or agency.id is None:
        return turn.say(texts.unknown_agency(name))
    try:
        blocker = await mark_forwarded(int(state["blocker"]), turn.now, turn.person.id,
                                       agency.name, session=turn.session)
    except StatusError as refusal:
        return turn.say(str(refusal))
    await save_state(turn.incoming.channel, turn.incoming.chat_id, {}, turn.now,
                     session=turn.session)
    card = await _card_of(turn, blocker)
    told = await focal_people(agency.id, session=turn.session)
    for person in told:
        await notify(turn.session, person, f"blocker-forward:{blocker.id}:{person.id}",
                     texts.blocker_forwarded(card, agency.name, blocker.reason,
                                             blocker.reported_at.astimezone(config.tz).date()),
                     turn.now)
    reporter = await _reporter(turn, blocker)
    if reporter is not None:
        await notify(turn.session, reporter, f"blocker-forwarded:{blocker.id}",
                     texts.blocker_forwarded_told(card, agency.name), turn.now)
    who = ", ".join(person.name for person in told if person.name)
    reached = (f" (cán bộ đầu mối: {who})" if who else "") if told else (
        ": đơn vị chưa có cán bộ đầu mối trên hệ thống, đề nghị liên hệ trực tiếp")
    return turn.say(f"Đã chuyển vướng mắc {card.code} tới {agency.name}{reached}.")


async def _card_of(turn: Turn, blocker: Blocker) -> AssignmentCard:
    [card] = await cards(session=turn.session, assignment_ids=[blocker.assignment_id])
    return card


async def _reporter(turn: Turn, blocker: Blocker) -> FocalPerson | None:
    if blocker.reported_by is None:
        return None
    return await turn.session.get(FocalPerson, blocker.reported_by)
