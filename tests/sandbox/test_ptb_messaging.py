"""python-telegram-bot's Bot against the sandbox: the happy paths dondoc relies on."""

import io

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from sandbox import ManualClock, Sandbox
from tests.sandbox.conftest import callback_of, document_of, message_of

PNG_3X2 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000003000000020806000000"
    "b8ad3a7d0000001049444154789c63f8ffff3f0303030303000020ff05fbb6d0b5b10000000049454e44ae426082"
)


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in pairs])


async def test_get_me_describes_the_sandbox_bot(bot: telegram.Bot, sandbox: Sandbox) -> None:
    me = await bot.get_me()

    assert me.id == sandbox.bot.id
    assert me.is_bot
    assert me.username == "dondoc_bot"
    assert me.can_join_groups is True


async def test_sent_message_with_inline_keyboard_can_be_read_back(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.add_user(1001, "Lan", "lan_sxd")
    markup = keyboard(("Đã hoàn thành", "done:7"), ("Xin gia hạn", "extend:7"))

    sent = await bot.send_message(
        1001, "<b>Nhắc việc</b>: báo cáo quý III", "HTML", reply_markup=markup
    )

    stored = sandbox.last_bot_message(1001)
    assert stored is not None
    assert stored.message_id == sent.message_id == 1
    assert stored.text == sent.text == "Nhắc việc: báo cáo quý III"
    assert stored.raw_text == "<b>Nhắc việc</b>: báo cáo quý III"
    assert stored.parse_mode == "HTML"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == len("Nhắc việc")
    assert [(b.text, b.callback_data) for b in stored.buttons] == [
        ("Đã hoàn thành", "done:7"),
        ("Xin gia hạn", "extend:7"),
    ]
    assert sent.reply_markup == markup
    assert sent.chat.id == 1001 and sent.chat.username == "lan_sxd"


async def test_message_ids_count_per_chat(
    bot: telegram.Bot, sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.add_user(1, "A")
    sandbox.add_user(2, "B")

    first_a = await bot.send_message(1, "a")
    first_b = await bot.send_message(2, "b")
    clock.advance(1)
    second_a = await bot.send_message(1, "a2")

    assert (first_a.message_id, first_b.message_id, second_a.message_id) == (1, 1, 2)


async def test_user_messages_arrive_through_get_updates_with_offsets(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    user = sandbox.add_user(1002, "Minh", "minh_stc")
    user.send_message("/start")
    user.send_message("Xong rồi ạ")

    updates = await bot.get_updates()
    first = message_of(updates[0])
    assert [message_of(u).text for u in updates] == ["/start", "Xong rồi ạ"]
    assert first.from_user is not None and first.from_user.id == 1002
    assert first.chat.id == 1002
    assert first.entities[0].type == "bot_command"

    again = await bot.get_updates()
    assert [u.update_id for u in again] == [u.update_id for u in updates]

    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()
    assert sandbox.pending_updates == []


async def test_get_updates_limit_and_negative_offset(bot: telegram.Bot, sandbox: Sandbox) -> None:
    user = sandbox.add_user(1003, "Hà")
    for text in ("một", "hai", "ba"):
        user.send_message(text)

    limited = await bot.get_updates(limit=2)
    last_only = await bot.get_updates(offset=-1)

    assert [message_of(u).text for u in limited] == ["một", "hai"]
    assert [message_of(u).text for u in last_only] == ["ba"]


async def test_reply_to_a_bot_message_carries_the_original(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    user = sandbox.add_user(1004, "Tú")
    question = await bot.send_message(1004, "Tiến độ nhiệm vụ 12?")
    stored = sandbox.last_bot_message(1004)
    assert stored is not None

    user.reply_to(stored, "Đang làm, được 60%")
    (update,) = await bot.get_updates()

    replied = message_of(update).reply_to_message
    assert replied is not None
    assert replied.message_id == question.message_id
    assert replied.text == "Tiến độ nhiệm vụ 12?"


async def test_button_press_is_delivered_and_answered(bot: telegram.Bot, sandbox: Sandbox) -> None:
    user = sandbox.add_user(1005, "Quân")
    await bot.send_message(1005, "Nhiệm vụ 3?", reply_markup=keyboard(("Xong", "done:3")))

    query = user.press_button(text="Xong")
    (update,) = await bot.get_updates()
    callback = callback_of(update)
    assert callback.data == "done:3"
    assert callback.from_user.id == 1005
    assert callback.message is not None and callback.message.message_id == 1

    assert await bot.answer_callback_query(callback.id, text="Đã ghi nhận")
    assert await sandbox.wait_for_callback_answer(query, timeout=1) == {"text": "Đã ghi nhận"}
    with pytest.raises(telegram.error.BadRequest, match="Query is too old"):
        await bot.answer_callback_query(callback.id)
    assert sandbox.take_rejections()[0].method == "answerCallbackQuery"


async def test_pressing_a_button_that_does_not_exist_is_refused(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    from sandbox import SandboxUsageError

    user = sandbox.add_user(1006, "Vy")
    await bot.send_message(1006, "Chọn", reply_markup=keyboard(("A", "a")))

    with pytest.raises(SandboxUsageError, match="no button matching"):
        user.press_button(data="b")
    assert sandbox.pending_updates == []


async def test_edits_change_text_and_drop_the_keyboard(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(1007, "Bình")
    sent = await bot.send_message(1007, "Nhiệm vụ 5?", reply_markup=keyboard(("Xong", "done:5")))

    edited = await bot.edit_message_text(
        "Nhiệm vụ 5: đã xong", chat_id=1007, message_id=sent.message_id
    )

    stored = sandbox.last_bot_message(1007)
    assert stored is not None and isinstance(edited, telegram.Message)
    assert stored.text == edited.text == "Nhiệm vụ 5: đã xong"
    assert stored.buttons == []
    assert stored.history[0]["text"] == "Nhiệm vụ 5?"
    assert edited.edit_date is not None

    with pytest.raises(telegram.error.BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Nhiệm vụ 5: đã xong", chat_id=1007, message_id=sent.message_id)
    sandbox.take_rejections()


async def test_edit_reply_markup_replaces_buttons(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(1008, "Châu")
    sent = await bot.send_message(1008, "Chọn", reply_markup=keyboard(("A", "a")))

    await bot.edit_message_reply_markup(1008, sent.message_id, reply_markup=keyboard(("B", "b")))

    stored = sandbox.last_bot_message(1008)
    assert stored is not None
    assert [b.callback_data for b in stored.buttons] == ["b"]


async def test_document_from_the_bot_is_stored_with_name_and_bytes(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.add_user(1009, "Đức")
    content = b"PK\x03\x04 fake xlsx bytes"

    sent = await bot.send_document(1009, content, filename="tong-hop-tuan.xlsx", caption="Tổng hợp")

    stored = sandbox.last_bot_message(1009)
    assert stored is not None and stored.file is not None
    assert stored.file.data == content
    document = document_of(sent)
    assert stored.file.file_name == document.file_name == "tong-hop-tuan.xlsx"
    assert stored.file.mime_type == document.mime_type
    assert str(document.mime_type).endswith("spreadsheetml.sheet")
    assert stored.text == sent.caption == "Tổng hợp"

    file = await bot.get_file(document.file_id)
    assert bytes(await file.download_as_bytearray()) == content


async def test_document_from_a_user_downloads_through_get_file(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    user = sandbox.add_user(1010, "Nga")
    user.send_document(b"%PDF-1.4 minutes", "bien-ban.pdf", caption="Biên bản họp")

    (update,) = await bot.get_updates()
    message = message_of(update)
    document = document_of(message)
    assert document.file_name == "bien-ban.pdf"
    assert document.mime_type == "application/pdf"
    assert message.caption == "Biên bản họp"

    file = await bot.get_file(document.file_id)
    target = io.BytesIO()
    await file.download_to_memory(target)
    assert target.getvalue() == b"%PDF-1.4 minutes"


async def test_photos_both_ways(bot: telegram.Bot, sandbox: Sandbox, clock: ManualClock) -> None:
    user = sandbox.add_user(1011, "Phúc")

    sent = await bot.send_photo(1011, PNG_3X2, caption="Biểu đồ")
    user.send_photo(PNG_3X2)
    (update,) = await bot.get_updates()

    assert (sent.photo[-1].width, sent.photo[-1].height) == (3, 2)
    stored = sandbox.last_bot_message(1011)
    assert stored is not None and stored.file is not None and stored.file.data == PNG_3X2
    file = await bot.get_file(message_of(update).photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == PNG_3X2


async def test_resending_a_document_by_file_id(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(1012, "Khoa")
    sandbox.add_user(1013, "Linh")
    first = await bot.send_document(1012, b"report", filename="r.txt")

    again = await bot.send_document(1013, document_of(first).file_id)

    assert document_of(again).file_id == document_of(first).file_id
    stored = sandbox.last_bot_message(1013)
    assert stored is not None and stored.file is not None and stored.file.data == b"report"


async def test_commands_chat_action_and_session_methods(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.add_user(1014, "Sơn")
    commands = [("start", "Bắt đầu"), ("tiendo", "Xem tiến độ")]

    assert await bot.set_my_commands(commands)
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == commands
    assert sandbox.commands() == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "tiendo", "description": "Xem tiến độ"},
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()

    assert await bot.send_chat_action(1014, "typing")
    assert [(a.chat_id, a.action) for a in sandbox.chat_actions] == [(1014, "typing")]
    assert await bot.delete_message(1014, (await bot.send_message(1014, "x")).message_id)
    assert sandbox.bot_messages(1014) == []


async def test_group_chat_messages(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_group(-100500, "Tổ thư ký")
    user = sandbox.add_user(1015, "Tâm")

    await bot.send_message(-100500, "Tổng hợp tuần")
    user.send_message("Đã nhận", chat_id=-100500)
    (update,) = await bot.get_updates()

    message = message_of(update)
    assert message.chat.type == "group"
    assert message.chat.title == "Tổ thư ký"
    assert message.from_user is not None and message.from_user.id == 1015
