"""Zalo in `dondoc run`: its client, messenger and bot, polling or webhook, wired from settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.choices import ChoiceBook
from bot.conversation import Conversation
from bot.file_links import FileShelf
from bot.messenger import DeliveryError
from bot.zalo_app import ZaloBot
from bot.zalo_client import BadToken, ZaloClient
from bot.zalo_messenger import CHANNEL, ZaloMessenger
from cli.invites import CommandError
from config import Settings
from scheduler.limits import SendLimiter

log = logging.getLogger(__name__)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def file_shelf(settings: Settings, sessions: async_sessionmaker[AsyncSession],
               now: Callable[[], datetime] = _utc_now) -> FileShelf | None:
    """Where files for Zalo chats are published (None without DONDOC_PUBLIC_URL)."""
    return FileShelf(sessions, settings.public_url, now) if settings.public_url else None


class ZaloChannel:
    """The Zalo side of the process: started beside Telegram, sharing the conversation."""

    def __init__(self, settings: Settings, sessions: async_sessionmaker[AsyncSession],
                 conversation: Conversation, shelf: FileShelf | None,
                 now: Callable[[], datetime] = _utc_now) -> None:
        assert settings.zalo_token
        self.settings = settings
        self.client = ZaloClient(settings.zalo_token, settings.zalo_base_url,
                                 photo_timeout=settings.zalo_photo_timeout_seconds)
        self.choices = ChoiceBook(sessions, CHANNEL, now)
        limiter = SendLimiter(settings.zalo_send_per_second, settings.zalo_send_per_chat_seconds)
        self.messenger = ZaloMessenger(self.client, self.choices, shelf, limiter=limiter,
                                       tz=settings.tz)
        self.bot = ZaloBot(conversation, self.client, self.messenger, self.choices,
                           max_photo_bytes=settings.zalo_max_photo_bytes)
        self.poll_timeout = settings.zalo_poll_seconds
        self.poller: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        if shelf is None:
            log.warning("DONDOC_PUBLIC_URL is not set: Zalo chats cannot get the digest's chart "
                        "or workbook (Zalo takes files only as links)")

    def add_routes(self, app: web.Application, use_webhook: bool) -> None:
        """Mount the webhook (before the web server starts: its routes are fixed then)."""
        if use_webhook:
            assert self.settings.zalo_webhook_secret
            self.bot.add_webhook(app, self.settings.zalo_webhook_secret,
                                 self.settings.zalo_webhook_path)

    async def start(self, use_webhook: bool, on_failure: Callable[[], None]) -> str:
        """Check the token, then poll or register the webhook; the bot's account name."""
        try:
            name = await self.bot.identify()
        except BadToken:
            raise CommandError("Zalo không chấp nhận token của bot (lỗi 401): kiểm tra "
                               "DONDOC_ZALO_TOKEN (token nhận từ Zalo Bot Manager).") from None
        if use_webhook:
            assert self.settings.zalo_webhook_url and self.settings.zalo_webhook_secret
            await self.client.set_webhook(self.settings.zalo_webhook_url,
                                          self.settings.zalo_webhook_secret)
            return name
        try:
            if (await self.client.get_webhook_info()).url:
                # getUpdates does not work while a webhook is set; removing it keeps updates.
                await self.client.delete_webhook()
        except DeliveryError as failure:
            # As goclaw does: a webhook check that fails must not keep polling from starting
            # (getUpdates itself says so if a webhook is still in the way).
            log.warning("zalo webhook check failed (%s); polling anyway", failure)
        self.poller = asyncio.get_running_loop().create_task(
            self.bot.poll(self._stop, self.poll_timeout))

        def done(task: asyncio.Task[None]) -> None:
            if not task.cancelled() and task.exception() is not None:
                log.critical("zalo polling stopped", exc_info=task.exception())
                on_failure()

        self.poller.add_done_callback(done)
        return name

    async def stop(self) -> None:
        """Finish the poll in flight and every update already taken, then close."""
        self._stop.set()
        if self.poller is not None:
            with contextlib.suppress(Exception):
                await self.poller
        await self.bot.order.wait()
        await self.client.aclose()

    def failure(self) -> BaseException | None:
        """Why polling stopped on its own, if it did."""
        if self.poller is None or not self.poller.done() or self.poller.cancelled():
            return None
        return self.poller.exception()
