"""Blockers in chat: the secretariat's action item, its "handled" and "forward" buttons."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.blocker_decision import forward_and_tell, handle_and_tell, open_and_notify
from bot.keyboards import Choice
from bot.turn import ConversationConfig, Outgoing, Turn
from domain.permissions import may_administer
from storage.blockers import in_scope
from storage.chat import AssignmentCard, save_state
from storage.committees import person_scope
from storage.queries import find_agency
from storage.status import StatusError


async def raise_blocker(turn: Turn, card: AssignmentCard, change_id: int | None,
                        reason: str | None, text: str | None = None) -> None:
    """Put a "blocked" report before the secretariat at once, as an action item."""
    await open_and_notify(card, change_id, reason, turn.now, turn.today, turn.person.id,
                          turn.actor_name, session=turn.session, text=text)


async def decide(config: ConversationConfig, turn: Turn, choice: Choice) -> list[Outgoing]:
    """The secretariat pressed "handled" or "forward" under a blocker notice."""
    if not may_administer(turn.person.role) or not await in_scope(
            choice.target, person_scope(turn.person), session=turn.session):
        return turn.say(texts.NOT_ALLOWED)
    if choice.value == "f":
        await save_state(turn.incoming.channel, turn.incoming.chat_id,
                         {"await": "forward", "blocker": choice.target},
                         turn.now + config.state_valid_for, session=turn.session)
        return turn.say(texts.ASK_FORWARD_AGENCY)
    try:
        decided = await handle_and_tell(choice.target, turn.now, turn.today, turn.person.id,
                                        session=turn.session)
    except StatusError as refusal:
        return turn.say(str(refusal))
    card = decided.card
    return turn.say(f"Đã ghi nhận: vướng mắc {card.code} của {card.agency_name} đã được xử lý."
                    " Hệ thống sẽ hỏi lại tiến độ vào ngày làm việc tới.")


async def forward(config: ConversationConfig, turn: Turn,
                  state: dict[str, Any]) -> list[Outgoing]:
    """The coordinating agency's name, typed after "forward"."""
    if not await in_scope(int(state["blocker"]), person_scope(turn.person),
                          session=turn.session):
        return turn.say(texts.NOT_ALLOWED)
    name = turn.incoming.text.strip()
    agency = await find_agency(name, session=turn.session) if name else None
    if agency is None or agency.id is None:
        return turn.say(texts.unknown_agency(name))
    try:
        decided = await forward_and_tell(int(state["blocker"]), agency, turn.now, config.tz,
                                         turn.person.id, session=turn.session)
    except StatusError as refusal:
        return turn.say(str(refusal))
    await save_state(turn.incoming.channel, turn.incoming.chat_id, {}, turn.now,
                     session=turn.session)
    card, told = decided.card, decided.told
    who = ", ".join(person.name for person in told if person.name)
    reached = (f" (cán bộ đầu mối: {who})" if who else "") if told else (
        ": đơn vị chưa có cán bộ đầu mối trên hệ thống, đề nghị liên hệ trực tiếp")
    return turn.say(f"Đã chuyển vướng mắc {card.code} tới {agency.name}{reached}.")
