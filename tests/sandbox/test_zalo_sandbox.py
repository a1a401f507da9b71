"""The Zalo sandbox speaks Zalo's dialect over raw HTTP: envelope, paths, limits, pushes."""

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

from sandbox import ManualClock, ZaloSandbox, running_zalo_sandbox
from tests.bot.drivers import tiny_png, web_server


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloSandbox]:
    async with running_zalo_sandbox(clock=ManualClock(1_757_894_400.0),
                                    webhook_retry_delay=0.01) as sandbox:
        yield sandbox


async def call(sandbox: ZaloSandbox, method: str, **params: object) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{sandbox.base_url}/bot{sandbox.token}/{method}",
                                 json=params, timeout=5)


async def test_paths_and_envelope_are_zalos(zalo):
    assert zalo.base_url.endswith("/zalo")
    answer = await call(zalo, "getMe")
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "result": {
        "id": zalo.bot_id, "account_name": "Bot dondoc", "account_type": "BASIC",
        "can_join_groups": False}}


async def test_a_malformed_request_is_refused_and_recorded(zalo):
    lan = zalo.add_user(1, "Lan")
    lan.send_text("chào")
    too_long = await call(zalo, "sendMessage", chat_id=lan.id, text="x" * 2001)
    unknown = await call(zalo, "sendMessage", chat_id=lan.id, text="a", reply_markup={})
    numeric = await call(zalo, "sendMessage", chat_id=123, text="a")
    missing = await call(zalo, "sendMessage", text="a")
    no_method = await call(zalo, "editMessageText", chat_id=lan.id)
    assert [r.status_code for r in (too_long, unknown, numeric, missing)] == [200] * 4
    assert all(r.json()["ok"] is False for r in (too_long, unknown, numeric, missing))
    assert no_method.status_code == 404
    assert len(zalo.take_rejections()) == 5
    fits = await call(zalo, "sendMessage", chat_id=lan.id, text="ầ" * 2000)
    assert fits.json()["ok"] is True and lan.messages_from_bot()[-1].text == "ầ" * 2000


async def test_get_updates_hands_out_one_update_per_call_without_offsets(zalo):
    lan = zalo.add_user(1, "Lan")
    lan.send_text("/start ABC")
    lan.send_photo(tiny_png(), caption="NV12")
    first = (await call(zalo, "getUpdates", timeout="0")).json()["result"]
    second = (await call(zalo, "getUpdates", timeout="0")).json()["result"]
    empty = (await call(zalo, "getUpdates", timeout="0")).json()
    assert first["event_name"] == "message.text.received"
    assert first["message"]["chat"] == {"id": lan.id, "chat_type": "PRIVATE"}
    assert first["message"]["from"]["display_name"] == "Lan"
    assert first["message"]["text"] == "/start ABC" and len(first["message"]["message_id"]) == 32
    assert first["message"]["date"] == 1_757_894_400_000  # milliseconds
    assert second["event_name"] == "message.image.received"
    assert second["message"]["caption"] == "NV12"
    async with httpx.AsyncClient() as client:
        photo = await client.get(second["message"]["photo_url"])
    assert photo.content == tiny_png() and photo.headers["content-type"] == "image/png"
    assert empty == {"ok": False, "error_code": 408, "description": "Request timeout: no update"}


async def test_the_webhook_gets_pushes_with_the_secret_header_and_retries(zalo):
    received: list[tuple[str | None, dict]] = []
    refuse = [True]

    async def receive(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Bot-Api-Secret-Token"), await request.json()))
        if refuse[0]:
            refuse[0] = False
            return web.Response(status=500)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    async with web_server(app) as root:
        short = await call(zalo, "setWebhook", url=f"{root}/hook", secret_token="short")
        assert short.json()["ok"] is False and zalo.take_rejections()
        answer = await call(zalo, "setWebhook", url=f"{root}/hook", secret_token="secret-123")
        assert answer.json()["result"]["url"] == f"{root}/hook"
        lan = zalo.add_user(1, "Lan")
        lan.send_text("xin chào")
        await zalo.wait_until(lambda: zalo.state.webhook.delivered_count == 1)
        polled = await call(zalo, "getUpdates", timeout="0")
        assert polled.json()["ok"] is False and zalo.take_rejections()
    assert [secret for secret, _ in received] == ["secret-123", "secret-123"]
    assert received[0][1] == received[1][1]  # refused once, delivered again: the same update
    assert received[0][1]["ok"] is True
    assert received[0][1]["result"]["message"]["text"] == "xin chào"


async def test_the_bot_cannot_write_first_nor_to_who_blocked_it(zalo):
    lan = zalo.add_user(1, "Lan")
    first = (await call(zalo, "sendMessage", chat_id=lan.id, text="chào")).json()
    lan.send_text("chào bot")
    lan.block_bot()
    blocked = (await call(zalo, "sendMessage", chat_id=lan.id, text="chào")).json()
    assert "not messaged" in first["description"] and "blocked" in blocked["description"]
    assert zalo.take_rejections() == []


async def test_a_photo_is_fetched_from_its_url(zalo):
    lan = zalo.add_user(1, "Lan")
    lan.send_text("chào")
    async def chart(request: web.Request) -> web.Response:
        return web.Response(body=tiny_png())

    async def note(request: web.Request) -> web.Response:
        return web.Response(text="không phải ảnh")

    app = web.Application()
    app.router.add_get("/chart.png", chart)
    app.router.add_get("/note.txt", note)
    async with web_server(app) as root:
        sent = await call(zalo, "sendPhoto", chat_id=lan.id, photo=f"{root}/chart.png",
                          caption="Biểu đồ")
        wrong = await call(zalo, "sendPhoto", chat_id=lan.id, photo=f"{root}/note.txt")
    assert sent.json()["ok"] is True
    message = lan.messages_from_bot()[-1]
    assert message.file.data == tiny_png() and message.text == "Biểu đồ"
    assert wrong.json()["ok"] is False and len(zalo.take_rejections()) == 1


async def test_flooding_gets_a_429_without_a_retry_after(zalo):
    lan = zalo.add_user(1, "Lan")
    lan.send_text("chào")
    assert (await call(zalo, "sendMessage", chat_id=lan.id, text="một")).status_code == 200
    second = await call(zalo, "sendMessage", chat_id=lan.id, text="hai")
    assert second.status_code == 429 and "retry-after" not in second.headers
    assert "slow down" in second.json()["description"]
