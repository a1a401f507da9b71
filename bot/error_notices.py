"""How often the secretariat is told that a person's message failed: bounded, per chat and hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.error_notices import OverLimit, claim_chat, claim_slot, forget_chats

Verdict = Literal["notify", "repeat", "over_limit"]
__all__ = ["ErrorNotices", "OverLimit", "Verdict"]


@dataclass(frozen=True)
class ErrorNotices:
    """Admits error notices: one per chat per `per_chat`, at most `per_hour` in all.

    The state is in the database, so the bound holds across every process sharing it (two
    instances, polling and webhook). The failures themselves are always logged.
    """

    per_chat: timedelta = timedelta(minutes=30)
    per_hour: int = 10

    async def admit(self, chat: str, now: datetime, *, session: AsyncSession) -> Verdict:
        """"notify" or "repeat" (this chat was told recently); raises OverLimit when the hour's
        notices are used up, after writing: the caller's transaction must roll back."""
        if not await claim_chat(chat, now, self.per_chat, session=session):
            return "repeat"
        await claim_slot(now, self.per_hour, session=session)
        # Only when a notice goes out (at most per_hour an hour): the table stays small.
        await forget_chats(now, self.per_chat, session=session)
        return "notify"
