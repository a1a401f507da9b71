"""dondoc against a Bot API server that is not quite Telegram (issue #19, defects 3, 4 and 12).

The sandbox imitates an independent emulator's quirks: dates in milliseconds, unknown methods
as HTTP 500 without `ok`, getUpdates answering at once whatever `timeout` says.
"""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
import telegram
from sqlmodel import select

from bot import texts
from bot.telegram_app import build_application
from bot.telegram_messenger import TelegramMessenger
from bot.telegram_polling import TelegramPoller
from cli.service import serve
from config import Settings
from sandbox import Sandbox, running_sandbox
from scheduler.limits import SendLimiter
from scheduler.sender import Sender
from storage.db import transaction
from storage.models import Outbox
from storage.outbox import NewMessage, enqueue
from tests.bot.drivers import telegram_driver, tiny_png
from tests.bot.outage import plain_conversation

NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox(rate_limits=None) as running:
        yield running


async def test_the_quirks_are_switched_through_the_control_api(sandbox):
    sandbox.add_user(101, "Lan")
    root = sandbox.base_url.rsplit("/bot", 1)[0]
    api = f"{sandbox.base_url}{sandbox.token}"
    async with aiohttp.ClientSession() as http:
        switched = await http.post(f"{root}/sandbox/quirks", json={
            "dates_in_milliseconds": True, "unknown_methods_as_500": True,
            "missing_methods": ["setMyCommands"], "poll_ignores_timeout": True})
        assert switched.status == 200
        sent = await (await http.post(f"{api}/sendMessage",
                                      json={"chat_id": 101, "text": "x"})).json()
        assert sent["result"]["date"] > 10**12  # milliseconds
        missing = await http.post(f"{api}/setMyCommands", json={"commands": []})
        assert missing.status == 500
        assert "ok" not in await missing.json()
        loop = asyncio.get_running_loop()
        started = loop.time()
        polled = await http.post(f"{api}/getUpdates", json={"timeout": 30})
        assert (await polled.json())["result"] == []
        assert loop.time() - started < 30  # answered at once, not after the long poll
        wrong = await http.post(f"{root}/sandbox/quirks", json={"no_such_quirk": True})
        assert wrong.status == 400


async def test_a_delivered_send_whose_answer_cannot_be_read_is_not_sent_again(sessions,
                                                                                 sandbox):
    # Defect 3: the answer's `date` in milliseconds made the send look failed, and retried.
    sandbox.quirks.dates_in_milliseconds = True
    sandbox.add_user(101, "Lan")
    async with transaction(sessions) as session:
        for key, name in (("text", None), ("chart", "bieu-do.png"), ("book", "so-lieu.xlsx")):
            await enqueue(NewMessage(key=key, kind="digest", channel="telegram",
                                     chat_id="101", text=f"tin {key}", attachment_name=name,
                                     attachment=tiny_png() if name else None), NOW,
                          session=session)
    async with telegram.Bot(sandbox.token, base_url=sandbox.base_url,
                            base_file_url=sandbox.file_base_url) as bot:
        sender = Sender(sessions, {"telegram": TelegramMessenger(bot)},
                        SendLimiter(30, 0), worker="w", now=lambda: NOW, rng=random.Random(1))
        first = await sender.drain()
        again = await sender.drain()
    assert (first.sent, first.retried, again.sent) == (3, 0, 0)
    assert len(sandbox.bot_messages(101)) == 3
    async with sessions() as session:
        rows = (await session.exec(select(Outbox))).all()
    assert {row.status for row in rows} == {"sent"}
    assert all(row.platform_message_id for row in rows)


async def test_updates_dated_in_milliseconds_are_read(sessions):
    conversation = plain_conversation(sessions)
    async with telegram_driver(conversation) as driver:
        driver.sandbox.quirks.dates_in_milliseconds = True
        lan = driver.sandbox.add_user(101, "Lan")
        lan.send_message("xin chào")
        answer = await lan.wait_for_bot_message(timeout=10)
    assert answer.text == texts.STRANGER


async def test_polling_keeps_a_floor_between_empty_answers(sandbox):
    # Defect 12: against a server that answers getUpdates at once, polling spun at ~770/s.
    sandbox.quirks.poll_ignores_timeout = True
    application = build_application(plain_conversation(None), sandbox.token,
                                    sandbox.base_url, sandbox.file_base_url)
    async with application:
        poller = TelegramPoller(application, timeout=30, floor=0.25)
        running = asyncio.create_task(poller.run())
        await asyncio.sleep(1.0)
        poller.stop()
        await running
    polls = [c for c in sandbox.calls if c.method == "getUpdates"]
    # At most one empty answer per floor: 1.0 s / 0.25 s, and the one in flight.
    assert 2 <= len(polls) <= 5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("fault", ["missing", "5xx", "429", "timeout"])
async def test_a_failing_set_my_commands_does_not_stop_the_bot(tmp_path, sandbox, fault):
    # Defect 4: the command menu is cosmetic; `dondoc run` must start without it.
    if fault == "missing":
        sandbox.quirks.update({"missing_methods": ["setMyCommands"],
                               "unknown_methods_as_500": True})
    elif fault == "5xx":
        sandbox.faults.fail_next("setMyCommands", error_code=502)
    elif fault == "429":
        sandbox.faults.fail_next("setMyCommands", error_code=429, retry_after=30)
    else:
        sandbox.faults.time_out_next("setMyCommands", hold_seconds=30)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'dondoc.db'}",
                        telegram_token=sandbox.token, telegram_base_url=sandbox.base_url,
                        webhook_port=_free_port(), telegram_poll_seconds=1,
                        digest_cron="59 23 * * sun", _env_file=None)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, False, stop))
    try:
        lan = sandbox.add_user(101, "Lan")
        lan.send_message("xin chào")
        answer = await lan.wait_for_bot_message(timeout=20)
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
    assert answer.text == texts.STRANGER
    assert not sandbox.commands()
