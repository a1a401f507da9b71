"""`dondoc run`: the bot and the scheduler in one process, wired from the settings."""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime, timedelta

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application

from bot.conversation import Conversation, ConversationConfig
from bot.telegram_app import build_application, register_commands
from bot.telegram_messenger import TelegramMessenger
from bot.webhook import webhook_app
from cli.database import open_database
from cli.wiring import calendar_around, make_sender, reminder_policy, working_hours
from config import Settings
from scheduler.digest_job import schedule_digest
from scheduler.scan import scan
from scheduler.ticks import Ticker

log = logging.getLogger(__name__)

NO_TOKEN = (
    "Chưa có DONDOC_TELEGRAM_TOKEN. Tạo bot với @BotFather trên Telegram (/newbot), rồi đặt "
    "token vào biến môi trường DONDOC_TELEGRAM_TOKEN hoặc tệp .env.\n"
    "Muốn xem dondoc chạy mà không cần token: uv run dondoc demo"
)


def conversation_for(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                     bot_username: list[str]) -> Conversation:
    """The conversation with the configured admins, invites and links."""

    def link_for(code: str) -> str | None:
        return f"https://t.me/{bot_username[0]}?start={code}" if bot_username else None

    return Conversation(sessions, ConversationConfig(
        tz=settings.tz, now=lambda: datetime.now(UTC),
        admin_chat_ids=frozenset(f"telegram:{chat}" for chat in settings.admin_chat_ids),
        invite_valid_for=timedelta(days=settings.invite_days), link_for=link_for,
        digest_every_weeks=settings.digest_every_weeks))


def make_ticker(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                messengers: dict[str, TelegramMessenger]) -> Ticker:
    """The daily scan and the drain (inside working hours only)."""
    sender = make_sender(settings, sessions, dict(messengers))
    hours = working_hours(settings)
    policy = reminder_policy(settings)

    async def scan_job() -> None:
        now = datetime.now(UTC)
        await scan(sessions, now, settings.tz, calendar_around(now), policy)

    async def drain_job() -> None:
        now = datetime.now(UTC)
        if hours.is_open(now, calendar_around(now)):
            await sender.drain()

    return Ticker(tz=settings.tz, scan_at=settings.workday_start,
                  drain_every_seconds=settings.drain_every_seconds, scan=scan_job,
                  drain=drain_job)


async def serve(settings: Settings, use_webhook: bool) -> None:
    """Run until SIGINT/SIGTERM."""
    assert settings.telegram_token
    bot_username: list[str] = [settings.telegram_bot_username] if settings.telegram_bot_username \
        else []
    async with open_database(settings) as sessions:
        conversation = conversation_for(settings, sessions, bot_username)
        application = build_application(conversation, settings.telegram_token,
                                        settings.telegram_base_url,
                                        settings.telegram_base_url.replace("/bot", "/file/bot"))
        ticker = make_ticker(settings, sessions, {"telegram": TelegramMessenger(application.bot)})
        schedule_digest(ticker, settings, sessions)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = None
        async with application:
            me = await application.bot.get_me()
            bot_username[:] = [me.username or ""]
            await register_commands(application.bot)
            await application.start()
            if use_webhook:
                runner = await _start_webhook(settings, application)
            else:
                assert application.updater is not None
                # Pending updates are the replies people sent while we were down: keep them.
                await application.updater.start_polling(drop_pending_updates=False)
            await ticker.start(datetime.now(UTC))
            log.info("dondoc is running as @%s (%s)", me.username,
                     "webhook" if use_webhook else "long polling")
            await stop.wait()
            ticker.shutdown()
            if runner is not None:
                await runner.cleanup()
            elif application.updater is not None:
                await application.updater.stop()
            await application.stop()


async def _start_webhook(settings: Settings, application: Application) -> web.AppRunner:
    assert settings.webhook_url and settings.webhook_secret
    runner = web.AppRunner(webhook_app(application, settings.webhook_secret))
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
    await application.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret)
    return runner
