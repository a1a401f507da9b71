"""Send-rate limits: at most N messages a second overall and one a second per chat."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class SendLimiter:
    """Waits before each send so neither the global nor any per-chat limit is exceeded.

    A pause asked for by the platform (429 retry_after) holds only that chat, so one flood
    wait never stalls the others.
    """

    def __init__(
        self,
        per_second: int = 30,
        per_chat_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second < 1 or per_chat_interval < 0:
            raise ValueError("per_second must be >= 1 and per_chat_interval >= 0")
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self._clock = clock
        self._sleep = sleep
        self._recent: deque[float] = deque()
        self._chat_ready_at: dict[str, float] = {}

    def _wait_for(self, chat_id: str, now: float) -> float:
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        overall = self._recent[0] + 1.0 - now if len(self._recent) >= self.per_second else 0.0
        return max(overall, self._chat_ready_at.get(chat_id, now) - now)

    async def acquire(self, chat_id: str) -> None:
        """Return when a message to this chat may go out now, and count it."""
        while True:
            now = self._clock()
            wait = self._wait_for(chat_id, now)
            if wait <= 0:
                self._recent.append(now)
                self._chat_ready_at[chat_id] = now + self.per_chat_interval
                return
            await self._sleep(wait)

    def pause_chat(self, chat_id: str, seconds: float) -> None:
        """Hold one chat for `seconds` (the platform's retry_after)."""
        ready = self._clock() + seconds
        self._chat_ready_at[chat_id] = max(self._chat_ready_at.get(chat_id, ready), ready)
