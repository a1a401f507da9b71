"""/vuongmac: the secretariat's open blockers listed again, each with fresh choices.

A Zalo number lasts 7 days (bot/choices.py): a blocker handled later needs its two choices
offered again. They carry the same callback data as the first notice's, so pressing them goes
through the same handling (bot/blocker_flow.decide).
"""

from __future__ import annotations

from bot import texts
from bot.keyboards import Choice, encode
from bot.messenger import Button, Buttons
from bot.turn import ConversationConfig, Outgoing, Turn
from storage.blockers import open_blockers
from storage.chat import cards
from storage.committees import person_scope
from storage.models import FocalPerson


def blocker_buttons(blocker_id: int) -> Buttons:
    """The secretariat's two actions on a blocker (numbered choices on Zalo)."""
    return ((Button("✅ Đã xử lý", encode(Choice("blocker", blocker_id, "h"))),
             Button("➡️ Chuyển cơ quan phối hợp", encode(Choice("blocker", blocker_id, "f")))),)


async def list_open(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """The open blockers, oldest first, each as its notice again with fresh buttons."""
    found = await open_blockers(person_scope(turn.person), session=turn.session)
    if not found:
        return turn.say(texts.NO_OPEN_BLOCKERS)
    turn.say(texts.open_blockers_heading(len(found)))
    for blocker in found:
        [card] = await cards(session=turn.session, assignment_ids=[blocker.assignment_id])
        reporter = (await turn.session.get(FocalPerson, blocker.reported_by)
                    if blocker.reported_by is not None else None)
        text = texts.blocker_notice(card, reporter.name if reporter and reporter.name
                                    else card.agency_name,
                                    blocker.reported_at.astimezone(config.tz).date(),
                                    blocker.reason)
        if blocker.state == "forwarded" and blocker.decided_at is not None:
            text += texts.blocker_forwarded_on(blocker.forwarded_to or "",
                                               blocker.decided_at.astimezone(config.tz).date())
        turn.say(text, blocker_buttons(blocker.id or 0))
    return turn.replies
