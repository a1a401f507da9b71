"""One way for tests to act as people on any channel: write, reply, choose, send an image.

A test says what a person does ("choose ✅ Đồng ý"); the Telegram driver presses the button
of that label, the Zalo driver reads the numbered choices in the text and types the number
("2", or "NV12 2" for one item of a reminder listing several).
"""

from __future__ import annotations

import asyncio
import random
import struct
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import Application

from bot.choices import ChoiceBook, read_legends
from bot.conversation import Conversation
from bot.file_links import FileShelf
from bot.keyboards import full_label_of
from bot.messenger import Messenger
from bot.telegram_app import build_application, register_commands
from bot.telegram_messenger import TelegramMessenger
from bot.telegram_polling import polling
from bot.zalo_app import ZaloBot
from bot.zalo_client import ZaloClient
from bot.zalo_messenger import ZaloMessenger
from sandbox import running_sandbox, running_zalo_sandbox
from sandbox.core import Sandbox
from sandbox.users import SimulatedUser
from sandbox.world import StoredMessage
from sandbox.zalo import ZaloSandbox
from sandbox.zalo_users import ZaloUser
from tests.fakes import FakeClock

ZALO_SECRET = "zalo-webhook-secret-123"


def tiny_png() -> bytes:
    """A valid 1×1 PNG, as a phone would send a photo of a signed page."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


class Person(Protocol):
    """A simulated person on some channel."""

    chat_id: str

    def say(self, text: str) -> Any:
        """Write to the bot; returns what `redeliver` needs."""
        ...

    def reply(self, message: StoredMessage, text: str) -> Any:
        """Answer a bot message (a plain message where replies carry nothing)."""
        ...

    def send_image(self, caption: str | None = None) -> Any:
        """Send a photo."""
        ...

    def messages(self) -> list[StoredMessage]:
        """What the bot sent this person, oldest first."""
        ...

    async def next(self, after: StoredMessage | None = None) -> StoredMessage:
        """The first bot message newer than `after`."""
        ...

    def choices(self, message: StoredMessage) -> list[str]:
        """The choices a message offers, by label."""
        ...

    async def choose(self, message: StoredMessage, label: str) -> None:
        """Pick a choice by its label ("🔄 Đang làm NV12" picks that item's row)."""
        ...

    async def redeliver(self, sent: Any) -> None:
        """Have the platform deliver a message's update again."""
        ...


@dataclass
class TelegramPerson:
    """A Telegram user: buttons are pressed."""

    user: SimulatedUser
    sandbox: Sandbox
    application: Application

    @property
    def chat_id(self) -> str:
        return str(self.user.id)

    def _sent(self, message: StoredMessage) -> dict[str, Any]:
        # The update is still pending until the next getUpdates confirms it.
        return {"update": dict(self.sandbox.pending_updates[-1]), "message": message}

    def say(self, text: str) -> dict[str, Any]:
        return self._sent(self.user.send_message(text))

    def reply(self, message: StoredMessage, text: str) -> dict[str, Any]:
        return self._sent(self.user.reply_to(message, text))

    def send_image(self, caption: str | None = None) -> dict[str, Any]:
        return self._sent(self.user.send_photo(tiny_png(), caption=caption))

    def messages(self) -> list[StoredMessage]:
        return self.user.messages_from_bot()

    async def next(self, after: StoredMessage | None = None) -> StoredMessage:
        return await self.user.wait_for_bot_message(after=after)

    def choices(self, message: StoredMessage) -> list[str]:
        return [button.text for button in message.buttons]

    async def choose(self, message: StoredMessage, label: str) -> None:
        query = self.user.press_button(message, text=label)
        await self.sandbox.wait_for_callback_answer(query)

    async def redeliver(self, sent: dict[str, Any]) -> None:
        update = Update.de_json(sent["update"], self.application.bot)
        await self.application.update_queue.put(update)


@dataclass
class ZaloPerson:
    """A Zalo user: choices are typed as numbers."""

    user: ZaloUser
    sandbox: ZaloSandbox
    bot: ZaloBot

    @property
    def chat_id(self) -> str:
        return self.user.id

    def say(self, text: str) -> StoredMessage:
        return self.user.send_text(text)

    def reply(self, message: StoredMessage, text: str) -> StoredMessage:
        return self.user.send_text(text)  # Zalo's updates say nothing of what is answered

    def send_image(self, caption: str | None = None) -> StoredMessage:
        return self.user.send_photo(tiny_png(), caption=caption)

    def messages(self) -> list[StoredMessage]:
        return self.user.messages_from_bot()

    async def next(self, after: StoredMessage | None = None) -> StoredMessage:
        # A long answer comes in parts: the next answer is the first message after both
        # `after` and what the person wrote since (the rest of `after` comes before that).
        floor = after.sequence if after is not None else 0
        if after is not None and after.from_bot:
            floor = max([floor, *(m.sequence for m in self.user.chat.messages
                                  if not m.from_bot)])

        def newer() -> list[StoredMessage]:
            return [m for m in self.messages() if m.sequence > floor]

        await self.sandbox.wait_until(lambda: bool(newer()))
        await self.bot.order.wait()  # and let every part of it arrive
        return newer()[0]

    def _whole(self, message: StoredMessage) -> str:
        """The message with the parts sent after it (a long one is split, choices last)."""
        later = [m for m in self.user.chat.messages if m.sequence >= message.sequence]
        parts = []
        for part in later:
            if not part.from_bot:
                break
            parts.append(part.text or "")
        return "\n".join(parts)

    def choices(self, message: StoredMessage) -> list[str]:
        return [label for _, label in read_legends(self._whole(message))[1]]

    async def choose(self, message: StoredMessage, label: str) -> None:
        item, plain = read_legends(self._whole(message))
        number = next((n for n, text in plain if text == label), None)
        if number is None:
            full, code = full_label_of(label), label.rsplit(" ", 1)[-1]
            found = item.get(full) if full is not None else None
            number = f"{code} {found}" if found is not None else None
        assert number is not None, f"no choice {label!r} in {message.text!r}"
        self.user.send_text(number)

    async def redeliver(self, sent: StoredMessage) -> None:
        self.user.redeliver(sent)


class Driver(Protocol):
    """One channel, running against its sandbox."""

    channel: str
    messenger: Messenger

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until something the sandbox saw makes condition() true."""
        ...

    def add_person(self, number: int, name: str) -> Person:
        """A new person on this channel."""
        ...

    def person(self, number: int) -> Person:
        """A person added before."""
        ...


@dataclass
class TelegramDriver:
    """PTB's Application against the Telegram sandbox."""

    sandbox: Sandbox
    application: Application
    channel: str = "telegram"

    @property
    def messenger(self) -> Messenger:
        return TelegramMessenger(self.application.bot)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        await self.sandbox.wait_until(condition, timeout)

    def add_person(self, number: int, name: str) -> TelegramPerson:
        return TelegramPerson(self.sandbox.add_user(number, name), self.sandbox, self.application)

    def person(self, number: int) -> TelegramPerson:
        return TelegramPerson(self.sandbox.user(number), self.sandbox, self.application)


@dataclass
class ZaloDriver:
    """dondoc's Zalo adapter long-polling the Zalo sandbox."""

    sandbox: ZaloSandbox
    bot: ZaloBot
    messenger: ZaloMessenger
    files_url: str
    channel: str = "zalo"

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        await self.sandbox.wait_until(condition, timeout)

    def add_person(self, number: int, name: str) -> ZaloPerson:
        return ZaloPerson(self.sandbox.add_user(number, name), self.sandbox, self.bot)

    def person(self, number: int) -> ZaloPerson:
        return ZaloPerson(self.sandbox.user(number), self.sandbox, self.bot)


@asynccontextmanager
async def telegram_driver(conversation: Conversation) -> AsyncIterator[TelegramDriver]:
    """The Telegram adapter, polling its sandbox."""
    async with running_sandbox(rate_limits=None) as sandbox:
        application = build_application(conversation, sandbox.token, sandbox.base_url,
                                        sandbox.file_base_url)
        async with application:
            await register_commands(application.bot)
            await application.start()
            try:
                async with polling(application, timeout=1, floor=0.05, backoff=(0.05, 1.0)):
                    yield TelegramDriver(sandbox, application)
            finally:
                await application.stop()


@asynccontextmanager
async def web_server(app: web.Application) -> AsyncIterator[str]:
    """Serve an aiohttp app on a free loopback port; yields its root URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def zalo_driver(conversation: Conversation, sessions: async_sessionmaker[AsyncSession],
                      clock: FakeClock, *, webhook: bool = False) -> AsyncIterator[ZaloDriver]:
    """The Zalo adapter on its sandbox: long polling, or the webhook with its secret."""
    async with AsyncExitStack() as stack:
        sandbox = await stack.enter_async_context(running_zalo_sandbox(rate_limits=None))
        client = await stack.enter_async_context(ZaloClient(sandbox.token, sandbox.base_url))
        site = web.Application()
        shelf = FileShelf(sessions, "http://placeholder", clock.now)
        shelf.add_routes(site)
        choices = ChoiceBook(sessions, "zalo", clock.now)
        messenger = ZaloMessenger(client, choices, shelf)
        bot = ZaloBot(conversation, client, messenger, choices)
        await bot.identify()
        if webhook:
            bot.add_webhook(site, ZALO_SECRET, "/zalo")
        root = await stack.enter_async_context(web_server(site))
        shelf.public_url = root
        stop = asyncio.Event()
        if webhook:
            await client.set_webhook(f"{root}/zalo", ZALO_SECRET)
        else:
            poller = asyncio.get_running_loop().create_task(bot.poll(stop, timeout=0.2))
        try:
            yield ZaloDriver(sandbox, bot, messenger, root)
        finally:
            stop.set()
            if not webhook:
                await poller
            await bot.order.wait()


def sender_rng() -> random.Random:
    """A seeded jitter source, so retries in tests are repeatable."""
    return random.Random(1)
