"""Benchmark of the weekly digest on synthetic data; prints one JSON line.

    uv run python -m bench.digest                      # 100,000 assignments, built in memory
    uv run python -m bench.digest --sqlite             # also store them in a temporary SQLite
                                                       # file and time reading them back

The synthetic province: 200 agencies (30 departments, 170 communes), items led by 1 to 8
agencies until the wanted number of assignments is reached, a tenth of them indicators; every
status, deadline kind, pending extension, reminder and unreachable person the digest reports.
Stages timed: figures (build_digest), text (render and split for Telegram), chart (PNG),
workbook (XLSX), and with --sqlite the load (load_digest_inputs). Peak RSS is the process's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from domain.deadlines import DeadlineKind
from domain.digest import Digest, build_digest, reconcile
from domain.digest_inputs import (
    AssignmentIn,
    DigestInputs,
    ExtensionIn,
    IndicatorIn,
    ItemIn,
    PersonIn,
    ReminderIn,
    digest_period,
)
from domain.digest_text import split_digest
from domain.reminder_steps import Status
from scheduler.charts import render_chart
from storage.digest_workbook import build_workbook

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = date(2025, 11, 21)
TEXTS = (
    "Xây dựng, từng bước hoàn chỉnh cơ sở dữ liệu số các ngành, lĩnh vực",
    "Triển khai hiệu quả định danh điện tử cho cơ quan, tổ chức trên địa bàn tỉnh",
    "Rà soát, cập nhật các văn bản mới do Trung ương ban hành; trên cơ sở đó, tham mưu đề xuất"
    " việc sửa đổi, bổ sung hoặc xây dựng mới các văn bản của tỉnh",
    "Đào tạo, bồi dưỡng kỹ năng số, kỹ năng sử dụng các ứng dụng; phân tích, khai thác và xử lý"
    " dữ liệu cho cán bộ, công chức, viên chức",
)
DOCUMENTS = ("Kế hoạch số 328-KH/TU ngày 24/4/2025", "Chương trình 01-CTr/BCĐ, ngày 10/6/2025",
             "Kế hoạch 331-KH/TU, ngày 28/4/2025")
LEADS = (1, 1, 1, 1, 2, 2, 3, 4, 8)
STATUSES: tuple[Status, ...] = ("done", "in_progress", "blocked", "not_started")
T = TypeVar("T")


def agencies() -> list[tuple[int, str]]:
    """200 agency names: departments and communes."""
    departments = [f"Sở số {n:02d} của tỉnh" for n in range(1, 31)]
    communes = [f"Ủy ban nhân dân xã Phú Thạnh {n:03d}" for n in range(1, 171)]
    return list(enumerate(departments + communes, start=1))


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _item(rng: random.Random, item_id: int) -> ItemIn:
    text, document = TEXTS[item_id % len(TEXTS)], DOCUMENTS[item_id % len(DOCUMENTS)]
    roll = rng.random()
    if roll < 0.1:
        return ItemIn(item_id, f"CT{item_id}", str(item_id), "indicator", text, document, (), "",
                      "unknown", None, rng.choice(("Chưa đạt", "Đạt", "Chưa đánh giá được")))
    due = None
    kind: DeadlineKind
    if roll < 0.15:
        kind, raw = "recurring", "Thường xuyên"
    elif roll < 0.2:
        kind, raw = "dependent", "Theo tiến độ TW"
    elif roll < 0.25:
        kind, raw = "unknown", "Khi có hướng dẫn"
    else:
        month = rng.randrange(3, 24)
        kind, raw = "date", f"Tháng {month % 12 + 1}"
        due = _month_end(2025 + month // 12, month % 12 + 1)
    return ItemIn(item_id, f"NV{item_id}", str(item_id), "task", text, document, (), raw, kind,
                  due)


def _assignment(rng: random.Random, assignment_id: int, item: ItemIn,
                agency: tuple[int, str]) -> AssignmentIn:
    status: Status = rng.choices(STATUSES, (30, 30, 5, 35))[0]
    updated = TODAY - timedelta(days=rng.randrange(0, 60)) if status != "not_started" else None
    indicator = None
    if item.kind == "indicator" and rng.random() < 0.5:
        indicator = IndicatorIn(rng.choice(("achieved", "not_achieved", "not_assessable")),
                                datetime(2025, 11, 1, tzinfo=UTC))
    return AssignmentIn(
        assignment_id, item.item_id, agency[0], agency[1], status,
        percent=rng.randrange(10, 100, 10) if status == "in_progress" else None,
        note="Chờ hướng dẫn của Bộ về kinh phí" if status == "blocked" else None,
        done_on=updated if status == "done" else None,
        extended_due=TODAY + timedelta(days=30) if rng.random() < 0.01 else None,
        status_since=updated, last_update=updated, indicator=indicator,
        evidence=(f"Báo cáo số {assignment_id}/BC",) if status == "done" else (),
    )


def synthetic_inputs(count: int, seed: int = 57) -> DigestInputs:
    """`count` assignments with everything around them, the same for the same seed."""
    rng = random.Random(seed)
    names = agencies()
    items: list[ItemIn] = []
    parts: list[AssignmentIn] = []
    while len(parts) < count:
        item = _item(rng, len(items) + 1)
        leads = rng.sample(names, min(rng.choice(LEADS), count - len(parts)))
        items.append(ItemIn(item.item_id, item.code, item.number, item.kind, item.text,
                            item.document, tuple(name for _, name in leads), item.deadline_raw,
                            item.deadline_kind, item.due, item.assessment))
        first = len(parts) + 1
        parts += [_assignment(rng, first + n, items[-1], lead) for n, lead in enumerate(leads)]
    week = digest_period(TODAY)
    reminders = [ReminderIn(rng.randrange(1, count + 1),
                            week.start + timedelta(days=rng.randrange(0, 5)))
                 for _ in range(count // 7)]
    extensions = [ExtensionIn(rng.randrange(1, count + 1), TODAY - timedelta(days=3),
                              TODAY + timedelta(days=60), "Chờ kinh phí")
                  for _ in range(count // 100)]
    people = [PersonIn(agency_id, agency_id, name, "focal", f"Cán bộ {agency_id}",
                       reachable=agency_id % 20 != 0, reason="blocked")
              for agency_id, name in names if agency_id % 10 != 0]
    return DigestInputs(week, items, parts, extensions, reminders, people)


def timed(seconds: dict[str, float], stage: str, work: Callable[[], T]) -> T:
    """Run one stage and record its wall time, and its CPU time under "cpu_<stage>".

    CPU time is reported beside wall time because the machine may be shared: a stage that
    waited for the CPU shows a wall time above its CPU time.
    """
    start, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds[stage] = round(time.perf_counter() - start, 3)
    seconds[f"cpu_{stage}"] = round(time.process_time() - cpu, 3)
    return result


def peak_rss_mb() -> float:
    """The process's peak resident set size (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def load_from_sqlite(inputs: DigestInputs, seconds: dict[str, float]) -> DigestInputs:
    """Store the inputs in a temporary SQLite file, then time reading them back."""
    from bench.digest_store import store
    from storage.db import make_engine, session_factory
    from storage.digest import load_digest_inputs
    from storage.migrate import upgrade_async

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'digest.db'}"
        await upgrade_async(url)
        engine = make_engine(url)
        try:
            start, cpu = time.perf_counter(), time.process_time()
            await store(engine, inputs)
            seconds["store"] = round(time.perf_counter() - start, 3)
            start, cpu = time.perf_counter(), time.process_time()
            async with session_factory(engine)() as session:
                loaded = await load_digest_inputs(inputs.period, TZ, session=session)
            seconds["load"] = round(time.perf_counter() - start, 3)
            # aiosqlite works in a thread of this process: process time counts it too.
            seconds["cpu_load"] = round(time.process_time() - cpu, 3)
        finally:
            await engine.dispose()
    return loaded


def run(count: int, sqlite: bool) -> dict[str, Any]:
    """Every stage once; the JSON-able result."""
    seconds: dict[str, float] = {}
    generated = timed(seconds, "generate", lambda: synthetic_inputs(count))
    inputs = asyncio.run(load_from_sqlite(generated, seconds)) if sqlite else generated
    digest: Digest = timed(seconds, "figures", lambda: build_digest(inputs))
    # What came back from the database must give the same figures as what went in.
    assert not sqlite or build_digest(generated).figures == digest.figures
    parts = timed(seconds, "text", lambda: split_digest(digest, 4096))
    seconds["figures_and_text"] = round(seconds["figures"] + seconds["text"], 3)
    seconds["cpu_figures_and_text"] = round(seconds["cpu_figures"] + seconds["cpu_text"], 3)
    chart = timed(seconds, "chart", lambda: render_chart(digest))
    workbook = timed(seconds, "workbook", lambda: build_workbook(digest))
    assert reconcile(digest) == [], reconcile(digest)
    return {
        "bench": "digest", "source": "sqlite" if sqlite else "memory",
        "assignments": len(inputs.assignments), "items": len(inputs.items),
        "agencies": len(digest.agencies), "seconds": seconds,
        "workbook_rows": len(inputs.items) + len(inputs.assignments),
        "text_parts": len(parts), "text_chars": sum(len(p) for p in parts),
        "png_bytes": len(chart), "xlsx_bytes": len(workbook), "peak_rss_mb": peak_rss_mb(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    """Parse the arguments, run, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=100_000)
    parser.add_argument("--sqlite", action="store_true",
                        help="store in a temporary SQLite file and time reading it back")
    args = parser.parse_args()
    print(json.dumps(run(args.assignments, args.sqlite), ensure_ascii=False))


if __name__ == "__main__":
    main()
