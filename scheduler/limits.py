"""Send-rate limits: at most N messages a second overall and one a second per chat."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

# How often to look again while every slot is taken by a send still waiting for its answer.
IN_FLIGHT_RECHECK_SECONDS = 0.01


class SendLimiter:
    """Waits before each send so neither the global nor any per-chat limit is exceeded.

    The platform counts a message when it arrives, which can be later than the moment we let
    it go; so a send counts from when its answer comes back (`release`), and until then it
    holds a slot of the current second and its chat. A pause asked for by the platform (429
    retry_after) holds only that chat, so one flood wait never stalls the others.
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
        self._in_flight = 0
        self._chat_ready_at: dict[str, float] = {}

    def _wait_for(self, chat_id: str, now: float) -> float:
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        overall = 0.0
        if len(self._recent) + self._in_flight >= self.per_second:
            overall = (self._recent[0] + 1.0 - now if self._recent
                       else IN_FLIGHT_RECHECK_SECONDS)
        chat = self._chat_ready_at.get(chat_id, now) - now
        if math.isinf(chat):
            chat = IN_FLIGHT_RECHECK_SECONDS
        return max(overall, chat)

    async def acquire(self, chat_id: str) -> None:
        """Return when a message to this chat may go out now; call release() once answered."""
        while True:
            now = self._clock()
            wait = self._wait_for(chat_id, now)
            if wait <= 0:
                self._in_flight += 1
                self._chat_ready_at[chat_id] = math.inf
                return
            await self._sleep(wait)

    def release(self, chat_id: str) -> None:
        """The send that acquire() allowed has its answer (or failed): count it from now."""
        now = self._clock()
        self._in_flight -= 1
        self._recent.append(now)
        self._chat_ready_at[chat_id] = now + self.per_chat_interval

    def pause_chat(self, chat_id: str, seconds: float) -> None:
        """Hold one chat for `seconds` (the platform's retry_after)."""
        ready = self._clock() + seconds
        self._chat_ready_at[chat_id] = max(self._chat_ready_at.get(chat_id, ready), ready)
