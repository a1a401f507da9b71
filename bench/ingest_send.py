"""What one reply costs the bot: PTB's send_message over httpx, over aiohttp, and unparsed.

    uv run python -m bench.ingest_send --calls 2000

The sandbox Telegram runs in a process of its own (as in `bench.ingest`); this process sends
`--calls` replies one after another with each HTTP stack, after a warm-up, and prints one JSON
line with the wall and CPU milliseconds per call of this process only. `aiohttp_unparsed` is
aiohttp with `send_replies`' call (`do_api_request`: Telegram's answer is not made a `Message`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from typing import Any

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bench import ingest_sandbox
from bot.telegram_app import AiohttpRequest, send_text

CHAT = 10_000
TEXT = "Đã ghi nhận NV12: Đang thực hiện 60%. Cảm ơn đồng chí."


async def _time(request: BaseRequest, telegram: tuple[str, str, str], calls: int,
                warmup: int, parsed: bool = True) -> dict[str, float]:
    token, base_url, file_base_url = telegram
    async with Bot(token, base_url=base_url, base_file_url=file_base_url,
                   request=request) as bot:

        async def send() -> None:
            if parsed:
                await bot.send_message(CHAT, TEXT)
            else:
                await send_text(bot, CHAT, TEXT, None)

        for _ in range(warmup):
            await send()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            await send()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_ms_per_call": round(wall / calls * 1000, 3),
            "cpu_ms_per_call": round(cpu / calls * 1000, 3)}


async def run(calls: int, warmup: int) -> dict[str, Any]:
    """Start the sandbox, time both stacks (httpx first), stop the sandbox."""
    spawn = multiprocessing.get_context("spawn")
    receiver, sender = spawn.Pipe()
    sandbox = spawn.Process(target=ingest_sandbox.serve, args=([(CHAT, "Lan")], [], sender),
                            daemon=True)
    sandbox.start()
    try:
        telegram = await asyncio.to_thread(receiver.recv)
        httpx = await _time(HTTPXRequest(), telegram, calls, warmup)
        aiohttp = await _time(AiohttpRequest(), telegram, calls, warmup)
        unparsed = await _time(AiohttpRequest(), telegram, calls, warmup, parsed=False)
    finally:
        receiver.send("stop")
        report = await asyncio.to_thread(receiver.recv)
        await asyncio.to_thread(sandbox.join)
    return {"bench": "ingest_send", "calls": calls, "httpx": httpx, "aiohttp": aiohttp,
            "aiohttp_unparsed": unparsed,
            "delivered": report["bot_messages"], "rejections": report["rejections"]}


def main() -> None:
    """Run once and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.calls, args.warmup))))


if __name__ == "__main__":
    main()
