"""The scan's plan with one committee on a policy of its own, against none; one JSON line.

    uv run python -m bench.scan --assignments 100000 --skip-baseline --store /tmp/s100k.db
    uv run python -m bench.committee_policies /tmp/s100k.db

Each case on a fresh copy of the kept store: the stored days worked out for the case (timed
on its own), then the day's plan from them and the full search, best of three each.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bench.scan import CALENDAR, POLICY
from bench.synthetic import TZ
from scheduler.reminder_days import prepare_days
from scheduler.scan import plan_day
from storage.committee_settings import save_overrides
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade_async
from storage.models import Committee

TODAY = date(2025, 11, 19)


async def _case(store: Path, own_policy: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="dondoc-cpol-") as folder:
        copy = Path(folder) / "s.db"
        shutil.copyfile(store, copy)
        url = f"sqlite:///{copy}"
        await upgrade_async(url)
        engine = make_engine(url)
        sessions = session_factory(engine)
        figures: dict[str, Any] = {"own_policy": own_policy}
        if own_policy:
            async with transaction(sessions) as session:
                # The first province (the central committee is id 1): 1 of 35 committees.
                found = (await session.exec(select(Committee).where(
                    Committee.parent_id == 1).order_by(col(Committee.id)))).first()
                assert found is not None and found.id is not None
                await save_overrides(found.id, {"escalate_after": 5, "remind_before": [3, 0]},
                                     session=session)
        started = time.perf_counter()
        async with transaction(sessions) as session:
            await prepare_days(TODAY, TZ, CALENDAR, POLICY, session=session)
        figures["days_worked_out_seconds"] = round(time.perf_counter() - started, 3)
        for name, full in (("plan_seconds", False), ("full_search_seconds", True)):
            times = []
            for _ in range(3):
                started = time.perf_counter()
                async with sessions() as session:
                    plan, _ = await plan_day(TODAY, TZ, CALENDAR, POLICY, session=session,
                                             full_search=full)
                times.append(time.perf_counter() - started)
            figures[name] = round(min(times), 3)
            figures[name.replace("seconds", "steps")] = len(plan.due)
        await engine.dispose()
        return figures


async def main(store: Path) -> list[dict[str, Any]]:
    """Both cases, no committee policy first."""
    return [await _case(store, False), await _case(store, True)]


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(Path(sys.argv[1])))))
