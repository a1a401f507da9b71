"""The digest's chart (PNG), province first: all items by class, the last weeks' trend, then
agencies ranked by completion rate.

Portrait and large-type so it reads on a phone without zooming. The province panel counts items
(nhiệm vụ); the agency panel counts task assignments (lượt phân công), each panel says which.
At most MAX_BARS agencies get a bar of their own, in the ranking's order (domain.digest_groups);
the rest share one "other agencies" bar so every assignment is counted.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

# The Agg canvas is used directly, never pyplot: no global backend or figure state, so charts
# can be drawn in worker threads.
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from domain.digest import AgencyRow, Digest
from domain.digest_groups import ranking
from domain.digest_inputs import TASK_CLASSES
from domain.digest_text import TASK_LABELS, title
from domain.digest_trend import trend_weeks

MAX_BARS = 25
LABEL_WIDTH = 30
# Green for done, blue for on track, red for overdue, grey for not yet due: the usual reading.
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


def _stacked(axes: Axes, labels: list[str], counts: list[dict[str, int]], *,
             legend: bool = False) -> list[int]:
    positions = list(range(len(labels)))
    left = [0] * len(labels)
    for name in TASK_CLASSES:
        widths = [c.get(name, 0) for c in counts]
        bars = axes.barh(positions, widths, left=left, color=COLOURS[name], height=0.7,
                         label=TASK_LABELS[name] if legend else None)
        if legend:
            # The count inside each segment wide enough to hold it.
            for bar, width in zip(bars, widths, strict=True):
                if width and width >= 0.06 * max(sum(c.values()) for c in counts):
                    axes.text(bar.get_x() + width / 2, bar.get_y() + bar.get_height() / 2,
                              str(width), ha="center", va="center", color="white",
                              fontsize=12, fontweight="bold", fontfamily=FONT)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_yticks(positions, labels, fontsize=12, fontfamily=FONT)
    if labels:  # no agency yet: matplotlib's own limits (equal ones would warn)
        axes.set_ylim(len(labels) - 0.5, -0.5)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    return left


def _province(axes: Axes, digest: Digest) -> None:
    figures = digest.figures
    _stacked(axes, [f"{figures.task_total} nhiệm vụ"], [dict(figures.tasks)], legend=True)
    axes.set_title(f"Toàn tỉnh: {figures.done}/{figures.task_total} nhiệm vụ hoàn thành,\n"
                   f" {figures.tasks['overdue']} quá hạn chưa hoàn thành", loc="left",
                   fontsize=13, fontfamily=FONT, fontweight="bold")
    axes.set_xlim(0, max(figures.task_total, 1))


def _trend(axes: Axes, digest: Digest) -> None:
    weeks = trend_weeks(digest)
    positions = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    for name in TASK_CLASSES:
        heights = [figures.tasks[name] for _, figures in weeks]
        axes.bar(positions, heights, bottom=bottom, color=COLOURS[name], width=0.6)
        bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
    for position, (_, figures) in zip(positions, weeks, strict=True):
        axes.text(position, figures.task_total * 1.01, f"{figures.done} HT\n"
                  f"{figures.tasks['overdue']} QH", ha="center", va="bottom", fontsize=10,
                  fontfamily=FONT)
    axes.set_xticks(positions, [label for label, _ in weeks], fontsize=11, fontfamily=FONT)
    axes.set_ylim(0, max(bottom, default=1) * 1.25 or 1)
    axes.set_title(f"{len(weeks)} tuần gần nhất (số nhiệm vụ; HT: hoàn thành, QH: quá hạn)",
                   loc="left", fontsize=12, fontfamily=FONT)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _agencies(axes: Axes, digest: Digest) -> None:
    order = {row.agency_name: row.place for row in ranking(digest)}
    rows = sorted(digest.agencies, key=lambda r: order.get(r.agency_name, 0))
    bars = chart_rows(rows)
    rates = {r.agency_name: r.rate for r in ranking(digest)}
    labels = [textwrap.fill(f"{order[name]}. {name} ({rates[name]}%)" if name in order
                            else name, LABEL_WIDTH) for name, _ in bars]
    totals = _stacked(axes, labels, [counts for _, counts in bars])
    longest = max(totals, default=0)
    for position, total in enumerate(totals):
        axes.text(total + longest * 0.01, position, str(total), va="center", fontsize=11,
                  fontfamily=FONT)
    axes.set_xlim(0, max(longest * 1.1, 1))
    axes.set_title("Cơ quan xếp theo tỷ lệ hoàn thành (số lượt phân công)", loc="left",
                   fontsize=12, fontfamily=FONT)
    if not bars:
        axes.text(0.5, 0.5, "Chưa có nhiệm vụ nào được giao", transform=axes.transAxes,
                  ha="center", fontfamily=FONT)


def render_chart(digest: Digest, dpi: int = 150) -> bytes:
    """The chart as PNG bytes."""
    bars = len(chart_rows(digest.agencies))
    agency_height = 0.75 + 0.42 * max(bars, 1)
    figure = Figure(figsize=(8, 6.2 + agency_height), dpi=dpi, layout="constrained")
    FigureCanvasAgg(figure)
    top, middle, bottom = figure.subplots(
        3, 1, height_ratios=[0.9, 2.6, agency_height])
    _province(top, digest)
    _trend(middle, digest)
    _agencies(bottom, digest)
    figure.suptitle(textwrap.fill(title(digest.period), 60), fontsize=14, fontfamily=FONT,
                    x=0.02, ha="left")
    figure.legend(loc="outside lower center", ncols=2, frameon=False,
                  prop={"family": FONT, "size": 11})
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight", pad_inches=0.2)
    return buffer.getvalue()
