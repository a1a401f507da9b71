"""`dondoc run`: the bot and the scheduler in one process, wired from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from contextlib import AsyncExitStack
from datetime import timedelta

from aiohttp import web
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversation import ConversationConfig
from bot.messenger import Messenger
from bot.metrics import MeteredMessenger
from bot.telegram_app import build_application, register_commands
from bot.telegram_messenger import TelegramMessenger
from bot.telegram_polling import polling
from bot.webhook import add_webhook
from cli.database import open_database
from cli.health import Health, MeteredConversation, add_health_routes, observed_scan, rules_from
from cli.scan_takeover import retry_if_skipped
from cli.wiring import (
    calendar_around,
    make_sender,
    reminder_policy,
    service_clock,
    working_hours,
)
from cli.zalo_service import ZaloChannel, file_shelf
from config import Settings
from console.app import add_console
from console.wiring import console_config, sign_in_link
from scheduler.digest_job import digest_attachments
from scheduler.digest_tick import schedule_digest
from scheduler.reminder_days import keep_days
from scheduler.scan import scan
from scheduler.ticks import Ticker
from storage.chat import forget_updates
from storage.db import transaction

log = logging.getLogger(__name__)

NO_TOKEN = (
    "Chưa có DONDOC_TELEGRAM_TOKEN hay DONDOC_ZALO_TOKEN. Telegram: tạo bot với @BotFather "
    "(/newbot) rồi đặt token vào DONDOC_TELEGRAM_TOKEN (biến môi trường hoặc tệp .env). Zalo: "
    "trong ứng dụng Zalo tìm «Zalo Bot Manager» → «Tạo bot», token được gửi qua tin nhắn Zalo; "
    "đặt vào DONDOC_ZALO_TOKEN.\n"
    "Muốn xem dondoc chạy mà không cần token: uv run dondoc demo"
)


def conversation_for(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                     bot_username: list[str]) -> MeteredConversation:
    """The conversation with the configured admins, invites and links."""

    def link_for(code: str) -> str | None:
        return f"https://t.me/{bot_username[0]}?start={code}" if bot_username else None

    return MeteredConversation(sessions, ConversationConfig(
        tz=settings.tz, now=service_clock(settings),
        admin_chat_ids=frozenset(
            [f"telegram:{chat}" for chat in settings.admin_chat_ids]
            + [f"zalo:{chat}" for chat in settings.zalo_admin_chat_ids]),
        invite_valid_for=timedelta(days=settings.invite_days), link_for=link_for,
        digest_every_weeks=settings.digest_every_weeks, digest_files=digest_attachments,
        console_link_for=(lambda token: sign_in_link(settings, token))
        if settings.console_enabled else (lambda token: None),
        console_login_valid_for=timedelta(minutes=settings.console_login_minutes),
        console_focal_persons=settings.console_focal_persons))


def make_ticker(settings: Settings, sessions: async_sessionmaker[AsyncSession],
                messengers: dict[str, Messenger]) -> Ticker:
    """The daily scan, the drain (inside working hours only) and the reminder days kept."""
    sender = make_sender(settings, sessions,
                         {name: MeteredMessenger(m) for name, m in messengers.items()})
    hours = working_hours(settings)
    policy = reminder_policy(settings)
    clock = service_clock(settings)

    async def scan_job() -> None:
        now = clock()
        report = await observed_scan(scan(sessions, now, settings.tz, calendar_around(now),
                                          policy))
        retry_if_skipped(report, ticker, scan_job, sessions, settings.scan_retry_seconds)

    async def drain_job() -> None:
        now = clock()
        if hours.is_open(now, calendar_around(now)):
            await sender.drain()

    async def days_job() -> None:
        now = clock()
        await keep_days(sessions, now, settings.tz, calendar_around(now), policy)

    ticker = Ticker(tz=settings.tz, scan_at=settings.workday_start,
                    drain_every_seconds=settings.drain_every_seconds, scan=scan_job,
                    drain=drain_job)
    ticker.add_job("reminder_days", IntervalTrigger(
        minutes=settings.reminder_days_every_minutes, timezone=settings.tz), days_job)

    async def forget_job() -> None:
        async with transaction(sessions) as session:
            forgotten = await forget_updates(
                service_clock(settings)() - timedelta(hours=settings.update_memory_hours),
                settings.update_memory_count, session=session)
        log.info("forgot %d handled updates (older than %d h or beyond the newest %d)",
                 forgotten, settings.update_memory_hours, settings.update_memory_count)

    ticker.add_job("forget_updates", IntervalTrigger(hours=1, timezone=settings.tz),
                   forget_job)
    return ticker


async def serve(settings: Settings, use_webhook: bool, stop: asyncio.Event | None = None) -> None:
    """Run every channel that has a token, and the scheduler, until SIGINT/SIGTERM (or `stop`)."""
    bot_username: list[str] = [settings.telegram_bot_username] if settings.telegram_bot_username \
        else []
    async with open_database(settings) as sessions, AsyncExitStack() as stack:
        conversation = conversation_for(settings, sessions, bot_username)
        site = web.Application()  # the webhooks and Zalo's file links share one web server
        health = Health(settings.database_url, rules_from(settings, calendar_around),
                        service_clock(settings))
        stack.push_async_callback(health.close)
        add_health_routes(site, health)
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
        schedule_digest(ticker, settings, sessions, service_clock(settings))
        if stop is None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
        runner = web.AppRunner(site)  # always: /healthz, /readyz and /metrics live there
        await runner.setup()
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        stack.push_async_callback(runner.cleanup)
        names = []
        failures: list[BaseException] = []
        if application is not None:
            try:
                await stack.enter_async_context(application)
            except Exception:
                # PTB's Application does not shut a bot down whose start failed half-way (the
                # get_me call): its connection pools would be left open and reported.
                await application.bot.shutdown()
                raise
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
                # Pending updates are the replies people sent while we were down: keep them.
                # Our poller, not PTB's Updater: it confirms an update only once it is stored.
                await stack.enter_async_context(polling(
                    application, failures.append,
                    timeout=settings.telegram_poll_seconds,
                    floor=settings.telegram_poll_floor_seconds))
            names.append(f"Telegram @{me.username}")
        if zalo is not None:
            stack.push_async_callback(zalo.stop)
            names.append(f"Zalo {await zalo.start(use_webhook, stop.set)}")
        await ticker.start(service_clock(settings)())
        log.info("dondoc is running as %s (%s)", ", ".join(names),
                 "webhook" if use_webhook else "long polling")
        while not stop.is_set() and not failures:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
        ticker.shutdown()
    failure = zalo.failure() if zalo is not None else None
    if failure is not None:
        raise failure
    if failures:
        raise failures[0]
