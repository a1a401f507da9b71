"""Short notices to the secretariat, in Vietnamese."""

from __future__ import annotations

_REASONS = {
    "blocked": "người nhận đã chặn bot",
    "chat_not_found": "không tìm thấy cuộc trò chuyện (tài khoản có thể đã xóa hoặc đổi)",
    "deactivated": "tài khoản người nhận đã bị vô hiệu hóa",
}


def unreachable_notice(person: str, agency: str | None, reason: str,
                       secretariat: bool = False) -> str:
    """Tell the secretariat that a focal person can no longer be reached, and what to do."""
    why = _REASONS.get(reason, reason)
    if secretariat:
        return (f"⚠️ Không gửi được tin tới tài khoản Cơ quan thường trực {person or ''}: "
                f"{why}.\nBáo cáo tổng hợp và thông báo sẽ không tới tài khoản này. Đề nghị "
                "mở lại bot trên tài khoản đó, hoặc liên kết một tài khoản khác (/start với mã "
                "quản trị).").replace("  ", " ")
    who = f"{person} ({agency})" if person and agency else person or agency or "một đầu mối"
    return (
        f"⚠️ Không gửi được tin nhắc việc tới {who}: {why}.\n"
        "Bot sẽ không gửi tiếp cho người này. Đề nghị liên hệ cơ quan để cử lại đầu mối "
        "hoặc gửi lại mã mời."
    )


GIVEN_UP_NOTICE = "delivery_given_up"
_CHANNELS = {"telegram": "Telegram", "zalo": "Zalo"}


def given_up_notice(what: str, channel: str, attempts: int, error: str) -> str:
    """Tell the secretariat a message (a digest file, a reminder) was given up after retries."""
    shown = what if "." in what else {"digest": "bản tổng hợp", "reminder": "tin nhắc việc",
                                      "notice": "thông báo"}.get(what, "tin nhắn")
    return (f"⚠️ Không gửi được {shown} qua {_CHANNELS.get(channel, channel)} sau {attempts} lần "
            f"thử (lỗi cuối: {error[:200]}). Hệ thống đã dừng gửi tin này; chi tiết trong nhật "
            "ký máy chủ. Có thể dùng /tongquan để nhận lại số liệu, biểu đồ và tệp Excel.")
