"""Updates for the bot: the pending queue, getUpdates long polling, and webhook delivery."""

import asyncio
import collections
import contextlib
import dataclasses
import logging
import random
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.clock import Clock
from sandbox.errors import conflict

JsonDict = dict[str, Any]
logger = logging.getLogger(__name__)

# Telegram's default when allowed_updates is empty or was never given.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateQueue:
    """Updates not yet confirmed by the bot, in update_id order."""

    def __init__(self) -> None:
        self.pending: list[JsonDict] = []
        self.allowed_updates: list[str] = []
        self._last_update_id = 0
        self._poll_generation = 0
        self._closed = False
        self._changed = asyncio.Event()

    def push(self, kind: str, payload: JsonDict) -> JsonDict | None:
        """Queue an update of this kind; None when allowed_updates filters it out."""
        if self.allowed_updates:
            if kind not in self.allowed_updates:
                return None
        elif kind in NOT_DELIVERED_BY_DEFAULT:
            return None
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        self.pending.append(update)
        self.notify()
        return update

    def notify(self) -> None:
        """Wake every poller and the webhook sender."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_changed(self, timeout: float | None = None) -> None:
        """Sleep until something changes or timeout passes."""
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def confirm_below(self, offset: int) -> None:
        """Forget updates confirmed by an offset, with Telegram's meaning of negative offsets."""
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def remove(self, update_id: int) -> None:
        """Forget one delivered update."""
        self.pending = [u for u in self.pending if u["update_id"] != update_id]

    def drop_pending(self) -> None:
        """Forget every pending update (drop_pending_updates=True)."""
        self.pending = []

    async def poll(self, offset: int | None, limit: int, timeout: float) -> list[JsonDict]:
        """getUpdates: confirm by offset, then answer at once or when an update arrives."""
        self._poll_generation += 1
        generation = self._poll_generation
        self.notify()
        if offset is not None and offset != 0:
            self.confirm_below(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        while not self.pending and not self._closed:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await self.wait_changed(remaining)
            if generation != self._poll_generation:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
        return [dict(u) for u in self.pending[:limit]]

    def close(self) -> None:
        """Release every waiting poller."""
        self._closed = True
        self.notify()


@dataclass
class WebhookSettings:
    """What setWebhook was given."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    has_custom_certificate: bool = False


def _chat_of(update: JsonDict) -> object:
    """The chat (else the sender) an update comes from, if it names one."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat") or value.get("from")
        if isinstance(chat, dict):
            return chat.get("id")
    return None


class WebhookSender:
    """Pushes pending updates to the webhook, retrying with backoff: one at a time, or with
    `connections` > 1 that many at once (as Telegram does, up to max_connections), one chat's
    updates still one at a time and in order."""

    def __init__(
        self,
        queue: UpdateQueue,
        clock: Clock,
        retry_delay: float = 0.1,
        max_retry_delay: float = 5.0,
        timeout: float = 10.0,
        connections: int = 1,
    ) -> None:
        if connections < 1:
            raise ValueError("connections must be at least 1")
        self.settings: WebhookSettings | None = None
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.delivered_count = 0
        self._queue = queue
        self._clock = clock
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._timeout = timeout
        self._connections = connections
        self._in_flight: dict[int, object] = {}  # update id -> its chat, while being pushed
        self._closed = False
        # Set when the settings change, so a backoff pause ends early but new updates do not.
        self._interrupt = asyncio.Event()
        # A load balancer in front of several bot instances: each push goes to one of these
        # instead of the registered URL (round robin or at random); see spread().
        self._targets: list[str] = []
        self._mode = "round_robin"
        self._turn = 0
        self._rng = random.Random(0)
        self.delivered_to: collections.Counter[str] = collections.Counter()

    def spread(self, targets: list[str], mode: str = "round_robin", seed: int = 0) -> None:
        """Deliver each update to one of `targets` (round_robin or random), like a balancer."""
        if mode not in ("round_robin", "random"):
            raise ValueError(f"unknown spread mode {mode!r}")
        self._targets, self._mode, self._rng = list(targets), mode, random.Random(seed)

    def _url(self, settings: WebhookSettings) -> str:
        if not self._targets:
            return settings.url
        if self._mode == "random":
            return self._rng.choice(self._targets)
        self._turn += 1
        return self._targets[(self._turn - 1) % len(self._targets)]

    def set(self, settings: WebhookSettings) -> None:
        """Start pushing to a new URL."""
        self.settings = settings
        self.last_error_date = None
        self.last_error_message = None
        self._interrupt.set()
        self._queue.notify()

    def delete(self) -> None:
        """Stop pushing; updates wait for getUpdates."""
        self.settings = None
        self._interrupt.set()
        self._queue.notify()

    def info(self) -> JsonDict:
        """The WebhookInfo object."""
        info: JsonDict = {
            "url": self.settings.url if self.settings else "",
            "has_custom_certificate": bool(self.settings and self.settings.has_custom_certificate),
            "pending_update_count": len(self._queue.pending),
        }
        if self.settings is not None:
            info["max_connections"] = self.settings.max_connections
            if self._queue.allowed_updates:
                info["allowed_updates"] = list(self._queue.allowed_updates)
            if self.settings.ip_address:
                info["ip_address"] = self.settings.ip_address
        if self.last_error_date is not None and self.last_error_message is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    def close(self) -> None:
        """Stop the sending loop."""
        self._closed = True
        self._interrupt.set()
        self._queue.notify()

    async def run(self) -> None:
        """Deliver until closed."""
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(self._work(session) for _ in range(self._connections)))

    def _next(self) -> JsonDict | None:
        """The oldest pending update not being pushed whose chat has none being pushed."""
        busy = {chat for chat in self._in_flight.values() if chat is not None}
        for update in self._queue.pending:
            if update["update_id"] in self._in_flight:
                continue
            chat = _chat_of(update)
            if chat is None or chat not in busy:
                return update
        return None

    async def _work(self, session: aiohttp.ClientSession) -> None:
        delay = self._retry_delay
        while not self._closed:
            settings = self.settings
            update = self._next() if settings is not None else None
            if settings is None or update is None:
                await self._queue.wait_changed()
                continue
            self._interrupt.clear()
            url = self._url(settings)
            self._in_flight[update["update_id"]] = _chat_of(update)
            try:
                error = await self._deliver(session, dataclasses.replace(settings, url=url),
                                            update)
                if error is None:  # gone from pending before another worker may look
                    self._queue.remove(update["update_id"])
            finally:
                del self._in_flight[update["update_id"]]
                if self._connections > 1:
                    self._queue.notify()  # this chat's next update may go now
            if error is None:
                self.delivered_count += 1
                self.delivered_to[url] += 1
                delay = self._retry_delay
                continue
            logger.info("webhook delivery to %s failed: %s", url, error)
            self.last_error_date = int(self._clock.time())
            self.last_error_message = error
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._interrupt.wait(), delay)
            delay = min(delay * 2, self._max_retry_delay)

    async def _deliver(
        self, session: aiohttp.ClientSession, settings: WebhookSettings, update: JsonDict
    ) -> str | None:
        headers = {SECRET_TOKEN_HEADER: settings.secret_token} if settings.secret_token else {}
        try:
            async with session.post(
                settings.url,
                json=update,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self._timeout),
            ) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None
                return f"Wrong response from the webhook: {response.status} {response.reason}"
        except TimeoutError:
            return "Read timeout expired"
        except aiohttp.ClientConnectionError as error:
            return f"Connection failed: {error}"
        except aiohttp.ClientError as error:
            return f"Webhook request failed: {error}"
        except Exception as error:  # keep delivering whatever the receiver did
            return f"Webhook request failed: {error!r}"
