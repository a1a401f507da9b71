"""When the only secretariat chat is blocked, someone still hears of it (issue #19, defect 10)."""

from __future__ import annotations

import logging
import random

import pytest

from bot.messenger import Unreachable
from scheduler.limits import SendLimiter
from scheduler.sender import Sender
from storage.db import transaction
from storage.models import Agency, FocalPerson
from storage.outbox import NewMessage, enqueue
from tests.fakes import FakeClock, RecordingMessenger

BLOCKED = Unreachable("blocked", "Forbidden: bot was blocked by the user")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def sender(sessions, messenger, clock, admin_chats=()) -> Sender:
    limiter = SendLimiter(per_second=30, per_chat_interval=0, clock=clock.monotonic,
                          sleep=clock.sleep)
    return Sender(sessions, {"telegram": messenger}, limiter, worker="w", now=clock.now,
                  rng=random.Random(7), admin_chats=admin_chats)


async def people(sessions, clock) -> tuple[int, int]:
    """A focal person (chat 100) and the only secretariat chat (900)."""
    async with transaction(sessions) as session:
        session.add(Agency(key="so y te", name="Sở Y tế"))
        await session.flush()
        made = [FocalPerson(agency_id=1 if role == "focal" else None, role=role,
                            channel="telegram", chat_id=chat, name=name, linked_at=clock.now())
                for role, chat, name in (("focal", "100", "Nguyễn Văn A"),
                                         ("secretariat", "900", "Văn phòng"))]
        session.add_all(made)
        await session.flush()
    return made[0].id or 0, made[1].id or 0


async def put(sessions, clock, chat_id: str, person_id: int) -> None:
    async with transaction(sessions) as session:
        await enqueue(NewMessage(key=f"k:{chat_id}", kind="digest", channel="telegram",
                                 chat_id=chat_id, text="tổng hợp", focal_person_id=person_id),
                      clock.now(), session=session)


async def test_a_blocked_secretariat_chat_is_told_to_the_admin_chats(sessions, clock):
    _, secretariat = await people(sessions, clock)
    messenger = RecordingMessenger(clock)
    await put(sessions, clock, "900", secretariat)
    messenger.fail("900", BLOCKED)
    await sender(sessions, messenger, clock, admin_chats=[("telegram", "42")]).drain()
    [notice] = messenger.texts_to("42")
    assert "Cơ quan thường trực" in notice and "chặn bot" in notice


async def test_with_the_secretariat_blocked_a_blocked_focal_person_reaches_the_admins(
        sessions, clock):
    focal, secretariat = await people(sessions, clock)
    messenger = RecordingMessenger(clock)
    await put(sessions, clock, "900", secretariat)
    await put(sessions, clock, "100", focal)
    messenger.fail("900", BLOCKED)
    messenger.fail("100", BLOCKED)
    await sender(sessions, messenger, clock, admin_chats=[("telegram", "42")]).drain()
    notices = messenger.texts_to("42")
    assert any("Nguyễn Văn A (Sở Y tế)" in text for text in notices)


async def test_with_nobody_left_to_tell_an_error_is_logged_with_context(sessions, clock,
                                                                         caplog):
    _, secretariat = await people(sessions, clock)
    messenger = RecordingMessenger(clock)
    await put(sessions, clock, "900", secretariat)
    messenger.fail("900", BLOCKED)
    with caplog.at_level(logging.ERROR, logger="scheduler.sender"):
        await sender(sessions, messenger, clock).drain()
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "telegram:900" in record.getMessage() and "DONDOC_ADMIN_CHAT_IDS" in \
        record.getMessage()


async def test_a_blocked_secretariat_chat_is_told_to_the_other_secretariat_chat(sessions, clock):
    _, secretariat = await people(sessions, clock)
    async with transaction(sessions) as session:
        session.add(FocalPerson(role="secretariat", channel="telegram", chat_id="901",
                                name="Văn phòng 2", linked_at=clock.now()))
    messenger = RecordingMessenger(clock)
    await put(sessions, clock, "900", secretariat)
    messenger.fail("900", BLOCKED)
    await sender(sessions, messenger, clock, admin_chats=[("telegram", "42")]).drain()
    [notice] = messenger.texts_to("901")
    assert "Cơ quan thường trực" in notice and "chặn bot" in notice
    assert not messenger.texts_to("42")  # the admins only when no secretariat chat is left
