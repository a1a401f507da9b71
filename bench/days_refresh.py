"""Benchmark of the one-off cost of working out every open assignment's next reminder day.

It is what the first scan after an upgrade, or after a change of calendar, policy or zone,
does before planning. Runs on a store `bench.scan --store` kept, inside one transaction that
is rolled back (the store is left as it was); prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy.engine import make_url

from bench.synthetic import TZ
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.reminder_days import prepare_days
from storage.db import make_engine, session_factory
from storage.reminder_schedule import forget_days
from storage.scan_sql import prepare_bulk_reads


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Clear every stored day, then time working them out again for `--today`'s scan."""
    today = date.fromisoformat(args.today)
    calendar = vietnam_calendar(range(today.year - 1, today.year + 3))
    policy = ReminderPolicy()
    engine = make_engine(args.url)
    try:
        async with session_factory(engine)() as session:
            await prepare_bulk_reads(session)
            started = time.perf_counter()
            cleared = await forget_days(session=session)
            cleared_at = time.perf_counter()
            # Every open assignment now has no day: prepare_days works each one out.
            await prepare_days(today, TZ, calendar, policy, session=session)
            done = time.perf_counter()
            await session.rollback()
    finally:
        await engine.dispose()
    return {
        "db": make_url(args.url).get_backend_name(), "today": today.isoformat(),
        "days_cleared": cleared, "clear_seconds": round(cleared_at - started, 2),
        "work_out_seconds": round(done - cleared_at, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "python": sys.version.split()[0],
    }


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True,
                        help="the kept store, e.g. sqlite+aiosqlite:////work/stores/s1m.db or "
                             "postgresql+asyncpg://postgres@127.0.0.1:5432/dondoc_store_pg1m")
    parser.add_argument("--today", default="2025-11-19", help="the scan's day (a working day)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args(sys.argv[1:])))))
