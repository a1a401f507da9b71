"""`dondoc run`: the bot and the scheduler in one process, wired from the settings."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

from aiohttp import web
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversation import Conversation, ConversationConfig
from bot.messenger import Messenger
from bot.telegram_app import build_application, register_commands
from bot.telegram_messenger import TelegramMessenger
from bot.webhook import add_webhook
from cli.database import open_database
from cli.wiring import calendar_around, make_sender, reminder_policy, working_hours
from cli.zalo_service import ZaloChannel, file_shelf
from config import Settings
from console.app import add_console
from console.wiring import console_config, sign_in_link
from scheduler.digest_job import schedule_digest
from scheduler.reminder_days import keep_days
from scheduler.scan import scan
from scheduler.ticks import Ticker

log = logging.getLogger(__name__)

NO_TOKEN = (
    "Chưa có DONDOC_TELEGRAM_TOKEN hay DONDOC_ZALO_TOKEN. Telegram: tạo bot với @BotFather "
    "(/newbot) rồi đặt token vào DONDOC_TELEGRAM_TOKEN (biến môi trường hoặc tệp .env). Zalo: "
    "trong ứng dụng Zalo tìm «Zalo Bot Manager» → «Tạo bot», token được gửi qua tin nhắn Zalo; "
    "đặt vào DONDOC_ZALO_TOKEN.\n"
    "Muốn xem dondoc chạy mà không cần token: uv run dondoc demo"
)


def conversation_for(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                     bot_username: list[str]) -> Conversation:
    """The conversation with the configured admins, invites and links."""

    def link_for(code: str) -> str | None:
        return f"https://t.me/{bot_username[0]}?start={code}" if bot_username else None

    return Conversation(sessions, ConversationConfig(
        tz=settings.tz, now=lambda: datetime.now(UTC),
        admin_chat_ids=frozenset(
            [f"telegram:{chat}" for chat in settings.admin_chat_ids]
            + [f"zalo:{chat}" for chat in settings.zalo_admin_chat_ids]),
        invite_valid_for=timedelta(days=settings.invite_days), link_for=link_for,
        digest_every_weeks=settings.digest_every_weeks,
        console_link_for=(lambda token: sign_in_link(settings, token))
        if settings.console_enabled else (lambda token: None),
        console_login_valid_for=timedelta(minutes=settings.console_login_minutes)))


def make_ticker(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                messengers: dict[str, Messenger]) -> Ticker:
    """The daily scan, the drain (inside working hours only) and the reminder days kept."""
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

    async def days_job() -> None:
        now = datetime.now(UTC)
        await keep_days(sessions, now, settings.tz, calendar_around(now), policy)

    ticker = Ticker(tz=settings.tz, scan_at=settings.workday_start,
                    drain_every_seconds=settings.drain_every_seconds, scan=scan_job,
                    drain=drain_job)
    ticker.add_job("reminder_days", IntervalTrigger(
        minutes=settings.reminder_days_every_minutes, timezone=settings.tz), days_job)
    return ticker


async def serve(settings: Settings, use_webhook: bool, stop: asyncio.Event | None = None) -> None:
    """Run every channel that has a token, and the scheduler, until SIGINT/SIGTERM (or `stop`)."""
    bot_username: list[str] = [settings.telegram_bot_username] if settings.telegram_bot_username \
        else []
    async with open_database(settings) as sessions, AsyncExitStack() as stack:
        conversation = conversation_for(settings, sessions, bot_username)
        site = web.Application()  # the webhooks and Zalo's file links share one web server
        shelf = file_shelf(settings, sessions)
        if shelf is not None:
            shelf.add_routes(site)
        if settings.console_enabled:
            add_console(site, sessions, console_config(settings, conversation.config.link_for))
        messengers: dict[str, Messenger] = {}
        application = None
        if settings.telegram_token:
            application = build_application(
                conversation, settings.telegram_token, settings.telegram_base_url,
                settings.telegram_base_url.replace("/bot", "/file/bot"))
            messengers["telegram"] = TelegramMessenger(application.bot)
            if use_webhook:
                assert settings.webhook_secret
                add_webhook(site, application, settings.webhook_secret)
        zalo = ZaloChannel(settings, sessions, conversation, shelf) if settings.zalo_token \
            else None
        if zalo is not None:
            messengers["zalo"] = zalo.messenger
            zalo.add_routes(site, use_webhook)
        ticker = make_ticker(settings, sessions, messengers)
        schedule_digest(ticker, settings, sessions)
        if stop is None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
        if site.router.routes():
            runner = web.AppRunner(site)
            await runner.setup()
            await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
            stack.push_async_callback(runner.cleanup)
        names = []
        if application is not None:
            await stack.enter_async_context(application)
            me = await application.bot.get_me()
            bot_username[:] = [me.username or ""]
            await register_commands(application.bot)
            await application.start()
            stack.push_async_callback(application.stop)
            if use_webhook:
                assert settings.webhook_url and settings.webhook_secret
                await application.bot.set_webhook(settings.webhook_url,
                                                  secret_token=settings.webhook_secret)
            else:
                assert application.updater is not None
                # Pending updates are the replies people sent while we were down: keep them.
                await application.updater.start_polling(drop_pending_updates=False)
                stack.push_async_callback(application.updater.stop)
            names.append(f"Telegram @{me.username}")
        if zalo is not None:
            stack.push_async_callback(zalo.stop)
            names.append(f"Zalo {await zalo.start(use_webhook, stop.set)}")
        await ticker.start(datetime.now(UTC))
        log.info("dondoc is running as %s (%s)", ", ".join(names),
                 "webhook" if use_webhook else "long polling")
        await stop.wait()
        ticker.shutdown()
    failure = zalo.failure() if zalo is not None else None
    if failure is not None:
        raise failure
