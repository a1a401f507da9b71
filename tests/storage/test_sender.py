"""The outbox and the sender: exactly-once planning, leases, crashes, errors and rate limits."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from bot.messenger import RateLimited, Rejected, TransientFailure, Unreachable
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy, Sender
from storage.db import transaction
from storage.models import Agency, DeliveryAttempt, FocalPerson, Outbox
from storage.outbox import NewMessage, claim_due, enqueue
from tests.fakes import Crash, FakeClock, RecordingMessenger

POLICY = DeliveryPolicy(lease=timedelta(minutes=5), batch=50)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def messenger(clock) -> RecordingMessenger:
    return RecordingMessenger(clock)


def make_sender(sessions, messenger, clock, worker="w1", per_second=30) -> Sender:
    limiter = SendLimiter(per_second=per_second, per_chat_interval=1.0,
                          clock=clock.monotonic, sleep=clock.sleep)
    return Sender(sessions, {"telegram": messenger}, limiter, worker=worker, now=clock.now,
                  policy=POLICY, rng=random.Random(7))


async def put(sessions, clock, *messages: tuple[str, str], person_id=None) -> None:
    async with transaction(sessions) as session:
        for chat_id, text in messages:
            await enqueue(NewMessage(key=f"k:{chat_id}:{text}", kind="reminder",
                                     channel="telegram", chat_id=chat_id, text=text,
                                     focal_person_id=person_id), clock.now(), session=session)


async def statuses(sessions) -> Counter[str]:
    async with sessions() as session:
        return Counter((await session.exec(select(Outbox.status))).all())


async def test_the_same_key_is_queued_once(sessions, clock):
    await put(sessions, clock, ("1", "a"), ("1", "a"))
    await put(sessions, clock, ("1", "a"))
    assert await statuses(sessions) == {"queued": 1}


async def test_drain_sends_everything_in_order_and_logs_attempts(sessions, clock, messenger):
    await put(sessions, clock, ("1", "a"), ("1", "b"), ("2", "c"))
    report = await make_sender(sessions, messenger, clock).drain()
    assert report.sent == 3
    assert messenger.texts_to("1") == ["a", "b"]
    assert await statuses(sessions) == {"sent": 3}
    async with sessions() as session:
        results = (await session.exec(select(DeliveryAttempt.result))).all()
        sent = (await session.exec(select(Outbox).where(Outbox.text == "a"))).one()
    assert results == ["sent"] * 3
    assert sent.platform_message_id and sent.sent_at is not None


async def test_a_crash_between_claim_and_send_loses_nothing(sessions, clock, messenger):
    await put(sessions, clock, ("1", "a"), ("2", "b"))
    async with transaction(sessions) as session:
        claimed = await claim_due(clock.now(), "dead", POLICY.lease, 10, ["telegram"],
                                  session=session)
    assert len(claimed) == 2  # ... and the process that claimed them dies here.
    survivor = make_sender(sessions, messenger, clock, worker="w2")
    assert (await survivor.drain()).sent == 0  # leases still held
    clock.advance(POLICY.lease.total_seconds() + 1)
    assert (await survivor.drain()).sent == 2
    assert sorted(d.text for d in messenger.deliveries) == ["a", "b"]


async def test_a_crash_between_send_and_record_repeats_at_most_what_was_in_flight(
        sessions, clock, messenger):
    await put(sessions, clock, ("1", "a"), ("1", "b"), ("2", "c"))
    messenger.crash_after_send.add("a")
    with pytest.raises(Crash):
        await make_sender(sessions, messenger, clock, worker="dies").drain()
    async with sessions() as session:
        in_flight = (await session.exec(select(Outbox.text).where(
            Outbox.status == "sending", Outbox.claimed_by == "dies"))).all()
    # One row per chat at a time: "b" waits for "a" and was never taken.
    assert "a" in in_flight and "b" not in in_flight
    clock.advance(POLICY.lease.total_seconds() + 1)
    await make_sender(sessions, messenger, clock, worker="w2").drain()
    sent = Counter(d.text for d in messenger.deliveries)
    assert {text for text, copies in sent.items() if copies > 1} <= set(in_flight)
    assert sent["a"] == 2 and sent["b"] == 1 and set(sent) == {"a", "b", "c"}
    assert await statuses(sessions) == {"sent": 3}


async def test_rate_limited_waits_exactly_retry_after_then_sends(sessions, clock, messenger):
    await put(sessions, clock, ("1", "a"))
    messenger.fail("1", RateLimited(7))
    started = clock.monotonic()
    report = await make_sender(sessions, messenger, clock).drain()
    assert report.sent == 1
    assert messenger.deliveries[0].at - started == 7
    async with sessions() as session:
        attempts = (await session.exec(select(DeliveryAttempt))).all()
    assert [(a.result, a.retry_after) for a in attempts] == [("rate_limited", 7), ("sent", None)]


async def test_one_chat_flood_wait_does_not_stall_the_others(sessions, clock, messenger):
    await put(sessions, clock, ("slow", "a"), *((str(n), "x") for n in range(5)))
    messenger.fail("slow", RateLimited(30))
    await make_sender(sessions, messenger, clock).drain()
    others = [d.at for d in messenger.deliveries if d.chat_id != "slow"]
    assert len(others) == 5 and max(others) < 30
    assert messenger.texts_to("slow") == ["a"]


@pytest.mark.parametrize("error", [TransientFailure("500 Internal Server Error"),
                                   TransientFailure("timed out"), RuntimeError("bug")])
async def test_transient_failures_back_off_with_a_bound_and_stay_queued(
        sessions, clock, messenger, error):
    await put(sessions, clock, ("1", "a"))
    sender = make_sender(sessions, messenger, clock)
    delays = []
    for _ in range(12):
        messenger.fail("1", error)
        before = clock.now()
        assert (await sender.drain()).retried == 1
        async with sessions() as session:
            row = (await session.exec(select(Outbox))).one()
        assert row.status == "queued"
        delays.append(row.next_attempt_at - before)
        clock.advance((row.next_attempt_at - clock.now()).total_seconds())
    assert delays[0] <= POLICY.retry_base
    assert delays[1] > delays[0]
    assert all(d <= POLICY.retry_bound for d in delays)
    assert delays[-1] >= POLICY.retry_bound / 2
    await sender.drain()
    assert messenger.texts_to("1") == ["a"]


async def test_an_unreachable_person_is_marked_and_the_secretariat_told(
        sessions, clock, messenger):
    async with transaction(sessions) as session:
        agency = Agency(key="so y te", name="Sở Y tế")
        session.add(agency)
        await session.flush()
        focal = FocalPerson(agency_id=agency.id, role="focal", channel="telegram",
                            chat_id="100", name="Nguyễn Văn A", linked_at=clock.now())
        secretariat = FocalPerson(role="secretariat", channel="telegram", chat_id="900",
                                  name="Văn phòng", linked_at=clock.now())
        session.add_all([focal, secretariat])
    await put(sessions, clock, ("100", "nhắc việc"), person_id=focal.id)
    messenger.fail("100", Unreachable("blocked", "Forbidden: bot was blocked by the user"))
    report = await make_sender(sessions, messenger, clock).drain()
    assert report.unreachable == 1
    [notice] = messenger.texts_to("900")
    assert "Nguyễn Văn A (Sở Y tế)" in notice and "chặn bot" in notice
    async with sessions() as session:
        person = await session.get(FocalPerson, focal.id)
        assert person is not None and not person.reachable
        assert (await session.exec(select(Outbox.status).where(Outbox.chat_id == "100"))).one() \
            == "failed"
    clock.advance(3600)
    assert (await make_sender(sessions, messenger, clock).drain()).sent == 0


async def test_a_rejected_message_fails_without_retry(sessions, clock, messenger):
    await put(sessions, clock, ("1", "a"))
    messenger.fail("1", Rejected("Bad Request: can't parse entities"))
    assert (await make_sender(sessions, messenger, clock).drain()).failed == 1
    clock.advance(3600)
    assert (await make_sender(sessions, messenger, clock).drain()).sent == 0
    assert await statuses(sessions) == {"failed": 1}


async def test_a_burst_reaches_every_chat_once_and_in_order(sessions, clock, messenger):
    chats = [str(1000 + n) for n in range(1000)]
    async with transaction(sessions) as session:
        for round_ in range(3):
            for chat in chats:
                await enqueue(NewMessage(key=f"b:{chat}:{round_}", kind="reminder",
                                         channel="telegram", chat_id=chat,
                                         text=f"{chat}/{round_}"), clock.now(), session=session)
    report = await make_sender(sessions, messenger, clock).drain()
    assert report.sent == 3000 and len(messenger.deliveries) == 3000
    # Each chat's three messages arrive once each, in order. The spacing itself is judged by
    # the sandbox, which enforces Telegram's limits in real time
    # (test_sender_sandbox.py: no 429, no flood refusal): on one fake clock, concurrent sends
    # that sleep on it move each other's recorded instants (about one run in ten looked fast).
    per_chat = defaultdict(list)
    for delivery in messenger.deliveries:
        per_chat[delivery.chat_id].append(delivery.text)
    assert per_chat == {chat: [f"{chat}/{round_}" for round_ in range(3)] for chat in chats}
    async with sessions() as session:
        assert (await session.exec(select(func.count()).select_from(Outbox).where(
            Outbox.status == "sent"))).one() == 3000
