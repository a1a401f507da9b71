"""Long polling of Telegram's getUpdates, acknowledging only what is stored.

PTB's Updater confirms a batch (the next getUpdates' offset) as soon as the updates are queued,
before any is handled: an update that fails because the database is down is then lost. Here a
batch is handled first, and the offset moves only past updates that are stored or failed for
good; from the first one kept for the database, the batch is asked for again after a pause
(updates already handled are recognised as redeliveries and change nothing).

A server that answers getUpdates at once (ignoring `timeout`) would make the loop spin:
empty answers are at least `floor` seconds apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.telegram_intake import intake_of
from bot.telegram_messenger import retry_after_seconds
from bot.telegram_updates import read_updates

log = logging.getLogger(__name__)
POLL_TIMEOUT = 30
POLL_FLOOR = 1.0
BACKOFF = (1.0, 30.0)
_T = TypeVar("_T")


class TelegramPoller:
    """Polls until stopped; `run` raises only when the token is refused."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], *,
                 timeout: int = POLL_TIMEOUT, floor: float = POLL_FLOOR,
                 backoff: tuple[float, float] = BACKOFF) -> None:
        self.application = application
        self.timeout = timeout
        self.floor = floor
        self.backoff = backoff
        self.offset: int | None = None
        self.polls = 0
        self._halt = asyncio.Event()

    def stop(self) -> None:
        """Stop after the batch in hand (a poll in flight is cut: nothing it brought is lost)."""
        self._halt.set()

    async def run(self) -> None:
        """Poll, handle, acknowledge, until stopped."""
        try:
            # getUpdates is refused while a webhook is set; pending updates stay (not dropped).
            await self.application.bot.delete_webhook(drop_pending_updates=False)
        except (InvalidToken, Forbidden):
            raise
        except Exception as error:
            log.warning("deleteWebhook failed (%s: %s); polling anyway", type(error).__name__,
                        error)
        low, high = self.backoff
        wait = low
        while not self._halt.is_set():
            started = time.monotonic()
            try:
                raw = await self._unless_halted(self.application.bot.do_api_request(
                    "getUpdates", {"offset": self.offset, "timeout": self.timeout}))
            except asyncio.CancelledError:
                if self._halt.is_set():
                    return
                raise
            except (InvalidToken, Forbidden):
                log.critical("Telegram refused the bot token; polling stops")
                raise
            except RetryAfter as slow:
                await self._pause(retry_after_seconds(slow))
                continue
            except (TimedOut, NetworkError, Conflict) as failure:
                log.warning("getUpdates failed (%s: %s); again in %.0f s",
                            type(failure).__name__, failure, wait)
                await self._pause(wait)
                wait = min(wait * 2, high)
                continue
            self.polls += 1
            wait = low
            updates = read_updates(raw, self.application.bot)
            if updates.last_id is None:
                await self._pause(self.floor - (time.monotonic() - started))
                continue
            kept = await self._handle(updates.updates)
            if kept is None:
                self.offset = updates.last_id + 1
            else:
                self.offset = kept
                log.warning("updates from %s kept at Telegram; asking again in %.0f s", kept,
                            high / 10)
                await self._pause(high / 10)

    async def _handle(self, updates: list[Update]) -> int | None:
        """Handle a batch; the id of the first update to deliver again, if any."""
        intake = intake_of(self.application)
        # Tasks start in order, so a chat's updates keep their order (ChatOrderedProcessor).
        done = await asyncio.gather(*(intake.handle(update) for update in updates))
        return next((u.update_id for u, ok in zip(updates, done, strict=True) if not ok), None)

    async def _unless_halted(self, call: Awaitable[_T]) -> _T:
        task = asyncio.ensure_future(call)
        halted = asyncio.ensure_future(self._halt.wait())
        try:
            await asyncio.wait((task, halted), return_when=asyncio.FIRST_COMPLETED)
        finally:
            halted.cancel()
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise asyncio.CancelledError
        return task.result()

    async def _pause(self, seconds: float) -> None:
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._halt.wait(), seconds)


@asynccontextmanager
async def polling(application: Application[Any, Any, Any, Any, Any, Any],
                  on_failure: Callable[[BaseException], None] | None = None,
                  **options: Any) -> AsyncIterator[TelegramPoller]:
    """Poll in the background while the block runs; a refused token calls `on_failure`."""
    poller = TelegramPoller(application, **options)
    task = asyncio.get_running_loop().create_task(poller.run())

    def finished(done: asyncio.Task[None]) -> None:
        if not done.cancelled() and done.exception() is not None and on_failure is not None:
            on_failure(done.exception() or RuntimeError("polling stopped"))

    task.add_done_callback(finished)
    try:
        yield poller
    finally:
        poller.stop()
        with contextlib.suppress(Exception):
            await task
