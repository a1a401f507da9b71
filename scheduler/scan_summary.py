"""The scan's warnings as a handful of log lines: one per kind, not one per agency."""

from __future__ import annotations

import re
from collections import defaultdict

_PER_AGENCY = re.compile(r"^agency (\d+) \((.*)\) (has .*)$")
SAMPLE = 3


def summarize_warnings(warnings: list[str] | tuple[str, ...]) -> list[str]:
    """Per-agency warnings folded into one line per kind, with a count and a few names."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    lines: list[str] = []
    for warning in warnings:
        match = _PER_AGENCY.match(warning)
        if match is None:
            lines.append(warning)
            continue
        by_kind[match.group(3)].append(f"{match.group(1)} ({match.group(2)})")
    for kind, agencies in by_kind.items():
        more = f" and {len(agencies) - SAMPLE} more" if len(agencies) > SAMPLE else ""
        lines.append(f"{len(agencies)} agencies: {kind} (e.g. agency "
                     f"{', '.join(agencies[:SAMPLE])}{more})")
    return lines
