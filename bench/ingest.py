"""Ingest benchmark: status replies through the real update path, one JSON line per run.

    uv run python -m bench.ingest --db sqlite --updates 5000            # throughput
    uv run python -m bench.ingest --db postgresql --rate 100 --duration 20   # latency

Three processes on loopback. The load generator POSTs Telegram-shaped updates to the real
aiohttp webhook (`bot.webhook.webhook_app`, secret checked) over keep-alive connections; the
bot process runs the real PTB Application from its update_queue into the real Conversation on a
fresh database; the bot's replies and callback answers go over HTTP to the sandbox Telegram.

Latency of one update = from its POST starting (in the generator) to its transaction committed
(when `Conversation.handle` returns), both on CLOCK_MONOTONIC; `handled_ms` runs on to the end
of the update's handling, replies sent. Throughput = updates / (first POST → last handled).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import multiprocessing
import os
import platform
import random
import secrets
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from time import perf_counter
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bench import ingest_client, ingest_sandbox
from bench.ingest_cpu import CpuWindow
from bench.ingest_script import Planned, Script
from bench.ingest_world import build_world, outcome
from bench.load import bench_database
from bot.conversation import Conversation, ConversationConfig, Incoming, Outgoing
from bot.telegram_app import CONCURRENT_UPDATES, build_application
from bot.webhook import webhook_app
from storage.db import make_engine, session_factory

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ADMIN_URL = os.environ.get("DONDOC_TEST_DATABASE_URL",
                           "postgresql://postgres@127.0.0.1:5432/postgres")
SPAWN = multiprocessing.get_context("spawn")


class Tracker:
    """When each update committed and finished, from hooks on the real path."""

    def __init__(self) -> None:
        self.committed: dict[int, float] = {}
        self.handled: dict[int, float] = {}
        self.errors: list[str] = []
        self._waiting: set[int] = set()
        self._all_done = asyncio.Event()

    def expect(self, update_ids: Sequence[int]) -> None:
        """Wait for these updates next."""
        self._waiting = set(update_ids) - set(self.handled)
        self._all_done = asyncio.Event()
        if not self._waiting:
            self._all_done.set()

    async def wait(self, timeout: float) -> None:
        """Until every expected update was handled (TimeoutError otherwise)."""
        await asyncio.wait_for(self._all_done.wait(), timeout)

    async def finished(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB handler in a later group: runs once the conversation's handler is done."""
        self.handled[update.update_id] = perf_counter()
        self._waiting.discard(update.update_id)
        if not self._waiting:
            self._all_done.set()

    async def failed(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """PTB error handler, beside the bot's own."""
        self.errors.append(f"{type(context.error).__name__}: {context.error}")


class TimedConversation(Conversation):
    """The real conversation; notes when `handle` returns, i.e. after its commit."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], config: ConversationConfig,
                 tracker: Tracker) -> None:
        super().__init__(sessions, config)
        self.tracker = tracker

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Handle, then stamp the commit."""
        replies = await super().handle(incoming)
        self.tracker.committed[int(incoming.update_id)] = perf_counter()
        return replies


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _spread(values: Sequence[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 0.50) * 1000, 2),
            "p99": round(percentile(values, 0.99) * 1000, 2),
            "max": round(max(values) * 1000, 2)}


async def _backends(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    """PostgreSQL server processes serving our database (none on SQLite)."""
    async with sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            return []
        rows = await session.exec(text(  # type: ignore[call-overload]
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
        return [pid for (pid,) in rows.all()]


async def _phase(url: str, secret: str, planned: list[Planned], connections: int,
                 rate: float | None, tracker: Tracker, timeout: float, cpu: CpuWindow,
                 sessions: async_sessionmaker[AsyncSession]
                 ) -> tuple[ingest_client.Sent, dict[str, float]]:
    tracker.expect([p.update_id for p in planned])
    receiver, sender = SPAWN.Pipe(duplex=False)
    items = [(p.update_id, p.chat_id, p.body) for p in planned]
    process = SPAWN.Process(target=ingest_client.post,
                            args=(url, secret, items, connections, rate, sender), daemon=True)
    process.start()
    await asyncio.to_thread(receiver.recv)  # "started": its imports are done
    cpu.start(await _backends(sessions))
    sent: ingest_client.Sent = await asyncio.to_thread(receiver.recv)
    await tracker.wait(timeout)
    used = cpu.stop()
    # Off the event loop: the generator's exit takes a while, and would stall the bot.
    await asyncio.to_thread(process.join)
    used["load_generator"] = sent.cpu_seconds
    ours = ("bot", "telegram_sandbox", "postgres", "load_generator")
    # Anything else running on the machine meanwhile (other benchmarks, tests) skews the figures.
    used["other_processes"] = round(used["machine_busy"] - sum(used[k] for k in ours), 2)
    return sent, used


async def _drive(args: argparse.Namespace, url: str, telegram: tuple[str, str, str],
                 warmup: list[Planned], measured: list[Planned], sandbox_pid: int
                 ) -> tuple[ingest_client.Sent, Tracker, dict[str, int], dict[str, float]]:
    engine = make_engine(url)
    sessions = session_factory(engine)
    tracker = Tracker()
    conversation = TimedConversation(sessions, ConversationConfig(
        tz=TZ, now=lambda: datetime.now(UTC)), tracker)
    token, base_url, file_base_url = telegram
    application = build_application(conversation, token, base_url, file_base_url,
                                     args.concurrency)
    application.add_handler(TypeHandler(Update, tracker.finished), group=1)
    application.add_error_handler(tracker.failed)
    secret = secrets.token_urlsafe(24)
    try:
        async with application:
            await application.start()
            runner = web.AppRunner(webhook_app(application, secret))
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            port = runner.addresses[0][1]
            hook = f"http://127.0.0.1:{port}/telegram"
            timeout = 120 + len(measured) / 50
            cpu = CpuWindow({"bot": os.getpid(), "telegram_sandbox": sandbox_pid})
            await _phase(hook, secret, warmup, args.connections, None, tracker, timeout, cpu,
                         sessions)
            profiler = _start_profiler() if args.profile else None
            sent, used = await _phase(hook, secret, measured, args.connections, args.rate,
                                      tracker, timeout, cpu, sessions)
            if profiler is not None:
                profiler.stop()
                args.profile.write_text(profiler.output_text(unicode=False, color=False))
            await runner.cleanup()
            await application.stop()
        rows = asdict(await outcome(sessions))
    finally:
        await engine.dispose()
    return sent, tracker, rows, used


def _start_profiler() -> Any:
    # A one-off look inside the bot process: `uv run --with pyinstrument python -m bench.ingest
    # --profile out.txt`; pyinstrument is not a dependency of the project.
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    return profiler


def _machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                     .splitlines() if line.startswith("MemTotal"))
    return {"cpus": os.cpu_count(), "cpu": model, "ram_gb": round(memory_kb / 1024 ** 2, 1),
            "python": platform.python_version()}


def _report(args: argparse.Namespace, script: Script, measured: list[Planned],
            sent: ingest_client.Sent, tracker: Tracker, rows: dict[str, int],
            telegram: dict[str, Any], cpu: dict[str, float]) -> dict[str, Any]:
    ids = [p.update_id for p in measured]
    committed = [i for i in ids if i in tracker.committed]
    elapsed = max(tracker.handled[i] for i in ids) - sent.first
    expected = {key: script.expected.get(key, 0) for key in rows if key != "processed_updates"}
    expected["processed_updates"] = args.warmup + len(measured)
    wanted_queries = len(script.queries)
    checks = {
        "rows_as_expected": all(rows[key] == value for key, value in expected.items()),
        "every_update_answered": telegram["bot_messages"] == expected["processed_updates"],
        "every_press_answered": telegram["callbacks_answered"] == wanted_queries,
        "no_errors": not (tracker.errors or sent.refused or telegram["rejections"]
                          or len(committed) < len(ids)),
    }
    result: dict[str, Any] = {
        "bench": "ingest", "db": args.db, "mode": "latency" if args.rate else "throughput",
        "updates": len(measured), "warmup": args.warmup, "chats": len(script.chats),
        "connections": args.connections, "concurrent_updates": args.concurrency,
        "offered_rate": args.rate,
        "seconds": round(elapsed, 3), "updates_per_s": round(len(measured) / elapsed, 1),
        "sent_per_s": round(len(measured) / max(sent.last - sent.first, 1e-9), 1),
        "latency_ms": _spread([tracker.committed[i] - sent.at[i] for i in committed]),
        "not_committed": len(ids) - len(committed),
        "handled_ms": _spread([tracker.handled[i] - sent.at[i] for i in ids]),
        "buttons": sum(p.kind == "button" for p in measured),
        "cpu_seconds": cpu,
        "bot_cpu_ms_per_update": round(cpu["bot"] / len(measured) * 1000, 2),
        "ok": all(checks.values()), "checks": checks, "rows": rows, "expected": expected,
        "telegram": telegram, "errors": tracker.errors[:5], "log_level": args.log_level,
        "machine": _machine(),
    }
    if args.rate:
        result["schedule_worst_lag_ms"] = round(sent.worst_lag * 1000, 2)
    return result


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build the world, run warm-up and the measured phase, check the database, report."""
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="dondoc-ingest-") as tmp:
        folder = Path(tmp)
        _log_to(args.log_file or folder / "bot.log", args.log_level)
        async with bench_database(args.db, folder, admin_url=args.admin_url) as url:
            chats = await build_world(url, args.chats, rng)
            script = Script(chats, rng)
            warmup = script.take(args.warmup)
            count = round(args.rate * args.duration) if args.rate else args.updates
            measured = script.take(count)
            receiver, sender = SPAWN.Pipe()
            users = [(c.chat_id, c.name) for c in chats]
            queries = [(q.id, q.chat_id, q.message_id, q.data) for q in script.queries]
            sandbox = SPAWN.Process(target=ingest_sandbox.serve, args=(users, queries, sender),
                                    daemon=True)
            sandbox.start()
            try:
                telegram = await asyncio.to_thread(receiver.recv)
                sent, tracker, rows, cpu = await _drive(args, url, telegram, warmup, measured,
                                                        sandbox.pid or 0)
            finally:
                receiver.send("stop")
                report = await asyncio.to_thread(receiver.recv)
                sandbox.join()
    return _report(args, script, measured, sent, tracker, rows, report, cpu)


def _log_to(path: Path, level: str) -> None:
    # As `dondoc run` logs, but to a file: stdout carries the one JSON line.
    logging.basicConfig(filename=path, level=level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--updates", type=int, default=5000,
                        help="updates to push as fast as possible (throughput mode)")
    parser.add_argument("--rate", type=float, default=None,
                        help="offered updates/s (latency mode; uses --duration)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds at --rate")
    parser.add_argument("--warmup", type=int, default=300, help="updates before measuring")
    parser.add_argument("--chats", type=int, default=300, help="linked focal persons")
    parser.add_argument("--connections", type=int, default=4, help="webhook connections")
    parser.add_argument("--concurrency", type=int, default=CONCURRENT_UPDATES,
                        help="updates the bot handles at once (1: one after another)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a pyinstrument profile of the bot process to this file")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--log-file", type=Path, default=None,
                        help="keep the bot's log here (default: a temporary file)")
    parser.add_argument("--admin-url", default=ADMIN_URL,
                        help="PostgreSQL server to create the benchmark database on")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run once and print one JSON line."""
    args = parse_args(argv)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
