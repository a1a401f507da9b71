"""Deciding an extension request, from chat (/duyet's buttons) or the web console alike."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import texts
from bot.turn import notify
from storage.chat import AssignmentCard, cards
from storage.models import ExtensionRequest, FocalPerson
from storage.status import Actor, decide_extension


async def decide_and_tell(request_id: int, approve: bool, now: datetime, actor: Actor, *,
                          session: AsyncSession) -> tuple[ExtensionRequest, AssignmentCard]:
    """Approve or refuse (StatusError if it cannot be), and tell the person who asked."""
    request = await decide_extension(request_id, approve, now, actor, session=session)
    [card] = await cards(session=session, assignment_ids=[request.assignment_id])
    requester = (await session.get(FocalPerson, request.requested_by)
                 if request.requested_by else None)
    if requester is not None:
        await notify(session, requester, f"extension-decision:{request.id}",
                     texts.extension_decided(card, request.state == "approved", request.new_due),
                     now)
    return request, card
