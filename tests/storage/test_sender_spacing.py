"""Per-chat spacing across two sender processes and when a request is slow or unanswered
(issue #24). No concurrent sleepers: the senders take turns, the test moves the fake clock."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

import pytest

from bot.messenger import Buttons, Sent, TransientFailure
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy
from tests.fakes import FakeClock, RecordingMessenger
from tests.storage.test_sender import POLICY, make_sender, put

# After a drain each sender hands the lead back `guard` ahead; pauses below and above it.
PAUSES = [0.0, 0.4, 2.5, 0.0, 1.1, 3.0, 0.2, 2.1, 0.9, 0.0, 2.6, 0.5]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def gaps_by_chat(at: list[tuple[str, float]]) -> dict[str, list[float]]:
    times: dict[str, list[float]] = defaultdict(list)
    for chat, moment in at:
        times[chat].append(moment)
    return {chat: [b - a for a, b in pairwise(moments)] for chat, moments in times.items()}


async def test_two_senders_taking_turns_keep_each_chats_spacing_and_order(sessions, clock):
    messenger = RecordingMessenger(clock)
    senders = [make_sender(sessions, messenger, clock, worker=f"p{n}") for n in (1, 2)]
    sent_by: Counter[str] = Counter()
    standby_sent = 0
    for step, pause in enumerate(PAUSES):
        # Each turn: two more for the busy chat, one for a new chat, one for a recurring chat.
        await put(sessions, clock, ("busy", f"b{step:02d}a"), ("busy", f"b{step:02d}b"),
                  (f"c{step:02d}", "x"), (f"r{step % 3}", f"r{step:02d}"))
        sender = senders[step % 2]
        first = len(messenger.deliveries)
        report = await sender.drain()
        sent_by[sender.worker] += report.sent
        if report.standby:
            standby_sent += report.sent
        this_turn = messenger.deliveries[first:]
        busy = [d.at for d in this_turn if d.chat_id == "busy"]
        if len(busy) > 1:
            # Readiness before id: the chats that could go at once did, before the busy chat's
            # second message (whatever their ids).
            assert all(d.at < busy[1] for d in this_turn if d.chat_id.startswith("c"))
        clock.advance(pause)
    for turn in range(8):  # the rest, in turns a guard apart
        clock.advance(POLICY.guard.total_seconds() + 0.1)
        report = await senders[turn % 2].drain()
        sent_by[senders[turn % 2].worker] += report.sent

    steps = len(PAUSES)
    assert len(messenger.deliveries) == steps * 4
    assert Counter(d.text for d in messenger.deliveries if d.chat_id == "busy") == {
        f"b{s:02d}{half}": 1 for s in range(steps) for half in "ab"}
    # Both processes sent (the lead changed hands), a standby never did.
    assert min(sent_by.values()) > 0 and standby_sent == 0
    # No chat got two messages within a second, whichever process sent them.
    gaps = gaps_by_chat([(d.chat_id, d.at) for d in messenger.deliveries])
    assert all(gap >= 1.0 for chat_gaps in gaps.values() for gap in chat_gaps), gaps
    # Within a chat, messages in the order they were queued.
    assert messenger.texts_to("busy") == sorted(messenger.texts_to("busy"))
    for chat in ("r0", "r1", "r2"):
        assert messenger.texts_to(chat) == sorted(messenger.texts_to(chat))


async def test_a_chat_counts_from_the_answer_of_a_slow_request_not_from_its_start(clock):
    limiter = SendLimiter(per_second=30, per_chat_interval=1.0, clock=clock.monotonic,
                          sleep=clock.sleep)
    await limiter.acquire("telegram:1")
    clock.advance(5.0)  # the platform answers after 5 s (it got the message at some point)
    assert limiter.busy_chats(within=0.0) == ["telegram:1"]  # held while unanswered
    limiter.release("telegram:1")
    await limiter.acquire("telegram:1")
    # Whenever the first landed (at the latest with its answer), the second starts a second
    # after that answer.
    assert clock.monotonic() >= 5.0 + 1.0


@dataclass
class LateLanding(RecordingMessenger):
    """The first send to each listed chat times out after `wait` s; the platform still got it,
    `late` s after we gave up (a request on the wire is not taken back)."""

    wait: float = 5.0
    late: float = 1.5
    slow_chats: set[str] = field(default_factory=set)
    landed: list[tuple[str, str, float]] = field(default_factory=list)

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        if chat_id in self.slow_chats:
            self.slow_chats.discard(chat_id)
            await self.clock.sleep(self.wait)
            self.landed.append((chat_id, text, self.clock.monotonic() + self.late))
            raise TransientFailure("Timed out")
        sent = self._deliver(chat_id, text, buttons, None)
        self.landed.append((chat_id, text, self.clock.monotonic()))
        return sent


async def test_after_an_unanswered_send_the_chat_waits_for_a_late_landing(sessions, clock):
    messenger = LateLanding(clock, slow_chats={"x"})
    await put(sessions, clock, ("x", "1"), ("x", "2"), ("y", "3"))
    report = await make_sender(sessions, messenger, clock).drain()
    assert (report.sent, report.retried) == (2, 1)
    landed = sorted(moment for chat, _, moment in messenger.landed if chat == "x")
    # "1" reached the platform after we gave up on it; "2" lands a full second after that.
    assert landed[1] - landed[0] >= 1.0
    assert messenger.late + 1.0 <= DeliveryPolicy().unanswered_hold.total_seconds()
