"""Telegram adapter: python-telegram-bot updates in, the conversation's replies out."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, BotCommand, Message, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    filters,
)
from telegram.ext import MessageHandler as PtbMessageHandler

from bot import texts
from bot.conversation import Conversation
from bot.telegram_messenger import TELEGRAM_TEXT_LIMIT, keyboard
from bot.turn import FileRef, Incoming, Outgoing
from domain.reminder_text import split_message

log = logging.getLogger(__name__)
CHANNEL = "telegram"

COMMANDS = (
    ("nhiemvu", "Nhiệm vụ đang mở của đơn vị"),
    ("capnhat", "Cập nhật một nhiệm vụ: /capnhat <mã>"),
    ("huongdan", "Cách trả lời nhắc việc"),
    ("huy", "Hủy thao tác đang dở"),
    ("tongquan", "Số liệu tổng hợp (Cơ quan thường trực)"),
    ("quahan", "Nhiệm vụ quá hạn (Cơ quan thường trực)"),
    ("coquan", "Nhiệm vụ của một cơ quan (Cơ quan thường trực)"),
    ("moi", "Tạo mã mời (Cơ quan thường trực)"),
    ("duyet", "Đề nghị gia hạn chờ duyệt (Cơ quan thường trực)"),
)


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


def to_incoming(update: Update) -> Incoming | None:
    """A Telegram update as a channel-neutral event (None for updates we do not handle)."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or chat.type != "private":
        return None  # dondoc talks to people one by one; group chats are ignored
    name = user.full_name if user else ""
    query = update.callback_query
    if query is not None:
        return Incoming(CHANNEL, str(chat.id), str(update.update_id), name,
                        callback=query.data or "",
                        message_id=str(query.message.message_id) if query.message else None)
    message = update.effective_message
    if message is None:
        return None
    text = message.text or message.caption or ""
    command, args = _command(text)
    reply_to = message.reply_to_message
    return Incoming(CHANNEL, str(chat.id), str(update.update_id), name, text=text,
                    command=command, args=args, message_id=str(message.message_id),
                    reply_to_message_id=str(reply_to.message_id) if reply_to else None,
                    file=_file(message))


async def send_replies(application: Application, chat_id: int,
                       replies: Sequence[Outgoing]) -> None:
    """Send the conversation's replies, long ones split under Telegram's limit."""
    for reply in replies:
        parts = split_message(reply.text, TELEGRAM_TEXT_LIMIT)
        for number, part in enumerate(parts, start=1):
            markup = keyboard(reply.buttons) if number == len(parts) else None
            await application.bot.send_message(chat_id=chat_id, text=part, reply_markup=markup)


async def register_commands(bot: Bot) -> None:
    """Tell Telegram the commands, so clients offer them."""
    await bot.set_my_commands([BotCommand(name, about) for name, about in COMMANDS])


def build_application(conversation: Conversation, token: str, base_url: str,
                      base_file_url: str) -> Application:
    """A PTB Application whose every update goes through the conversation."""

    async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update)
        if incoming is None:
            return
        if update.callback_query is not None:
            await update.callback_query.answer()
        replies = await conversation.handle(incoming)
        await send_replies(context.application, int(incoming.chat_id), replies)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, texts.ERROR)
            except Exception:
                log.exception("could not tell chat about failed update %s", update_id)
        await conversation.report_error(CHANNEL, update_id, context.error)

    async def fetch_file(file_id: str) -> bytes:
        telegram_file = await application.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())

    application = (ApplicationBuilder().token(token).base_url(base_url)
                   .base_file_url(base_file_url).build())
    application.add_handler(CallbackQueryHandler(on_update))
    application.add_handler(PtbMessageHandler(filters.ALL, on_update))
    application.add_error_handler(on_error)
    conversation.config.fetchers[CHANNEL] = fetch_file
    return application
