"""Numbered choices a chat was offered (on channels without buttons), kept per chat."""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ChoiceOffer
from storage.outbox import insert_ignoring_duplicates

_OFFER = cast(sa.Table, ChoiceOffer.__table__)  # type: ignore[attr-defined]


async def load_offer(channel: str, chat_id: str, *, session: AsyncSession) -> dict[str, Any]:
    """The chat's offered choices (token -> {"data", "until"}); {} when none."""
    row = (await session.exec(sa.select(_OFFER.c.choices).where(  # type: ignore[call-overload]
        _OFFER.c.channel == channel, _OFFER.c.chat_id == chat_id))).first()
    return dict(row.choices) if row is not None else {}


async def save_offer(channel: str, chat_id: str, choices: dict[str, Any], *,
                     session: AsyncSession) -> None:
    """Replace the chat's offered choices."""
    statement = insert_ignoring_duplicates(session, ChoiceOffer).values(
        channel=channel, chat_id=chat_id, choices=choices)
    await session.exec(statement.on_conflict_do_update(
        index_elements=["channel", "chat_id"], set_={"choices": statement.excluded.choices}))
