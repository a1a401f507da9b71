"""The committee leader's one screen: what a Trưởng/Phó Trưởng ban needs before the meeting.

It is sent with the digest's chart and workbook; the full text stays with the secretariat and
is a command away (/tongquan). Every figure says its unit, like the digest's."""

from __future__ import annotations

from domain.digest import Digest
from domain.digest_groups import ranking
from domain.digest_text import title
from domain.digest_words import UNREPORTED, percent, share

RANKED_SHOWN = 3


def _change(points: int | None) -> str:
    if points is None or points == 0:
        return ""
    return f", {'+' if points > 0 else ''}{points} điểm %"


def leader_summary(digest: Digest) -> str:
    """A one-screen summary (well under one chat message) with its figures' units said."""
    figures = digest.figures
    tasks = figures.tasks
    total = figures.task_total
    before = digest.previous.figures if digest.previous else None
    lines = [f"📊 {title(digest.period)}",
             f"Nhiệm vụ: {total}. Hoàn thành {share(figures.done, total)}"
             + (f" ({'+' if figures.done >= before.done else ''}{figures.done - before.done}"
                " so với báo cáo trước)" if before else "") + ".",
             f"• Quá hạn chưa hoàn thành: {tasks['overdue']} nhiệm vụ"
             f" ({UNREPORTED}: {figures.unreported['overdue']})",
             f"• Đang thực hiện trong hạn: {tasks['in_progress_on_time']} · Chưa đến hạn:"
             f" {tasks['not_due']} · Thường xuyên / theo tiến độ TW: {tasks['recurring']}",
             f"• Chỉ tiêu: {figures.indicators['achieved']}/{figures.indicator_total} đạt/vượt,"
             f" {figures.indicators['not_achieved']} chưa đạt,"
             f" {figures.indicators['not_assessable']} chưa đánh giá được"]
    if digest.blocked or digest.extensions:
        lines.append(f"• Vướng mắc: {len(digest.blocked)} lượt phân công · Đề nghị gia hạn chờ"
                     f" duyệt: {len(digest.extensions)}")
    if digest.due_soon:
        lines.append(f"• Đến hạn trong 14 ngày tới: {len(digest.due_soon)} nhiệm vụ")
    ranked = [r for r in ranking(digest) if r.assigned]
    if ranked:
        lines.append("Tỷ lệ hoàn thành theo cơ quan (lượt phân công):")
        top = ranked[:RANKED_SHOWN]
        bottom = [r for r in ranked[-RANKED_SHOWN:] if r not in top]
        lines += [f"{r.place}. {r.agency_name}: {r.done}/{r.assigned}"
                  f" ({percent(r.done, r.assigned)}{_change(r.change_points)})"
                  for r in [*top, *bottom]]
    lines.append("Chi tiết: /tongquan – toàn văn báo cáo · /quahan – nhiệm vụ quá hạn ·"
                 " /coquan <tên> – một cơ quan. Biểu đồ và tệp Excel kèm theo.")
    return "\n".join(lines)
