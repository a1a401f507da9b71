"""Telegram behind the Messenger interface: python-telegram-bot's Bot, errors classified."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
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

log = logging.getLogger(__name__)
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

    async def _call(self, method: str, arguments: dict[str, Any]) -> Sent:
        try:
            # The answer stays JSON: a message Telegram delivered is delivered even when its
            # answer cannot be made a `Message` (an emulator's dates in milliseconds).
            answer = await self.bot.do_api_request(method, arguments)
        except TelegramError as error:
            raise classify(error) from error
        return sent_from(method, answer)

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        """Send a message with optional inline buttons."""
        arguments: dict[str, Any] = {"chat_id": int(chat_id), "text": text}
        markup = keyboard(buttons)
        if markup is not None:
            arguments["reply_markup"] = markup
        return await self._call("sendMessage", arguments)

    async def send_document(self, chat_id: str, filename: str, data: bytes,
                            caption: str = "") -> Sent:
        """Send a file."""
        return await self._call("sendDocument", _with_caption(
            {"chat_id": int(chat_id), "document": InputFile(data, filename=filename)}, caption))

    async def send_photo(self, chat_id: str, filename: str, data: bytes,
                         caption: str = "") -> Sent:
        """Send an image."""
        return await self._call("sendPhoto", _with_caption(
            {"chat_id": int(chat_id), "photo": InputFile(data, filename=filename)}, caption))


def _with_caption(arguments: dict[str, Any], caption: str) -> dict[str, Any]:
    return {**arguments, "caption": caption} if caption else arguments


def sent_from(method: str, answer: object) -> Sent:
    """What can be read of a successful send's answer; the message was delivered regardless.

    A 2xx answer means Telegram delivered the message, so this never raises: an answer without
    a readable message id is logged and recorded with an empty id (the row is still "sent").
    """
    message_id = answer.get("message_id") if isinstance(answer, dict) else None
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        return Sent(str(message_id))
    log.warning("%s succeeded but its answer has no message id: %.200r", method, answer)
    return Sent("")
