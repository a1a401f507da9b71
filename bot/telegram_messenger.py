"""Telegram behind the Messenger interface: python-telegram-bot's Bot, errors classified."""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.messenger import (
    Buttons,
    RateLimited,
    Rejected,
    Sent,
    TransientFailure,
    Unreachable,
)

TELEGRAM_TEXT_LIMIT = 4096


def keyboard(buttons: Buttons) -> InlineKeyboardMarkup | None:
    """Inline keyboard markup for Messenger buttons (None when there are none)."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in buttons])


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(error: TelegramError) -> Exception:
    """Telegram's error as a Messenger delivery error: retry, wait, or give up and why."""
    text = str(error)
    if isinstance(error, RetryAfter):
        return RateLimited(retry_after_seconds(error), text)
    if isinstance(error, Forbidden):
        if "deactivated" in text.lower():
            return Unreachable("deactivated", text)
        return Unreachable("blocked", text)
    if isinstance(error, BadRequest):
        if "chat not found" in text.lower() or "user not found" in text.lower():
            return Unreachable("chat_not_found", text)
        return Rejected(text)
    if isinstance(error, ChatMigrated | InvalidToken):
        return Rejected(text)
    if isinstance(error, NetworkError):  # time-outs and 5xx answers
        return TransientFailure(text)
    return TransientFailure(text)


class TelegramMessenger:
    """Sends through a python-telegram-bot Bot (real Telegram or the local sandbox)."""

    channel = "telegram"
    text_limit = TELEGRAM_TEXT_LIMIT

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _call(self, send: Callable[[], Awaitable[Message]]) -> Sent:
        try:
            message = await send()
        except TelegramError as error:
            raise classify(error) from error
        return Sent(str(message.message_id))

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        """Send a message with optional inline buttons."""
        return await self._call(lambda: self.bot.send_message(
            chat_id=int(chat_id), text=text, reply_markup=keyboard(buttons)))

    async def send_document(self, chat_id: str, filename: str, data: bytes,
                            caption: str = "") -> Sent:
        """Send a file."""
        return await self._call(lambda: self.bot.send_document(
            chat_id=int(chat_id), document=InputFile(data, filename=filename),
            caption=caption or None))

    async def send_photo(self, chat_id: str, filename: str, data: bytes,
                         caption: str = "") -> Sent:
        """Send an image."""
        return await self._call(lambda: self.bot.send_photo(
            chat_id=int(chat_id), photo=InputFile(data, filename=filename),
            caption=caption or None))
