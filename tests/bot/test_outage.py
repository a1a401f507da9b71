"""A database outage: the update is kept for Telegram to deliver again, and people hear the truth.

Issue #19, defect 9: a reply sent while the database was down was lost, and the person was told
"the secretariat was informed" while that report had failed too.
"""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.telegram_app import build_application
from bot.webhook import SECRET_HEADER, webhook_app
from sandbox import running_sandbox
from tests.bot.drivers import telegram_driver, zalo_driver
from tests.bot.outage import outage, plain_conversation, unreachable_sessions
from tests.fakes import FakeClock

SECRET = "s3cret-token_value-123"


async def test_polling_keeps_the_update_until_the_database_is_back(sessions):
    conversation = plain_conversation(sessions)
    async with telegram_driver(conversation) as driver, unreachable_sessions(sessions) as broken:
        lan = driver.sandbox.add_user(101, "Lan")
        with outage(conversation, broken):
            lan.send_message("xin chào")
            told = await lan.wait_for_bot_message(timeout=10)
            assert told.text == texts.OUTAGE_KEPT
            lan.send_message("còn đó không?")
            await driver.sandbox.wait_until(
                lambda: len(driver.sandbox.pending_updates) == 2, timeout=5)
        # Back: both updates are handled (and confirmed), the person told once of the outage.
        await driver.sandbox.wait_until(lambda: len(lan.messages_from_bot()) == 3, timeout=15)
        answers = [m.text for m in lan.messages_from_bot()]
        assert answers == [texts.OUTAGE_KEPT, texts.STRANGER, texts.STRANGER]
        await driver.sandbox.wait_until(lambda: not driver.sandbox.pending_updates, timeout=5)


async def test_the_webhook_answers_503_while_the_database_is_down(sessions):
    conversation = plain_conversation(sessions)
    async with running_sandbox(rate_limits=None) as sandbox, \
            unreachable_sessions(sessions) as broken:
        application = build_application(conversation, sandbox.token, sandbox.base_url,
                                        sandbox.file_base_url)
        async with application, TestClient(TestServer(
                webhook_app(application, SECRET))) as client:
            lan = sandbox.add_user(101, "Lan")
            lan.send_message("xin chào")
            update = sandbox.pending_updates[-1]
            with outage(conversation, broken):
                refused = await client.post("/telegram", json=update,
                                            headers={SECRET_HEADER: SECRET})
            assert refused.status == 503
            assert [m.text for m in lan.messages_from_bot()] == [texts.OUTAGE_KEPT]
            accepted = await client.post("/telegram", json=update,
                                         headers={SECRET_HEADER: SECRET})
            assert accepted.status == 200  # answered once handled: the reply went out before
            assert [m.text for m in lan.messages_from_bot()] == [texts.OUTAGE_KEPT,
                                                                 texts.STRANGER]


async def test_zalo_tells_the_person_to_send_again(sessions):
    # Zalo keeps no copy of an update it handed over: the person must send it again.
    conversation = plain_conversation(sessions)
    clock = FakeClock()
    async with zalo_driver(conversation, sessions, clock) as driver, \
            unreachable_sessions(sessions) as broken:
        hoa = driver.sandbox.add_user(101, "Hoa")
        with outage(conversation, broken):
            hoa.send_text("xin chào")
            told = await hoa.wait_for_bot_message(timeout=10)
        assert told.text == texts.OUTAGE
        assert "đã được báo" not in told.text


@pytest.mark.parametrize("reported", [True, False])
def test_the_person_is_told_the_secretariat_knows_only_when_it_does(reported):
    text = texts.failure(reported, outage=False)
    assert ("Cơ quan thường trực đã được báo" in text) is reported
