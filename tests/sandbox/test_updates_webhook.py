"""Update delivery: getUpdates long polling and webhook pushes, with Telegram's rules."""

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import telegram
from aiohttp import web
from telegram.error import Conflict

from sandbox import Sandbox
from tests.sandbox.conftest import callback_of, message_of


@dataclass
class WebhookReceiver:
    """A tiny bot-side webhook endpoint that records what it gets."""

    url: str = ""
    failures_left: int = 0
    received: list[tuple[dict, str | None]] = field(default_factory=list)
    arrived: asyncio.Queue = field(default_factory=asyncio.Queue)

    async def handle(self, request: web.Request) -> web.Response:
        if self.failures_left > 0:
            self.failures_left -= 1
            return web.Response(status=500)
        body = await request.json()
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        self.received.append((body, secret))
        await self.arrived.put(body)
        return web.Response(text="ok")


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    hook = WebhookReceiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    hook.url = f"http://127.0.0.1:{port}/hook"
    yield hook
    await runner.cleanup()


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    user = sandbox.add_user(3001, "Lan")
    # The poll asks to wait an hour: it can only come back early because the message arrived.
    poll = asyncio.create_task(bot.get_updates(timeout=3600, read_timeout=3700))
    await asyncio.sleep(0.2)
    assert not poll.done()  # held open while nothing is pending

    user.send_message("Báo cáo xong")
    updates = await asyncio.wait_for(poll, 60)  # a hang guard far below the hour asked for

    assert [message_of(u).text for u in updates] == ["Báo cáo xong"]


async def test_long_poll_times_out_empty(bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_allowed_updates_filters_new_updates(bot: telegram.Bot, sandbox: Sandbox) -> None:
    user = sandbox.add_user(3002, "Minh")
    await bot.send_message(
        3002,
        "?",
        reply_markup=telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("Xong", callback_data="done")]]
        ),
    )
    await bot.get_updates(allowed_updates=["callback_query"])

    user.send_message("ignored")
    user.press_button(data="done")
    updates = await bot.get_updates()

    assert [callback_of(u).data for u in updates] == ["done"]


async def test_a_second_poller_terminates_the_first(bot: telegram.Bot, sandbox: Sandbox) -> None:
    # PTB serialises one Bot's getUpdates calls, so the competitor is a second bot instance.
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)

    async with telegram.Bot(sandbox.token, base_url=sandbox.base_url) as other_instance:
        assert await other_instance.get_updates(timeout=0) == ()

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_webhook_push_with_secret_token(
    bot: telegram.Bot, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    user = sandbox.add_user(3003, "Hà")
    assert await bot.set_webhook(receiver.url, secret_token="s3cret-token_1")

    user.send_message("Xin gia hạn đến 15/10")
    body = await asyncio.wait_for(receiver.arrived.get(), 5)

    assert body["message"]["text"] == "Xin gia hạn đến 15/10"
    assert receiver.received[0][1] == "s3cret-token_1"
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0


async def test_webhook_without_secret_sends_no_header(
    bot: telegram.Bot, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    user = sandbox.add_user(3004, "Tú")
    await bot.set_webhook(receiver.url)

    user.send_message("x")
    await asyncio.wait_for(receiver.arrived.get(), 5)

    assert receiver.received[0][1] is None


async def test_webhook_retries_after_failures_in_order(
    bot: telegram.Bot, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    user = sandbox.add_user(3005, "Quân")
    receiver.failures_left = 2
    await bot.set_webhook(receiver.url)

    user.send_message("một")
    user.send_message("hai")
    first = await asyncio.wait_for(receiver.arrived.get(), 5)
    second = await asyncio.wait_for(receiver.arrived.get(), 5)

    assert [first["message"]["text"], second["message"]["text"]] == ["một", "hai"]
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_get_updates_conflicts_while_a_webhook_is_set(
    bot: telegram.Bot, receiver: WebhookReceiver
) -> None:
    await bot.set_webhook(receiver.url)

    with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
        await bot.get_updates()

    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_updates_wait_while_no_one_listens_and_can_be_dropped(
    bot: telegram.Bot, sandbox: Sandbox, receiver: WebhookReceiver
) -> None:
    user = sandbox.add_user(3006, "Vy")
    user.send_message("cũ")

    await bot.set_webhook(receiver.url, drop_pending_updates=True)
    user.send_message("mới")
    body = await asyncio.wait_for(receiver.arrived.get(), 5)

    assert body["message"]["text"] == "mới"
    assert len(receiver.received) == 1


async def test_webhook_must_stay_on_loopback(bot: telegram.Bot, sandbox: Sandbox) -> None:
    with pytest.raises(telegram.error.BadRequest, match="loopback"):
        await bot.set_webhook("https://example.org/hook")

    assert sandbox.take_rejections()[0].method == "setWebhook"


async def test_webhook_connections_push_chats_at_once_each_chat_in_order() -> None:
    from sandbox import running_sandbox

    started: list[tuple[int, str]] = []
    gate = asyncio.Event()

    async def handle(request: web.Request) -> web.Response:
        body = await request.json()
        started.append((body["message"]["chat"]["id"], body["message"]["text"]))
        await gate.wait()  # held: the sandbox must not push this chat's next update meanwhile
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        async with running_sandbox(rate_limits=None, webhook_connections=4) as sandbox, \
                telegram.Bot(sandbox.token, base_url=sandbox.base_url) as bot:
            users = [sandbox.add_user(3100 + n, f"Người {n}") for n in range(3)]
            await bot.set_webhook(url)
            for round_ in range(3):
                for user in users:
                    user.send_message(f"tin {round_}")
            async with asyncio.timeout(60):  # a hang guard
                while len(started) < 3:
                    await asyncio.sleep(0.05)
            await asyncio.sleep(0.3)  # a second push for a held chat would show here
            assert sorted(started) == [(3100 + n, "tin 0") for n in range(3)]
            gate.set()
            async with asyncio.timeout(60):
                while len(started) < 9:
                    await asyncio.sleep(0.05)
    finally:
        await runner.cleanup()
    for n in range(3):
        assert [text for chat, text in started if chat == 3100 + n] == ["tin 0", "tin 1", "tin 2"]
    assert len(started) == 9
