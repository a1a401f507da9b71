"""Telegram adapter: python-telegram-bot updates in, the conversation's replies out."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import warnings
from collections.abc import Awaitable, Sequence
from typing import Any

import aiohttp
from telegram import Bot, BotCommand, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    filters,
)
from telegram.ext import MessageHandler as PtbMessageHandler
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBUserWarning

from bot import texts
from bot.conversation import Conversation
from bot.telegram_intake import attach_intake
from bot.telegram_messenger import TELEGRAM_TEXT_LIMIT, keyboard
from bot.turn import FileRef, Incoming, Outgoing
from domain.reminder_text import split_message
from storage.db import is_unavailable

log = logging.getLogger(__name__)
CHANNEL = "telegram"

COMMANDS = (
    ("nhiemvu", "Nhiệm vụ đang mở của đơn vị"),
    ("capnhat", "Cập nhật một nhiệm vụ: /capnhat <mã>"),
    ("huongdan", "Cách trả lời nhắc việc"),
    ("huy", "Hủy thao tác đang dở"),
    ("lienket", "Lấy mã liên kết Zalo với tài khoản này"),
    ("kenh", "Chọn kênh nhận nhắc việc (Telegram hoặc Zalo)"),
    ("tongquan", "Số liệu tổng hợp (Cơ quan thường trực)"),
    ("quahan", "Nhiệm vụ quá hạn (Cơ quan thường trực)"),
    ("coquan", "Nhiệm vụ của một cơ quan (Cơ quan thường trực)"),
    ("moi", "Tạo mã mời (Cơ quan thường trực)"),
    ("duyet", "Đề nghị gia hạn chờ duyệt (Cơ quan thường trực)"),
    ("vuongmac", "Vướng mắc chưa xử lý (Cơ quan thường trực)"),
    ("minhchung", "Minh chứng của một nhiệm vụ: /minhchung <mã> (Cơ quan thường trực)"),
)


# Updates handled at once. Overlapping them hides the waits (database round trips, HTTP calls
# to Telegram) of one update behind another's work; see docs/BENCHMARKS.md for the figures.
CONCURRENT_UPDATES = 4
# PTB's own semaphore must never make an update wait: it does not promise to release waiters
# in arrival order, and a chat's place in line is taken right after it (see ChatOrderedProcessor).
_NEVER_WAIT = 1 << 30


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Handles up to `limit` updates at once, but one chat's updates one by one, in order.

    A chat's conversation state (awaiting a percent after a button press, evidence after
    "done") needs its updates in the order Telegram sent them. PTB starts one task per update
    in queue order, and each task runs straight from there to the chat's lock without
    yielding, so the lock (asyncio's is first come, first served) keeps that order; the limit
    is taken only after the chat's turn has come.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(_NEVER_WAIT)
        self.limit = limit
        self._slots = asyncio.BoundedSemaphore(limit)
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}  # chat id -> lock, users

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's turn, then for a free slot, then handle."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._slots:
                await coroutine
            return
        lock, users = self._chats.get(chat.id, (None, 0))
        lock = lock or asyncio.Lock()
        self._chats[chat.id] = (lock, users + 1)
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            lock, users = self._chats[chat.id]
            if users == 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class AiohttpRequest(BaseRequest):
    """PTB's calls to Telegram over aiohttp, which costs a third of httpx's CPU per call.

    Every reply is one such call (two for a button press), so this is on the hot path; the
    timeouts and errors are PTB's: TimedOut for a time-out, NetworkError for a broken
    connection, and Telegram's answers classified by PTB itself.
    """

    def __init__(self, connections: int = 64, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0
                 ) -> None:
        self._connections = connections
        self._read, self._write, self._media_write = read_timeout, write_timeout, \
            media_write_timeout
        self._connect, self._pool = connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read time-out (seconds)."""
        return self._read

    async def initialize(self) -> None:
        """Open the connection pool."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """One HTTP call: (status, body)."""
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        default = BaseRequest.DEFAULT_NONE
        read = self._read if read_timeout is default else read_timeout
        write = (self._media_write if files else self._write) if write_timeout is default \
            else write_timeout
        connect = self._connect if connect_timeout is default else connect_timeout
        pool = self._pool if pool_timeout is default else pool_timeout
        phases: list[float] = [p for p in (pool, connect, write, read) if p is not None]
        # aiohttp has no write time-out of its own: the whole call is bounded by all phases.
        timeout = aiohttp.ClientTimeout(
            total=sum(phases) if len(phases) == 4 else None,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(method, url, data=self._body(request_data),
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    @staticmethod
    def _body(request_data: RequestData | None) -> Any:
        if request_data is None:
            return None
        files = request_data.multipart_data
        if not files:
            return request_data.json_parameters  # form-encoded, as PTB sends it with httpx
        form = aiohttp.FormData()
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mime_type) in files.items():
            form.add_field(name, content, filename=filename, content_type=mime_type)
        return form


def _command(text: str) -> tuple[str | None, str]:
    if not text.startswith("/"):
        return None, ""
    head, _, args = text[1:].partition(" ")
    return head.split("@", 1)[0].lower() or None, args.strip()


def _file(message: Message) -> FileRef | None:
    if message.document is not None:
        document = message.document
        return FileRef(document.file_id, document.file_name or "tep", document.file_size)
    if message.photo:
        photo = message.photo[-1]
        return FileRef(photo.file_id, f"anh-{message.message_id}.jpg", photo.file_size,
                       is_photo=True)
    return None


def update_key(update: Update) -> str:
    """The update's de-duplication key: bot, update id and a digest of its content.

    Telegram redelivers an update unchanged, so the same key means the same update. The bot's
    id (from its token) keeps another bot's updates apart after a token change; the digest
    tells a new update from an old one with the same id (a restarted server counting from 1,
    or Telegram's reset of update ids after a week without updates).
    """
    try:
        bot_id = update.get_bot().token.partition(":")[0]
    except RuntimeError:  # an update made without a bot (tests): the digest still tells
        bot_id = "0"
    content = json.dumps(update.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(content.encode("utf-8", "replace")).hexdigest()[:16]
    return f"{bot_id[:20]}:{update.update_id}:{digest}"


def to_incoming(update: Update) -> Incoming | None:
    """A Telegram update as a channel-neutral event (None for updates we do not handle)."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or chat.type != "private":
        return None  # dondoc talks to people one by one; group chats are ignored
    name = user.full_name if user else ""
    query = update.callback_query
    if query is not None:
        return Incoming(CHANNEL, str(chat.id), update_key(update), name,
                        callback=query.data or "",
                        message_id=str(query.message.message_id) if query.message else None)
    message = update.effective_message
    if message is None:
        return None
    text = message.text or message.caption or ""
    command, args = _command(text)
    reply_to = message.reply_to_message
    return Incoming(CHANNEL, str(chat.id), update_key(update), name, text=text,
                    command=command, args=args, message_id=str(message.message_id),
                    reply_to_message_id=str(reply_to.message_id) if reply_to else None,
                    file=_file(message))


# We call do_api_request on purpose (send_text, the messenger, the poller: answers kept as
# JSON); PTB warns that send_message and the like exist.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.\w+' instead of",
                        category=PTBUserWarning)


async def send_text(bot: Bot, chat_id: int, text: str,
                    markup: InlineKeyboardMarkup | None) -> None:
    """sendMessage, its answer not made a `Message` (unused); PTB `Defaults` (none set) skipped."""
    arguments: dict[str, Any] = {"chat_id": chat_id, "text": text}
    if markup is not None:
        arguments["reply_markup"] = markup
    await bot.do_api_request("sendMessage", arguments)


async def send_replies(application: Application, chat_id: int,
                       replies: Sequence[Outgoing]) -> None:
    """Send the conversation's replies, long ones split under Telegram's limit."""
    for reply in replies:
        parts = split_message(reply.text, TELEGRAM_TEXT_LIMIT)
        for number, part in enumerate(parts, start=1):
            markup = keyboard(reply.buttons) if number == len(parts) else None
            await send_text(application.bot, chat_id, part, markup)


async def _answer(query: CallbackQuery) -> None:
    """Stop the button's spinner. Cosmetic: a press older than Telegram's limit (after a
    restart or an outage) cannot be answered, and must still be handled."""
    try:
        await query.answer()
    except TelegramError as error:
        log.warning("button press %s not answered (%s); handled anyway", query.id, error)


async def _tell(bot: Bot, chat_id: int, text: str, update_id: object) -> None:
    """Tell a chat what became of its update; a failure to tell is logged."""
    try:
        await send_text(bot, chat_id, text, None)
    except Exception:
        log.exception("could not tell chat about failed update %s", update_id)


async def register_commands(bot: Bot) -> bool:
    """Tell Telegram the commands, so clients offer them; False (logged) when that failed.

    Cosmetic: people can type every command without the menu, so no failure here (a 5xx, a
    time-out, a 429, a server without the method) may stop the bot from starting.
    """
    try:
        await bot.set_my_commands([BotCommand(name, about) for name, about in COMMANDS])
    except Exception as error:
        log.warning("setMyCommands failed (%s: %s); the command menu is not set, commands "
                    "still work when typed", type(error).__name__, error)
        return False
    return True


def build_application(conversation: Conversation, token: str, base_url: str,
                      base_file_url: str,
                      concurrent_updates: int = CONCURRENT_UPDATES) -> Application:
    """A PTB Application whose every update goes through the conversation."""

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            return
        if update.callback_query is not None:
            await _answer(update.callback_query)
        replies = await conversation.handle(incoming)
        await send_replies(context.application, int(incoming.chat_id), replies)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        chat = update.effective_chat if isinstance(update, Update) else None
        error = context.error
        if is_unavailable(error) and intake.keep(update):
            # Telegram keeps the update (offset not advanced, or a 503 to the webhook).
            log.warning("update %s kept for redelivery: the database is unavailable (%s: %s)",
                        update_id, type(error).__name__, error)
            if chat is not None and intake.tell_of_outage(chat.id):
                await _tell(context.bot, chat.id, texts.OUTAGE_KEPT, update_id)
            return
        log.error("update %s failed", update_id, exc_info=error)
        text = await conversation.failure_text(CHANNEL, str(chat.id) if chat else None,
                                               update_id, error)
        if chat is not None:
            await _tell(context.bot, chat.id, text, update_id)

    async def fetch_file(file_id: str) -> bytes:
        telegram_file = await application.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())

    builder = (ApplicationBuilder().token(token).base_url(base_url).base_file_url(base_file_url)
               .request(AiohttpRequest()).get_updates_request(AiohttpRequest(connections=1)))
    if concurrent_updates > 1:
        builder = builder.concurrent_updates(ChatOrderedProcessor(concurrent_updates))
    application = builder.build()
    intake = attach_intake(application)
    application.add_handler(CallbackQueryHandler(on_update))
    application.add_handler(PtbMessageHandler(filters.ALL, on_update))
    application.add_error_handler(on_error)
    conversation.config.fetchers[CHANNEL] = fetch_file
    return application
