"""The /sandbox/ HTTP endpoints a web chat page uses to act as simulated users."""

import httpx
import telegram

from sandbox import Sandbox
from tests.sandbox.conftest import callback_of, message_of


async def test_a_page_can_chat_with_the_bot_over_http(bot: telegram.Bot, sandbox: Sandbox) -> None:
    root = sandbox.base_url.removesuffix("/bot")
    async with httpx.AsyncClient(base_url=root) as page:
        created = await page.post("/sandbox/users", json={"id": 4001, "first_name": "Lan"})
        assert created.status_code == 201

        sent = await page.post(
            "/sandbox/chats/4001/messages", json={"user_id": 4001, "text": "Chào"}
        )
        assert sent.status_code == 201
        (update,) = await bot.get_updates()
        assert message_of(update).text == "Chào"

        await bot.send_message(
            4001,
            "Xong chưa?",
            reply_markup=telegram.InlineKeyboardMarkup(
                [[telegram.InlineKeyboardButton("Xong", callback_data="done")]]
            ),
        )
        history = (await page.get("/sandbox/chats/4001/messages")).json()
        assert [(m["from_bot"], m["message"]["text"]) for m in history] == [
            (False, "Chào"),
            (True, "Xong chưa?"),
        ]

        pressed = await page.post(
            "/sandbox/chats/4001/callbacks",
            json={"user_id": 4001, "message_id": history[1]["message_id"], "data": "done"},
        )
        assert pressed.status_code == 201
        updates = await bot.get_updates(offset=update.update_id + 1)
        assert callback_of(updates[0]).data == "done"

        uploaded = await page.post(
            "/sandbox/chats/4001/files",
            data={"user_id": "4001", "caption": "Báo cáo"},
            files={"file": ("bao-cao.docx", b"docx bytes", "application/octet-stream")},
        )
        file_id = uploaded.json()["file_id"]
        assert (await page.get(f"/sandbox/files/{file_id}")).content == b"docx bytes"

        state = (await page.get("/sandbox/state")).json()
        assert state["users"][0]["first_name"] == "Lan"
        assert state["rejections"] == []


async def test_misuse_is_answered_with_4xx(sandbox: Sandbox) -> None:
    sandbox.add_user(4002, "Minh")
    root = sandbox.base_url.removesuffix("/bot")
    async with httpx.AsyncClient(base_url=root) as page:
        unknown_user = await page.post(
            "/sandbox/chats/4002/messages", json={"user_id": 9, "text": "x"}
        )
        no_buttons = await page.post("/sandbox/chats/4002/callbacks", json={"user_id": 4002})
        blocked = await page.post("/sandbox/users/4002/block")

    assert unknown_user.status_code == 404
    assert no_buttons.status_code == 400
    assert "no bot message with inline buttons" in no_buttons.json()["description"]
    assert blocked.status_code == 200 and sandbox.chat(4002).blocked


async def test_a_page_learns_how_the_bot_answered_a_button(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.add_user(4003, "Hà")
    keyboard = [[telegram.InlineKeyboardButton("Xong", callback_data="done")]]
    sent = await bot.send_message(
        4003, "Xong chưa?", reply_markup=telegram.InlineKeyboardMarkup(keyboard)
    )
    root = sandbox.base_url.removesuffix("/bot")
    async with httpx.AsyncClient(base_url=root) as page:
        pressed = await page.post(
            "/sandbox/chats/4003/callbacks",
            json={"user_id": 4003, "message_id": sent.message_id, "text": "Xong"},
        )
        query_id = pressed.json()["callback_query_id"]
        before = (await page.get(f"/sandbox/callbacks/{query_id}")).json()
        (update,) = await bot.get_updates()
        await bot.answer_callback_query(callback_of(update).id, text="Đã ghi nhận")
        after = (await page.get(f"/sandbox/callbacks/{query_id}")).json()
        unknown = await page.get("/sandbox/callbacks/123")

    assert (before["answered"], before["answer"]) == (False, {})
    assert after == {
        "callback_query_id": query_id,
        "data": "done",
        "answered": True,
        "answer": {"text": "Đã ghi nhận"},
    }
    assert unknown.status_code == 404


async def test_the_chat_page_comes_from_the_sandbox_alone(sandbox: Sandbox) -> None:
    root = sandbox.base_url.removesuffix("/bot")
    async with httpx.AsyncClient(base_url=root) as page:
        html = await page.get("/chat")
        script = await page.get("/chat/chat.js")
        helpers = await page.get("/chat/format.js")
        style = await page.get("/chat/chat.css")
        missing = [(await page.get(path)).status_code
                   for path in ("/chat/core.py", "/chat/..%2Fcore.py", "/chat/chat.html")]
        home = await page.get("/")

    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert helpers.headers["content-type"] == "text/javascript; charset=utf-8"
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    for label in ("Chọn người dùng", "Gửi", "Tải tệp lên", 'src="/chat/chat.js"'):
        assert label in html.text
    # Nothing is fetched from elsewhere: the policy forbids it and no asset names another host.
    assert "default-src 'self'" in html.headers["content-security-policy"]
    for asset in (html, script, helpers, style):
        assert "http://" not in asset.text and "https://" not in asset.text
    assert missing == [404, 404, 404]
    assert (home.status_code, home.headers["location"]) == (302, "/chat")
