"""A running bot against the sandbox: PTB's real HTTP stack, a real database, a fake clock."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram.ext import Application

from bot.conversation import Conversation, ConversationConfig
from bot.telegram_app import build_application, register_commands
from bot.telegram_messenger import TelegramMessenger
from domain.reminders import ReminderPolicy
from sandbox import running_sandbox
from sandbox.core import Sandbox
from scheduler.holidays_vn import vietnam_calendar
from scheduler.limits import SendLimiter
from scheduler.scan import scan
from scheduler.sender import Sender
from storage.agencies import import_registry, read_registry
from storage.db import transaction
from storage.importer import import_appendix
from storage.invites import create_invite
from storage.models import Agency, FocalPerson
from tests.conftest import EXAMPLE_REGISTRY
from tests.fakes import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2025, 2026])


@dataclass
class World:
    """Everything an end-to-end test drives."""

    sandbox: Sandbox
    sessions: async_sessionmaker[AsyncSession]
    application: Application
    conversation: Conversation
    clock: FakeClock

    async def invite(self, agency: str | None, role: str = "focal") -> str:
        """A fresh invite code, as `dondoc invite` makes one."""
        async with transaction(self.sessions) as session:
            found = None
            if agency is not None:
                found = (await session.exec(select(Agency).where(Agency.name == agency))).one()
            made = await create_invite(found, role, self.clock.now(), timedelta(days=7),
                                       session=session)
        return made.code

    async def remind(self) -> None:
        """The morning scan and a drain, as the scheduler would run them."""
        await scan(self.sessions, self.clock.now(), TZ, CALENDAR, ReminderPolicy())
        limiter = SendLimiter(per_second=30, per_chat_interval=0)
        sender = Sender(self.sessions, {"telegram": TelegramMessenger(self.application.bot)},
                        limiter, worker="test", now=self.clock.now, rng=random.Random(1))
        await sender.drain()

    async def person(self, chat_id: int) -> FocalPerson | None:
        async with self.sessions() as session:
            return (await session.exec(select(FocalPerson).where(
                FocalPerson.chat_id == str(chat_id)))).first()


@pytest.fixture
async def world(sessions, seed_path) -> AsyncIterator[World]:
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))  # 08:30 in Hà Nội, a Monday
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(seed_path, 2025, clock.now(), session=session)
    conversation = Conversation(sessions, ConversationConfig(
        tz=TZ, now=clock.now, admin_chat_ids=frozenset({"telegram:900"}),
        link_for=lambda code: f"https://t.me/dondoc_bot?start={code}"))
    async with running_sandbox(rate_limits=None) as sandbox:
        application = build_application(conversation, sandbox.token, sandbox.base_url,
                                         sandbox.file_base_url)
        async with application:
            await register_commands(application.bot)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                yield World(sandbox, sessions, application, conversation, clock)
            finally:
                await application.updater.stop()
                await application.stop()
