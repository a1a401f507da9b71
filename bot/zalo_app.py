"""Zalo adapter: updates in (long polling or webhook), the conversation's replies out.

Zalo's updates carry no update_id: a message's own id is the key that makes a redelivered
update change nothing. Typed numbered choices become the button data they stand for before
the conversation sees them, so it handles them exactly like a press on Telegram.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from aiohttp import web

from bot.choices import ChoiceBook
from bot.conversation import Conversation
from bot.http_input import read_json, secret_matches
from bot.messenger import Buttons, DeliveryError, RateLimited, Rejected, TransientFailure
from bot.turn import FileRef, Incoming
from bot.zalo_client import POLL_TIMEOUT, ZaloClient
from bot.zalo_messenger import CHANNEL, ZaloMessenger

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT = "message.text.received"
IMAGE = "message.image.received"
CONCURRENT_UPDATES = 16
MAX_FILE_ID = 200  # Evidence.file_id
POLL_BACKOFF = (1.0, 30.0)
MAX_REPLY_WAIT = 30.0
# Zalo bots receive text and photos only: voice messages, stickers, files and videos arrive
# as events without their content.
UNSUPPORTED = ("Qua Zalo, hệ thống chỉ nhận được tin nhắn chữ và ảnh; tin nhắn thoại, nhãn dán, "
               "tệp và video không gửi tới được. Đồng chí vui lòng trả lời bằng chữ, ví dụ: "
               "“NV12 đã hoàn thành”. Để gửi minh chứng, hãy chụp ảnh văn bản và gửi ảnh, hoặc "
               "gõ số hiệu văn bản, ví dụ: “NV12 đã hoàn thành, QĐ số 2345/QĐ-UBND”.")
PHOTO_REFUSED = ("Hệ thống không nhận được ảnh này ({reason}). Đồng chí vui lòng gửi lại ảnh "
                 "(tối đa {limit} MB) hoặc gõ số hiệu văn bản làm minh chứng, ví dụ: “NV12 đã "
                 "hoàn thành, QĐ số 2345/QĐ-UBND”.")
PHOTO_UNREADABLE = "chưa tải được ảnh từ Zalo"
MAX_PHOTO_BYTES = 10 * 1024 * 1024
_SUFFIXES = {"image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
             "image/heic": ".heic"}
# Commands whose answer reads much of the database: Zalo shows "typing…" meanwhile.
SLOW_COMMANDS = frozenset({"tongquan", "quahan", "coquan", "nhiemvu", "minhchung"})


def unwrap(payload: object) -> dict[str, Any] | None:
    """The update in a webhook body or a getUpdates result (with or without the envelope)."""
    if isinstance(payload, dict) and isinstance(payload.get("result"), dict):
        payload = payload["result"]
    if isinstance(payload, dict) and isinstance(payload.get("event_name"), str):
        return payload
    return None


def _command(text: str) -> tuple[str | None, str]:
    if not text.startswith("/"):
        return None, ""
    head, _, args = text[1:].partition(" ")
    return head.lower() or None, args.strip()


def update_key(update: dict[str, Any]) -> str:
    """A stable key for an update: its message's id, else a digest of the whole update."""
    message = update.get("message") or {}
    message_id = str(message.get("message_id") or "") if isinstance(message, dict) else ""
    if message_id and len(message_id) <= 60:
        return f"m:{message_id}"
    canonical = json.dumps(update, sort_keys=True, ensure_ascii=False)
    return f"h:{hashlib.sha256(canonical.encode()).hexdigest()[:40]}"


def is_echo(update: dict[str, Any], bot_id: str = "") -> bool:
    """Whether an update is a bot's message (ours echoed back, as goclaw filters, or another's)."""
    message = update.get("message")
    sender = message.get("from") if isinstance(message, dict) else None
    if not isinstance(sender, dict):
        return False
    return bool(sender.get("is_bot")) or (bool(bot_id) and str(sender.get("id") or "") == bot_id)


def photo_url(message: dict[str, Any]) -> str:
    """The picture's link: live updates carry photo_url; older copies photo or url."""
    for field in ("photo_url", "photo", "url"):
        value = message.get(field)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def to_incoming(update: dict[str, Any], bot_id: str = "") -> Incoming | None:
    """A Zalo update as a channel-neutral event (None for what the conversation cannot read)."""
    message = update.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
        return None
    chat, sender = message["chat"], message.get("from")
    sender = sender if isinstance(sender, dict) else {}
    if str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE" or is_echo(update, bot_id):
        return None  # dondoc talks to people one by one; groups are ignored
    chat_id, message_id = str(chat.get("id") or ""), str(message.get("message_id") or "")
    name = str(sender.get("display_name") or sender.get("name") or "")
    if not chat_id:
        return None
    event = update.get("event_name")
    if event == TEXT:
        text = str(message.get("text") or "")
        command, args = _command(text)
        return Incoming(CHANNEL, chat_id, update_key(update), name, text=text, command=command,
                        args=args, message_id=message_id or None)
    if event == IMAGE:
        url = photo_url(message)
        if not url:
            return None
        return Incoming(CHANNEL, chat_id, update_key(update), name,
                        text=str(message.get("caption") or ""), message_id=message_id or None,
                        file=FileRef(_file_id(url), f"anh-{message_id or 'zalo'}.jpg", None,
                                     is_photo=True))
    return None


def _file_id(url: str) -> str:
    """A photo's URL is its id; one longer than the evidence column holds is kept as a digest."""
    if len(url) <= MAX_FILE_ID:
        return url
    return f"zalo-sha256:{hashlib.sha256(url.encode()).hexdigest()}"


class ChatOrder:
    """Runs up to `limit` updates at once, but one chat's updates one by one, in order."""

    def __init__(self, limit: int = CONCURRENT_UPDATES) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._chats: dict[str, tuple[asyncio.Lock, int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, chat: str, work: Awaitable[None]) -> None:
        """Start `work` after the chat's earlier work (asyncio locks serve in arrival order)."""
        lock, users = self._chats.get(chat, (asyncio.Lock(), 0))
        self._chats[chat] = (lock, users + 1)

        async def in_turn() -> None:
            try:
                async with lock, self._slots:
                    await work
            finally:
                held, count = self._chats[chat]
                if count == 1:
                    del self._chats[chat]
                else:
                    self._chats[chat] = (held, count - 1)

        task = asyncio.get_running_loop().create_task(in_turn())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self) -> None:
        """Return when every started update is handled."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class ZaloBot:
    """Hands Zalo updates to the conversation and sends its replies back."""

    def __init__(self, conversation: Conversation, client: ZaloClient,
                 messenger: ZaloMessenger, choices: ChoiceBook,
                 concurrent_updates: int = CONCURRENT_UPDATES,
                 max_photo_bytes: int = MAX_PHOTO_BYTES) -> None:
        self.conversation = conversation
        self.client = client
        self.messenger = messenger
        self.choices = choices
        self.order = ChatOrder(concurrent_updates)
        self.max_photo_bytes = max_photo_bytes
        # The bot's own account id (getMe): updates from it are echoes, never answered.
        self.bot_id = ""
        conversation.config.fetchers[CHANNEL] = client.download

    async def identify(self) -> str:
        """Learn the bot's own id from getMe (to ignore its echoes); its account name."""
        me = await self.client.get_me()
        self.bot_id = me.id
        return me.account_name

    def dispatch(self, update: dict[str, Any]) -> None:
        """Queue an update behind the earlier ones of its chat."""
        message = update.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        key = str(chat.get("id")) if isinstance(chat, dict) else ""
        self.order.run(key, self.handle(update))

    async def handle(self, update: dict[str, Any]) -> None:
        """Handle one update; a failure is logged, told to the chat and to the secretariat."""
        if is_echo(update, self.bot_id):
            log.debug("zalo update from a bot ignored")
            return
        incoming = to_incoming(update, self.bot_id)
        if incoming is None:
            await self._unsupported(update)
            return
        if incoming.command in SLOW_COMMANDS:
            await self._typing(incoming.chat_id)
        if incoming.file is not None and incoming.file.data is None:
            fetched = await self._fetch_photo(incoming)
            if fetched is None:
                return
            incoming = fetched
        try:
            if incoming.text and incoming.command is None and incoming.file is None:
                data = await self.choices.resolve(incoming.chat_id, incoming.text)
                if data is not None:
                    incoming = replace(incoming, callback=data)
            replies = await self.conversation.handle(incoming)
        except Exception as error:
            log.exception("zalo update %s failed", incoming.update_id)
            # Zalo keeps no copy of a taken update: the person is told what is true.
            told = await self.conversation.failure_text(CHANNEL, incoming.chat_id,
                                                        incoming.update_id, error)
            with contextlib.suppress(Exception):
                await self.messenger.send_text(incoming.chat_id, told)
            return
        if replies:
            await self._reply(incoming, [(r.text, r.buttons) for r in replies])

    async def _reply(self, incoming: Incoming, batch: list[tuple[str, Buttons]]) -> None:
        """Send the replies; told to slow down, wait once (the update itself is recorded)."""
        for attempt in range(2):
            try:
                await self.messenger.send_batch(incoming.chat_id, batch)
                return
            except RateLimited as slow:
                if attempt == 0:
                    await asyncio.sleep(min(slow.retry_after, MAX_REPLY_WAIT))
            except DeliveryError as failure:
                log.warning("reply to zalo update %s not delivered: %s", incoming.update_id,
                            failure)
                return
        log.warning("reply to zalo update %s not delivered: still rate limited",
                    incoming.update_id)

    async def _fetch_photo(self, incoming: Incoming) -> Incoming | None:
        """The photo downloaded now (Zalo's links may expire); None when the person was told."""
        assert incoming.file is not None
        try:
            data, kind = await self.client.download_photo(incoming.file.file_id,
                                                          self.max_photo_bytes)
        except DeliveryError as failure:
            refused = isinstance(failure, Rejected)
            log.warning("zalo photo of update %s not kept: %s", incoming.update_id, failure)
            limit = f"{self.max_photo_bytes / 1_048_576:g}"
            text = PHOTO_REFUSED.format(reason=str(failure) if refused else PHOTO_UNREADABLE,
                                        limit=limit)
            try:
                await self.messenger.send_text(incoming.chat_id, text)
            except DeliveryError:
                log.warning("could not tell zalo chat why its photo was not kept")
            return None
        name = incoming.file.name.rsplit(".", 1)[0] + _SUFFIXES.get(kind, ".jpg")
        return replace(incoming, file=replace(incoming.file, name=name, size=len(data),
                                              data=data, content_type=kind))

    async def _typing(self, chat_id: str) -> None:
        """Show "typing…" (a nicety: its failure only logged)."""
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except DeliveryError as failure:
            log.info("zalo typing indicator not shown: %s", failure)

    async def _unsupported(self, update: dict[str, Any]) -> None:
        """A sticker, a voice message…: say what the bot reads (in private chats only)."""
        log.info("zalo %s ignored", update.get("event_name"))
        message = update.get("message")
        chat = message.get("chat") if isinstance(message, dict) else None
        if not isinstance(chat, dict) or not chat.get("id"):
            return
        private = str(chat.get("chat_type", "PRIVATE")).upper() == "PRIVATE"
        if private and update.get("event_name") not in (TEXT, IMAGE):
            try:
                await self.messenger.send_text(str(chat["id"]), UNSUPPORTED)
            except DeliveryError as failure:  # an unknown or blocked chat: nothing of ours broke
                log.warning("could not answer an unsupported zalo message: %s", failure)
            except Exception:
                log.warning("could not answer an unsupported zalo message", exc_info=True)

    async def poll(self, stop: asyncio.Event, timeout: float = POLL_TIMEOUT) -> None:
        """Long-poll until `stop` is set; pending updates are read, never dropped.

        Stopping waits for the poll in flight: an update it brings is already taken from Zalo.
        """
        low, high = POLL_BACKOFF
        wait = low
        while not stop.is_set():
            try:
                update = await self.client.get_updates(timeout)
            except (TransientFailure, RateLimited) as failure:
                pause = failure.retry_after if isinstance(failure, RateLimited) else wait
                wait = min(wait * 2, high)
                log.warning("zalo getUpdates failed (%s); again in %.0fs", failure, pause)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                continue
            wait = low
            found = unwrap(update)
            if found is not None:
                self.dispatch(found)
            elif update is not None:
                log.warning("zalo getUpdates returned something that is not an update")

    def add_webhook(self, app: web.Application, secret: str, path: str = "/zalo") -> None:
        """Serve Zalo's pushes at `path`; a request without the right secret header gets 403."""

        async def receive(request: web.Request) -> web.Response:
            if not secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
                log.warning("zalo webhook request refused: wrong or missing secret token")
                return web.Response(status=403, text="forbidden")
            try:
                update = unwrap(read_json(await request.read()))
            except ValueError:
                update = None
            if update is None:
                log.warning("zalo webhook request refused: not an update")
                return web.Response(status=400, text="bad update")
            self.dispatch(update)
            return web.json_response({"ok": True})

        app.router.add_post(path, receive)
