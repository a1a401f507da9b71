"""What marking items by committee costs the scan: `agencies_serving_several` on a synthetic
national store (35 committees), beside the day's plan; prints one JSON line per round.

    uv run python -m bench.committee_marks --assignments 200000 --store /tmp/marks.db
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import date
from pathlib import Path

from bench.load import Loader
from bench.synthetic import TZ, national_store
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import plan_day
from storage.committees import agencies_serving_several, committee_labels
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async

DAY = date(2025, 9, 22)


async def measure(assignments: int, store: Path, rounds: int) -> None:
    """Build the store if missing, then time the plan and the marks' query `rounds` times."""
    url = f"sqlite:///{store}"
    if not store.exists():
        await upgrade_async(url)
        loader = await Loader(url).open()
        for chunk, _ in national_store(assignments, date(2025, 9, 26), date(2025, 8, 25), 7):
            for table, rows in chunk.rows.items():
                await loader.add(table, rows)
        await loader.finish()
        await loader.close()
    engine = make_engine(url)
    sessions = session_factory(engine)
    calendar = vietnam_calendar([2024, 2025, 2026])
    for _ in range(rounds):
        async with sessions() as session:
            started = time.perf_counter()
            await plan_day(DAY, TZ, calendar, ReminderPolicy(), session=session)
            planned = time.perf_counter() - started
            started = time.perf_counter()
            labels = await committee_labels(session=session)
            several = await agencies_serving_several(session=session)
            marks = time.perf_counter() - started
        print(json.dumps({"assignments": assignments, "plan_day_seconds": round(planned, 3),
                          "marks_query_seconds": round(marks, 4), "committees": len(labels),
                          "agencies_serving_several": len(several)}))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assignments", type=int, default=200_000)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(measure(args.assignments, args.store, args.rounds))


if __name__ == "__main__":
    main()
