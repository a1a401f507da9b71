"""Digest sections that group: by assigning document, tasks given to a group (once each), the
agencies ranked with their change since the previous digest, and approved extensions."""

from __future__ import annotations

from domain.digest import Digest
from domain.digest_groups import GroupTask, by_document, group_tasks, ranking
from domain.digest_words import (
    BULLET,
    MAX_LINES,
    NAMES_IN_LINE,
    TEXT_IN_LIST,
    deadline_text,
    percent,
)
from domain.reminder_text import format_date, shorten

# Codes listed per deadline before "và N nhiệm vụ khác": a line stays readable in chat.
CODES_IN_LINE = 60


def documents_section(digest: Digest) -> str:
    """Tasks by assigning document: total, done, overdue, not yet due."""
    rows = by_document(digest)
    lines = ["III. THEO VĂN BẢN GIAO NHIỆM VỤ (số nhiệm vụ: tổng / hoàn thành / quá hạn chưa"
             " hoàn thành / đang thực hiện trong hạn / chưa đến hạn / thường xuyên)"]
    if not rows:
        return f"{lines[0]}: không có."
    for row in rows:
        c = row.classes
        done = f"{row.done} ({percent(row.done, row.total)})"
        lines.append(f"{BULLET} {row.document}: {row.total} / {done} / {c['overdue']}"
                     f" / {c['in_progress_on_time']} / {c['not_due']}"
                     f" / {c['recurring']}")
    return "\n".join(lines)


def names(found: tuple[str, ...], limit: int = NAMES_IN_LINE) -> str:
    """"A; B; C và 4 cơ quan khác"."""
    if len(found) <= limit:
        return "; ".join(found)
    return f"{'; '.join(found[:limit])} và {len(found) - limit} cơ quan khác"


def group_line(task: GroupTask, days: int) -> str:
    """One group task, once: its deadline, who reported and who did not."""
    status = task.status
    members = len(task.reported) + len(task.silent)
    silent = f"; chưa báo cáo: {names(task.silent)}" if task.silent else ""
    if task.unassigned:
        silent += f"; chưa phân công cơ quan cụ thể: {'; '.join(task.unassigned)}"
    deadline = deadline_text(status.item.due, status.extended_due)
    return (f"{BULLET} {status.item.code} – {shorten(status.item.text, TEXT_IN_LIST)} – "
            f"{deadline}, quá hạn {days} ngày; {task.group}: {len(task.reported)}/{members} cơ"
            f" quan đã báo cáo{silent}")


def overdue_group_lines(digest: Digest) -> list[str]:
    """The overdue tasks given to a group, each once."""
    tasks = [t for t in group_tasks(digest.items) if t.status.cls == "overdue"]
    if not tasks:
        return []
    lines = [f"Nhiệm vụ giao chung cho nhiều cơ quan ({len(tasks)} nhiệm vụ, mỗi nhiệm vụ nêu"
             " một lần):"]
    for task in tasks[:MAX_LINES]:
        days = max((p.days_overdue for p in task.status.assignments), default=0)
        lines.append(group_line(task, days))
    if len(tasks) > MAX_LINES:
        lines.append(f"… và {len(tasks) - MAX_LINES} nhiệm vụ giao chung khác: xem tệp Excel.")
    return lines


def _change(points: int | None) -> str:
    if points is None:
        return "chưa có số liệu tuần trước"
    if points == 0:
        return "không đổi"
    return f"{'+' if points > 0 else ''}{points} điểm %"


def ranking_section(digest: Digest) -> str:
    """Agencies ranked by completion rate of their task assignments, with the weekly change."""
    rows = ranking(digest)
    heading = ("IX. XẾP HẠNG CƠ QUAN THEO TỶ LỆ HOÀN THÀNH (lượt phân công: hoàn thành / được"
               " giao, tỷ lệ, quá hạn chưa hoàn thành; thay đổi so với báo cáo trước)")
    if not rows:
        return f"{heading}: không có."
    lines = [heading]
    lines += [f"{row.place}. {row.agency_name}: {row.done}/{row.assigned} ({row.rate}%), quá hạn"
              f" {row.overdue}; {_change(row.change_points)}" for row in rows]
    assigned = sum(row.assigned for row in rows)
    done = sum(row.done for row in rows)
    overdue = sum(row.overdue for row in rows)
    lines.append(f"Cộng: {done}/{assigned} lượt phân công hoàn thành ({percent(done, assigned)}),"
                 f" {overdue} lượt quá hạn, {len(rows)} cơ quan (nhiệm vụ có nhiều cơ quan chủ"
                 " trì được tính cho từng cơ quan).")
    return "\n".join(lines)


def approved_extension_lines(digest: Digest) -> list[str]:
    """Items judged by an approved extension: both dates, and whose part it is."""
    lines = []
    for status in digest.items:
        for part in status.assignments:
            extended = part.assignment.extended_due
            if extended is None or extended == status.item.due:
                continue
            lines.append(f"{BULLET} {status.item.code} – {part.assignment.agency_name}: "
                         f"{deadline_text(status.item.due, extended, status.item.deadline_raw)}")
    if not lines:
        return ["Đã duyệt gia hạn: không có."]
    head = f"Đã duyệt gia hạn ({len(lines)} lượt phân công, đánh giá theo hạn đã điều chỉnh):"
    return [head, *lines[:MAX_LINES]]



def not_due_lines(digest: Digest) -> list[str]:
    """The items not yet due, by deadline, as codes: which ones they are, not just how many."""
    by_due: dict[str, list[str]] = {}
    for status in digest.items:
        if status.item.kind == "task" and status.cls == "not_due":
            due = status.extended_due or status.item.due
            key = f"hạn {format_date(due)}" if due else "không ghi thời hạn"
            by_due.setdefault(key, []).append(status.item.code)
    if not by_due:
        return []
    count = sum(len(codes) for codes in by_due.values())
    lines = [f"Nhiệm vụ chưa đến hạn ({count}), theo thời hạn:"]
    lines += [f"{BULLET} {key} ({len(codes)}): {', '.join(codes[:CODES_IN_LINE])}"
              + (f" và {len(codes) - CODES_IN_LINE} nhiệm vụ khác (xem tệp Excel)"
                 if len(codes) > CODES_IN_LINE else "")
              for key, codes in list(by_due.items())[:MAX_LINES]]
    if len(by_due) > MAX_LINES:
        lines.append(f"… và {len(by_due) - MAX_LINES} thời hạn khác: xem tệp Excel kèm theo.")
    return lines
