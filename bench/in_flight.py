"""What "at most one repeat per kill" would cost: delivery rate against sends kept in flight.

    uv run python -m bench.in_flight --database postgresql --latency 0 0.1 0.3 --in-flight 1 3 10

A kill repeats the sends that reached the platform but whose "sent" was not yet committed;
the sender bounds them with `DeliveryPolicy.in_flight`. One repeat per kill at most means one
send in flight, so one message per (round trip + commit). The production sender (one process,
its limiter at 30/s and 1/s per chat) drains messages to distinct chats through the sandbox
Telegram, whose answers are delayed by `--latency` seconds (a stand-in for the network's
round trip: the real one to api.telegram.org is not measurable from these machines). Prints
one JSON line per (latency, in-flight): the rate from the first delivery to the last.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

import telegram
from sqlalchemy import func
from sqlmodel import col, select

from bench.senders import bench_database
from bot.telegram_app import AiohttpRequest
from bot.telegram_messenger import TelegramMessenger
from sandbox import running_sandbox
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy, Sender
from storage.db import make_engine, session_factory, transaction
from storage.models import Outbox
from storage.outbox import NewMessage, enqueue_many

FIRST_CHAT = 30_000


async def run(kind: str, pg_url: str, latency: float, in_flight: int,
              messages: int) -> dict[str, Any]:
    """One drain of `messages` (one per chat) with this latency and in-flight bound."""
    batch = [NewMessage(key=f"flight:{n}", kind="reminder", channel="telegram",
                        chat_id=str(FIRST_CHAT + n), text="Nhắc việc") for n in range(messages)]
    async with bench_database(kind, pg_url) as url, running_sandbox() as sandbox:
        for n in range(messages):
            sandbox.add_user(FIRST_CHAT + n, f"Đầu mối {n}")
        if latency > 0:
            sandbox.faults.slow_down("sendMessage", latency)
        engine = make_engine(url)
        sessions = session_factory(engine)
        try:
            async with transaction(sessions) as session:
                await enqueue_many(batch, datetime.now(UTC), session=session)
            async with telegram.Bot(sandbox.token, base_url=sandbox.base_url,
                                    request=AiohttpRequest()) as bot:
                sender = Sender(sessions, {"telegram": TelegramMessenger(bot)},
                                SendLimiter(30, 1.0), worker="bench-in-flight",
                                now=lambda: datetime.now(UTC),
                                policy=DeliveryPolicy(in_flight=in_flight))
                began = time.monotonic()
                while time.monotonic() - began < 900:
                    await sender.drain()
                    async with sessions() as session:
                        left = (await session.exec(select(func.count()).select_from(Outbox).where(
                            col(Outbox.status).in_(["queued", "sending"])))).one()
                    if not left:
                        break
        finally:
            await engine.dispose()
        times = sorted(c.at for c in sandbox.calls
                       if c.method == "sendMessage" and c.error_code is None)
    rate = round((len(times) - 1) / (times[-1] - times[0]), 2) if len(times) > 1 else None
    return {"bench": "in_flight", "database": kind, "latency_s": latency,
            "in_flight": in_flight, "messages": messages, "delivered": len(times), "rate": rate}


def main() -> None:
    """Every combination, one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.1, 0.3])
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--messages", type=int, default=150)
    args = parser.parse_args()
    for latency in args.latency:
        for in_flight in args.in_flight:
            print(json.dumps(asyncio.run(run(args.database, args.pg_url, latency, in_flight,
                                             args.messages))), flush=True)


if __name__ == "__main__":
    main()
