"""The digest's files: failures logged and bounded, the secretariat told; /tongquan sends what it
promises (issue #19, defect 11)."""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime, timedelta

import telegram
from sqlmodel import select

from bot.conversation import Conversation, ConversationConfig
from bot.telegram_messenger import TelegramMessenger
from bot.turn import Incoming
from domain.digest_text import FILES_NOTE
from sandbox import running_sandbox
from scheduler.digest_job import digest_attachments
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy, Sender
from storage.db import transaction
from storage.models import FocalPerson, Outbox
from storage.outbox import NewMessage, enqueue
from tests.bot.drivers import tiny_png
from tests.bot.outage import TZ

NOW = datetime(2025, 9, 26, 8, 0, tzinfo=UTC)


async def add_secretariat(sessions, chat_id: str = "900") -> None:
    async with transaction(sessions) as session:
        session.add(FocalPerson(role="secretariat", channel="telegram", chat_id=chat_id,
                                name="VP", linked_at=NOW))


async def rows(sessions) -> list[Outbox]:
    async with sessions() as session:
        return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())


async def test_a_failing_digest_file_is_retried_with_reasons_then_given_up(sessions, caplog):
    await add_secretariat(sessions)
    async with transaction(sessions) as session:
        await enqueue(NewMessage(key="digest:chart", kind="digest", channel="telegram",
                                 chat_id="900", text="Biểu đồ", attachment_name="bieu-do.png",
                                 attachment=tiny_png()), NOW, session=session)
    clock = [NOW]
    async with running_sandbox(rate_limits=None) as sandbox:
        sandbox.add_user(900, "VP")
        sandbox.faults.fail_next("sendPhoto", times=100, error_code=502,
                                 description="Bad Gateway")
        async with telegram.Bot(sandbox.token, base_url=sandbox.base_url) as bot:
            sender = Sender(sessions, {"telegram": TelegramMessenger(bot)}, SendLimiter(30, 0),
                            worker="w", now=lambda: clock[0], rng=random.Random(1),
                            policy=DeliveryPolicy(max_attempts=3))
            with caplog.at_level(logging.WARNING, logger="scheduler.sender"):
                for _ in range(5):
                    await sender.drain()
                    clock[0] += timedelta(hours=1)
        [notice] = [m for m in sandbox.bot_messages(900) if m.text]
    retries = [r.getMessage() for r in caplog.records if " of 3 failed" in r.getMessage()]
    assert len(retries) == 2 and all("bieu-do.png" in r and "Bad Gateway" in r for r in retries)
    assert any("given up after 3 attempts" in r.getMessage() for r in caplog.records)
    chart = (await rows(sessions))[0]
    assert (chart.status, chart.attempts) == ("failed", 3)
    assert "bieu-do.png" in notice.text and "3 lần" in notice.text


async def test_tongquan_sends_the_chart_and_workbook_its_text_promises(sessions):
    await add_secretariat(sessions)
    conversation = Conversation(sessions, ConversationConfig(
        tz=TZ, now=lambda: NOW, digest_files=digest_attachments))
    [reply] = await conversation.handle(Incoming("telegram", "900", "1", "VP", text="/tongquan",
                                                 command="tongquan"))
    assert FILES_NOTE.strip() in reply.text
    files = [row for row in await rows(sessions) if row.kind == "overview_file"]
    names = sorted(row.attachment_name or "" for row in files)
    assert names[0].endswith(".png") and names[1].endswith(".xlsx")
    assert all(row.attachment and row.chat_id == "900" for row in files)


async def test_without_files_tongquan_promises_none(sessions):
    await add_secretariat(sessions)
    conversation = Conversation(sessions, ConversationConfig(tz=TZ, now=lambda: NOW))
    [reply] = await conversation.handle(Incoming("telegram", "900", "1", "VP", text="/tongquan",
                                                 command="tongquan"))
    assert "kèm theo" not in reply.text
    assert not await rows(sessions)
