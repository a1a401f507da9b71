"""Delivery at the platform's ceiling: sender processes against the sandbox, its limits on.

    uv run python -m bench.delivery --database sqlite --scenario burst
    uv run python -m bench.delivery --database postgresql --scenario busy
    uv run python -m bench.delivery --database postgresql --scenario burst --processes 3

The sandbox Telegram (30 messages/s per bot, 1/s per chat, sliding windows, 429 beyond) runs
in this process; the senders are real processes (`bench.sender_child`: the production sender,
messenger and limiter with the production defaults) on a new database. Scenarios:

- `burst`: 3,000 messages to 1,000 chats (three each, queued chat after chat, round after
  round), drained to the end by `--processes` senders.
- `busy`: 300 messages for one chat queued first, then one message for each of 300 other
  chats; runs until the others are delivered and `--busy-window` seconds have passed.

Prints one JSON line: delivered, the rate from the first delivery to the last, 429s (and
those after the first 5 s), chats messaged twice within a second, the most messages in any
one-second window, and who sent what.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import defaultdict
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.senders import Children, bench_database
from sandbox import ApiCall, Sandbox, running_sandbox
from storage.db import make_engine, session_factory, transaction
from storage.models import DeliveryAttempt, Outbox
from storage.outbox import NewMessage, enqueue_many

BURST_CHATS, BURST_ROUNDS = 1000, 3
BUSY_CHAT, BUSY_MESSAGES, OTHERS = 20_000, 300, 300
FIRST_CHAT = 10_000
STEADY_AFTER = 5.0  # seconds after the first delivery


def burst_messages() -> list[NewMessage]:
    """Three messages for each of 1,000 chats, queued chat after chat, round after round."""
    return [NewMessage(key=f"burst:{chat}:{round_}", kind="reminder", channel="telegram",
                       chat_id=str(chat), text=f"Nhắc việc {round_ + 1}/{BURST_ROUNDS}")
            for round_ in range(BURST_ROUNDS)
            for chat in range(FIRST_CHAT, FIRST_CHAT + BURST_CHATS)]


def busy_messages() -> list[NewMessage]:
    """300 for one chat first (the lowest ids), then one for each of 300 other chats."""
    busy = [NewMessage(key=f"busy:{n}", kind="reminder", channel="telegram",
                       chat_id=str(BUSY_CHAT), text=f"Thông báo {n + 1}")
            for n in range(BUSY_MESSAGES)]
    others = [NewMessage(key=f"other:{chat}", kind="reminder", channel="telegram",
                         chat_id=str(chat), text="Nhắc việc")
              for chat in range(BUSY_CHAT + 1, BUSY_CHAT + 1 + OTHERS)]
    return busy + others


def _rate(times: list[float]) -> float | None:
    return round((len(times) - 1) / (times[-1] - times[0]), 2) if len(times) > 1 else None


def _sent(sandbox: Sandbox) -> list[ApiCall]:
    return [c for c in sandbox.calls if c.method == "sendMessage" and c.error_code is None]


def figures(sandbox: Sandbox) -> dict[str, Any]:
    """What the sandbox saw: rates, refusals, per-chat spacing, the busiest second."""
    sent = _sent(sandbox)
    times = sorted(c.at for c in sent)
    refused = [c.at for c in sandbox.calls if c.error_code == 429]
    by_chat: dict[str, list[float]] = defaultdict(list)
    for call in sent:
        by_chat[str(call.params["chat_id"])].append(call.at)
    twice = sum(1 for at in by_chat.values() for a, b in pairwise(sorted(at)) if b - a < 1.0)
    busiest, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        busiest = max(busiest, end - start + 1)
    return {
        "delivered": len(sent), "seconds": round(times[-1] - times[0], 1) if times else None,
        "rate": _rate(times), "refused_429": len(refused),
        "refused_429_steady": sum(1 for at in refused if times and at > times[0] + STEADY_AFTER),
        "chats_twice_within_1s": twice, "most_in_one_second": busiest,
        "_by_chat": by_chat,
    }


def busy_figures(by_chat: dict[str, list[float]]) -> dict[str, Any]:
    """The others' rate, and the busy chat's."""
    busy = sorted(by_chat.get(str(BUSY_CHAT), []))
    others = sorted(at for chat, at_ in by_chat.items() if chat != str(BUSY_CHAT) for at in at_)
    first = min([*busy[:1], *others[:1]], default=0.0)
    return {
        "others_delivered": len(others), "others_rate": _rate(others),
        "others_done_after": round(others[-1] - first, 1) if others else None,
        "busy_delivered": len(busy), "busy_rate": _rate(busy),
        "busy_min_gap": round(min((b - a for a, b in pairwise(busy)), default=0.0), 3),
    }


async def _wait(sandbox: Sandbox, scenario: str, expected: int, window: float,
                timeout: float) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        await asyncio.sleep(0.2)
        sent = _sent(sandbox)
        if scenario == "burst" and len(sent) >= expected:
            return
        if scenario == "busy" and time.monotonic() - started >= window and sum(
                1 for c in sent if str(c.params["chat_id"]) != str(BUSY_CHAT)) >= OTHERS:
            return


async def _recorded(sessions: async_sessionmaker[AsyncSession], timeout: float) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        async with sessions() as session:
            left = (await session.exec(select(func.count()).select_from(Outbox).where(
                col(Outbox.status).in_(["queued", "sending"])))).one()
        if not left:
            return
        await asyncio.sleep(0.2)


async def run(kind: str, pg_url: str, scenario: str, processes: int,
              busy_window: float) -> dict[str, Any]:
    """One scenario on a new database; the figures."""
    messages = burst_messages() if scenario == "burst" else busy_messages()
    async with bench_database(kind, pg_url) as url, running_sandbox() as sandbox:
        for chat in sorted({int(m.chat_id) for m in messages}):
            sandbox.add_user(chat, f"Đầu mối {chat}")
        engine = make_engine(url)
        sessions = session_factory(engine)
        try:
            async with transaction(sessions) as session:
                await enqueue_many(messages, datetime.now(UTC), session=session)
            children = Children(url, sandbox)
            try:
                for _ in range(processes):
                    children.spawn()
                await _wait(sandbox, scenario, len(messages), busy_window, timeout=900)
                if scenario == "burst":  # let the last answers be recorded before stopping
                    await _recorded(sessions, timeout=30)
            finally:
                await children.close()
            async with sessions() as session:
                per_worker = dict((await session.exec(
                    select(DeliveryAttempt.worker, func.count()).where(
                        DeliveryAttempt.result == "sent").group_by(DeliveryAttempt.worker))
                ).all())
        finally:
            await engine.dispose()
        result = figures(sandbox)
    by_chat = result.pop("_by_chat")
    if scenario == "busy":
        result.update(busy_figures(by_chat))
    return {"bench": "delivery", "database": kind, "scenario": scenario,
            "processes": processes, "messages": len(messages), **result,
            "sent_by_worker": per_worker}


def main() -> None:
    """Run once and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--scenario", choices=["burst", "busy"], default="burst")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--busy-window", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.database, args.pg_url, args.scenario,
                                     args.processes, args.busy_window))))


if __name__ == "__main__":
    main()
