"""The deadline parser of an older revision against today's, on the same inputs.

    uv run python -m bench.deadline_parse_before [--rev e61228f~1]

The older domain/deadlines.py is taken with `git show REV:domain/deadlines.py` (it must import
only what today's domain.text still offers). Timed, for each parser: the corpus cells within
the cap (each 200 times), every run of 1-6 words of a typical reply (what the reply parser's
date search hands it, each 50 times), and runs of dots then a letter (once each). Prints one
JSON line.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.deadlines import MAX_DEADLINE_CHARS, parse_deadline
from tests.domain.deadline_corpus import CORPUS, YEAR

REPLY = ("NV12 đã hoàn thành 60% khối lượng, xin gia hạn đến ngày 30/11/2025 vì chờ hướng dẫn "
         "của Bộ")
DOTS = (3_000, 10_000, 30_000)


def _older(rev: str) -> Callable[[str, int], Any]:
    source = subprocess.run(["git", "show", f"{rev}:domain/deadlines.py"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "older_deadlines.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("older_deadlines", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["older_deadlines"] = module
    spec.loader.exec_module(module)
    return module.parse_deadline


def _mean_us(parse: Callable[[str, int], Any], texts: list[str], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            parse(text, YEAR)
    return round((time.perf_counter() - start) / (repeat * len(texts)) * 1e6, 2)


def _once_ms(parse: Callable[[str, int], Any], text: str) -> float:
    start = time.perf_counter()
    parse(text, YEAR)
    return round((time.perf_counter() - start) * 1e3, 3)


def main() -> None:
    """Time both parsers and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rev", default="e61228f~1")
    args = parser.parse_args()
    cells = [text for rows in CORPUS.values() for text, _ in rows
             if len(text) <= MAX_DEADLINE_CHARS]
    words = REPLY.split()
    spans = [" ".join(words[i:j]) for i in range(len(words))
             for j in range(i + 1, min(len(words), i + 6) + 1)]
    figures = {}
    for name, parse in (("before", _older(args.rev)), ("now", parse_deadline)):
        figures[name] = {
            "corpus_us": _mean_us(parse, cells, 200),
            "reply_spans_us": _mean_us(parse, spans, 50),
            "dots_ms": {n: _once_ms(parse, "." * n + "x") for n in DOTS},
        }
    print(json.dumps({"rev": args.rev, "corpus_cells": len(cells), "reply_spans": len(spans),
                      **figures}))


if __name__ == "__main__":
    main()
