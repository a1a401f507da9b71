"""Every sentence the bot says in chat, in Vietnamese."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from domain.digest_words import STATUS_LABELS, status_label
from domain.reminder_text import days_phrase, format_date, shorten
from storage.chat import AssignmentCard

ASSESSMENT_LABELS = {"achieved": "Đạt/vượt", "not_achieved": "Chưa đạt",
                     "not_assessable": "Chưa đánh giá được"}
ROLE_LABELS = {"focal": "cán bộ đầu mối", "leader": "lãnh đạo", "secretariat":
               "Cơ quan thường trực", "committee": "lãnh đạo Ban Chỉ đạo"}

STRANGER = ("Xin chào! Tài khoản này chưa được đăng ký với hệ thống đôn đốc nhiệm vụ của Ban "
            "Chỉ đạo. Vui lòng liên hệ Cơ quan thường trực để nhận mã mời, rồi gửi: /start <mã>")
NOT_ALLOWED = "Xin lỗi, đồng chí không có quyền dùng chức năng này."
LEADER_READ_ONLY = ("Tài khoản lãnh đạo chỉ xem và nhận thông báo; việc cập nhật tiến độ do cán"
                    " bộ đầu mối của đơn vị thực hiện.")
THROTTLED = "Đồng chí đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau 1 giờ."
NO_OPEN_ITEMS = "Đơn vị hiện không có nhiệm vụ nào đang mở. Cảm ơn đồng chí!"
ASK_CODE = ("Đồng chí muốn cập nhật nhiệm vụ nào? Hãy gõ mã nhiệm vụ kèm tình trạng, ví dụ: "
            "“NV12 đã hoàn thành”, hoặc bấm nút bên dưới.")
ERROR = ("Xin lỗi, hệ thống gặp sự cố khi xử lý tin nhắn này. Cơ quan thường trực đã được báo; "
         "đồng chí vui lòng thử lại sau ít phút.")
# When the notice to the secretariat could not be stored (or was held back as a repeat).
ERROR_UNREPORTED = ("Xin lỗi, hệ thống gặp sự cố khi xử lý tin nhắn này; đồng chí vui lòng thử "
                    "lại sau ít phút.")
# The database is unreachable and the message is not kept: the person must send it again.
OUTAGE = "Hệ thống đang gián đoạn, đồng chí gửi lại sau ít phút."
# The database is unreachable but the platform keeps the message and delivers it again.
OUTAGE_KEPT = ("Hệ thống đang gián đoạn trong giây lát. Tin nhắn của đồng chí vẫn được giữ và sẽ "
               "được xử lý khi hệ thống hoạt động trở lại; đồng chí không cần gửi lại.")
CANCELLED = "Đã hủy thao tác đang dở."
CHANNELS_LINKED = ("Kênh này đã được liên kết với tài khoản của đồng chí trên kênh kia. Mỗi lần "
                   "nhắc việc chỉ gửi tới một kênh: kênh dùng gần nhất, hoặc kênh chọn bằng /kenh.")


def failure(reported: bool, outage: bool) -> str:
    """What a person is told when their message could not be handled: only what is true."""
    if outage:
        return OUTAGE
    return ERROR if reported else ERROR_UNREPORTED


def card_line(card: AssignmentCard, today: date) -> str:
    """One item in a list: code, text, deadline, status."""
    deadline = card.deadline
    parts = [f"hạn {format_date(deadline)}, {days_phrase((deadline - today).days)}" if deadline
             else f"thời hạn: {card.deadline_raw or 'không ghi'}"]
    if card.extended_due:
        parts.append(f"đã gia hạn từ {format_date(card.due)}" if card.due else "đã gia hạn")
    status = status_label(card.status, card.reported)
    if card.status == "in_progress" and card.percent is not None:
        status += f" {card.percent}%"
    parts.append(status)
    return f"• {card.code} – {card.mark}{shorten(card.text)} ({'; '.join(parts)})"


def welcome(role: str, agency: str | None) -> str:
    """The first message after a chat is linked."""
    who = ROLE_LABELS.get(role, role)
    where = f" của {agency}" if agency else ""
    lines = [f"Đã liên kết tài khoản: {who}{where}."]
    if role == "focal":
        lines.append("Hệ thống sẽ nhắc việc trước và sau thời hạn. Gõ /nhiemvu để xem các nhiệm "
                     "vụ của đơn vị, /huongdan để xem cách trả lời.")
    elif role == "leader":
        lines.append("Đồng chí sẽ nhận thông báo khi nhiệm vụ của đơn vị quá hạn lâu.")
    elif role == "committee":
        lines.append("Mỗi kỳ báo cáo, đồng chí nhận bản tóm tắt một màn hình kèm biểu đồ và tệp "
                     "Excel. Xem thêm: /tongquan, /quahan, /coquan <tên cơ quan>.")
    else:
        lines.append("Gõ /huongdan để xem các lệnh dành cho Cơ quan thường trực.")
    return "\n".join(lines)


def help_text(role: str) -> str:
    """/huongdan: how to answer, and the commands of this role."""
    lines = [
        "Cách cập nhật tiến độ:",
        "• Bấm nút dưới tin nhắc việc: ✅ Hoàn thành · 🔄 Đang thực hiện · ⚠️ Vướng mắc · "
        "📅 Xin gia hạn (trên Zalo: gõ số tương ứng, ví dụ “1” hoặc “NV12 1”).",
        "• Hoặc trả lời tin nhắc việc bằng lời, ví dụ: “đã hoàn thành, QĐ số 2345/QĐ-UBND”, "
        "“đang thực hiện 60%”, “vướng mắc về kinh phí”, “xin gia hạn đến 30/11/2025”.",
        "• Tin nhắn có mã nhiệm vụ (vd: NV12) được ghi cho đúng nhiệm vụ đó.",
        "• Gửi tệp hoặc ảnh ngay sau khi báo hoàn thành để làm minh chứng.",
        "Lệnh: /nhiemvu – nhiệm vụ của đơn vị · /capnhat <mã> – cập nhật một nhiệm vụ · "
        "/huy – hủy thao tác đang dở",
        "Dùng cả Zalo và Telegram: /lienket – lấy mã để liên kết kênh còn lại · /kenh – chọn "
        "kênh nhận nhắc việc (mỗi lần chỉ gửi tới một kênh)",
    ]
    if role == "committee":
        lines = ["Lãnh đạo Ban Chỉ đạo (chỉ xem): /tongquan – toàn văn báo cáo tiến độ · "
                 "/quahan – nhiệm vụ quá hạn · /coquan <tên> – nhiệm vụ của một cơ quan. "
                 "Bản tóm tắt kèm biểu đồ và tệp Excel được gửi mỗi kỳ báo cáo."]
    if role == "secretariat":
        lines.append("Cơ quan thường trực: /tongquan – số liệu tổng hợp · /quahan – nhiệm vụ quá "
                     "hạn · /coquan <tên> – một cơ quan · /moi <cơ quan> [lanhdao] – tạo mã mời · "
                     "/duyet – đề nghị gia hạn chờ duyệt · /vuongmac – vướng mắc chưa xử lý "
                     "(đánh dấu đã xử lý hoặc chuyển cơ quan phối hợp) · "
                     "/minhchung <mã> – xem và nhận tệp "
                     "minh chứng · /thoihan <mã> <thời hạn> – đặt thời hạn "
                     "(vd: /thoihan NV12 30/11/2025) · gửi tệp .docx/.xlsx để nhập phụ lục.")
    if role in ("secretariat", "leader"):
        lines.append("Bảng điều khiển web: /dangnhap – nhận liên kết đăng nhập · /dangxuat – "
                     "đăng xuất trên mọi trình duyệt.")
    return "\n".join(lines)


def items_list(cards: Sequence[AssignmentCard], today: date, title: str) -> str:
    """A titled list of items."""
    return "\n".join([title, *(card_line(card, today) for card in cards)])


def ask_for(value: str, card: AssignmentCard) -> str:
    """What a pressed status needs next."""
    head = f"{card.code} – {card.mark}{shorten(card.text, 80)}"
    return {
        "in_progress": f"{head}\nTiến độ đạt bao nhiêu phần trăm? Có thể kèm ghi chú ngắn "
                       "(vd: “60%, đang trình UBND tỉnh”).",
        "blocked": f"{head}\nĐồng chí cho biết vướng mắc là gì để Cơ quan thường trực hỗ trợ?",
        "extension": f"{head}\nĐề nghị gia hạn đến ngày nào? (vd: 30/11/2025) Có thể nêu lý do.",
        "indicator": f"{head}\nGiá trị hiện tại của chỉ tiêu là bao nhiêu? (vd: “đạt 20% dân "
                     "số”; gõ “bỏ qua” nếu chưa có số liệu)",
    }[value]


def confirm_status(card: AssignmentCard, status: str, percent: int | None, note: str | None,
                   today: date) -> str:
    """The closing line of a recorded update."""
    label = STATUS_LABELS.get(status, status)
    if status == "in_progress" and percent is not None:
        label += f" {percent}%"
    line = f"Đã ghi nhận {card.code} {card.mark}".rstrip() + f": {label} ({format_date(today)})."
    if note:
        line += f"\nGhi chú: {note}"
    if status == "done":
        line += ("\nNếu có minh chứng (số văn bản, tệp, ảnh), đồng chí gửi ngay tin tiếp theo "
                 "để đính kèm.")
    if status == "blocked":
        line += ("\nĐã chuyển Cơ quan thường trực để xử lý; hệ thống tạm dừng nhắc nhiệm vụ"
                 " này cho đến khi vướng mắc được xử lý.")
    return line


def confirm_indicator(card: AssignmentCard, assessment: str, value_text: str | None) -> str:
    """The closing line of an indicator report."""
    line = f"Đã ghi nhận chỉ tiêu {card.code}: {ASSESSMENT_LABELS.get(assessment, assessment)}"
    return line + (f", giá trị: {value_text}." if value_text else ".")


def extension_requested(card: AssignmentCard, new_due: date | None) -> str:
    """Told to the requester."""
    when = f" đến {format_date(new_due)}" if new_due else ""
    return (f"Đã gửi đề nghị gia hạn {card.code}{when}. Thời hạn cũ vẫn giữ nguyên cho đến khi "
            "Cơ quan thường trực duyệt; đồng chí sẽ nhận được thông báo.")


def extension_notice(card: AssignmentCard, requester: str, new_due: date | None,
                     reason: str | None) -> str:
    """Told to the secretariat, with approve/refuse buttons."""
    deadline = format_date(card.due) if card.due else card.deadline_raw
    lines = [f"📅 Đề nghị gia hạn từ {requester} ({card.agency_name}):",
             f"{card.code} – {shorten(card.text)}",
             f"Thời hạn hiện tại: {deadline}; đề nghị: "
             f"{format_date(new_due) if new_due else 'chưa ghi ngày'}."]
    if reason:
        lines.append(f"Lý do: {reason}")
    return "\n".join(lines)


def extension_decided(card: AssignmentCard, approved: bool, new_due: date | None) -> str:
    """Told to the requester once the secretariat decided."""
    if approved:
        return (f"✅ Cơ quan thường trực đã đồng ý gia hạn {card.code} đến "
                f"{format_date(new_due) if new_due else ''}. Việc hoàn thành sau thời hạn gốc "
                "vẫn được ghi nhận là quá hạn trong báo cáo.")
    return (f"❌ Cơ quan thường trực chưa đồng ý gia hạn {card.code}. Thời hạn vẫn là "
            f"{format_date(card.due) if card.due else card.deadline_raw}.")


def which_item(cards: Sequence[AssignmentCard], today: date) -> str:
    """Asked when a reply could mean several items."""
    return items_list(cards, today, "Tin nhắn này áp dụng cho nhiệm vụ nào? Bấm chọn bên dưới:")


def unclear(card: AssignmentCard) -> str:
    """Asked when free text is not clear enough to record."""
    return (f"Hệ thống chưa hiểu rõ tình trạng của {card.code} – {card.mark}"
            f"{shorten(card.text, 80)}. "
            "Đồng chí vui lòng chọn bên dưới:")


def unknown_codes(codes: Sequence[str]) -> str:
    """Codes that are not this agency's items."""
    return (f"Không tìm thấy nhiệm vụ {', '.join(codes)} trong danh sách của đơn vị. "
            "Gõ /nhiemvu để xem mã các nhiệm vụ.")


def invite_created(code: str, agency: str | None, role: str, expires: date,
                   link: str | None) -> str:
    """The secretariat's copy of a new invite."""
    who = f"{ROLE_LABELS.get(role, role)}{' của ' + agency if agency else ''}"
    lines = [f"Mã mời cho {who}: {code}", f"Hiệu lực đến hết {format_date(expires)}, dùng một lần."]
    if link:
        lines.append(f"Gửi đường dẫn này cho người được mời: {link}")
        lines.append(f"Nếu dùng Zalo: người được mời gõ cho bot trên Zalo: /start {code}")
    else:
        lines.append(f"Người được mời gõ cho bot: /start {code}")
    return "\n".join(lines)


TOO_LONG = ("Tin nhắn quá dài ({length} ký tự; tối đa {limit}) nên hệ thống không đọc được. "
            "Đồng chí gửi ngắn gọn tình trạng, ví dụ: “NV12 đã hoàn thành”, “NV12 đang thực hiện "
            "60%” hoặc “NV12 xin gia hạn đến 30/11/2025”; báo cáo dài xin gửi dạng tệp ngay sau "
            "khi báo hoàn thành.")
ASK_DATE_AGAIN = "Chưa đọc được ngày đề nghị. Đồng chí gõ lại, ví dụ: 30/11/2025."


def too_long(length: int, limit: int) -> str:
    """Told when a message is too long to read."""
    return TOO_LONG.format(length=f"{length:,}".replace(",", "."), limit=f"{limit:,}".replace(
        ",", "."))


def confirm_evidence(card_code: str, text: str) -> str:
    """Asked before keeping a message that names no document as evidence."""
    return (f"Đồng chí muốn lưu nội dung “{shorten(text, 120)}” làm minh chứng cho {card_code}? "
            "(Minh chứng thường là số văn bản, đường dẫn, tệp hoặc ảnh.)")


def disputed_notice(card: AssignmentCard, requester: str, words: str) -> str:
    """Told to the secretariat: a focal person says the item is not their agency's."""
    return "\n".join([f"❗ Ý kiến về phân công từ {requester} ({card.agency_name}):",
                      f"{card.code} – {shorten(card.text)}",
                      f"Nội dung: “{shorten(words, 300)}”",
                      "Đề nghị Cơ quan thường trực xem xét lại đơn vị chủ trì của nhiệm vụ."])


def disputed_forwarded(card: AssignmentCard) -> str:
    """Told to the person whose dispute was forwarded."""
    return (f"Đã chuyển ý kiến của đồng chí về phân công {card.code} tới Cơ quan thường trực "
            "để xem xét. Trong khi chờ, nhiệm vụ được ghi nhận là “Vướng mắc”.")


ASK_FORWARD_AGENCY = ("Chuyển vướng mắc tới cơ quan nào để phối hợp xử lý? Gõ tên cơ quan,"
                      " ví dụ: Sở Tài chính.")


def unknown_agency(name: str) -> str:
    """A typed agency name the registry does not know."""
    return (f"Chưa tìm thấy cơ quan “{name}” trong danh sách. Đồng chí gõ lại tên cơ quan,"
            " ví dụ: Sở Tài chính.")


def blocker_notice(card: AssignmentCard, reporter: str, on: date, reason: str | None) -> str:
    """Told to the secretariat the moment an item is reported blocked: an action item."""
    deadline = format_date(card.due) if card.due else card.deadline_raw
    return "\n".join([
        f"⚠️ Vướng mắc cần xử lý – {reporter} ({card.agency_name}) báo ngày {format_date(on)}:",
        f"{card.code} – {shorten(card.text)} (thời hạn: {deadline})",
        f"Nội dung vướng mắc: “{reason or 'không ghi rõ'}”",
        "Hệ thống tạm dừng nhắc nhiệm vụ này. Đề nghị Cơ quan thường trực xử lý, hoặc chuyển"
        " tới cơ quan phối hợp.",
    ])


NO_OPEN_BLOCKERS = "Không có vướng mắc nào chưa được xử lý."


def open_blockers_heading(count: int) -> str:
    """/vuongmac's first line."""
    return f"Vướng mắc chưa được xử lý: {count} lượt phân công (báo sớm nhất trước):"


def blocker_forwarded_on(agency: str, on: date) -> str:
    """Added under a listed blocker already sent to a coordinating agency."""
    return (f"\nĐã chuyển tới {agency} ngày {format_date(on)}; khi vướng mắc được tháo gỡ, đề"
            " nghị bấm “Đã xử lý”.")


def blocker_handled(card: AssignmentCard) -> str:
    """Told to the person who reported the blocker when the secretariat marks it handled."""
    return (f"✅ Cơ quan thường trực đã xử lý vướng mắc của {card.code} – {shorten(card.text)}."
            " Đề nghị đồng chí cập nhật tiến độ thực hiện.")


def blocker_forwarded(card: AssignmentCard, agency: str, reason: str | None, on: date) -> str:
    """Told to the coordinating agency's focal person."""
    return "\n".join([
        f"Kính gửi cán bộ đầu mối của {agency},",
        f"Cơ quan thường trực chuyển tới đơn vị vướng mắc của {card.agency_name}"
        f" (báo ngày {format_date(on)}), đề nghị phối hợp xử lý:",
        f"{card.code} – {shorten(card.text)}",
        f"Nội dung vướng mắc: “{reason or 'không ghi rõ'}”",
    ])


def blocker_forwarded_told(card: AssignmentCard, agency: str) -> str:
    """Told to the person who reported the blocker when it is forwarded."""
    return (f"Cơ quan thường trực đã chuyển vướng mắc của {card.code} tới {agency} để phối hợp"
            " xử lý. Hệ thống tạm dừng nhắc nhiệm vụ này cho đến khi vướng mắc được xử lý.")
