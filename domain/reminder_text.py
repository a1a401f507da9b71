"""Vietnamese wording of reminder messages, and splitting them under a chat's length limit."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date

from domain.committee_policy import policy_of
from domain.deadline_text import describe_cadence
from domain.deadlines import follows_central_schedule
from domain.reminder_reasons import ask, last_report
from domain.reminder_steps import (
    AssignmentState,
    DueReminder,
    ReminderPolicy,
    escalation_threshold,
)
from domain.reminders import ReminderMessage
from domain.text import tidy

TELEGRAM_LIMIT = 4096
ITEM_TEXT_LIMIT = 120
_BULLET = "•"
_SECRETARIAT = "Cơ quan thường trực Ban Chỉ đạo"
_TRIM_BEFORE_ELLIPSIS = " ,;:.-–—"
_GLUED = "   "


def format_date(day: date) -> str:
    """dd/mm/yyyy, the way Vietnamese documents write dates."""
    return day.strftime("%d/%m/%Y")


def shorten(text: str, limit: int = ITEM_TEXT_LIMIT) -> str:
    """The text on one line, cut at a word boundary with "…" if longer than `limit`."""
    if limit < 2:
        raise ValueError("limit must leave room for at least one character and the ellipsis")
    text = tidy(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    # A word boundary far back would throw away most of the text: cut inside the word then.
    if text[limit - 1] != " " and space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(_TRIM_BEFORE_ELLIPSIS) + "…"


def describe_timing(item: DueReminder) -> str:
    """What the item asks for and how much time is left, e.g. "hạn 30/09/2025, còn 3 ngày"."""
    state = item.assignment
    due = state.deadline.due
    if state.item_kind == "indicator":
        wording = "đề nghị cập nhật giá trị và đánh giá chỉ tiêu"
        if due is not None:
            wording += f", hạn {format_date(due)}"
    elif item.overdue_working_days is not None and due is not None:
        wording = f"hạn {format_date(due)}, quá hạn {item.overdue_working_days} ngày làm việc"
    elif state.deadline.kind == "date" and due is not None and item.days_left is not None:
        wording = f"hạn {format_date(due)}, {days_phrase(item.days_left)}"
    elif state.deadline.kind == "recurring" and state.deadline.every and state.deadline.on:
        # The day the report is due in each period: "định kỳ hằng tháng, ngày 25".
        cadence = describe_cadence(state.deadline.every, state.deadline.on)
        wording = f"định kỳ {cadence}: cập nhật tiến độ"
    elif state.deadline.kind == "recurring":
        wording = "định kỳ: cập nhật tiến độ"
    elif state.deadline.kind == "dependent" and follows_central_schedule(state.deadline.raw):
        wording = "theo tiến độ của Trung ương: đề nghị cập nhật tiến độ"
    else:
        wording = f"thời hạn “{tidy(state.deadline.raw)}”: đề nghị cập nhật tiến độ"
    return wording


def item_line(item: DueReminder, labels: Mapping[int, str] | None = None) -> str:
    """One line per item: bullet, code, [committee,] shortened text, then the timing."""
    text = shorten(item.assignment.item_text)
    committee = item.assignment.committee_id
    # After the dash: the scan finds an item's buttons by " CODE – " in the text.
    mark = (f"[{labels[committee]}] " if labels and committee is not None and committee in labels
            else "")
    return f"{_BULLET} {item.item_code} – {mark}{text} ({describe_timing(item)})"


def committee_labels(items: Sequence[DueReminder], labels: Mapping[int, str] | None,
                     several: Collection[int] = frozenset()) -> Mapping[int, str] | None:
    """The committees' short names, when the person serves several committees (an item's
    agency is in `several`, the agencies with work from two or more) or the message carries
    items of several; else None (a single-committee deployment marks nothing)."""
    if not labels:
        return None
    if any(item.assignment.agency_id in several for item in items):
        return labels
    return labels if len({item.assignment.committee_id for item in items}) > 1 else None


def item_lines(item: DueReminder, policy: ReminderPolicy,
               labels: Mapping[int, str] | None = None) -> tuple[str, str]:
    """The item's line, then what we already know and what is asked of it, and why."""
    asked = ask(item, policy.report_quiet_days, policy.blocked_checkin_after)
    known = last_report(item.assignment)
    return (item_line(item, labels),
            f"   {known[0].upper()}{known[1:]}. {asked[0].upper()}{asked[1:]}.")


def render_focal_message(message: ReminderMessage, policy: ReminderPolicy | None = None,
                         labels: Mapping[int, str] | None = None,
                         several: Collection[int] = frozenset(),
                         policies: Mapping[int, ReminderPolicy] | None = None) -> str:
    """A focal person's reminder: greeting, two lines per item, how to answer; each item
    marked with its committee's short name (`labels`) when the person serves several."""
    policy = policy or ReminderPolicy()
    labels = committee_labels(message.items, labels, several)
    states = [item.assignment for item in message.items]
    person = message.recipient.name.strip()
    addressee = f"đồng chí {person}, cán bộ đầu mối" if person else "đồng chí cán bộ đầu mối"
    example = next((s.item_code for s in states if s.item_kind == "task"), states[0].item_code)
    lines = [
        f"Kính gửi {addressee} của {_agency_list(states)},",
        f"Ban Chỉ đạo đề nghị đồng chí cập nhật tình hình thực hiện {_count_noun(states)} sau:",
        *(line for item in message.items for line in item_lines(
            item, policy_of(item.assignment.committee_id, policy, policies), labels)),
        f"Trả lời tin nhắn này hoặc gõ mã nhiệm vụ kèm tình trạng, ví dụ: {example} đã hoàn thành",
    ]
    return "\n".join(lines)


def render_escalation(message: ReminderMessage, labels: Mapping[int, str] | None = None,
                      several: Collection[int] = frozenset()) -> str:
    """An escalation: to an agency's leader (each item marked with its committee when the
    agency serves several), or to the secretariat (one committee's) grouped by agency."""
    items = message.items
    states = [item.assignment for item in items]
    thresholds = [escalation_threshold(item.kind) for item in items]
    least = min((days for days in thresholds if days is not None), default=None)
    overdue = f"quá hạn từ {least} ngày làm việc trở lên" if least is not None else "quá hạn"
    if message.recipient.role == "secretariat":
        return "\n".join(
            [
                f"Kính gửi {_SECRETARIAT},",
                f"Hệ thống đôn đốc báo cáo: có {_count_noun(states)} {overdue}"
                " (đã thông báo tới lãnh đạo các đơn vị đã đăng ký):",
                *_lines_by_agency(items),
            ]
        )
    return "\n".join(
        [
            f"Kính gửi đồng chí lãnh đạo {_agency_list(states)},",
            f"Ban Chỉ đạo thông báo: {_agency_list(states)} có {_count_noun(states)} {overdue},"
            " đề nghị đồng chí quan tâm chỉ đạo thực hiện:",
            *(line for item in items
              for line in _with_report(item, committee_labels(items, labels, several))),
            "Cán bộ đầu mối của đơn vị đã được nhắc việc qua hệ thống.",
        ]
    )


def render_unreachable(items: Sequence[DueReminder], today: date) -> str:
    """The secretariat's weekly list of reminders nobody received; "" when there is none.

    Items led by a group of agencies are not an agency without a focal person: they are
    listed apart, as needing a concrete lead.
    """
    if not items:
        return ""
    agencies = [item for item in items if not item.assignment.agency_is_group]
    groups = [item for item in items if item.assignment.agency_is_group]
    lines = [f"Kính gửi {_SECRETARIAT},"]
    if agencies:
        lines += [
            "Các đơn vị sau chưa đăng ký cán bộ đầu mối nên chưa nhận được nhắc việc"
            f" ngày {format_date(today)}:",
            *_lines_by_agency(agencies),
            "Đề nghị đôn đốc các đơn vị đăng ký cán bộ đầu mối để nhận nhắc việc.",
        ]
    if groups:
        lines += [
            "Các nhiệm vụ sau giao cho nhóm đơn vị, chưa có cơ quan chủ trì cụ thể nên chưa"
            " nhắc được ai (đề nghị phân công cơ quan chủ trì, hoặc khai báo các đơn vị"
            " thành viên của nhóm trong danh mục cơ quan):",
            *_lines_by_agency(groups),
        ]
    return "\n".join(lines)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of at most `limit` UTF-16 units, cut between lines; a longer line between words."""
    # Telegram counts UTF-16 code units. Blank lines at a part's edge are dropped and an empty
    # text gives no part: chats refuse empty messages.
    if limit < 2:
        raise ValueError("limit must hold at least one character of any kind")
    parts: list[str] = []
    lines: list[str] = []
    size = 0
    for piece in (piece for line in text.split("\n") for piece in _fit_line(line, limit)):
        piece_size = _units(piece)
        if lines and size + 1 + piece_size > limit:
            # An indented line belongs to the line above (an item's report and question):
            # they move to the next part together when both fit there.
            keep = 1 if (piece.startswith(_GLUED) and len(lines) > 1
                         and _units(lines[-1]) + 1 + piece_size <= limit) else 0
            carried = lines[len(lines) - keep:]
            parts.append("\n".join(lines[:len(lines) - keep]))
            lines = carried
            size = sum(_units(line) + 1 for line in lines) - 1 if lines else 0
        size = piece_size if not lines else size + 1 + piece_size
        lines.append(piece)
    if lines:
        parts.append("\n".join(lines))
    trimmed = (part.strip("\n") for part in parts)
    return [part for part in trimmed if part.strip()]


def days_phrase(days_left: int) -> str:
    """"còn 3 ngày", "đến hạn hôm nay", "quá hạn 5 ngày"."""
    if days_left > 0:
        return f"còn {days_left} ngày"
    if days_left == 0:
        return "đến hạn hôm nay"
    return f"quá hạn {-days_left} ngày"


def _count_noun(states: Sequence[AssignmentState]) -> str:
    """Items counted as items ("nhiệm vụ", "chỉ tiêu"), and assignments said apart if more.

    One item led by several agencies is one "nhiệm vụ" but several "lượt phân công" (the
    digest's two units): the figure never calls assignments "nhiệm vụ".
    """
    items = {_item_identity(state): state.item_kind for state in states}
    tasks = sum(1 for kind in items.values() if kind == "task")
    indicators = len(items) - tasks
    if tasks and indicators:
        counted = f"{tasks} nhiệm vụ và {indicators} chỉ tiêu"
    else:
        counted = f"{tasks} nhiệm vụ" if tasks else f"{indicators} chỉ tiêu"
    if len(states) > len(items):
        counted += f" ({len(states)} lượt phân công)"
    return counted


def _item_identity(state: AssignmentState) -> tuple[str, str | int]:
    # Codes are unique per item; a state without one stands for itself.
    return ("code", state.item_code) if state.item_code else ("assignment", state.assignment_id)


def _agency_list(states: Sequence[AssignmentState]) -> str:
    return ", ".join(dict.fromkeys(state.agency_name for state in states))


def _lines_by_agency(items: Sequence[DueReminder]) -> Iterator[str]:
    # Agencies in order of their most urgent item; items keep their order inside an agency.
    by_agency: dict[int, list[DueReminder]] = {}
    for item in items:
        by_agency.setdefault(item.assignment.agency_id, []).append(item)
    for agency_items in by_agency.values():
        yield f"{agency_items[0].assignment.agency_name}:"
        for item in agency_items:
            yield from _with_report(item)


def _with_report(item: DueReminder,
                 labels: Mapping[int, str] | None = None) -> tuple[str, ...]:
    """An escalated item's line and its last report (an unreachable one: the line alone)."""
    if item.overdue_working_days is None:
        return (item_line(item, labels),)
    known = last_report(item.assignment)
    return item_line(item, labels), f"   {known[0].upper()}{known[1:]}."


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _fit_line(line: str, limit: int) -> list[str]:
    # Cut between words; a single word longer than the limit is cut inside as a last resort.
    if _units(line) <= limit:
        return [line]
    pieces: list[str] = []
    current: str | None = None
    size = 0
    for word in line.split(" "):
        word_size = _units(word)
        if current is not None and size + 1 + word_size <= limit:
            current, size = f"{current} {word}", size + 1 + word_size
            continue
        if current is not None:
            pieces.append(current)
        chunks = _hard_cut(word, limit)
        pieces.extend(chunks[:-1])
        current, size = chunks[-1], _units(chunks[-1])
    if current is not None:
        pieces.append(current)
    return pieces


def _hard_cut(word: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current, size = "", 0
    for char in word:
        char_size = _units(char)
        if size + char_size > limit:
            chunks.append(current)
            current, size = "", 0
        current, size = current + char, size + char_size
    chunks.append(current)
    return chunks
