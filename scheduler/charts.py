"""The digest's chart: per agency, stacked horizontal bars of the task classes (PNG).

Horizontal bars leave room for full agency names (wrapped, never cut) and read well on a phone.
At most MAX_BARS agencies get a bar of their own, the ones with the most overdue work first
(the digest's order); the rest share one "other agencies" bar so every assignment is counted.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

# The Agg canvas is used directly, never pyplot: no global backend or figure state, so charts
# can be drawn in worker threads.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from domain.digest import AgencyRow, Digest
from domain.digest_inputs import TASK_CLASSES
from domain.digest_text import TASK_LABELS, title

MAX_BARS = 30
LABEL_WIDTH = 34
# Green for done, blue for on track, red for overdue, grey for not started: the usual reading.
COLOURS = {
    "done_on_time": "#2e7d32", "done_late": "#9ccc65", "in_progress_on_time": "#1e88e5",
    "overdue": "#e53935", "not_due": "#bdbdbd", "recurring": "#8e24aa",
}
# DejaVu Sans ships with matplotlib and has every Vietnamese glyph.
FONT = "DejaVu Sans"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chart_rows(rows: Sequence[AgencyRow],
               limit: int = MAX_BARS) -> list[tuple[str, dict[str, int]]]:
    """(label, counts per class) per bar: the first `limit` agencies, the rest summed in one."""
    bars = [(row.agency_name, dict(row.classes)) for row in rows[:limit]]
    rest = rows[limit:]
    if rest:
        summed: dict[str, int] = {name: sum(row.classes[name] for row in rest)
                                  for name in TASK_CLASSES}
        bars.append((f"Các cơ quan khác ({len(rest)} cơ quan)", summed))
    return bars


def render_chart(digest: Digest, dpi: int = 150) -> bytes:
    """The chart as PNG bytes."""
    bars = chart_rows(digest.agencies)
    labels = [textwrap.fill(name, LABEL_WIDTH) for name, _ in bars]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = 2.6 + 0.28 * max(lines, 2) + 0.12 * len(bars)
    figure = Figure(figsize=(8, height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    left = [0] * len(bars)
    for name in TASK_CLASSES:
        widths = [counts[name] for _, counts in bars]
        axes.barh(positions, widths, left=left, color=COLOURS[name], label=TASK_LABELS[name],
                  height=0.7)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    longest = max(left, default=0)
    for position, total in zip(positions, left, strict=True):
        axes.text(total + longest * 0.01, position, str(total), va="center", fontsize=11,
                  fontfamily=FONT)
    axes.set_yticks(positions, labels, fontsize=11, fontfamily=FONT)
    # Top to bottom in the digest's order, without empty bands above and below the bars.
    axes.set_ylim(len(bars) - 0.5, -0.5)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(longest * 1.08, 1))
    axes.set_xlabel("Số lượt nhiệm vụ được giao", fontsize=10, fontfamily=FONT)
    axes.tick_params(axis="x", labelsize=9)
    axes.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_title(textwrap.fill(title(digest.period), 60), fontsize=12, fontfamily=FONT,
                   loc="left")
    if not bars:
        axes.text(0.5, 0.5, "Chưa có nhiệm vụ nào được giao", transform=axes.transAxes,
                  ha="center", fontfamily=FONT)
    figure.legend(loc="outside lower center", ncols=2, frameon=False,
                  prop={"family": FONT, "size": 10})
    buffer = io.BytesIO()
    # bbox_inches="tight" grows the canvas to hold the longest label and the legend.
    figure.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.2)
    return buffer.getvalue()
