"""The database half of the ingest path alone: `Conversation.handle` in a loop, no HTTP.

    uv run python -m bench.ingest_handle --db sqlite --updates 2000

The same world and updates as `bench.ingest` (built from the same JSON by PTB's `Update.de_json`
and the adapter's `to_incoming`), handled one after another; prints one JSON line with the
wall and CPU milliseconds per update, and what `parse_reply` alone costs per typed message.
It isolates what parsing, authorising and the database
cost from webhook, PTB and reply-sending costs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot, Update

from bench.ingest import ADMIN_URL
from bench.ingest_script import TODAY, Script
from bench.ingest_world import build_world
from bench.load import bench_database
from bot.conversation import Conversation, ConversationConfig
from bot.telegram_app import to_incoming
from domain.replies import parse_reply
from storage.db import make_engine, session_factory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build the world, warm up, then time `handle` over the measured updates."""
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="dondoc-handle-") as tmp:
        async with bench_database(args.db, Path(tmp), admin_url=args.admin_url) as url:
            chats = await build_world(url, args.chats, rng)
            script = Script(chats, rng)
            bot = Bot("123:bench")
            planned = script.take(args.warmup + args.updates)
            incoming = [to_incoming(Update.de_json(json.loads(p.body), bot)) for p in planned]
            engine = make_engine(url)
            conversation = Conversation(session_factory(engine), ConversationConfig(
                tz=TZ, now=lambda: datetime.now(UTC)))
            try:
                for event in incoming[:args.warmup]:
                    assert event is not None
                    await conversation.handle(event)
                wall, cpu = time.perf_counter(), time.process_time()
                for event in incoming[args.warmup:]:
                    assert event is not None
                    await conversation.handle(event)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            finally:
                await engine.dispose()
    # The reply parser's share: once per typed message, as handle_text calls it.
    texts = [e.text for e in incoming[args.warmup:] if e is not None and e.text]
    parse = time.process_time()
    for typed in texts:
        parse_reply(typed, TODAY)
    parse = time.process_time() - parse
    return {"bench": "ingest_handle", "db": args.db, "updates": args.updates,
            "wall_ms_per_update": round(wall / args.updates * 1000, 3),
            "cpu_ms_per_update": round(cpu / args.updates * 1000, 3),
            "typed_messages": len(texts),
            "parse_reply_cpu_ms_per_message": round(parse / len(texts) * 1000, 3)}


def main() -> None:
    """Run once and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--updates", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--chats", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--admin-url", default=ADMIN_URL)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
