"""Send-rate limits: at most N messages a second overall and one a second per chat."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

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
        self.clock = clock
        self.sleep = sleep
        self._recent: deque[float] = deque()
        self._in_flight = 0
        self._chat_ready_at: dict[str, float] = {}
        # Sends waiting in acquire(): they will take a slot, so a claim leaves room for them.
        self.waiting = 0
        # Sends whose chat is ready, waiting for an overall slot: (order, arrival).
        self._queue: set[tuple[tuple[Any, ...], int]] = set()
        self._tickets = 0

    def _forget_old(self, now: float) -> None:
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()

    def _overall_wait(self, now: float) -> float:
        self._forget_old(now)
        if len(self._recent) + self._in_flight < self.per_second:
            return 0.0
        return self._recent[0] + 1.0 - now if self._recent else IN_FLIGHT_RECHECK_SECONDS

    def _chat_wait(self, chat_id: str, now: float) -> float:
        chat = self._chat_ready_at.get(chat_id, now) - now
        return IN_FLIGHT_RECHECK_SECONDS if math.isinf(chat) else chat

    async def acquire(self, chat_id: str, order: tuple[Any, ...] = ()) -> None:
        """Return when a message to this chat may go out now; call release() once answered.

        Sends whose chat is ready take the overall slots lowest `order` first (the outbox's
        priority, due time and id), then first come, first served: a chat that waited for its
        own slot is not then overtaken at every turn by chats claimed after it.
        """
        self.waiting += 1
        self._tickets += 1
        ticket = (order, self._tickets)
        try:
            while True:
                now = self.clock()
                chat = self._chat_wait(chat_id, now)
                if chat > 0:
                    self._queue.discard(ticket)  # not ready after all (paused): let others by
                    await self.sleep(chat)
                    continue
                self._queue.add(ticket)
                overall = self._overall_wait(now)
                if overall <= 0 and min(self._queue) == ticket:
                    self._in_flight += 1
                    self._chat_ready_at[chat_id] = math.inf
                    return
                if overall > 0:
                    await self.sleep(overall)
                else:
                    await asyncio.sleep(0)  # a send ahead is taking its slot now: let it
        finally:
            self._queue.discard(ticket)
            self.waiting -= 1

    def release(self, chat_id: str) -> None:
        """The send that acquire() allowed has its answer (or failed): count it from now."""
        now = self.clock()
        self._in_flight -= 1
        self._recent.append(now)
        self._chat_ready_at[chat_id] = now + self.per_chat_interval

    def pause_chat(self, chat_id: str, seconds: float) -> None:
        """Hold one chat for `seconds` (the platform's retry_after)."""
        ready = self.clock() + seconds
        self._chat_ready_at[chat_id] = max(self._chat_ready_at.get(chat_id, ready), ready)

    def free_slots(self, within: float) -> int:
        """How many sends could start within `within` seconds, less those already waiting."""
        now = self.clock()
        self._forget_old(now)
        counted = sum(1 for at in self._recent if at + 1.0 > now + within)
        return self.per_second - counted - self._in_flight - self.waiting

    def next_slot_in(self) -> float:
        """Seconds until the global limit lets one more send start (0 when it would now)."""
        now = self.clock()
        self._forget_old(now)
        if len(self._recent) + self._in_flight < self.per_second:
            return 0.0
        return self._recent[0] + 1.0 - now if self._recent else IN_FLIGHT_RECHECK_SECONDS

    def busy_chats(self, within: float) -> list[str]:
        """Chats that may not be sent to within `within` seconds (spacing, a pause, in flight)."""
        now = self.clock()
        ready = [chat for chat, at in self._chat_ready_at.items() if at <= now]
        for chat in ready:  # a chat not listed is ready: the map stays as small as the traffic
            del self._chat_ready_at[chat]
        return [chat for chat, at in self._chat_ready_at.items() if at > now + within]

    def next_chat_in(self) -> float | None:
        """Seconds until the first chat now waiting for its slot may be sent to; None if none."""
        now = self.clock()
        waits = [at - now for at in self._chat_ready_at.values() if not math.isinf(at)]
        return max(0.0, min(waits)) if waits else None
