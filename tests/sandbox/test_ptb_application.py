"""A whole python-telegram-bot Application polling the sandbox, as dondoc's bot will."""

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from sandbox import ManualClock, Sandbox
from tests.sandbox.conftest import TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id,
        "Nhiệm vụ <b>số 7</b> đến hạn ngày 30/09/2025.",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("Đã hoàn thành", callback_data="done:7")]]
        ),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Đã ghi nhận")
    await query.edit_message_text(f"Nhiệm vụ số 7: {query.data}")


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(f"Đã nhận: {update.message.text}", do_quote=True)


@pytest.fixture
async def application(sandbox: Sandbox) -> AsyncIterator[Application]:
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(sandbox.base_url)
        .base_file_url(sandbox.file_base_url)
        .get_updates_read_timeout(5)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, free_text))
    async with app:
        await app.bot.set_my_commands([("start", "Bắt đầu")])
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        yield app
        await app.updater.stop()
        await app.stop()


async def test_a_polling_application_talks_with_a_simulated_user(
    application: Application, sandbox: Sandbox, clock: ManualClock
) -> None:
    user = sandbox.add_user(5001, "Lan", "lan_sxd")

    user.send_message("/start")
    reminder = await user.wait_for_bot_message(timeout=5)
    assert reminder.text == "Nhiệm vụ số 7 đến hạn ngày 30/09/2025."
    assert [b.callback_data for b in reminder.buttons] == ["done:7"]

    query = user.press_button(reminder, text="Đã hoàn thành")
    assert await sandbox.wait_for_callback_answer(query, timeout=5) == {"text": "Đã ghi nhận"}
    await sandbox.wait_until(lambda: bool(reminder.history), timeout=5)
    assert reminder.text == "Nhiệm vụ số 7: done:7"
    assert reminder.buttons == []

    clock.advance(1)
    user.send_message("Xin gia hạn đến 15/10")
    answer = await user.wait_for_bot_message(after=reminder, timeout=5)
    assert answer.text == "Đã nhận: Xin gia hạn đến 15/10"
    assert answer.reply_to_message_id == 3
    assert sandbox.commands() == [{"command": "start", "description": "Bắt đầu"}]
