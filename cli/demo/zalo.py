"""The demo on Zalo: the Zalo sandbox, dondoc's Zalo adapter polling it, files behind links.

Zalo has no buttons and takes no files from a bot: a press is the person typing the number
the bot offered ("2", or "NV12 2" for one item of a reminder listing several), and the
digest's chart and workbook are published on a local web server standing in for
DONDOC_PUBLIC_URL, which the sandbox fetches (the photo) and the person downloads (the link).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime

import aiohttp
from aiohttp import web
from PIL import Image, ImageDraw

from bot.choices import ChoiceBook, read_legends
from bot.conversation import Conversation
from bot.file_links import FileShelf
from bot.keyboards import full_label_of, row_label_for
from bot.messenger import Messenger
from bot.zalo_app import ZaloBot
from bot.zalo_client import ZaloClient
from bot.zalo_messenger import CHANNEL, ZaloMessenger
from cli.demo.channels import ChatMessage
from cli.demo.clock import SimulatedClock
from sandbox import running_zalo_sandbox
from sandbox.files import image_size
from sandbox.server import _bound_socket
from sandbox.world import StoredMessage
from sandbox.zalo import ZaloSandbox

_ITEM_CODE = re.compile(r"\b((?:NV|CT)\d+) – ")
_LINK = re.compile(r"^📎 Tải tệp (.+): (\S+)$", re.M)


def scanned(name: str, data: bytes) -> bytes:
    """A phone photo of a paper document: Zalo users can send images, not PDFs."""
    image = Image.new("RGB", (640, 360), "white")
    draw = ImageDraw.Draw(image)
    lines = [name, *data.decode("utf-8", "replace").splitlines()]
    for row, line in enumerate(lines[:12]):
        draw.text((24, 24 + 26 * row), line, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class ZaloDemoChannel:
    """The Zalo sandbox's simulated users, seen through the demo's channel interface."""

    name = "zalo"
    typed_choices = True

    def __init__(self, sandbox: ZaloSandbox, messenger: ZaloMessenger, bot: ZaloBot) -> None:
        self.sandbox = sandbox
        self._messenger = messenger
        self._bot = bot
        self._downloads: dict[str, bytes] = {}
        self._photo_names: dict[int, str] = {}  # a person's photo's sequence -> what it shows
        self.web_chat_url = "(kênh Zalo giả lập không có web chat)"

    def messengers(self) -> Mapping[str, Messenger]:
        """dondoc's Zalo messenger."""
        return {CHANNEL: self._messenger}

    def add_person(self, chat_id: int, name: str) -> None:
        """A Zalo account whose private chat id in the sandbox's world is `chat_id`."""
        self.sandbox.add_user(chat_id, name)

    def send_text(self, chat_id: int, text: str, reply_to: ChatMessage | None = None) -> None:
        """A message; Zalo's updates say nothing of what it answers, so a reply is plain text."""
        self.sandbox.user(chat_id).send_text(text)

    def press(self, chat_id: int, message: ChatMessage, label: str) -> None:
        """The person types the number the bot offered for this label."""
        self.sandbox.user(chat_id).send_text(self.typed_for(message, label))

    def typed_for(self, message: ChatMessage, label: str) -> str:
        """What a Zalo user types to choose `label` ("2", or "NV12 2")."""
        item, plain = read_legends(self._whole(message))
        number = next((n for n, text in plain if text == label), None)
        if number is not None:
            return number
        full, code = full_label_of(label), label.rsplit(" ", 1)[-1]
        found = item.get(full) if full is not None else None
        if found is None or not code:
            raise RuntimeError(f"no choice {label!r} in {message.text!r}")
        return f"{code} {found}"

    def send_file(self, chat_id: int, name: str, data: bytes, caption: str = "") -> None:
        """Zalo users send photos only: a document is photographed first."""
        photo = data if image_size(data) is not None else scanned(name, data)
        sent = self.sandbox.user(chat_id).send_photo(photo, caption=caption or None)
        self._photo_names[sent.sequence] = name if photo is data else f"ảnh chụp {name}"

    def messages(self, chat_id: int | None = None) -> list[ChatMessage]:
        """Both sides of private chats, in the order they happened."""
        world = self.sandbox.state.world
        chats = [world.chats[chat_id]] if chat_id is not None else list(world.chats.values())
        found = sorted((m for chat in chats for m in chat.messages if not m.deleted),
                       key=lambda m: m.sequence)
        return [self._message(m) for m in found]

    async def wait_for_bot(self, chat_id: int, after: int, timeout: float) -> None:
        """Wait for a bot message newer than `after`, then for every part of the answer."""
        await self.sandbox.wait_until(
            lambda: any(m.sequence > after for m in self.sandbox.bot_messages()
                        if m.chat_id == chat_id), timeout=timeout)
        await self._bot.order.wait()

    async def open_files(self, chat_id: int) -> None:
        """The person downloads the files the bot sent as links."""
        async with aiohttp.ClientSession() as session:
            for message in self.sandbox.state.world.chats[chat_id].messages:
                for _, url in _LINK.findall(message.text or "") if message.from_bot else []:
                    if url not in self._downloads:
                        async with session.get(url) as response:
                            response.raise_for_status()
                            self._downloads[url] = await response.read()

    def _whole(self, message: ChatMessage) -> str:
        """The message with the parts sent after it (a long one is split, choices last)."""
        assert isinstance(message.ref, StoredMessage)
        chat = self.sandbox.state.world.chats[message.chat_id]
        parts = []
        for part in chat.messages:
            if part.sequence < message.ref.sequence:
                continue
            if not part.from_bot:
                break
            parts.append(part.text or "")
        return "\n".join(parts)

    def _message(self, stored: StoredMessage) -> ChatMessage:
        payload = stored.payload
        text = str(payload.get("text") or payload.get("caption") or "")
        at = datetime.fromtimestamp(int(payload.get("date", 0)) / 1000, UTC)
        name: str | None = None
        data: bytes | None = None
        if stored.file is not None:
            name = (self._photo_names.get(stored.sequence)
                    or str(payload.get("photo", "")).rsplit("/", 1)[-1])
            data = stored.file.data
        elif stored.from_bot and (link := _LINK.search(text)):
            name, data = link.group(1), self._downloads.get(link.group(2))
        buttons: tuple[str, ...] = ()
        if stored.from_bot:
            chat_message = ChatMessage(stored.sequence, stored.chat_id, True, at, text,
                                       ref=stored)
            item, plain = read_legends(self._whole(chat_message))
            codes = _ITEM_CODE.findall(text)
            buttons = (*(label for _, label in plain),
                       *(row_label_for(label, code) for code in codes for label in item))
        return ChatMessage(sequence=stored.sequence, chat_id=stored.chat_id,
                           from_bot=stored.from_bot, at=at, text=text, buttons=buttons,
                           file_name=name, file_data=data, ref=stored)


@asynccontextmanager
async def _public_server(shelf: FileShelf) -> AsyncIterator[str]:
    """The local stand-in for DONDOC_PUBLIC_URL: dondoc's /files on a free loopback port."""
    app = web.Application()
    shelf.add_routes(app)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    sock = _bound_socket("127.0.0.1", 0)
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def zalo_channel(conversation: Conversation, clock: SimulatedClock,
                       port: int) -> AsyncIterator[ZaloDemoChannel]:
    """The Zalo sandbox (limits off, simulated clock) and the bot polling it, until the end."""
    async with AsyncExitStack() as stack:
        sandbox = await stack.enter_async_context(
            running_zalo_sandbox(port=port, rate_limits=None, clock=clock))
        client = await stack.enter_async_context(ZaloClient(sandbox.token, sandbox.base_url))
        shelf = FileShelf(conversation.sessions, "http://127.0.0.1", clock.now)
        shelf.public_url = await stack.enter_async_context(_public_server(shelf))
        choices = ChoiceBook(conversation.sessions, CHANNEL, clock.now)
        messenger = ZaloMessenger(client, choices, shelf)
        bot = ZaloBot(conversation, client, messenger, choices)
        stop = asyncio.Event()
        poller = asyncio.get_running_loop().create_task(bot.poll(stop, timeout=0.2))
        try:
            yield ZaloDemoChannel(sandbox, messenger, bot)
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await poller
            await bot.order.wait()
