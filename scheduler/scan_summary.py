"""The scan's warnings as a handful of log lines: one per kind, not one per agency."""

from __future__ import annotations

import re
from collections import defaultdict

_PER_AGENCY = re.compile(r"^(agency|group) (\d+) \((.*)\) (has .*)$")
_PLURAL = {"agency": "agencies", "group": "groups"}
SAMPLE = 3


def summarize_warnings(warnings: list[str] | tuple[str, ...]) -> list[str]:
    """Per-agency and per-group warnings folded into one line per kind, with a few names."""
    by_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
    lines: list[str] = []
    for warning in warnings:
        match = _PER_AGENCY.match(warning)
        if match is None:
            lines.append(warning)
            continue
        by_kind[match.group(1), match.group(4)].append(f"{match.group(2)} ({match.group(3)})")
    for (what, kind), names in by_kind.items():
        more = f" and {len(names) - SAMPLE} more" if len(names) > SAMPLE else ""
        lines.append(f"{len(names)} {_PLURAL[what]}: {kind} (e.g. {what} "
                     f"{', '.join(names[:SAMPLE])}{more})")
    return lines
