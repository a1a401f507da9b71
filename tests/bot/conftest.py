"""A running bot against the sandboxes: real HTTP stacks, a real database, a fake clock.

`world` runs one channel at a time (each test that uses it runs on Telegram and on Zalo);
`telegram_world` is Telegram alone, `both_worlds` both channels in one process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversation import Conversation, ConversationConfig
from domain.reminders import ReminderPolicy
from sandbox.zalo_users import zalo_id
from scheduler.holidays_vn import vietnam_calendar
from scheduler.limits import SendLimiter
from scheduler.scan import scan
from scheduler.sender import Sender
from storage.agencies import import_registry, read_registry
from storage.db import transaction
from storage.importer import import_appendix
from storage.invites import create_invite
from storage.models import Agency, FocalPerson
from tests.bot.drivers import (
    Driver,
    Person,
    TelegramDriver,
    ZaloDriver,
    sender_rng,
    telegram_driver,
    zalo_driver,
)
from tests.conftest import EXAMPLE_REGISTRY
from tests.fakes import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2025, 2026])
SECRETARIAT_CHAT = 900


@dataclass
class World:
    """Everything an end-to-end test drives."""

    sessions: async_sessionmaker[AsyncSession]
    conversation: Conversation
    clock: FakeClock
    drivers: dict[str, Driver] = field(default_factory=dict)

    @property
    def channel(self) -> str:
        """The channel of a one-channel world."""
        [channel] = self.drivers
        return channel

    def on(self, channel: str | None = None) -> Driver:
        """A channel's driver (the only one when not named)."""
        return self.drivers[channel or self.channel]

    @property
    def telegram(self) -> TelegramDriver:
        driver = self.drivers["telegram"]
        assert isinstance(driver, TelegramDriver)
        return driver

    @property
    def zalo(self) -> ZaloDriver:
        driver = self.drivers["zalo"]
        assert isinstance(driver, ZaloDriver)
        return driver

    def add_person(self, number: int, name: str, channel: str | None = None) -> Person:
        """A new person on a channel (the world's only one by default)."""
        return self.on(channel).add_person(number, name)

    def user(self, number: int, channel: str | None = None) -> Person:
        """A person added before."""
        return self.on(channel).person(number)

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
        await self.drain()

    async def drain(self) -> None:
        """Deliver the outbox on every running channel."""
        limiter = SendLimiter(per_second=30, per_chat_interval=0)
        messengers = {name: driver.messenger for name, driver in self.drivers.items()}
        sender = Sender(self.sessions, messengers, limiter, worker="test", now=self.clock.now,
                        rng=sender_rng())
        await sender.drain()

    async def person(self, number: int, channel: str | None = None) -> FocalPerson | None:
        """The stored person behind a simulated user."""
        chat_id = self.user(number, channel).chat_id
        async with self.sessions() as session:
            return (await session.exec(select(FocalPerson).where(
                FocalPerson.chat_id == chat_id))).first()


async def seeded(sessions: async_sessionmaker[AsyncSession], seed_path: Path,
                 clock: FakeClock) -> Conversation:
    """The registry and the seed appendix imported; the conversation over them."""
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(seed_path, 2025, clock.now(), session=session)
    return Conversation(sessions, ConversationConfig(
        tz=TZ, now=clock.now,
        admin_chat_ids=frozenset({f"telegram:{SECRETARIAT_CHAT}",
                                  f"zalo:{zalo_id(SECRETARIAT_CHAT)}"}),
        link_for=lambda code: f"https://t.me/dondoc_bot?start={code}"))


@asynccontextmanager
async def running_world(channels: Sequence[str], sessions: async_sessionmaker[AsyncSession],
                        seed_path: Path, *, zalo_webhook: bool = False) -> AsyncIterator[World]:
    """The bot on these channels at once, over one database and one conversation."""
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))  # 08:30 in Hà Nội, a Monday
    conversation = await seeded(sessions, seed_path, clock)
    world = World(sessions, conversation, clock)
    async with AsyncExitStack() as stack:
        for channel in channels:
            if channel == "telegram":
                world.drivers[channel] = await stack.enter_async_context(
                    telegram_driver(conversation))
            else:
                world.drivers[channel] = await stack.enter_async_context(
                    zalo_driver(conversation, sessions, clock, webhook=zalo_webhook))
        yield world


@pytest.fixture(params=["telegram", "zalo"])
async def world(request, sessions, seed_path) -> AsyncIterator[World]:
    async with running_world([request.param], sessions, seed_path) as running:
        yield running


@pytest.fixture
async def telegram_world(sessions, seed_path) -> AsyncIterator[World]:
    async with running_world(["telegram"], sessions, seed_path) as running:
        yield running


@pytest.fixture
async def zalo_world(sessions, seed_path) -> AsyncIterator[World]:
    async with running_world(["zalo"], sessions, seed_path) as running:
        yield running


@pytest.fixture
async def both_worlds(sessions, seed_path) -> AsyncIterator[World]:
    async with running_world(["telegram", "zalo"], sessions, seed_path) as running:
        yield running
