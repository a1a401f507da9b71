"""The load generator: Telegram's side of the webhook, in a process of its own.

A few keep-alive connections; each chat always uses the same one, so one chat's updates arrive
in order, as Telegram delivers them. Without a rate, every connection posts back to back; with
one, updates are released on a fixed schedule whatever the bot's answers (an open loop).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from time import perf_counter, process_time

import aiohttp

from bot.webhook import SECRET_HEADER

# (update id, chat id, JSON body)
Item = tuple[int, int, bytes]


@dataclass
class Sent:
    """When each update's POST started (CLOCK_MONOTONIC, comparable across processes)."""

    at: dict[int, float] = field(default_factory=dict)
    refused: int = 0
    first: float = 0.0
    last: float = 0.0
    # How far the open-loop schedule fell behind, worst case (seconds).
    worst_lag: float = 0.0
    cpu_seconds: float = 0.0


async def _post_all(url: str, secret: str, items: list[Item], connections: int,
                    rate: float | None, pipe: Connection) -> Sent:
    sent = Sent()
    queues: list[asyncio.Queue[tuple[int, bytes] | None]] = [
        asyncio.Queue() for _ in range(connections)]
    headers = {SECRET_HEADER: secret, "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as http:

        async def deliver(queue: asyncio.Queue[tuple[int, bytes] | None]) -> None:
            while (item := await queue.get()) is not None:
                update_id, body = item
                sent.at[update_id] = perf_counter()
                async with http.post(url, data=body) as response:
                    await response.read()
                    if response.status != 200:
                        sent.refused += 1

        workers = [asyncio.create_task(deliver(queue)) for queue in queues]
        pipe.send("started")
        cpu = process_time()
        sent.first = perf_counter()
        if rate is None:
            for update_id, chat_id, body in items:
                queues[chat_id % connections].put_nowait((update_id, body))
        else:
            start = sent.first
            for number, (update_id, chat_id, body) in enumerate(items):
                due = start + number / rate
                delay = due - perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent.worst_lag = max(sent.worst_lag, perf_counter() - due)
                queues[chat_id % connections].put_nowait((update_id, body))
        for queue in queues:
            queue.put_nowait(None)
        await asyncio.gather(*workers)
        sent.last = perf_counter()
    sent.cpu_seconds = round(process_time() - cpu, 2)
    return sent


def post(url: str, secret: str, items: list[Item], connections: int, rate: float | None,
         pipe: Connection) -> None:
    """Process entry point: say "started", post every item, then send back the `Sent` record."""
    pipe.send(asyncio.run(_post_all(url, secret, items, connections, rate, pipe)))
