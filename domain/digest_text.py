"""The digest in Vietnamese, in the seeds' own phrasing, and split at section boundaries.

Long lists are capped in chat (the workbook attached to the digest holds every line): the
overdue list shows at most MAX_PER_AGENCY items per agency and MAX_LINES lines, the other lists
MAX_LINES lines; every heading still carries the full count. The per-agency table is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from domain.digest import DUE_SOON_DAYS, AgencyOverdue, Digest, OverdueLine
from domain.digest_inputs import (
    INDICATOR_CLASSES,
    TASK_CLASSES,
    Figures,
    Period,
)
from domain.digest_text_groups import (
    approved_extension_lines,
    documents_section,
    not_due_lines,
    overdue_group_lines,
    ranking_section,
)
from domain.digest_words import (
    BULLET,
    INDICATOR_LABELS,
    MAX_LINES,
    MAX_PER_AGENCY,
    NAMES_IN_LINE,
    ROLE_LABELS,
    SUBJECT,
    TASK_LABELS,
    TEXT_IN_LIST,
    UNREACHABLE_LABELS,
    UNREPORTED,
    according_to,
    deadline_text,
    percent,
    share,
    state_text,
)
from domain.reminder_text import TELEGRAM_LIMIT, format_date, shorten, split_message
from domain.text import tidy


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
UNASSIGNED_MARK = " (nhóm đơn vị, cần phân công cơ quan chủ trì cụ thể)"


def _class_line(label: str, count: int, total: int, before: int | None, extra: str = "") -> str:
    change = f", {_signed(count - before)}" if before is not None and count != before else ""
    return f"- {label}: {count}/{total} ({percent(count, total)}{change}){extra}"


def _sources(figures: Figures, name: str, attached_to: str) -> str:
    """" – chưa báo cáo: 17; theo Công văn 4362-CV/TU: 2" for a class, or nothing."""
    parts = []
    if figures.unreported[name]:
        parts.append(f"{UNREPORTED}: {figures.unreported[name]}")
    if figures.from_document[name]:
        parts.append(f"{according_to(attached_to)}: {figures.from_document[name]}")
    if name == "done_on_time" and figures.adjusted:
        parts.append(f"đúng hạn (đã điều chỉnh): {figures.adjusted}")
    return f" – {'; '.join(parts)}" if parts else ""


def _attached_to(digest: Digest) -> str:
    return next((s.item.attached_to for s in digest.items if s.item.attached_to), "")


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
    attached_to = _attached_to(digest)
    lines = [f"I. NHIỆM VỤ: {total} nhiệm vụ"]
    lines += [_class_line(TASK_LABELS[name], figures.tasks[name], total,
                          before.tasks[name] if before else None,
                          _sources(figures, name, attached_to)) for name in TASK_CLASSES]
    overdue = figures.tasks["overdue"]
    silent = figures.unreported_total
    written = sum(figures.from_document.values())
    lines.append(f"Chưa có báo cáo nào: {silent}/{total} nhiệm vụ ({UNREPORTED})"
                 if silent else "Mọi nhiệm vụ đều đã có báo cáo")
    lines[-1] += (f"; {written} nhiệm vụ chỉ có đánh giá {according_to(attached_to)}."
                  if written else ".")
    lines += not_due_lines(digest)
    summary = (f"Đã hoàn thành {share(figures.done, total)} nhiệm vụ; quá hạn chưa hoàn thành"
               f" {overdue} nhiệm vụ")
    if before is None:
        lines.append(f"{summary}. Chưa có báo cáo kỳ trước để so sánh.")
    else:
        compared = _compared_with(digest)
        done = figures.done - before.done
        more = overdue - before.tasks["overdue"]
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
    reported = [(s.item, p.assignment) for s in digest.items if s.item.kind == "indicator"
                for p in s.assignments if p.assignment.indicator is not None]
    if reported:
        lines.append("Giá trị báo cáo mới nhất (mục tiêu: theo văn bản giao ghi trong phụ lục):")
    for item, part in reported[:MAX_LINES]:
        report = part.indicator
        assert report is not None
        value = tidy(report.value_text or "") or "chưa nêu giá trị"
        lines.append(f"{BULLET} {item.code} – {shorten(item.text, TEXT_IN_LIST)} –"
                     f" {part.agency_name}: {INDICATOR_LABELS[report.assessment]}, {value}")
    return "\n".join(lines)


def _overdue_line(line: OverdueLine) -> str:
    text = shorten(line.item.text, TEXT_IN_LIST)
    deadline = deadline_text(line.item.due, line.assignment.extended_due)
    return (f"{BULLET} {line.item.code} – {text} – {deadline}, quá hạn {line.days}"
            f" ngày; {state_text(line.item, line.assignment)}")


def _overdue(digest: Digest) -> str:
    count = sum(len(group.lines) for group in digest.overdue)
    heading = "IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"
    if not digest.overdue:
        return f"{heading}: không có."
    shared = overdue_group_lines(digest)
    lines = [f"{heading}: {digest.overdue_items} nhiệm vụ, {count} lượt phân công (quá hạn lâu"
             " nhất trước; số ngày là ngày theo lịch)", *shared]
    # Group tasks are listed once above; under each agency only what it leads itself.
    groups = [AgencyOverdue(g.agency_id, g.agency_name,
                            tuple(line for line in g.lines if not line.assignment.via_group))
              for g in digest.overdue]
    groups = [g for g in groups if g.lines]
    if groups and shared:
        lines.append("Nhiệm vụ từng cơ quan chủ trì:")
    for index, group in enumerate(groups):
        if len(lines) + min(len(group.lines), MAX_PER_AGENCY) + 1 > MAX_LINES:
            lines.append(_more_agencies(groups[index:]))
            break
        placeholder = group.lines[0].assignment.agency_is_group
        lines.append(f"{group.agency_name}{UNASSIGNED_MARK if placeholder else ''}"
                     f" ({len(group.lines)}):")
        lines += [_overdue_line(line) for line in group.lines[:MAX_PER_AGENCY]]
        if len(group.lines) > MAX_PER_AGENCY:
            lines.append(f"  … và {len(group.lines) - MAX_PER_AGENCY} lượt phân công khác")
    return "\n".join(lines)


def _more_agencies(rest: Sequence[AgencyOverdue]) -> str:
    count = sum(len(group.lines) for group in rest)
    return f"… và {len(rest)} cơ quan khác ({count} lượt phân công quá hạn){SEE_WORKBOOK}"


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
    return "đến hạn hôm nay" if days == 0 else f"còn {days} ngày theo lịch"


def _due_soon(digest: Digest) -> str:
    heading = f"V. NHIỆM VỤ ĐẾN HẠN TRONG {DUE_SOON_DAYS} NGÀY TỚI"
    if not digest.due_soon:
        return f"{heading}: không có."
    heading += f": {len(digest.due_soon)} nhiệm vụ"
    lines = [f"{BULLET} {line.item.code} – {shorten(line.item.text, TEXT_IN_LIST)} – hạn"
             f" {format_date(digest.period.today + timedelta(days=line.days_left))}"
             f" ({_days_left(line.days_left)})"
             f" – {_names(line.agencies)}" for line in digest.due_soon]
    return _capped(heading, lines)


def _blocked(digest: Digest) -> str:
    heading = "VI. VƯỚNG MẮC CHƯA ĐƯỢC GIẢI QUYẾT"
    if not digest.blocked:
        return f"{heading}: không có."
    heading += f": {len(digest.blocked)} lượt phân công báo vướng mắc"
    lines = []
    for entry in digest.blocked:
        assignment = entry.assignment
        since = (f" (báo ngày {format_date(assignment.status_since)})"
                 if assignment.status_since else "")
        obstacle = tidy(assignment.note or "") or "chưa nêu cụ thể"
        lines.append(f"{BULLET} {entry.item.code} – {assignment.agency_name} –"
                     f" {shorten(entry.item.text, TEXT_IN_LIST)}: {obstacle}{since}")
    return _capped(heading, lines)


def _extensions(digest: Digest) -> str:
    approved = approved_extension_lines(digest)
    heading = "VII. GIA HẠN\n" + "\n".join(approved) + "\nĐề nghị gia hạn chờ duyệt"
    if not digest.extensions:
        return f"{heading}: không có."
    heading += f": {len(digest.extensions)} đề nghị"
    lines = []
    for entry in digest.extensions:
        request = entry.request
        to = f"đến {format_date(request.new_due)}" if request.new_due else "(chưa nêu ngày)"
        reason = f"; lý do: {tidy(request.reason)}" if request.reason else ""
        due = f" (hạn {format_date(entry.item.due)})" if entry.item.due else ""
        lines.append(f"{BULLET} {entry.item.code}{due} – {entry.assignment.agency_name}:"
                     f" đề nghị gia hạn {to}{reason}; gửi ngày"
                     f" {format_date(request.requested_on)}")
    return _capped(heading, lines)


def _silence(digest: Digest) -> str:
    lines = ["VIII. ĐƠN VỊ CHƯA PHẢN HỒI, KHÔNG LIÊN LẠC ĐƯỢC"]
    if digest.silent:
        lines.append(f"Chưa phản hồi nhắc việc trong kỳ ({len(digest.silent)} cơ quan):")
        lines += [f"{BULLET} {row.agency_name}: {row.unanswered}/{row.reminded} lượt phân công"
                  " được nhắc chưa có phản hồi" for row in digest.silent[:MAX_LINES]]
    else:
        lines.append("Chưa phản hồi nhắc việc trong kỳ: không có.")
    if digest.unreachable:
        lines.append(f"Không liên lạc được qua hệ thống ({len(digest.unreachable)} người):")
        for person in digest.unreachable[:MAX_LINES]:
            name = tidy(person.name) or "(chưa ghi tên)"
            reason = UNREACHABLE_LABELS.get(person.reason or "", person.reason or "không rõ lý do")
            lines.append(f"{BULLET} {name} – {ROLE_LABELS.get(person.role, person.role)},"
                         f" {person.agency_name}: {reason}")
    else:
        lines.append("Không liên lạc được qua hệ thống: không có.")
    if digest.without_focal:
        lines.append(f"Chưa đăng ký cán bộ đầu mối ({len(digest.without_focal)} cơ quan):"
                     f" {'; '.join(digest.without_focal)}.")
    else:
        lines.append("Chưa đăng ký cán bộ đầu mối: không có.")
    if digest.unassigned:
        # Not agencies: no one can be registered for "Địa phương"; the committee names who leads.
        lines.append("Cần phân công cơ quan chủ trì cụ thể (nhóm đơn vị chưa có danh sách thành"
                     " viên trong danh mục cơ quan): " + "; ".join(
                         f"“{group.name}”: {', '.join(group.codes)}" for group in digest.unassigned)
                     + ".")
    return "\n".join(lines)


def digest_sections(digest: Digest) -> list[str]:
    """The digest's sections in order; each is kept whole in one message when it fits."""
    return [_header(digest), _tasks(digest), _indicators(digest), documents_section(digest),
            _overdue(digest), _due_soon(digest), _blocked(digest), _extensions(digest),
            _silence(digest), ranking_section(digest)]


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

