"""Reply parsing: per-kind accuracy over the labelled corpus, and parse time.

    uv run python -m bench.replies --accuracy     # per-kind accuracy table (markdown)
    uv run python -m bench.replies                # timings, one JSON line

Timings: the mean per reply over the corpus (each row parsed `--rounds` times), and worst-case
inputs — runs of punctuation, keywords, dates, questions and random fragments of 20 KB and
100 KB — parsed as the bot parses them (capped at MAX_REPLY_CHARS, so unread and flagged), and
once more with the cap lifted (the parser's own cost, to show it grows linearly). Wall time,
`time.perf_counter`, best of `--repeat` for each worst case.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from functools import partial

import domain.replies as replies
from domain.replies import parse_reply
from tests.domain.reply_corpus import ROWS, TODAY

FRAGMENTS = ["đang ", "xong ", ". ", ", ", "đến 30/11 ", "gia hạn ", "? ", "không ", "chưa ",
             "dự kiến ", "..... ", "1/2 ", "thứ ba tuần tới ", "chưa hẳn đã xong ",
             "đạt 50% dân số ", "phần A chưa ", "NV12 ", "1520/QĐ-UBND "]


def worst_cases(size: int) -> dict[str, str]:
    """Inputs of about `size` characters that stress each part of the parser."""
    rng = random.Random(size)

    def fill(unit: str) -> str:
        return (unit * (size // len(unit) + 1))[:size]

    return {
        "dots": fill("."), "?!": fill("?!"), "commas+spaces": fill(", "),
        "dang": fill("đang "), "xong chua": fill("xong chưa "),
        "dates": fill("gia hạn đến ngày 30 tháng 11 "), "du kien": fill("dự kiến "),
        "weekdays": fill("thứ ba tuần tới "), "slashes": fill("1/"),
        "teencode": fill("ko đg lm r "), "random fragments": "".join(
            rng.choice(FRAGMENTS) for _ in range(size // 8))[:size],
    }


def _best(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def timings(rounds: int, repeat: int) -> dict[str, object]:
    texts = [text for _, text, *_ in ROWS]
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            parse_reply(text, TODAY)
    per_reply_ms = (time.perf_counter() - start) / (rounds * len(texts)) * 1000
    longest = max(texts, key=len)
    result: dict[str, object] = {
        "corpus_rows": len(texts), "mean_ms_per_reply": round(per_reply_ms, 3),
        "longest_row_chars": len(longest),
        "longest_row_ms": round(_best(partial(parse_reply, longest, TODAY), 20) * 1000, 3),
        "cap_chars": replies.MAX_REPLY_CHARS,
    }
    capped: dict[str, dict[str, float]] = {}
    uncapped: dict[str, dict[str, float]] = {}
    for size in (replies.MAX_REPLY_CHARS, 20_000, 100_000):
        for name, text in worst_cases(size).items():
            capped.setdefault(name, {})[str(size)] = round(
                _best(partial(parse_reply, text, TODAY), repeat) * 1000, 2)
    limit = replies.MAX_REPLY_CHARS
    replies.MAX_REPLY_CHARS = 10**9  # the parser's own cost, no cap
    try:
        for size in (limit, 20_000, 100_000):
            for name, text in worst_cases(size).items():
                uncapped.setdefault(name, {})[str(size)] = round(
                    _best(partial(parse_reply, text, TODAY), 1) * 1000, 1)
    finally:
        replies.MAX_REPLY_CHARS = limit
    result["worst_ms_as_the_bot_parses"] = capped
    result["worst_ms_without_the_cap"] = uncapped
    return result


def accuracy() -> str:
    """A markdown table: rows, correct and false "done" per kind."""
    rows: Counter[str] = Counter()
    right: Counter[str] = Counter()
    false_done: Counter[str] = Counter()
    for kind, text, status, percent, due in ROWS:
        reply = parse_reply(text, TODAY)
        rows[kind] += 1
        right[kind] += (reply.status, reply.percent, reply.new_due) == (status, percent, due)
        false_done[kind] += reply.status == "done" and status != "done"
    lines = ["| kind | rows | correct | accuracy | false \"done\" |", "|---|---:|---:|---:|---:|"]
    for kind in rows:
        lines.append(f"| {kind} | {rows[kind]} | {right[kind]} | "
                     f"{right[kind] / rows[kind]:.1%} | {false_done[kind]} |")
    total, correct = sum(rows.values()), sum(right.values())
    lines.append(f"| **all** | {total} | {correct} | {correct / total:.1%} | "
                 f"{sum(false_done.values())} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accuracy", action="store_true", help="per-kind accuracy table")
    parser.add_argument("--rounds", type=int, default=20, help="corpus passes for the mean")
    parser.add_argument("--repeat", type=int, default=5, help="runs per worst case (best)")
    args = parser.parse_args()
    if args.accuracy:
        print(accuracy())
        return
    result = timings(args.rounds, args.repeat)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
