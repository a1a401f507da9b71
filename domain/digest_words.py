"""The digest's words: class names, units, dates and states as people read them."""

from __future__ import annotations

from datetime import date

from domain.digest_classes import document_status
from domain.digest_inputs import AssignmentIn, ItemIn
from domain.reminder_text import format_date
from domain.text import tidy

SUBJECT = "Nghị quyết 57-NQ/TW"
MAX_PER_AGENCY = 3
MAX_LINES = 40
TEXT_IN_LIST = 90
NAMES_IN_LINE = 3
TASK_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn", "done_late": "Hoàn thành quá hạn",
    "in_progress_on_time": "Đang thực hiện trong hạn",
    "overdue": "Quá hạn chưa hoàn thành", "not_due": "Chưa đến hạn",
    "recurring": "Thường xuyên / theo tiến độ TW",
}
UNREPORTED = "chưa báo cáo"
INDICATOR_LABELS = {"achieved": "Đạt/vượt", "not_achieved": "Chưa đạt",
                    "not_assessable": "Chưa đánh giá được"}
ROLE_LABELS = {"focal": "cán bộ đầu mối", "leader": "lãnh đạo"}
UNREACHABLE_LABELS = {"blocked": "đã chặn bot", "chat_not_found": "không tìm thấy cuộc trò chuyện",
                      "deactivated": "tài khoản đã bị khóa hoặc xóa"}
BULLET = "•"
STATUS_LABELS = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện",
                 "blocked": "Vướng mắc", "done": "Hoàn thành"}


def status_label(status: str, reported: bool) -> str:
    """An agency's status as people read it: "Chưa báo cáo" until anyone reported."""
    if not reported and status == "not_started":
        return "Chưa báo cáo"
    return STATUS_LABELS.get(status, status)


def percent(part: int, whole: int) -> str:
    """A whole percentage, halves rounded up ("0%" of nothing)."""
    return f"{(200 * part + whole) // (2 * whole) if whole else 0}%"


def share(part: int, whole: int) -> str:
    """"x/y (z%)", the way the committee's reports count."""
    return f"{part}/{whole} ({percent(part, whole)})"


def according_to(attached_to: str) -> str:
    """"theo Công văn 4362-CV/TU", or "theo phụ lục" when the appendix names no document."""
    return f"theo {attached_to}" if attached_to else "theo phụ lục"


def state_text(item: ItemIn, assignment: AssignmentIn) -> str:
    """What is known of one part, never more: "chưa báo cáo" when nobody said anything."""
    if (assignment.last_update is None and assignment.indicator is None
            and assignment.extended_due is None):
        written = document_status(item.assessment) if item.kind == "task" else None
        if written is not None and assignment.status == "not_started":
            written_text = tidy(item.assessment or "")
            return f"{according_to(item.attached_to)}: {written_text[:1].lower()}{written_text[1:]}"
        if assignment.status == "not_started":
            return UNREPORTED
    if assignment.status == "not_started":
        return "báo cáo chưa thực hiện"
    if assignment.status == "done":
        return "đã hoàn thành"
    if assignment.status == "blocked" and not assignment.blocker_open:
        handled = assignment.blocker_handled_on
        return f"vướng mắc (Cơ quan thường trực đã xử lý {handled:%d/%m}), chưa báo cáo lại"
    if assignment.status == "blocked":
        return "vướng mắc"
    if assignment.percent is not None:
        return f"đang thực hiện {assignment.percent}%"
    return "đang thực hiện"


def deadline_text(due: date | None, extended: date | None, raw: str = "") -> str:
    """"hạn 30/09/2025", or "hạn 30/09, đã điều chỉnh đến 30/11/2025" after an extension."""
    if due is None:
        return f"thời hạn: {raw}" if raw else "không ghi thời hạn"
    if extended is None or extended == due:
        return f"hạn {format_date(due)}"
    return f"hạn {due:%d/%m}, đã điều chỉnh đến {format_date(extended)}"
