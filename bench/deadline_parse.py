"""How long parse_deadline takes: mean over the corpus, and the worst inputs we know of.

    uv run python -m bench.deadline_parse [--repeat 200]

The corpus is tests/domain/deadline_corpus.py (every cell, each parsed `repeat` times). The
worst cases are runs of punctuation (the old parser's trailing-punctuation pattern was
quadratic on them: 30 KB of dots took 2.2 s), compound cells split at every separator, and
100 KB of assorted text; each is parsed 7 times and the median kept.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

from domain.deadlines import MAX_DEADLINE_CHARS, parse_deadline
from tests.domain.deadline_corpus import CORPUS, YEAR

WORST: dict[str, str] = {
    "30 KB of dots then a letter": "." * 30_000 + "x",
    "30 KB of dots": "." * 30_000,
    "100 KB of '. '": ". " * 50_000,
    "100 KB of 'Quý IV - '": "Quý IV - " * 11_112,
    "100 KB of 'khi '": "khi " * 25_000,
    "100 KB of '1/'": "1/" * 50_000,
    "100 KB of Vietnamese prose": "Hoàn thành trước ngày 25 hằng tháng và " * 2_500,
    "200-char compound at the cap": ("Quý IV/2025 - " * 15)[:199],
}


def _time(text: str, times: int) -> float:
    """The median of `times` parses, in seconds (the machine is shared: one slow run is noise)."""
    taken = []
    for _ in range(times):
        start = time.perf_counter()
        parse_deadline(text, YEAR)
        taken.append(time.perf_counter() - start)
    return statistics.median(taken)


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    cells = [text for rows in CORPUS.values() for text, _ in rows]
    start = time.perf_counter()
    for _ in range(args.repeat):
        for cell in cells:
            parse_deadline(cell, YEAR)
    mean_us = (time.perf_counter() - start) / (args.repeat * len(cells)) * 1e6
    short = [cell for cell in cells if len(cell) <= MAX_DEADLINE_CHARS]
    start = time.perf_counter()
    for _ in range(args.repeat):
        for cell in short:
            parse_deadline(cell, YEAR)
    short_mean_us = (time.perf_counter() - start) / (args.repeat * len(short)) * 1e6
    per_cell = []
    for cell in cells:
        begin = time.perf_counter()
        for _ in range(20):
            parse_deadline(cell, YEAR)
        per_cell.append((time.perf_counter() - begin) / 20 * 1e6)
    worst = {name: round(_time(text, 7) * 1e3, 3) for name, text in WORST.items()}
    sheet = "." * 30 + "x"
    begin = time.perf_counter()
    for _ in range(200):
        parse_deadline(sheet, YEAR)
    worst["a 6 KB sheet: 200 cells of 30 dots"] = round((time.perf_counter() - begin) * 1e3, 3)
    print(json.dumps({
        "python": platform.python_version(),
        "corpus_cells": len(cells),
        "mean_us_per_cell": round(mean_us, 2),
        "mean_us_per_cell_within_the_cap": round(short_mean_us, 2),
        "median_us_per_cell": round(statistics.median(per_cell), 2),
        "slowest_corpus_cell_us": round(max(per_cell), 2),
        "worst_ms": worst,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
