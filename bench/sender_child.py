"""One sender process against a Telegram stand-in, for the crash test and the delivery bench.

    uv run python -m bench.sender_child DATABASE_URL BASE_URL TOKEN --worker NAME [--lease 1]

It drains the outbox over and over (standing by while another process leads) until killed,
or with `--until-empty` until no row is queued or being sent. It is the production sender,
messenger and limiter; only the lease, the guard and the limits come from the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import telegram
from sqlalchemy import func
from sqlmodel import col, select

from bot.telegram_app import AiohttpRequest
from bot.telegram_messenger import TelegramMessenger
from scheduler.limits import SendLimiter
from scheduler.sender import DeliveryPolicy, Sender
from storage.db import make_engine, session_factory
from storage.models import Outbox

# Between drains: a leader with nothing due, or a standby, looks again this often.
IDLE_SECONDS = 0.05
STANDBY_SECONDS = 0.2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("base_url")
    parser.add_argument("token")
    parser.add_argument("--worker", required=True)
    parser.add_argument("--lease", type=float, default=30.0, help="seconds")
    parser.add_argument("--guard", type=float, default=2.0, help="seconds")
    parser.add_argument("--per-second", type=int, default=30)
    parser.add_argument("--per-chat", type=float, default=1.0, help="seconds between a chat's")
    parser.add_argument("--until-empty", action="store_true")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, ready: Callable[[], None] | None = None) -> None:
    """Drain until killed (or until the outbox is empty with --until-empty)."""
    engine = make_engine(args.database_url)
    sessions = session_factory(engine)
    policy = DeliveryPolicy(lease=timedelta(seconds=args.lease),
                            guard=timedelta(seconds=args.guard))
    try:
        async with telegram.Bot(args.token, base_url=args.base_url,
                                request=AiohttpRequest()) as bot:
            sender = Sender(sessions, {"telegram": TelegramMessenger(bot)},
                            SendLimiter(args.per_second, args.per_chat), worker=args.worker,
                            now=lambda: datetime.now(UTC), policy=policy)
            if ready is not None:
                ready()
            while True:
                report = await sender.drain()
                if args.until_empty:
                    async with sessions() as session:
                        left = (await session.exec(select(func.count()).select_from(Outbox).where(
                            col(Outbox.status).in_(["queued", "sending"])))).one()
                    if not left:
                        return
                # Standing by, look less often: on SQLite each look is a write.
                await asyncio.sleep(STANDBY_SECONDS if report.standby else IDLE_SECONDS)
    finally:
        await engine.dispose()


def child_main(argv: list[str], ready: Any = None) -> None:
    """Process entry point (multiprocessing): `ready`, an Event, is set once it can send."""
    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(run(parse_args(argv), None if ready is None else ready.set))


def main() -> None:
    """Entry point."""
    child_main(sys.argv[1:])


if __name__ == "__main__":
    main()
