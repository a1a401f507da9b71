"""Update de-duplication: a redelivery is ignored, a new update never (issue #19, defect 5)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import telegram
from sqlmodel import select
from telegram import Update

from bot import texts
from bot.telegram_app import to_incoming
from bot.turn import Outgoing
from storage.chat import first_time, forget_updates
from storage.db import transaction
from storage.models import ProcessedUpdate
from tests.bot.outage import plain_conversation

NOW = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)
STRANGER = Outgoing(texts.STRANGER)


def update(token: str, update_id: int, text: str, date: int = 1758500000) -> Update:
    payload = {"update_id": update_id, "message": {
        "message_id": update_id, "date": date, "chat": {"id": 101, "type": "private"},
        "from": {"id": 101, "is_bot": False, "first_name": "Hoa"}, "text": text}}
    return Update.de_json(payload, telegram.Bot(token))


async def test_a_restarted_server_counting_from_one_again_is_not_ignored(sessions, caplog):
    # Same bot, same update id, another message: a server restart or Telegram's id reset.
    conversation = plain_conversation(sessions)
    first = to_incoming(update("111:AAA", 1, "xin chào"))
    again = to_incoming(update("111:AAA", 1, "xin chào"))
    after_reset = to_incoming(update("111:AAA", 1, "tôi là Hoa", date=1758600000))
    assert first and again and after_reset
    assert await conversation.handle(first) == [STRANGER]
    with caplog.at_level(logging.WARNING):
        assert await conversation.handle(again) == []
    assert "already handled" in caplog.text  # a redelivery is logged, never silent
    assert await conversation.handle(after_reset) == [STRANGER]


async def test_another_bot_s_update_with_the_same_id_is_not_ignored(sessions):
    # After a token change the new bot's ids may repeat the old bot's.
    conversation = plain_conversation(sessions)
    old = to_incoming(update("111:AAA", 5, "xin chào"))
    new = to_incoming(update("222:BBB", 5, "xin chào"))
    assert old and new
    assert await conversation.handle(old)
    assert await conversation.handle(new)


async def test_the_window_forgets_by_age_and_by_count(sessions):
    async with transaction(sessions) as session:
        for number in range(10):
            await first_time("telegram", f"k{number}", NOW + timedelta(minutes=number),
                             session=session)
    async with transaction(sessions) as session:
        assert await forget_updates(NOW + timedelta(minutes=3), 100, session=session) == 3
    async with transaction(sessions) as session:
        assert await forget_updates(NOW, 4, session=session) == 3
    async with sessions() as session:
        kept = sorted(row.update_id for row in (await session.exec(select(ProcessedUpdate))))
    assert kept == ["k6", "k7", "k8", "k9"]
    async with transaction(sessions) as session:
        assert await first_time("telegram", "k0", NOW, session=session)  # forgotten: new again
