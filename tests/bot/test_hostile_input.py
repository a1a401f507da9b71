"""Hostile or odd chat input gets a clear answer, never a traceback (issue #19, defect 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.conversation import Conversation, ConversationConfig
from bot.turn import Incoming
from storage.db import transaction
from storage.models import Agency, FocalPerson, Outbox, ProcessedUpdate
from tests.bot.outage import TZ

NOW = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)
EXPIRED = "Nút này không còn hiệu lực"


async def conversation_with_people(sessions) -> Conversation:
    async with transaction(sessions) as session:
        agency = Agency(key="so y te", name="Sở Y tế")
        session.add(agency)
        await session.flush()
        session.add_all([
            FocalPerson(agency_id=agency.id, role="focal", channel="telegram", chat_id="101",
                        name="Lan", linked_at=NOW),
            FocalPerson(role="secretariat", channel="telegram", chat_id="900", name="VP",
                        linked_at=NOW)])
    return Conversation(sessions, ConversationConfig(
        tz=TZ, now=lambda: NOW, admin_chat_ids=frozenset({"telegram:901"})))


async def notices(sessions) -> list[Outbox]:
    async with sessions() as session:
        return list((await session.exec(select(Outbox))).all())


@pytest.mark.parametrize("data", ["s|100000000000000000000|d", "s|2147483648|d",
                                  "i|9223372036854775808|a", "x|99999999999|a", "s|²|d",
                                  "s|١٢|d", "s||d", "s|-1|d", "s|1|d|x", "", "\x00"])
async def test_button_ids_out_of_range_are_refused_cleanly(sessions, data):
    conversation = await conversation_with_people(sessions)
    replies = await conversation.handle(Incoming("telegram", "101", "1", "Lan", callback=data))
    assert [r.text.split(".")[0] for r in replies] == [EXPIRED]
    assert not await notices(sessions)


async def test_the_largest_id_the_database_holds_is_simply_not_found(sessions):
    conversation = await conversation_with_people(sessions)
    replies = await conversation.handle(Incoming("telegram", "101", "1", "Lan",
                                                 callback="s|2147483647|d"))
    assert len(replies) == 1 and EXPIRED not in replies[0].text


@pytest.mark.parametrize("field", ["text", "sender_name", "update_id", "args"])
async def test_nul_characters_and_lone_surrogates_are_stored_without_them(sessions, field):
    # PostgreSQL refuses U+0000 in text; UTF-8 cannot carry a lone surrogate.
    conversation = await conversation_with_people(sessions)
    values = {"text": "/start", "sender_name": "Hoa", "update_id": "7", "args": "",
              field: f"a\x00b\ud800c{'/start' if field == 'text' else ''}"}
    incoming = Incoming("telegram", "901", values["update_id"], values["sender_name"],
                        text=values["text"], command="start", args=values["args"])
    replies = await conversation.handle(incoming)
    assert replies
    async with sessions() as session:
        person = (await session.exec(select(FocalPerson).where(
            FocalPerson.chat_id == "901"))).one()
        [seen] = (await session.exec(select(ProcessedUpdate))).all()
    assert "\x00" not in person.name and "\x00" not in seen.update_id


async def test_an_overlong_update_id_is_kept_as_a_digest(sessions):
    conversation = await conversation_with_people(sessions)
    incoming = Incoming("zalo", "z1", "m:" + "9" * 500, "", text="xin chào")
    assert await conversation.handle(incoming)
    assert not await conversation.handle(incoming)  # the redelivery is still recognised


async def test_error_notices_to_the_secretariat_are_bounded(sessions):
    # One person repeating a failing message must not flood the secretariat.
    conversation = await conversation_with_people(sessions)
    for update in range(30):
        assert await conversation.report_error("telegram", update, RuntimeError("x"), "101")
    assert len(await notices(sessions)) == 1
    for chat in range(30):
        await conversation.report_error("telegram", 100 + chat, RuntimeError("x"), str(chat))
    assert len(await notices(sessions)) == conversation.error_notices.per_hour
