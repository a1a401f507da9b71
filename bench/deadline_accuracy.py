"""Per-kind accuracy of parse_deadline on the labelled corpus (tests/domain/deadline_corpus.py).

    uv run python -m bench.deadline_accuracy

Prints one line per kind (right / rows) and every row read otherwise than labelled.
"""

from __future__ import annotations

from domain.deadlines import parse_deadline
from tests.domain.deadline_corpus import CORPUS, YEAR, label


def main() -> None:
    """Print the table and the misses."""
    misses = []
    total = right_total = 0
    width = max(len(kind) for kind in CORPUS)
    print(f"{'kind':<{width}}  right / rows")
    for kind, rows in CORPUS.items():
        right = 0
        for text, want in rows:
            got = label(parse_deadline(text, YEAR))
            if got == want:
                right += 1
            else:
                misses.append(f"{kind}: {text[:60]!r} -> {got} (labelled {want})")
        total += len(rows)
        right_total += right
        print(f"{kind:<{width}}  {right:>5} / {len(rows):<4} {100 * right / len(rows):6.1f}%")
    print(f"{'all':<{width}}  {right_total:>5} / {total:<4} {100 * right_total / total:6.1f}%")
    for miss in misses:
        print("miss:", miss)


if __name__ == "__main__":
    main()
