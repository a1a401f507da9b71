"""Benchmark of the daily reminder scan on a synthetic national store; prints one JSON line.

    uv run python -m bench.scan --assignments 1000000 --db sqlite
    uv run python -m bench.scan --db sqlite --skip-baseline --full-search --store /work/s1m.db
    uv run --with 'psycopg[binary]' python -m bench.scan --db postgresql

Generation and the weeks of history before the measured day run in a child process, so the
peak RSS reported is the measured scan's (and the baseline's, measured after it, is separate).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from bench.baseline import Steps, run_baseline
from bench.history import Seeder, simulate
from bench.load import Loader, bench_database, copy_database, database_exists
from bench.scan_check import last_outbox_id, secretariat_messages
from bench.synthetic import TZ, Ids, OpenAssignment, national_store
from domain.deadlines import Deadline, DeadlineKind, Every
from domain.reminders import PlanResult, ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.reminder_days import prepare_days
from scheduler.scan import plan_day, scan
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade_async
from storage.models import Assignment, Committee, Item, Outbox, ReminderLog, StatusChange
from storage.reminder_schedule import read_schedule

CALENDAR = vietnam_calendar(range(2024, 2032))
POLICY = ReminderPolicy()


def _peak_rss_mb() -> float:
    # VmHWM: this process's peak resident set size.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _working_days_before(day: date, count: int) -> list[date]:
    days: list[date] = []
    while len(days) < count:
        day = CALENDAR.previous_working_day(day)
        days.append(day)
    return sorted(days)


async def _prepare(url: str, assignments: int, today: date, history_days: int,
                   seed: int, committees: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    started = time.perf_counter()
    await upgrade_async(url)
    simulated = _working_days_before(today, history_days)
    since = simulated[0] - timedelta(days=120)
    loader = await Loader(url).open()
    summaries: dict[int, OpenAssignment] = {}
    for chunk, opened in national_store(assignments, today, simulated[0], seed,
                                          committees):
        for table, rows in chunk.rows.items():
            await loader.add(table, rows)
        await loader.commit()
        summaries.update((s.assignment_id, s) for s in opened)
    await loader.finish()
    figures["generate_seconds"] = round(time.perf_counter() - started, 1)

    engine = make_engine(url)
    sessions = session_factory(engine)
    started = time.perf_counter()
    async with sessions() as session:
        plan, _ = await plan_day(today, TZ, CALENDAR, POLICY, session=session)
    figures["first_day_plan_seconds"] = round(time.perf_counter() - started, 2)
    figures["first_day_steps"] = len(plan.due)
    del plan

    started = time.perf_counter()
    rng = random.Random(seed + 1)
    async with sessions() as session:
        last_ids = {table: (await session.exec(select(func.max(model.id)))).one() or 0
                    for table, model in (("reminder_log", ReminderLog),)}
    ids = Ids()
    ids.next["reminder_log"] = last_ids["reminder_log"] + 1
    async with sessions() as session:
        ids.next["status_change"] = ((await session.exec(select(func.max(StatusChange.id))))
                                     .one() or 0) + 1
    seeder = Seeder(since, simulated[0], CALENDAR, POLICY, rng, ids)
    logs: list[tuple[Any, ...]] = []
    replies: list[tuple[Any, ...]] = []
    for summary in summaries.values():
        more_logs, more_replies = seeder.rows(summary)
        logs += more_logs
        replies += more_replies
        if len(logs) > 200_000:
            await loader.add("reminder_log", logs)
            await loader.add("status_change", replies)
            await loader.commit()
            logs, replies = [], []
    await loader.add("reminder_log", logs)
    await loader.add("status_change", replies)
    await loader.finish()
    await loader.close()
    figures["history_seed_seconds"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    days = await simulate(sessions, simulated, summaries, CALENDAR, POLICY, rng)
    figures["history_simulate_seconds"] = round(time.perf_counter() - started, 1)
    figures["simulated_days"] = [vars(day) for day in days]
    await engine.dispose()
    if make_url(url).get_backend_name() == "postgresql":
        reopened = await Loader(url).open()
        await reopened.finish()  # statistics after the weeks of scans, as autovacuum would
        await reopened.close()
    return figures


def prepare(url: str, assignments: int, today: date, history_days: int,
            seed: int, committees: int = 35) -> dict[str, Any]:
    """Build the store and its history (run in a child process)."""
    return asyncio.run(_prepare(url, assignments, today, history_days, seed, committees))


async def _count(sessions: Any, model: Any) -> int:
    async with sessions() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


def _reference_loop_seconds() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine was around the figures."""
    # Machines of one kind differ, and one VM varies by half from hour to hour; figures from
    # two runs compare only beside this.
    started = time.perf_counter()
    total = 0
    for number in range(20_000_000):
        total += number
    return round(time.perf_counter() - started, 3)


def _plan_digest(plan: PlanResult) -> str:
    """A fingerprint of everything a plan decided, to compare plans across processes."""
    # Element by element: the repr of a whole national plan is hundreds of megabytes.
    digest = hashlib.sha256(repr(plan.on).encode())
    for part in (plan.due, plan.messages, plan.escalations, plan.unreachable, plan.warnings):
        digest.update(f"|{len(part)}|".encode())
        for element in part:
            digest.update(repr(element).encode())
    return digest.hexdigest()


async def _full_search(url: str, today: date) -> dict[str, Any]:
    engine = make_engine(url)
    sessions = session_factory(engine)
    started = time.perf_counter()
    async with sessions() as session:
        plan, _ = await plan_day(today, TZ, CALENDAR, POLICY, session=session,
                                 full_search=True)
    seconds = round(time.perf_counter() - started, 3)
    await engine.dispose()
    return {"figures": {"full_search_plan_seconds": seconds,
                        "full_search_plan_steps": len(plan.due),
                        "full_search_peak_rss_mb": _peak_rss_mb()},
            "digest": _plan_digest(plan)}


def measure_full_search(url: str, today: date) -> dict[str, Any]:
    """The day planned by the full search, without the stored days (run in a child process)."""
    return asyncio.run(_full_search(url, today))


# The plan again in the same process (warm caches), wall and CPU seconds of each.
PLAN_REPEATS = 3


async def _measure(url: str, today: date, full_search: bool) -> dict[str, Any]:
    engine = make_engine(url)
    sessions = session_factory(engine)
    figures: dict[str, Any] = {
        "assignments_total": await _count(sessions, Assignment),
        "history_rows": await _count(sessions, ReminderLog),
        "committees_in_store": await _count(sessions, Committee),
    }
    outbox_before = await _count(sessions, Outbox)
    async with sessions() as session:
        stored = await read_schedule(session=session)
    if stored is None:
        # A store built before the scans kept next reminder days: work them out once, as the
        # first scan after the upgrade does; its own figure, not part of the day's plan.
        started = time.perf_counter()
        async with transaction(sessions) as session:
            await prepare_days(today, TZ, CALENDAR, POLICY, session=session)
        figures["days_worked_out_seconds"] = round(time.perf_counter() - started, 3)
    started, cpu = time.perf_counter(), time.process_time()
    async with sessions() as session:
        plan, _ = await plan_day(today, TZ, CALENDAR, POLICY, session=session)
    figures["plan_seconds"] = round(time.perf_counter() - started, 3)
    # CPU time of every thread of this process (SQLite's worker too): on a shared machine it
    # moves far less with the load than the wall clock does.
    figures["plan_cpu_seconds"] = round(time.process_time() - cpu, 3)
    repeats = []
    for _ in range(PLAN_REPEATS):
        started, cpu = time.perf_counter(), time.process_time()
        async with sessions() as session:
            await plan_day(today, TZ, CALENDAR, POLICY, session=session)
        repeats.append((round(time.perf_counter() - started, 3),
                        round(time.process_time() - cpu, 3)))
    figures["plan_again_seconds_cpu"] = repeats
    figures["plan_steps"] = len(plan.due)
    planned = _plan_digest(plan)
    del plan
    if full_search:
        # In a child process: its peak RSS is its own, and the scan's figure stays the scan's.
        with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
            searched = await asyncio.get_running_loop().run_in_executor(
                pool, measure_full_search, url, today)
        figures.update(searched.pop("figures"))
        figures["full_search_same_plan"] = searched["digest"] == planned
    now = datetime.combine(today, datetime.min.time().replace(hour=8), tzinfo=TZ)
    last_before = await last_outbox_id(sessions)
    started = time.perf_counter()
    report = await scan(sessions, now, TZ, CALENDAR, POLICY)
    figures["scan_seconds"] = round(time.perf_counter() - started, 3)
    figures["peak_rss_mb"] = _peak_rss_mb()
    figures["steps"] = report.steps
    figures["messages"] = report.messages
    figures["outbox_rows_written"] = await _count(sessions, Outbox) - outbox_before
    # Read back after the peak is taken: the check's own memory is not the scan's.
    figures["secretariat"] = await secretariat_messages(sessions, last_before)
    await engine.dispose()
    return figures


async def _baseline_inputs(url: str, count: int) -> list[tuple[int, str, Deadline]]:
    engine = make_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        rows = await session.exec(
            select(  # type: ignore[call-overload]
                Assignment.id, Item.kind, Item.deadline_raw, Item.deadline_kind,
                   func.coalesce(Assignment.extended_due, Item.due), Item.every)
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .where(col(Assignment.active).is_(True), col(Assignment.status) != "done")
            .order_by(col(Assignment.id)).limit(count))
        found = [(aid or 0, kind, Deadline(raw, _kind(dk), _date(due), _every(every)))
                 for aid, kind, raw, dk, due, every in rows.all()]
    await engine.dispose()
    return found


def _kind(value: str) -> DeadlineKind:
    return value  # type: ignore[return-value]


def _every(value: str | None) -> Every | None:
    return value  # type: ignore[return-value]


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _baseline_url(db: str, url: str, folder: str) -> tuple[str, str]:
    if db == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return f"sqlite:///{folder}/apscheduler-jobs.db", "sqlite (psycopg not installed)"
        return make_url(url).set(drivername="postgresql+psycopg").render_as_string(
            hide_password=False), "postgresql"
    return f"sqlite:///{folder}/apscheduler-jobs.db", "sqlite"


def _ratios(figures: dict[str, Any], baseline: dict[str, Any]) -> dict[str, float]:
    """The baseline against dondoc: whole runs as measured, and per assignment handled."""
    # The baseline handles its baseline_assignments; dondoc's plan and scan the whole store.
    # "as_measured" sets the baseline's 100,000 against dondoc's 1,000,000 as they ran;
    # "per_assignment" compares the same amount of work.
    scale = figures["assignments_total"] / baseline["baseline_assignments"]
    ratios: dict[str, float] = {}
    for ours in ("plan", "scan"):
        for theirs in ("schedule", "restart"):
            ratio = baseline[f"baseline_{theirs}_seconds"] / figures[f"{ours}_seconds"]
            ratios[f"ratio_{theirs}_vs_{ours}_as_measured"] = round(ratio, 1)
            ratios[f"ratio_{theirs}_vs_{ours}_per_assignment"] = round(ratio * scale, 1)
    return ratios


def _kept_database(args: argparse.Namespace) -> str | None:
    """The PostgreSQL database `--store` keeps the built store in (named after the file)."""
    if args.store is None or args.db != "postgresql":
        return None
    return "dondoc_store_" + "".join(c if c.isalnum() else "_" for c in Path(args.store).stem)


async def _prepared(url: str, args: argparse.Namespace, today: date,
                    reused: bool) -> dict[str, Any]:
    """Build the store in a child process, or take the one `--store` kept from an earlier run."""
    kept = Path(args.store) if args.store else None
    if kept is not None and reused:
        if args.db == "sqlite":
            shutil.copyfile(kept, make_url(url).database or "")
        await upgrade_async(url)  # a kept store may predate the newest migration
        return dict(json.loads(kept.with_suffix(".json").read_text()), store_reused=True)
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        figures: dict[str, Any] = await asyncio.get_running_loop().run_in_executor(
            pool, prepare, url, args.assignments, today, args.history_days, args.seed,
            args.committees)
    if kept is not None:
        kept_database = _kept_database(args)
        if kept_database is not None:
            await copy_database(url, kept_database)
        else:
            shutil.copyfile(make_url(url).database or "", kept)
        kept.with_suffix(".json").write_text(json.dumps(figures))
    return figures


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Build, measure, compare; the figures as one dict."""
    today = date.fromisoformat(args.today)
    figures: dict[str, Any] = {
        "db": args.db, "assignments": args.assignments, "today": args.today,
        "history_days": args.history_days, "committees": args.committees,
        "python": platform.python_version(),
    }
    with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as folder:
        kept = _kept_database(args)
        reused = (await database_exists(kept) if kept else
                  args.store is not None and Path(args.store).exists())
        async with bench_database(args.db, folder, template=kept if reused else None) as url:
            figures.update(await _prepared(url, args, today, reused))
            reference = [_reference_loop_seconds()]
            figures.update(await _measure(url, today, args.full_search))
            reference.append(_reference_loop_seconds())
            figures["reference_loop_seconds"] = reference
            if not args.skip_baseline:
                inputs = await _baseline_inputs(url, args.baseline_assignments)
                store_url, store = _baseline_url(args.db, url, folder)
                # On PostgreSQL the job table (apscheduler_jobs) sits beside dondoc's tables.
                figures["baseline_store"] = store
                result = await asyncio.to_thread(run_baseline, store_url, inputs,
                                                 Steps(today, CALENDAR, POLICY))
                figures.update(result)
                figures.update(_ratios(figures, result))
    return figures


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--assignments", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--baseline-assignments", type=int, default=100_000)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--today", default="2025-11-19", help="the measured day (a working day)")
    parser.add_argument("--history-days", type=int, default=15,
                        help="working days of real scans and replies before the measured day")
    parser.add_argument("--seed", type=int, default=57)
    parser.add_argument("--committees", type=int, choices=(1, 35), default=35,
                        help="35: each province its own committee under the central one; 1: the "
                        "same rows all under the central committee (the shape before issue #22)")
    parser.add_argument("--full-search", action="store_true",
                        help="also plan the day by the full search (the fallback), in a child "
                        "process, and check it decides as the stored days did")
    parser.add_argument("--store", help="keep the built store (this SQLite file, or on "
                        "PostgreSQL a database named after it; its figures beside it as .json) "
                        "and start from it when it exists: same --assignments/--today/--seed")
    return parser.parse_args(argv)


if __name__ == "__main__":
    measured = asyncio.run(main(parse_args(sys.argv[1:])))
    print(json.dumps(measured, ensure_ascii=False))
    if measured["committees_in_store"] != measured["committees"]:
        sys.exit(f"the store has {measured['committees_in_store']} committees, not "
                 f"--committees {measured['committees']}: a kept store of the other shape?")
    if measured["secretariat"]["leaks"]:
        sys.exit(f"LEAK: {measured['secretariat']['leaks']} items sent to another committee's "
                 f"secretariat, e.g. {measured['secretariat']['leak_examples']}")
