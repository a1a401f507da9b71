"""The bound on error notices to the secretariat holds across processes (issue #19, defect 7's
rate limit): two conversations on two engines over one database share it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversation import Conversation, ConversationConfig
from bot.error_notices import ErrorNotices
from storage.db import make_engine, session_factory, transaction
from storage.models import ErrorNotice, FocalPerson, Outbox
from tests.bot.outage import TZ

NOW = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)


@pytest.fixture
async def other_sessions(sessions, database_url: str
                         ) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A second engine on the same database: another process's connections."""
    engine = make_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def two_processes(sessions, other_sessions, clock: list[datetime],
                        notices: ErrorNotices | None = None) -> tuple[Conversation, Conversation]:
    async with transaction(sessions) as session:
        session.add(FocalPerson(role="secretariat", channel="telegram", chat_id="900",
                                name="VP", linked_at=NOW))
    made = []
    for each in (sessions, other_sessions):
        conversation = Conversation(each, ConversationConfig(tz=TZ, now=lambda: clock[0]))
        if notices is not None:
            conversation.error_notices = notices
        made.append(conversation)
    return made[0], made[1]


async def told(sessions) -> int:
    async with sessions() as session:
        return len((await session.exec(select(Outbox))).all())


async def test_a_chat_told_by_one_process_is_a_repeat_for_the_other(sessions, other_sessions):
    clock = [NOW]
    first, second = await two_processes(sessions, other_sessions, clock)
    assert await first.report_error("telegram", 1, RuntimeError("x"), "101")
    # The other process knows the secretariat was told: the person hears it, no new notice.
    assert await second.report_error("telegram", 2, RuntimeError("x"), "101")
    assert await told(sessions) == 1
    clock[0] += first.error_notices.per_chat
    assert await second.report_error("telegram", 3, RuntimeError("x"), "101")
    assert await told(sessions) == 2


async def test_the_hourly_bound_counts_both_processes(sessions, other_sessions):
    clock = [NOW]
    first, second = await two_processes(sessions, other_sessions, clock)
    per_hour = first.error_notices.per_hour
    results = [await (first if chat % 2 else second).report_error(
        "telegram", chat, RuntimeError("x"), str(chat)) for chat in range(per_hour + 5)]
    assert results == [True] * per_hour + [False] * 5
    assert await told(sessions) == per_hour
    clock[0] += timedelta(minutes=59)
    assert not await first.report_error("telegram", 100, RuntimeError("x"), "100")
    clock[0] = NOW + timedelta(hours=1)
    assert await second.report_error("telegram", 101, RuntimeError("x"), "101")
    assert await told(sessions) == per_hour + 1


async def test_a_chat_held_back_by_the_bound_is_not_marked_told(sessions, other_sessions):
    clock = [NOW]
    first, second = await two_processes(sessions, other_sessions, clock,
                                        ErrorNotices(per_chat=timedelta(hours=2), per_hour=2))
    assert await first.report_error("telegram", 1, RuntimeError("x"), "1")
    assert await second.report_error("telegram", 2, RuntimeError("x"), "2")
    assert not await first.report_error("telegram", 3, RuntimeError("x"), "3")
    clock[0] += timedelta(hours=1)
    # Chat 3 was never told: not a repeat now (its mark was rolled back with the refusal).
    assert await second.report_error("telegram", 4, RuntimeError("x"), "3")
    assert await told(sessions) == 3


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_concurrent_reports_from_two_processes_stay_within_the_bound(sessions,
                                                                          other_sessions):
    clock = [NOW]
    first, second = await two_processes(sessions, other_sessions, clock)
    per_hour = first.error_notices.per_hour
    # Each chat fails in both processes at once, and more chats than the hour allows.
    results = await asyncio.gather(*(
        conversation.report_error("telegram", f"{conversation is first}:{chat}",
                                  RuntimeError("x"), str(chat))
        for chat in range(per_hour * 2) for conversation in (first, second)))
    assert await told(sessions) == per_hour
    assert results.count(True) >= per_hour  # the told chats, each maybe twice (a repeat)


async def test_chats_told_long_ago_are_forgotten(sessions, other_sessions):
    clock = [NOW]
    first, second = await two_processes(sessions, other_sessions, clock)
    for chat in range(3):
        assert await first.report_error("telegram", chat, RuntimeError("x"), str(chat))
    clock[0] += timedelta(hours=2)
    assert await second.report_error("telegram", 9, RuntimeError("x"), "9")
    async with sessions() as session:
        keys = (await session.exec(select(ErrorNotice.key))).all()
    assert sorted(key for key in keys if key.startswith("chat:")) == ["chat:telegram:9"]
