"""The real sender, Telegram messenger and limiter against the sandbox, its flood limits on."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import telegram
from sqlmodel import select
from telegram.request import HTTPXRequest

from bot.telegram_messenger import TelegramMessenger
from config.settings import Settings
from sandbox import Sandbox, running_sandbox
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy, Sender
from storage.db import transaction
from storage.models import Agency, DeliveryAttempt, FocalPerson, Outbox
from storage.outbox import NewMessage, enqueue

# PTB 22 warns whenever RetryAfter.retry_after is read, even inside its own constructor.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

READ_TIMEOUT = 0.5  # seconds; small so a held request times out quickly
# The limits production runs with (DONDOC_SEND_PER_SECOND, DONDOC_SEND_PER_CHAT_SECONDS).
PER_SECOND = Settings.model_fields["send_per_second"].default
PER_CHAT_SECONDS = Settings.model_fields["send_per_chat_seconds"].default
POLICY = DeliveryPolicy()


class WallClock:
    """The sender's wall clock, moved by hand so retries come due without waiting."""

    def __init__(self) -> None:
        self.current = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance_to(self, moment: datetime) -> None:
        self.current = max(self.current, moment)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    # Telegram's limits (30/s overall, 1/s per chat) on the machine's real clock.
    async with running_sandbox() as running:
        yield running


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[telegram.Bot]:
    request = HTTPXRequest(read_timeout=READ_TIMEOUT, write_timeout=2, connect_timeout=2)
    async with telegram.Bot(sandbox.token, base_url=sandbox.base_url,
                            base_file_url=sandbox.file_base_url, request=request) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def sender(sessions, bot: telegram.Bot, wall: WallClock) -> Sender:
    limiter = SendLimiter(PER_SECOND, PER_CHAT_SECONDS)  # real monotonic time and sleeps
    return Sender(sessions, {"telegram": TelegramMessenger(bot)}, limiter, worker="w1",
                  now=wall.now, policy=POLICY, rng=random.Random(7))


async def put(sessions, wall: WallClock, chat_id: int, text: str,
              person_id: int | None = None) -> None:
    async with transaction(sessions) as session:
        await enqueue(NewMessage(key=f"k:{chat_id}:{text}", kind="reminder", channel="telegram",
                                 chat_id=str(chat_id), text=text, focal_person_id=person_id),
                      wall.now(), session=session)


async def outbox(sessions) -> list[Outbox]:
    async with sessions() as session:
        return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())


async def attempts(sessions) -> list[str]:
    async with sessions() as session:
        rows = await session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id))
        return [a.result for a in rows.all()]


def send_calls(sandbox: Sandbox) -> list[int | None]:
    """The error code of every sendMessage the sandbox answered (None for success)."""
    return [c.error_code for c in sandbox.calls if c.method == "sendMessage"]


async def test_a_burst_is_delivered_without_a_single_flood_refusal(sessions, sandbox, sender,
                                                                   wall):
    chats = [7000 + n for n in range(30)]
    for chat in chats:
        sandbox.add_user(chat, f"Đầu mối {chat}")
    async with transaction(sessions) as session:
        for round_ in range(3):
            for chat in chats:
                await enqueue(NewMessage(key=f"b:{chat}:{round_}", kind="reminder",
                                         channel="telegram", chat_id=str(chat),
                                         text=f"Nhắc việc {round_ + 1}/3"), wall.now(),
                              session=session)

    started = time.monotonic()
    report = await sender.drain()
    elapsed = time.monotonic() - started

    assert sandbox.flood_refusals == []
    assert 429 not in send_calls(sandbox)
    assert report.sent == 90 and report.retried == 0
    assert {row.status for row in await outbox(sessions)} == {"sent"}
    for chat in chats:
        assert [m.text for m in sandbox.bot_messages(chat)] == [
            "Nhắc việc 1/3", "Nhắc việc 2/3", "Nhắc việc 3/3"]
    # Three messages per chat at one a second cannot take less than two seconds (a lower
    # bound only: how fast a loaded machine sends is the benchmark's business).
    assert elapsed >= 2.0


async def test_an_injected_429_is_waited_out_then_the_message_goes(sessions, sandbox, sender,
                                                                   wall):
    sandbox.add_user(7101, "Lan")
    await put(sessions, wall, 7101, "Nhắc việc")
    sandbox.faults.fail_next("sendMessage", error_code=429, retry_after=1)

    report = await sender.drain()

    assert report.sent == 1
    refused, delivered = [c for c in sandbox.calls if c.method == "sendMessage"]
    assert (refused.error_code, delivered.error_code) == (429, None)
    assert delivered.at - refused.at >= 1.0
    assert await attempts(sessions) == ["rate_limited", "sent"]
    assert [m.text for m in sandbox.bot_messages(7101)] == ["Nhắc việc"]
    assert sandbox.flood_refusals == []


async def drain_until_sent(sender: Sender, sessions, wall: WallClock, rounds: int) -> list[str]:
    """Drain, then let the wall clock reach the retry time, `rounds` times; statuses seen."""
    seen = []
    for _ in range(rounds):
        await sender.drain()
        [row] = await outbox(sessions)
        seen.append(row.status)
        if row.status != "queued":
            break
        # Not due yet: a drain now must leave it alone.
        assert (await sender.drain()).sent == 0
        assert row.next_attempt_at is not None and row.next_attempt_at > wall.now()
        wall.advance_to(row.next_attempt_at)
    return seen


async def test_server_errors_are_retried_later_then_sent(sessions, sandbox, sender, wall):
    sandbox.add_user(7201, "Minh")
    await put(sessions, wall, 7201, "Nhắc việc")
    sandbox.faults.fail_next("sendMessage", times=2, error_code=500)

    assert await drain_until_sent(sender, sessions, wall, rounds=4) == [
        "queued", "queued", "sent"]

    assert send_calls(sandbox) == [500, 500, None]
    assert await attempts(sessions) == ["retry", "retry", "sent"]
    assert [m.text for m in sandbox.bot_messages(7201)] == ["Nhắc việc"]
    assert sandbox.flood_refusals == []


@pytest.mark.parametrize(("executed", "copies"), [(False, 1), (True, 2)],
                         ids=["lost-request", "lost-answer"])
async def test_a_timeout_is_retried_later(sessions, sandbox, sender, wall, executed, copies):
    sandbox.add_user(7301, "Hà")
    await put(sessions, wall, 7301, "Nhắc việc")
    sandbox.faults.time_out_next("sendMessage", hold_seconds=READ_TIMEOUT * 4, executed=executed)

    assert await drain_until_sent(sender, sessions, wall, rounds=3) == ["queued", "sent"]

    assert await attempts(sessions) == ["retry", "sent"]
    async with sessions() as session:
        first = (await session.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id))).first()
    assert first is not None and "Timed out" in str(first.error)
    # When only the answer was lost Telegram did deliver it: the retry repeats it (at least
    # once, never lost), which is what the outbox promises.
    assert [m.text for m in sandbox.bot_messages(7301)] == ["Nhắc việc"] * copies
    assert sandbox.flood_refusals == []


@pytest.mark.parametrize(("reason", "explained"), [
    ("blocked", "chặn bot"),
    ("deactivated", "vô hiệu hóa"),
    ("chat_not_found", "không tìm thấy cuộc trò chuyện"),
])
async def test_an_unreachable_person_is_marked_and_the_secretariat_told(
        sessions, sandbox, sender, wall, reason, explained):
    focal_chat, office_chat = 7401, 7402
    office = sandbox.add_user(office_chat, "Văn phòng")
    if reason != "chat_not_found":  # that one never existed in Telegram
        user = sandbox.add_user(focal_chat, "A")
        if reason == "blocked":
            user.block_bot()
        else:
            user.deactivate()
    async with transaction(sessions) as session:
        agency = Agency(key="so y te", name="Sở Y tế")
        session.add(agency)
        await session.flush()
        focal = FocalPerson(agency_id=agency.id, role="focal", channel="telegram",
                            chat_id=str(focal_chat), name="Nguyễn Văn A", linked_at=wall.now())
        secretariat = FocalPerson(role="secretariat", channel="telegram",
                                  chat_id=str(office_chat), name="Văn phòng",
                                  linked_at=wall.now())
        session.add_all([focal, secretariat])
    await put(sessions, wall, focal_chat, "Nhắc việc", person_id=focal.id)

    report = await sender.drain()

    assert (report.unreachable, report.sent) == (1, 1)
    [notice] = office.messages_from_bot()
    assert "Nguyễn Văn A (Sở Y tế)" in (notice.text or "") and explained in (notice.text or "")
    rows = {row.chat_id: row for row in await outbox(sessions)}
    assert rows[str(focal_chat)].status == "failed"
    assert rows[str(office_chat)].status == "sent"
    async with sessions() as session:
        person = await session.get(FocalPerson, focal.id)
    assert person is not None and not person.reachable
    expected_code = 400 if reason == "chat_not_found" else 403
    assert send_calls(sandbox) == [expected_code, None]
    rejected = sandbox.take_rejections()  # the unknown chat's 400 is Telegram's rejection
    assert [c.error_code for c in rejected] == ([400] if reason == "chat_not_found" else [])
    wall.advance_to(wall.now() + timedelta(hours=1))
    assert (await sender.drain()).sent == 0
    assert Counter(send_calls(sandbox)) == Counter({expected_code: 1, None: 1})
