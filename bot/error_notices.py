"""How often the secretariat is told that a person's message failed: bounded, per chat and hour."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Verdict = Literal["notify", "repeat", "over_limit"]


@dataclass
class ErrorNotices:
    """Admits error notices: one per chat per `per_chat`, at most `per_hour` in all.

    In memory: each instance bounds its own notices (a restart forgets, which costs at most one
    more notice per chat). The failures themselves are always logged.
    """

    per_chat: timedelta = timedelta(minutes=30)
    per_hour: int = 10
    _last: dict[str, datetime] = field(default_factory=dict)
    _recent: deque[datetime] = field(default_factory=deque)

    def admit(self, chat: str, now: datetime) -> Verdict:
        """Whether to notify now; a chat told recently is a repeat, not a new notice."""
        last = self._last.get(chat)
        if last is not None and now - last < self.per_chat:
            return "repeat"
        while self._recent and now - self._recent[0] >= timedelta(hours=1):
            self._recent.popleft()
        if len(self._recent) >= self.per_hour:
            return "over_limit"
        self._recent.append(now)
        if len(self._last) > 10_000:  # forget chats told long ago, so memory stays bounded
            self._last = {c: t for c, t in self._last.items() if now - t < self.per_chat}
        self._last[chat] = now
        return "notify"
