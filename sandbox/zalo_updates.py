"""Zalo's updates: a queue read one update per getUpdates, or pushed to a webhook."""

import asyncio
import contextlib
import copy
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.clock import Clock

JsonDict = dict[str, Any]
logger = logging.getLogger(__name__)

ZALO_SECRET_HEADER = "X-Bot-Api-Secret-Token"


class ZaloUpdateQueue:
    """Updates not yet delivered, oldest first; Zalo has no offset: delivered means gone."""

    def __init__(self) -> None:
        self.pending: list[JsonDict] = []
        self.delivered: list[JsonDict] = []
        self._closed = False
        self._changed = asyncio.Event()

    def push(self, update: JsonDict) -> None:
        """Queue an update."""
        self.pending.append(copy.deepcopy(update))
        self.notify()

    def notify(self) -> None:
        """Wake the poller and the webhook sender."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_changed(self, timeout: float | None = None) -> None:
        """Sleep until something changes or timeout passes."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def take(self) -> JsonDict | None:
        """Hand the oldest update out (it is not given again)."""
        if not self.pending:
            return None
        update = self.pending.pop(0)
        self.delivered.append(update)
        return copy.deepcopy(update)

    async def poll(self, timeout: float) -> JsonDict | None:
        """getUpdates: one update at once, or when one arrives within timeout; else None."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while not self.pending and not self._closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.wait_changed(remaining)
        return self.take()

    def close(self) -> None:
        """Release the waiting poller."""
        self._closed = True
        self.notify()


@dataclass
class ZaloWebhook:
    """What setWebhook was given, and when (Unix milliseconds)."""

    url: str
    secret_token: str
    updated_at: int


class ZaloWebhookSender:
    """Pushes pending updates to the webhook one at a time, retrying with backoff."""

    def __init__(self, queue: ZaloUpdateQueue, clock: Clock, retry_delay: float = 0.1,
                 max_retry_delay: float = 5.0, timeout: float = 10.0) -> None:
        self.settings: ZaloWebhook | None = None
        self.last_error: str | None = None
        self.delivered_count = 0
        self._queue = queue
        self._clock = clock
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._timeout = timeout
        self._closed = False
        self._interrupt = asyncio.Event()

    def set(self, settings: ZaloWebhook | None) -> None:
        """Push to a new URL (None: stop pushing; updates wait for getUpdates)."""
        self.settings = settings
        self.last_error = None
        self._interrupt.set()
        self._queue.notify()

    def close(self) -> None:
        """Stop the sending loop."""
        self._closed = True
        self._interrupt.set()
        self._queue.notify()

    async def run(self) -> None:
        """Deliver until closed; a refused delivery is tried again, so it may arrive twice."""
        delay = self._retry_delay
        async with aiohttp.ClientSession() as session:
            while not self._closed:
                settings = self.settings
                if settings is None or not self._queue.pending:
                    await self._queue.wait_changed()
                    continue
                update = self._queue.pending[0]
                self._interrupt.clear()
                error = await self._deliver(session, settings, update)
                if error is None:
                    self._queue.take()
                    self.delivered_count += 1
                    delay = self._retry_delay
                    continue
                logger.info("zalo webhook delivery to %s failed: %s", settings.url, error)
                self.last_error = error
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._interrupt.wait(), delay)
                delay = min(delay * 2, self._max_retry_delay)

    async def _deliver(self, session: aiohttp.ClientSession, settings: ZaloWebhook,
                       update: JsonDict) -> str | None:
        try:
            async with session.post(
                settings.url,
                json={"ok": True, "result": update},
                headers={ZALO_SECRET_HEADER: settings.secret_token},
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"webhook answered {response.status} {response.reason}"
        except TimeoutError:
            return "read timeout expired"
        except aiohttp.ClientError as error:
            return f"webhook request failed: {error}"
        except Exception as error:  # keep delivering whatever the receiver did
            return f"webhook request failed: {error!r}"
