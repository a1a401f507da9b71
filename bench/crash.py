"""kill -9 of real sender processes mid-delivery: what is lost, what is repeated, how fast.

    uv run python -m bench.crash --database sqlite --trials 100
    uv run python -m bench.crash --database postgresql --pg-url postgresql://postgres@127.0.0.1:5432/test

Sender processes (`bench.sender_child`: the production sender, Telegram messenger and limiter)
deliver an outbox to the sandbox Telegram running here; one leads, two stand by. Each trial
waits until the leader is delivering, waits a random 0-`--kill-within` seconds, kills it with
SIGKILL and notes which rows it held in "sending" (the sends it had in flight, one per chat at
most). A standby takes over once the lease runs out. At the end everything left is drained and
every message is checked: delivered at least once (none lost), and every copy that no sender
recorded (its platform message id is in no "sent" attempt) belongs to a row the killed process
held in "sending"; a second recorded "sent" is a live process that stalled past its lease (at
most `in_flight` such copies per stalled process). Prints one JSON line. `tests/storage/
test_sender_crash.py` runs the same harness with 30 trials.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.senders import Children, bench_database
from sandbox import Sandbox, running_sandbox
from scheduler.sender import DeliveryPolicy
from storage.db import make_engine, session_factory, transaction
from storage.models import DeliveryAttempt, Outbox, SendLead
from storage.outbox import NewMessage, enqueue_many

FIRST_CHAT = 8000
# After a kill, requests already on the wire land before the next leader can send: the
# snapshot of what was delivered is taken just before the dead leader's lead runs out.
LANDING_SECONDS = 0.3
BEFORE_TAKEOVER_SECONDS = 0.05


@dataclass
class Kill:
    """One kill -9 of the leading sender."""

    worker: str
    in_flight: list[str]  # texts of the rows it held in "sending"
    chats_in_flight: int
    delivered: Counter[str]  # every copy delivered up to just after the kill
    at: float
    redelivered_in: float | None = None  # until its in-flight rows were all sent again
    mark: int = 0  # the sandbox's last message sequence number when it was killed


@dataclass
class CrashResult:
    """What the trials showed."""

    messages: int = 0
    kills: list[Kill] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    repeated: Counter[str] = field(default_factory=Counter)
    # Copies no sender recorded, per kill: sent by the killed process, never recorded.
    repeats_per_kill: list[int] = field(default_factory=list)
    # Copies sent by a live process that stalled past its lease (its "sent" came too late to
    # be recorded and another process sent the row again), per stalled process.
    stalled: Counter[str] = field(default_factory=Counter)
    snapshot_unexplained: int = 0  # extra copies the timed snapshots do not account for
    # A repeated message neither a kill nor a stall explains, or two in flight for one chat.
    violations: list[str] = field(default_factory=list)
    not_sent: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The figures, for a JSON line."""
        in_flight = [len(kill.in_flight) for kill in self.kills]
        redelivery = sorted(k.redelivered_in for k in self.kills if k.redelivered_in is not None)
        return {
            "messages": self.messages, "kills": len(self.kills), "lost": len(self.lost),
            "not_sent": self.not_sent, "repeated_total": sum(self.repeated.values()),
            "repeats_per_kill_max": max(self.repeats_per_kill, default=0),
            "repeats_per_kill_mean": round(statistics.fmean(self.repeats_per_kill), 2)
            if self.repeats_per_kill else 0,
            "in_flight_per_kill_max": max(in_flight, default=0),
            "in_flight_per_kill_mean": round(statistics.fmean(in_flight), 2) if in_flight else 0,
            "kills_with_repeats": sum(1 for n in self.repeats_per_kill if n),
            "repeated_after_a_stall": sum(self.stalled.values()),
            "snapshot_unexplained": self.snapshot_unexplained,
            "stalled_senders": dict(self.stalled),
            "redelivery_seconds": _spread(redelivery),
            "violations": self.violations[:10], "seconds": round(self.seconds, 1),
        }


def _spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"n": len(values), "min": round(values[0], 2),
            "median": round(statistics.median(values), 2),
            "p90": round(values[int(len(values) * 0.9) - 1 if len(values) >= 10 else -1], 2),
            "max": round(values[-1], 2)}


async def _texts(sessions: async_sessionmaker[AsyncSession], *where: Any) -> list[str]:
    async with sessions() as session:
        return list((await session.exec(select(Outbox.text).where(*where))).all())


async def _lead(sessions: async_sessionmaker[AsyncSession]) -> SendLead | None:
    async with sessions() as session:
        return (await session.exec(select(SendLead).where(
            SendLead.channel == "telegram"))).first()


async def _leader(sessions: async_sessionmaker[AsyncSession]) -> str | None:
    lead = await _lead(sessions)
    if lead is None or lead.lease_until <= datetime.now(UTC):
        return None
    return lead.worker


class Outboxes:
    """Messages to chats FIRST_CHAT.., topped up as they are sent."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], sandbox: Sandbox,
                 chats: int) -> None:
        self.sessions = sessions
        self.chats = chats
        self.count = 0
        for n in range(chats):
            sandbox.add_user(FIRST_CHAT + n, f"Đầu mối {n}")

    async def top_up(self, below: int, rounds: int) -> None:
        """Queue `rounds` more messages per chat when fewer than `below` wait."""
        async with self.sessions() as session:
            waiting = (await session.exec(select(func.count()).select_from(Outbox).where(
                col(Outbox.status).in_(["queued", "sending"])))).one()
        if waiting >= below:
            return
        messages = []
        for _ in range(rounds):
            for chat in range(self.chats):
                self.count += 1
                messages.append(NewMessage(key=f"crash:{self.count}", kind="reminder",
                                           channel="telegram", chat_id=str(FIRST_CHAT + chat),
                                           text=f"m{self.count:05d}"))
        async with transaction(self.sessions) as session:
            await enqueue_many(messages, datetime.now(UTC), session=session)


async def _wait_for(condition: Any, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(step)
    return False


async def _watch_redelivery(sessions: async_sessionmaker[AsyncSession], kill: Kill) -> None:
    async def settled() -> bool:
        left = await _texts(sessions, col(Outbox.text).in_(kill.in_flight),
                            Outbox.status != "sent")
        return not left
    if await _wait_for(settled, timeout=120, step=0.05):
        kill.redelivered_in = time.monotonic() - kill.at


async def _late_sends(sessions: async_sessionmaker[AsyncSession]) -> dict[str, list[str]]:
    """For each text, the workers that logged a "sent" without holding the row at the end.

    A killed sender logs nothing; the sender that recorded the row keeps it (`claimed_by`);
    any other "sent" came from a live sender that stalled past its lease: its send was made,
    its record refused, and the row sent again by the next one.
    """
    async with sessions() as session:
        rows = (await session.exec(
            select(Outbox.text, Outbox.claimed_by, DeliveryAttempt.worker)
            .join(DeliveryAttempt, col(DeliveryAttempt.outbox_id) == col(Outbox.id))
            .where(DeliveryAttempt.result == "sent"))).all()
    workers: dict[str, list[str]] = {}
    kept: set[str] = set()
    for text, holder, worker in rows:
        if worker == holder and text not in kept:
            kept.add(text)
            continue
        workers.setdefault(text, []).append(worker)
    return workers


async def _recorded(sessions: async_sessionmaker[AsyncSession]) -> set[tuple[str, str]]:
    """(chat, platform message id) of every send some sender recorded as made."""
    async with sessions() as session:
        rows = (await session.exec(
            select(Outbox.chat_id, DeliveryAttempt.platform_message_id)
            .join(DeliveryAttempt, col(DeliveryAttempt.outbox_id) == col(Outbox.id))
            .where(DeliveryAttempt.result == "sent"))).all()
    return {(chat, str(message_id)) for chat, message_id in rows}


def _check(result: CrashResult, sandbox: Sandbox, texts: list[str],
           late_sends: dict[str, list[str]] | None = None,
           recorded: set[tuple[str, str]] | None = None) -> None:
    copies = sandbox.bot_messages()
    delivered = Counter(m.text or "" for m in copies)
    result.messages = len(texts)
    result.lost = [text for text in texts if not delivered[text]]
    result.repeated = Counter({text: n - 1 for text, n in delivered.items() if n > 1})
    # The snapshots (taken before the next leader may send) as a cross-check: what landed
    # between two kills and was held by the second. A copy that reaches the sandbox only after
    # its snapshot (a loaded machine) escapes them; the attempt log below does not.
    landed = [Counter(kill.delivered) - (result.kills[i - 1].delivered if i else Counter())
              for i, kill in enumerate(result.kills)]
    snapshot = [{text for text in kill.in_flight if landed[i][text]}
                for i, kill in enumerate(result.kills)]
    result.snapshot_unexplained = sum(
        max(extra - sum(1 for held in snapshot if text in held)
            - len((late_sends or {}).get(text, [])), 0)
        for text, extra in result.repeated.items())
    # Every copy no sender recorded was sent by a process killed before recording it: it must
    # be a row that process held in "sending" at its kill (each kill accounts for one copy of
    # each row it held). Recorded copies beyond the one that settled the row are stalls.
    # A copy is put down to the first kill, at or after it landed, of a process holding its
    # row (or, landed after every such kill, to the last of them): each kill once per row.
    per_kill = [0] * len(result.kills)
    used: dict[str, set[int]] = {}
    for copy in sorted(copies, key=lambda m: m.sequence):
        if (str(copy.chat_id), str(copy.message_id)) in (recorded or set()):
            continue
        text = copy.text or ""
        taken = used.setdefault(text, set())
        holders = [i for i, kill in enumerate(result.kills)
                   if text in kill.in_flight and i not in taken]
        if not holders:
            result.violations.append(f"{text}: a copy no sender recorded, and no killed "
                                     "sender left that held it")
            continue
        after = [i for i in holders if result.kills[i].mark >= copy.sequence]
        chosen = after[0] if after else holders[-1]
        taken.add(chosen)
        per_kill[chosen] += 1
    result.repeats_per_kill = per_kill
    for late in (late_sends or {}).values():
        for worker in late:
            result.stalled[worker] += 1
    for worker, stalled in result.stalled.items():
        if stalled > DeliveryPolicy().in_flight:
            result.violations.append(f"{worker} stalled and repeated {stalled} messages")
    for i, kill in enumerate(result.kills):
        if kill.chats_in_flight != len(kill.in_flight):
            result.violations.append(f"kill {i}: {len(kill.in_flight)} rows in flight for "
                                     f"{kill.chats_in_flight} chats")


async def crash_trials(sessions: async_sessionmaker[AsyncSession], database_url: str,
                       sandbox: Sandbox, *, trials: int, seed: int, chats: int = 40,
                       lease: float = 2.0, kill_within: float = 0.4) -> CrashResult:
    """Kill the leading sender `trials` times, then drain and check every message."""
    rng = random.Random(seed)
    result = CrashResult()
    started = time.monotonic()
    outbox = Outboxes(sessions, sandbox, chats)
    children = Children(database_url, sandbox, "--lease", str(lease), "--guard",
                        str(lease / 5), "--per-second", "30", "--per-chat", "0")
    watchers: list[asyncio.Task[None]] = []
    try:
        for _ in range(trials * 3):  # a try whose leader changed hands before the kill: again
            if len(result.kills) == trials:
                break
            await outbox.top_up(below=chats * 2, rounds=4)
            while len(children.alive) < 3:  # a leader and two standing by, started early
                children.spawn()
            before = len(sandbox.bot_messages())

            async def delivering(before: int = before) -> bool:
                leader = await _leader(sessions)
                return len(sandbox.bot_messages()) > before and leader in children.alive \
                    and children.standing_by(leader) > 0
            if not await _wait_for(delivering, timeout=60):
                result.violations.append("no sender delivered within 60 s")
                break
            await asyncio.sleep(rng.uniform(0, kill_within))
            worker = await _leader(sessions)
            if worker not in children.alive:
                continue
            await children.kill(worker)
            kill = Kill(worker, [], 0, Counter(), time.monotonic(),
                        mark=max((m.sequence for m in sandbox.bot_messages()), default=0))
            async with sessions() as session:
                rows = (await session.exec(select(Outbox).where(
                    Outbox.status == "sending", Outbox.claimed_by == worker))).all()
            kill.in_flight = [row.text for row in rows]
            kill.chats_in_flight = len({row.chat_id for row in rows})
            lead = await _lead(sessions)
            left = (lead.lease_until - datetime.now(UTC)).total_seconds() if lead else 0
            await asyncio.sleep(max(LANDING_SECONDS, left - BEFORE_TAKEOVER_SECONDS))
            kill.delivered = Counter(m.text or "" for m in sandbox.bot_messages())
            result.kills.append(kill)
            watchers.append(asyncio.create_task(_watch_redelivery(sessions, kill)))
        await children.close()
        _, final = children.spawn("--until-empty")
        await asyncio.to_thread(final.join)
        children.alive.clear()
        await asyncio.gather(*watchers)
    finally:
        for watcher in watchers:
            watcher.cancel()
        await children.close()
    texts = await _texts(sessions)
    result.not_sent = len(await _texts(sessions, Outbox.status != "sent"))
    _check(result, sandbox, texts, await _late_sends(sessions), await _recorded(sessions))
    result.seconds = time.monotonic() - started
    return result


async def run(kind: str, pg_url: str, trials: int, seed: int) -> dict[str, Any]:
    """Run the trials on a new database; the figures."""
    async with bench_database(kind, pg_url) as url, \
            running_sandbox(rate_limits=None) as sandbox:
        engine = make_engine(url)
        try:
            result = await crash_trials(session_factory(engine), url, sandbox, trials=trials,
                                        seed=seed)
        finally:
            await engine.dispose()
    return {"bench": "crash", "database": kind, "trials": trials, "seed": seed,
            **result.summary()}


def main() -> None:
    """Run once and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.database, args.pg_url, args.trials, args.seed))))


if __name__ == "__main__":
    main()
