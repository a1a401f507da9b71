"""The central committee's roll-up over the national store (34 province committees); one JSON line.

    uv run python -m bench.rollup --assignments 100000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import resource
import tempfile
import time
from datetime import date

from bench.load import Loader
from bench.synthetic import CENTRAL, TZ, national_store
from domain.digest_inputs import digest_period
from domain.rollup import render_rollup
from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async
from storage.rollup import child_figures

TODAY, UPDATES_BEFORE = date(2025, 9, 26), date(2025, 8, 25)


async def _run(assignments: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/rollup.db"
        await upgrade_async(url)
        started = time.perf_counter()
        loader = await Loader(url).open()
        for chunk, _ in national_store(assignments, TODAY, UPDATES_BEFORE):
            for table, rows in chunk.rows.items():
                await loader.add(table, rows)
        await loader.finish()
        await loader.close()
        built = time.perf_counter() - started
        engine = make_engine(url)
        try:
            async with session_factory(engine)() as session:
                started = time.perf_counter()
                children = await child_figures(CENTRAL, digest_period(TODAY, 1), TZ,
                                               session=session)
                text = render_rollup("Ban Chỉ đạo Trung ương", children,
                                     digest_period(TODAY, 1))
                rollup = time.perf_counter() - started
        finally:
            await engine.dispose()
    return {"assignments": assignments, "children": len(children), "store_s": round(built, 1),
            "rollup_s": round(rollup, 2), "rollup_chars": len(text),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "python": platform.python_version()}


def main() -> None:
    """Build the store, time the roll-up, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=100_000)
    print(json.dumps(asyncio.run(_run(parser.parse_args().assignments))))


if __name__ == "__main__":
    main()
