"""The digest in Vietnamese, in the seeds' own phrasing, and split at section boundaries.

Long lists are capped in chat (the workbook attached to the digest holds every line): the
overdue list shows at most MAX_PER_AGENCY items per agency and MAX_LINES lines, the other lists
MAX_LINES lines; every heading still carries the full count. The per-agency table is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence

from domain.digest import DUE_SOON_DAYS, AgencyOverdue, Digest, OverdueLine
from domain.digest_inputs import (
    INDICATOR_CLASSES,
    TASK_CLASSES,
    AssignmentIn,
    Figures,
    Period,
)
from domain.reminder_text import TELEGRAM_LIMIT, format_date, shorten, split_message
from domain.text import tidy

SUBJECT = "Nghị quyết 57-NQ/TW"
MAX_PER_AGENCY = 3
MAX_LINES = 40
TEXT_IN_LIST = 90
NAMES_IN_LINE = 3
TASK_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn", "done_late": "Hoàn thành quá hạn",
    "in_progress_on_time": "Đang thực hiện trong hạn",
    "in_progress_overdue": "Đang thực hiện quá hạn", "not_started": "Chưa thực hiện",
    "recurring": "Thường xuyên",
}
INDICATOR_LABELS = {"achieved": "Đạt/vượt", "not_achieved": "Chưa đạt",
                    "not_assessable": "Chưa đánh giá được"}
ROLE_LABELS = {"focal": "cán bộ đầu mối", "leader": "lãnh đạo"}
UNREACHABLE_LABELS = {"blocked": "đã chặn bot", "chat_not_found": "không tìm thấy cuộc trò chuyện",
                      "deactivated": "tài khoản đã bị khóa hoặc xóa"}
_BULLET = "•"


def percent(part: int, whole: int) -> str:
    """A whole percentage, halves rounded up ("0%" of nothing)."""
    return f"{(200 * part + whole) // (2 * whole) if whole else 0}%"


def share(part: int, whole: int) -> str:
    """"x/y (z%)", the way the committee's reports count."""
    return f"{part}/{whole} ({percent(part, whole)})"


def period_range(period: Period) -> str:
    """"17/11–23/11/2025", or with both years when the period crosses New Year."""
    start, end = period.start, period.end
    if start.year == end.year:
        return f"{start:%d/%m}–{format_date(end)}"
    return f"{format_date(start)}–{format_date(end)}"


def title(period: Period) -> str:
    """The digest's title with its week(s) and dates."""
    weeks = period.weeks
    label = str(weeks[0]) if len(weeks) == 1 else f"{weeks[0]}–{weeks[-1]}"
    return f"Báo cáo tiến độ thực hiện {SUBJECT} tuần {label} ({period_range(period)})"


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else str(number)


def _compared_with(digest: Digest) -> str:
    previous = digest.previous
    assert previous is not None
    if (digest.period.start - previous.end).days == 1:
        one_week = (previous.end - previous.start).days < 7
        return "so với tuần trước" if one_week else "so với kỳ trước"
    return f"so với báo cáo kỳ đến ngày {format_date(previous.end)}"


# What the text says of the attachments: removed when a digest goes out without them.
FILES_NOTE = " Chi tiết từng nhiệm vụ: biểu đồ và tệp Excel kèm theo."
SEE_WORKBOOK = ": xem tệp Excel kèm theo."


def _class_line(label: str, count: int, total: int, before: int | None) -> str:
    change = f", {_signed(count - before)}" if before is not None and count != before else ""
    return f"- {label}: {count}/{total} ({percent(count, total)}{change})"


def _header(digest: Digest) -> str:
    return "\n".join([
        title(digest.period),
        f"Số liệu tính đến ngày {format_date(digest.period.today)}, theo báo cáo của cán bộ đầu"
        " mối các cơ quan qua hệ thống đôn đốc." + FILES_NOTE,
    ])


def _tasks(digest: Digest) -> str:
    figures, previous = digest.figures, digest.previous
    before: Figures | None = previous.figures if previous else None
    total = figures.task_total
    lines = [f"I. NHIỆM VỤ: {total} nhiệm vụ"]
    lines += [_class_line(TASK_LABELS[name], figures.tasks[name], total,
                          before.tasks[name] if before else None) for name in TASK_CLASSES]
    overdue = figures.tasks["in_progress_overdue"]
    summary = f"Đã hoàn thành {share(figures.done, total)}; quá hạn {overdue} nhiệm vụ"
    if before is None:
        lines.append(f"{summary}. Chưa có báo cáo kỳ trước để so sánh.")
    else:
        compared = _compared_with(digest)
        done = figures.done - before.done
        more = overdue - before.tasks["in_progress_overdue"]
        done_change = (f"{_signed(done)} hoàn thành {compared}" if done
                       else f"Không có thêm nhiệm vụ hoàn thành {compared}")
        overdue_change = ("số nhiệm vụ quá hạn không đổi" if not more else
                          f"số nhiệm vụ quá hạn {'tăng' if more > 0 else 'giảm'} {abs(more)}")
        lines.append(f"{summary}. {done_change}; {overdue_change}.")
    return "\n".join(lines)


def _indicators(digest: Digest) -> str:
    figures = digest.figures
    before = digest.previous.figures if digest.previous else None
    total = figures.indicator_total
    lines = [f"II. CHỈ TIÊU: {total} chỉ tiêu"]
    lines += [_class_line(INDICATOR_LABELS[name], figures.indicators[name], total,
                          before.indicators[name] if before else None)
              for name in INDICATOR_CLASSES]
    return "\n".join(lines)


def _state(assignment: AssignmentIn) -> str:
    if assignment.status == "not_started":
        return "chưa thực hiện"
    if assignment.status == "blocked":
        return "vướng mắc"
    if assignment.percent is not None:
        return f"đang thực hiện {assignment.percent}%"
    return "đang thực hiện"


def _overdue_line(line: OverdueLine) -> str:
    text = shorten(line.item.text, TEXT_IN_LIST)
    due = line.item.due
    assert due is not None
    extra = ""
    if line.assignment.extended_due is not None:
        extra = f"; đã gia hạn đến {format_date(line.assignment.extended_due)}"
    return (f"{_BULLET} {line.item.code} – {text} – hạn {format_date(due)}, quá hạn {line.days}"
            f" ngày; {_state(line.assignment)}{extra}")


def _overdue(digest: Digest) -> str:
    groups = digest.overdue
    count = sum(len(group.lines) for group in groups)
    heading = "III. NHIỆM VỤ QUÁ HẠN"
    if not groups:
        return f"{heading}: không có."
    lines = [f"{heading}: {digest.overdue_items} nhiệm vụ, {count} lượt cơ quan (quá hạn lâu"
             " nhất trước)"]
    for index, group in enumerate(groups):
        if len(lines) + min(len(group.lines), MAX_PER_AGENCY) + 1 > MAX_LINES:
            lines.append(_more_agencies(groups[index:]))
            break
        lines.append(f"{group.agency_name} ({len(group.lines)}):")
        lines += [_overdue_line(line) for line in group.lines[:MAX_PER_AGENCY]]
        if len(group.lines) > MAX_PER_AGENCY:
            lines.append(f"  … và {len(group.lines) - MAX_PER_AGENCY} nhiệm vụ khác")
    return "\n".join(lines)


def _more_agencies(rest: Sequence[AgencyOverdue]) -> str:
    count = sum(len(group.lines) for group in rest)
    return f"… và {len(rest)} cơ quan khác ({count} lượt quá hạn){SEE_WORKBOOK}"


def _capped(heading: str, lines: list[str]) -> str:
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES
        lines = [*lines[:MAX_LINES], f"… và {rest} dòng khác{SEE_WORKBOOK}"]
    return "\n".join([heading, *lines])


def _names(names: Sequence[str]) -> str:
    if len(names) <= NAMES_IN_LINE:
        return "; ".join(names)
    return f"{'; '.join(names[:NAMES_IN_LINE])} và {len(names) - NAMES_IN_LINE} cơ quan khác"


def _days_left(days: int) -> str:
    return "đến hạn hôm nay" if days == 0 else f"còn {days} ngày"


def _due_soon(digest: Digest) -> str:
    heading = f"IV. NHIỆM VỤ ĐẾN HẠN TRONG {DUE_SOON_DAYS} NGÀY TỚI"
    if not digest.due_soon:
        return f"{heading}: không có."
    heading += f": {len(digest.due_soon)} nhiệm vụ"
    lines = [f"{_BULLET} {line.item.code} – {shorten(line.item.text, TEXT_IN_LIST)} – hạn"
             f" {format_date(line.item.due or digest.period.today)} ({_days_left(line.days_left)})"
             f" – {_names(line.agencies)}" for line in digest.due_soon]
    return _capped(heading, lines)


def _blocked(digest: Digest) -> str:
    heading = "V. NHIỆM VỤ GẶP VƯỚNG MẮC"
    if not digest.blocked:
        return f"{heading}: không có."
    heading += f": {len(digest.blocked)} lượt cơ quan báo vướng mắc"
    lines = []
    for entry in digest.blocked:
        assignment = entry.assignment
        since = (f" (báo ngày {format_date(assignment.status_since)})"
                 if assignment.status_since else "")
        obstacle = tidy(assignment.note or "") or "chưa nêu cụ thể"
        lines.append(f"{_BULLET} {entry.item.code} – {assignment.agency_name} –"
                     f" {shorten(entry.item.text, TEXT_IN_LIST)}: {obstacle}{since}")
    return _capped(heading, lines)


def _extensions(digest: Digest) -> str:
    heading = "VI. ĐỀ NGHỊ GIA HẠN CHỜ DUYỆT"
    if not digest.extensions:
        return f"{heading}: không có."
    heading += f": {len(digest.extensions)} đề nghị"
    lines = []
    for entry in digest.extensions:
        request = entry.request
        to = f"đến {format_date(request.new_due)}" if request.new_due else "(chưa nêu ngày)"
        reason = f"; lý do: {tidy(request.reason)}" if request.reason else ""
        due = f" (hạn {format_date(entry.item.due)})" if entry.item.due else ""
        lines.append(f"{_BULLET} {entry.item.code}{due} – {entry.assignment.agency_name}:"
                     f" đề nghị gia hạn {to}{reason}; gửi ngày"
                     f" {format_date(request.requested_on)}")
    return _capped(heading, lines)


def _silence(digest: Digest) -> str:
    lines = ["VII. ĐƠN VỊ CHƯA PHẢN HỒI, KHÔNG LIÊN LẠC ĐƯỢC"]
    if digest.silent:
        lines.append(f"Chưa phản hồi nhắc việc trong kỳ ({len(digest.silent)} cơ quan):")
        lines += [f"{_BULLET} {row.agency_name}: {row.unanswered}/{row.reminded} nhiệm vụ được"
                  " nhắc chưa có phản hồi" for row in digest.silent[:MAX_LINES]]
    else:
        lines.append("Chưa phản hồi nhắc việc trong kỳ: không có.")
    if digest.unreachable:
        lines.append(f"Không liên lạc được qua hệ thống ({len(digest.unreachable)} người):")
        for person in digest.unreachable[:MAX_LINES]:
            name = tidy(person.name) or "(chưa ghi tên)"
            reason = UNREACHABLE_LABELS.get(person.reason or "", person.reason or "không rõ lý do")
            lines.append(f"{_BULLET} {name} – {ROLE_LABELS.get(person.role, person.role)},"
                         f" {person.agency_name}: {reason}")
    else:
        lines.append("Không liên lạc được qua hệ thống: không có.")
    if digest.without_focal:
        lines.append(f"Chưa đăng ký cán bộ đầu mối ({len(digest.without_focal)} cơ quan):"
                     f" {'; '.join(digest.without_focal)}.")
    else:
        lines.append("Chưa đăng ký cán bộ đầu mối: không có.")
    return "\n".join(lines)


def _agencies(digest: Digest) -> str:
    rows = digest.agencies
    lines = ["VIII. TỔNG HỢP THEO CƠ QUAN (nhiệm vụ được giao / hoàn thành / quá hạn / cập nhật"
             " lần cuối)"]
    for row in rows:
        updated = format_date(row.last_update) if row.last_update else "chưa cập nhật"
        lines.append(f"{_BULLET} {row.agency_name}: {row.assigned} / {row.done} / {row.overdue}"
                     f" / {updated}")
    assigned = sum(row.assigned for row in rows)
    done = sum(row.done for row in rows)
    overdue = sum(row.overdue for row in rows)
    lines.append(f"Cộng: {assigned} / {done} / {overdue} lượt giao cho {len(rows)} cơ quan"
                 " (nhiệm vụ có nhiều cơ quan chủ trì được tính cho từng cơ quan).")
    return "\n".join(lines)


def digest_sections(digest: Digest) -> list[str]:
    """The digest's sections in order; each is kept whole in one message when it fits."""
    return [_header(digest), _tasks(digest), _indicators(digest), _overdue(digest),
            _due_soon(digest), _blocked(digest), _extensions(digest), _silence(digest),
            _agencies(digest)]


def render_digest(digest: Digest, with_files: bool = True) -> str:
    """The whole digest as one text; without files, it promises no chart and no workbook."""
    text = "\n\n".join(digest_sections(digest))
    if not with_files:
        text = text.replace(FILES_NOTE, "").replace(SEE_WORKBOOK, ".")
    return text


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_sections(sections: Sequence[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Messages of at most `limit` UTF-16 units, cut between sections; a longer section by lines."""
    parts: list[str] = []
    current = ""
    for section in sections:
        if not section.strip():
            continue
        joined = f"{current}\n\n{section}" if current else section
        if _units(joined) <= limit:
            current = joined
            continue
        if current:
            parts.append(current)
        if _units(section) <= limit:
            current = section
            continue
        pieces = split_message(section, limit)
        parts.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        parts.append(current)
    return parts


def split_digest(digest: Digest, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The digest as chat messages under the limit, cut at section boundaries."""
    return split_sections(digest_sections(digest), limit)

