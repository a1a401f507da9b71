"""The web console's response times on a store built by bench/scan.py; prints one JSON line.

    uv run python -m bench.scan --assignments 100000 --db sqlite --history-days 1 \
        --skip-baseline --store /tmp/stores/cp100k.db
    uv run python -m bench.console --store /tmp/stores/cp100k.db
    uv run python -m bench.console --db postgresql --store /tmp/stores/cp100k.db

The console runs in this process on aiohttp's test server, over the store itself (SQLite: the
file; PostgreSQL: a copy of the database `bench.scan --store` kept, dropped afterwards). It
signs in as the store's first secretariat member (which writes a sign-in row: point it at a
copy of a store you share), then times each page: `--warmups` requests, then `--requests`
measured ones, one at a time. The first request of each page is reported apart (`cold_ms`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import re
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func
from sqlmodel import col, select

from bench.load import bench_database, database_exists
from bench.scan import _reference_loop_seconds
from bench.synthetic import TZ
from console.app import ConsoleConfig, add_console, random_secret
from storage.console_auth import create_login
from storage.db import make_engine, session_factory, transaction
from storage.migrate import upgrade_async
from storage.models import Agency, Assignment, FocalPerson

TOTAL = re.compile(r"(\d+) kết quả")


def _loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def _percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[rank - 1]


async def _busiest_department(sessions: Any) -> int:
    """A department (not a group) with the most active assignments: the agency filter."""
    async with sessions() as session:
        row = (await session.exec(
            select(Assignment.agency_id, func.count())
            .join(Agency, col(Agency.id) == col(Assignment.agency_id))
            .where(col(Assignment.active), col(Assignment.via_group_id).is_(None),
                   col(Agency.is_group).is_(False))
            .group_by(col(Assignment.agency_id)).order_by(func.count().desc()).limit(1))).first()
    assert row is not None, "the store has no assignments"
    return int(row[0])


async def _sign_in(client: TestClient, sessions: Any, now: datetime) -> None:
    async with transaction(sessions) as session:
        person = (await session.exec(select(FocalPerson).where(
            FocalPerson.role == "secretariat", col(FocalPerson.active))
            .order_by(col(FocalPerson.id)).limit(1))).first()
        assert person is not None, "the store has no secretariat member"
        token = await create_login(person, now, timedelta(minutes=10), session=session)
    answer = await client.post("/console/dangnhap", data={"token": token},
                               allow_redirects=False)
    assert answer.status == 303, await answer.text()


async def _time_page(get: Callable[[], Awaitable[tuple[int, str]]], warmups: int,
                     requests: int) -> dict[str, Any]:
    started = time.perf_counter()
    status, text = await get()
    cold = (time.perf_counter() - started) * 1000
    assert status == 200, text[:500]
    for _ in range(max(0, warmups - 1)):
        await get()
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        status, text = await get()
        samples.append((time.perf_counter() - started) * 1000)
        assert status == 200, text[:500]
    total = TOTAL.search(text)
    return {"p50_ms": round(_percentile(samples, 0.50), 1),
            "p95_ms": round(_percentile(samples, 0.95), 1),
            "max_ms": round(max(samples), 1), "cold_ms": round(cold, 1),
            "bytes": len(text.encode()), "results": int(total.group(1)) if total else None}


async def measure(url: str, today: date, warmups: int, requests: int,
                  only: list[str] | None = None) -> dict[str, Any]:
    """Sign in and time every page; the figures as one dict."""
    await upgrade_async(url)  # a kept store may predate the newest migration
    engine = make_engine(url)
    sessions = session_factory(engine)
    async with sessions() as session:
        assignments = (await session.exec(select(func.count()).select_from(Assignment))).one()
    agency = await _busiest_department(sessions)
    now = datetime.combine(today, clock(9), tzinfo=TZ).astimezone(UTC)
    site = web.Application()
    add_console(site, sessions, ConsoleConfig(secret=random_secret(), tz=TZ, now=lambda: now))
    pages: dict[str, tuple[str, dict[str, str]]] = {
        "overview": ("/console/", {}),
        "list_agency": ("/console/nhiemvu", {"agency": str(agency)}),
        "list_class": ("/console/nhiemvu", {"kind": "task", "cls": "overdue"}),
        "list_deadline_range": ("/console/nhiemvu", {"from": "2025-10-01", "to": "2025-12-31"}),
        "list_search_plain": ("/console/nhiemvu", {"q": "chuyen doi so"}),
        "list_page_2": ("/console/nhiemvu", {"page": "2"}),
    }
    figures: dict[str, Any] = {"assignments_total": assignments, "agency_filter": agency,
                               "warmups": warmups, "requests": requests}
    async with TestClient(TestServer(site)) as client:
        await _sign_in(client, sessions, now)
        for name, (path, params) in pages.items():
            if only and name not in only:
                continue
            async def get(path: str = path, params: dict[str, str] = params) -> tuple[int, str]:
                answer = await client.get(path, params=params, allow_redirects=False)
                return answer.status, await answer.text()
            figures[name] = await _time_page(get, warmups, requests)
    await engine.dispose()
    return figures


def _kept_database(store: str) -> str:
    # As bench.scan names the PostgreSQL database its --store keeps.
    return "dondoc_store_" + "".join(c if c.isalnum() else "_" for c in Path(store).stem)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Measure on the store; the figures as one dict."""
    figures: dict[str, Any] = {"db": args.db, "store": args.store, "today": args.today,
                               "python": platform.python_version(),
                               "loadavg_before": _loadavg()}
    reference = [_reference_loop_seconds()]
    today = date.fromisoformat(args.today)
    if args.db == "sqlite":
        if not Path(args.store).exists():
            raise SystemExit(f"no store at {args.store}: build it with bench.scan --store")
        figures.update(await measure(f"sqlite:///{args.store}", today, args.warmups,
                                     args.requests, args.pages))
    else:
        kept = _kept_database(args.store)
        if not await database_exists(kept):
            raise SystemExit(f"no database {kept}: build it with bench.scan --db postgresql "
                             f"--store {args.store}")
        with tempfile.TemporaryDirectory(prefix="dondoc-bench-") as folder:
            async with bench_database("postgresql", folder, template=kept) as url:
                figures.update(await measure(url, today, args.warmups, args.requests,
                                             args.pages))
    reference.append(_reference_loop_seconds())
    figures["reference_loop_seconds"] = reference
    figures["loadavg_after"] = _loadavg()
    return figures


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--store", required=True,
                        help="the SQLite file bench.scan --store built (on PostgreSQL: the same "
                        "--store value, naming the database it kept)")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--today", default="2025-11-19", help="the console's day (bench.scan's)")
    parser.add_argument("--warmups", type=int, default=5)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--pages", type=lambda text: text.split(","), default=None,
                        help="only these pages, comma-separated (overview, list_agency, ...)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(parse_args(sys.argv[1:]))), ensure_ascii=False))
