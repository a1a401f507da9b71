"""A parent committee's roll-up of its children's digest figures: counts only, no person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.digest_inputs import Figures, Period
from domain.digest_text import period_range
from domain.digest_words import BULLET, share

# Lines of the ranking before "…": a central committee has 34 provinces, all listed.
MAX_RANKED = 40


@dataclass(frozen=True)
class ChildFigures:
    """One child committee's name and its digest figures for the period."""

    name: str
    figures: Figures
    committee_id: int = 0


def _ranking_key(child: ChildFigures) -> tuple[float, int, str]:
    tasks = child.figures.task_total
    done = child.figures.done / tasks if tasks else 0.0
    return (-done, child.figures.tasks["overdue"], child.name)


def render_rollup(parent: str, children: Sequence[ChildFigures], period: Period,
                  late: Sequence[str] = ()) -> str:
    """The roll-up text: totals, the children ranked by share done, who has not reported
    (`late`: children whose digest of the period was not in when the parent's went out)."""
    tasks = sum(child.figures.task_total for child in children)
    done = sum(child.figures.done for child in children)
    overdue = sum(child.figures.tasks["overdue"] for child in children)
    unreported = sum(child.figures.unreported_total for child in children)
    lines = [
        f"{parent}: tổng hợp {len(children)} Ban Chỉ đạo cấp dưới ({period_range(period)})",
        f"{tasks} nhiệm vụ: hoàn thành {share(done, tasks)}, quá hạn chưa hoàn thành "
        f"{overdue}, chưa báo cáo {unreported}.",
        "Xếp hạng theo tỷ lệ hoàn thành:",
    ]
    ranked = sorted(children, key=_ranking_key)
    for number, child in enumerate(ranked[:MAX_RANKED], start=1):
        figures = child.figures
        lines.append(f"{number}. {child.name}: hoàn thành {share(figures.done, figures.task_total)}"
                     f", quá hạn {figures.tasks['overdue']}")
    if len(ranked) > MAX_RANKED:
        lines.append(f"… và {len(ranked) - MAX_RANKED} Ban Chỉ đạo khác")
    silent = [child for child in children
              if child.figures.task_total and child.figures.unreported_total
              == child.figures.task_total]
    if silent:
        lines.append("Chưa có báo cáo nào:")
        lines += [f"{BULLET} {child.name} ({child.figures.task_total} nhiệm vụ)"
                  for child in sorted(silent, key=lambda child: child.name)]
    if late:
        lines.append("Chưa gửi tổng hợp kỳ này (không có trong số liệu trên):")
        lines += [f"{BULLET} {name}" for name in sorted(late)]
    return "\n".join(lines)
