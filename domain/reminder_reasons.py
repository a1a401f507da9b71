"""Why a reminder line is there, in Vietnamese: for the focal person, and for the secretariat."""

from __future__ import annotations

from datetime import date

from domain.reminder_steps import (
    BLOCKER_HANDLED,
    CHECKIN_BLOCKED,
    CHECKIN_DEPENDENT,
    CHECKIN_EXPECTED,
    CHECKIN_INDICATOR,
    CHECKIN_RECURRING,
    CHECKIN_REPORT,
    CHECKIN_UNDATED,
    DUE_TODAY,
    FOLLOW_UP,
    OVERDUE_WEEKLY,
    AssignmentState,
    DueReminder,
    ReminderPolicy,
    deadline_step_order,
    escalation_threshold,
)

_STATUS_WORDS = {"not_started": "chưa triển khai", "in_progress": "đang thực hiện",
                 "blocked": "vướng mắc", "done": "hoàn thành"}
_PERIODIC = {
    CHECKIN_RECURRING: "nhiệm vụ thường xuyên: đề nghị báo cáo kết quả thực hiện định kỳ",
    CHECKIN_INDICATOR: "đề nghị cập nhật giá trị và tự đánh giá chỉ tiêu (báo cáo định kỳ)",
    CHECKIN_DEPENDENT: "theo tiến độ của Trung ương: đề nghị cập nhật tình hình (định kỳ)",
    CHECKIN_UNDATED: "chưa có thời hạn cụ thể: đề nghị cập nhật tiến độ (định kỳ)",
}


_AGAIN = "chưa nhận được phản hồi cho lần nhắc trước"


def _follow_up_request(item: DueReminder) -> str:
    state = item.assignment
    if state.item_kind == "indicator":
        return "đề nghị cập nhật giá trị và tự đánh giá chỉ tiêu"
    if item.days_left is not None and item.days_left < 0:
        return ("nhiệm vụ đã quá hạn, đề nghị báo cáo kết quả, cho biết khi nào xong,"
                " hoặc xin gia hạn")
    return "đề nghị cập nhật tiến độ"


def short_date(day: date) -> str:
    """dd/mm, for dates in the current year's conversation."""
    return day.strftime("%d/%m")


def last_report(state: AssignmentState) -> str:
    """"lần báo cáo gần nhất 01/10: đang thực hiện 70%, dự kiến hoàn thành 15/10", or "chưa
    có báo cáo"."""
    if state.last_update_on is None:
        return "chưa có báo cáo"
    said = f"lần báo cáo gần nhất {short_date(state.last_update_on)}"
    if state.item_kind == "indicator":
        return said
    words = _STATUS_WORDS.get(state.status, state.status)
    if state.status == "in_progress" and state.percent is not None:
        words += f" {state.percent}%"
    if state.status == "in_progress" and state.expected_on is not None:
        words += f", dự kiến hoàn thành {short_date(state.expected_on)}"
    return f"{said}: {words}"


def ask(item: DueReminder, quiet_days: int, blocked_days: int) -> str:
    """What the focal person is asked about this item, and why now."""
    kind = item.kind
    order = deadline_step_order(kind)
    if kind == FOLLOW_UP:
        return f"nhắc lại vì {_AGAIN}: {_follow_up_request(item)}"
    if kind == OVERDUE_WEEKLY:
        return "đang quá hạn: đề nghị báo cáo kết quả, cho biết khi nào xong, hoặc xin gia hạn"
    if kind == CHECKIN_REPORT:
        return (f"đã {quiet_days} ngày làm việc kể từ báo cáo ngày {short_date(item.anchor)}:"
                " đề nghị cập nhật tiến độ mới")
    if kind == CHECKIN_EXPECTED:
        return (f"đã đến ngày dự kiến hoàn thành {short_date(item.anchor)} mà đơn vị báo:"
                " đề nghị báo cáo kết quả (kèm văn bản), hoặc cho biết tiến độ mới")
    if kind == CHECKIN_BLOCKED:
        reported = item.assignment.last_update_on
        if reported is not None and item.anchor != reported:  # asked before, still blocked
            return (f"đã {blocked_days} ngày làm việc kể từ lần hỏi trước ngày"
                    f" {short_date(item.anchor)} (vướng mắc báo ngày {short_date(reported)}):"
                    " vướng mắc đã được tháo gỡ chưa?")
        return (f"đã {blocked_days} ngày làm việc kể từ khi báo vướng mắc ngày"
                f" {short_date(item.anchor)}: vướng mắc đã được tháo gỡ chưa?")
    if kind == BLOCKER_HANDLED:
        return (f"Cơ quan thường trực đã xử lý vướng mắc ngày {short_date(item.anchor)}:"
                " đề nghị cập nhật tiến độ")
    if kind in _PERIODIC:
        return _PERIODIC[kind]
    if kind == DUE_TODAY:
        return "đến hạn hôm nay: đề nghị báo cáo kết quả (kèm văn bản) hoặc xin gia hạn"
    if order is not None and order < 0:
        return "sắp đến hạn: đề nghị cho biết tiến độ, hoặc xin gia hạn nếu cần"
    if order is not None:
        return "đã quá hạn: đề nghị báo cáo kết quả hoặc xin gia hạn"
    return "đề nghị cập nhật tiến độ"


def explain(item: DueReminder, policy: ReminderPolicy) -> str:
    """The rule behind a line, for the secretariat's dry run (the rule code stays beside)."""
    kind = item.kind
    order = deadline_step_order(kind)
    threshold = escalation_threshold(kind)
    due = item.assignment.deadline.due
    deadline = f"hạn {due:%d/%m/%Y}" if due is not None else "không có hạn cụ thể"
    quiet_days, blocked_days = policy.report_quiet_days, policy.blocked_checkin_after
    if threshold is not None:
        return (f"báo lãnh đạo đơn vị và Cơ quan thường trực: quá hạn {threshold} ngày làm"
                f" việc ({deadline}); báo khi quá hạn từ {policy.escalate_after} ngày làm việc,"
                f" các lần báo cách nhau ít nhất {policy.escalate_every} ngày làm việc")
    if kind == FOLLOW_UP:
        return ("tin tổng hợp hằng tuần: lần nhắc trước chưa được trả lời, nhắc lại mỗi tuần"
                " một lần")
    if kind == OVERDUE_WEEKLY:
        return (f"tin tổng hợp hằng tuần: nhiệm vụ quá hạn ({deadline}) và không có báo cáo"
                f" mới trong {quiet_days} ngày làm việc")
    if kind == CHECKIN_EXPECTED:
        return (f"hỏi lại một lần vào ngày dự kiến hoàn thành đơn vị đã báo"
                f" ({item.anchor:%d/%m/%Y}); sau một báo cáo đang thực hiện chỉ nhắc vào ngày đó,"
                f" các mốc thời hạn, hoặc khi đã {quiet_days} ngày làm việc không có báo cáo mới")
    if kind == DUE_TODAY:
        return f"nhắc đúng ngày đến hạn ({deadline})"
    if order is not None and order < 0:
        return f"nhắc trước hạn {-order} ngày làm việc ({deadline})"
    if order is not None:
        return f"nhắc ngày làm việc đầu tiên sau hạn ({deadline}); sau đó chỉ nhắc hằng tuần"
    return ask(item, quiet_days, blocked_days)
