"""The log lines one scan of a kept national store writes, logged as `dondoc run` logs them.

    uv run python -m bench.scan --assignments 1000000 --db sqlite --history-days 3 \
        --skip-baseline --store /tmp/stores/s1m.db          # builds and keeps the store once
    uv run python -m bench.scan_logs --db sqlite --store /tmp/stores/s1m.db

Runs the scan tick (`observed_scan(scan(...))`, as the service's daily job does) on a copy of
the store `bench.scan --store` kept, with the service's logging (`cli.logs.configure_logging`,
DONDOC_LOG_LEVEL/DONDOC_LOG_FORMAT as set, INFO by default); prints one JSON line with the
count of records at or above that level and the lines themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.load import bench_database
from bench.scan import CALENDAR, POLICY, TZ, _kept_database
from cli.health import observed_scan
from cli.logs import configure_logging
from config import Settings
from scheduler.scan import scan
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async


class Counted(logging.Handler):
    """Keeps every record the service's handler would write, formatted the same way."""

    def __init__(self, formatter: logging.Formatter | None) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []
        self.levels: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        """Count and keep the record."""
        self.lines.append(self.format(record))
        self.levels[record.levelname] = self.levels.get(record.levelname, 0) + 1


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Copy the kept store, scan it once with the service's logging; the figures and lines."""
    today = date.fromisoformat(args.today)
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as folder:
        async with bench_database(args.db, folder, template=_kept_database(args)) as url:
            if args.db == "sqlite":
                shutil.copyfile(args.store, make_url(url).database or "")
            await upgrade_async(url)  # before the logging: the service migrates at start-up
            settings = Settings()
            configure_logging(settings)
            root = logging.getLogger()
            counted = Counted(root.handlers[0].formatter if root.handlers else None)
            counted.setLevel(root.level)
            root.addHandler(counted)
            engine = make_engine(url)
            sessions = session_factory(engine)
            now = datetime.combine(today, datetime.min.time().replace(hour=8), tzinfo=TZ)
            started = time.perf_counter()
            try:
                report = await observed_scan(scan(sessions, now, TZ, CALENDAR, POLICY))
                seconds = round(time.perf_counter() - started, 3)
            finally:
                root.removeHandler(counted)
                await engine.dispose()
    return {"db": args.db, "store": args.store, "today": args.today,
            "log_level": settings.log_level, "scan_seconds": seconds,
            "steps": report.steps, "messages": report.messages, "parts": report.parts,
            "log_lines": len(counted.lines), "by_level": counted.levels, "lines": counted.lines}


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--store", required=True,
                        help="the store `bench.scan --store` kept (same value as given there)")
    parser.add_argument("--today", default="2025-11-19", help="the scanned day (as bench.scan)")
    args = parser.parse_args(argv)
    if args.db == "sqlite" and not Path(args.store).exists():
        parser.error(f"no kept store at {args.store}: build it with bench.scan --store first")
    return args


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args(sys.argv[1:]))), ensure_ascii=False))
