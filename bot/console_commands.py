"""/dangnhap and /dangxuat: sign-in links to the web console, and sign-out everywhere."""

from __future__ import annotations

import logging

from bot.turn import ConversationConfig, Outgoing, Turn
from storage.console_auth import console_roles, create_login, sign_out_everywhere

log = logging.getLogger(__name__)
NOT_FOR_YOU = ("Bảng điều khiển dành cho Cơ quan thường trực và lãnh đạo Ban Chỉ đạo. "
               "Cán bộ đầu mối và lãnh đạo cơ quan dùng /nhiemvu để xem nhiệm vụ.")


async def sign_in_link(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """A single-use link to the console, valid for minutes."""
    if turn.person.role not in console_roles(config.console_focal_persons):
        return turn.say(NOT_FOR_YOU)
    token = await create_login(turn.person, turn.now, config.console_login_valid_for,
                               session=turn.session)
    link = config.console_link_for(token)
    if link is None:
        return turn.say("Bảng điều khiển web chưa được bật trên máy chủ này.")
    minutes = int(config.console_login_valid_for.total_seconds() // 60)
    log.info("person %s asked for a console sign-in link", turn.person.id)
    return turn.say(f"Liên kết đăng nhập bảng điều khiển (dùng một lần, hết hạn sau {minutes} "
                    f"phút; không chuyển cho người khác):\n{link}\n"
                    "Gõ /dangxuat để đăng xuất khỏi mọi trình duyệt.")


async def sign_out(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """End every console session of this person."""
    if turn.person.role not in console_roles(config.console_focal_persons):
        return turn.say(NOT_FOR_YOU)
    await sign_out_everywhere(turn.person, session=turn.session)
    log.info("person %s signed out of the console everywhere", turn.person.id)
    return turn.say("Đã đăng xuất bảng điều khiển trên mọi trình duyệt.")


CONSOLE_COMMANDS = {"dangnhap": sign_in_link, "dangxuat": sign_out}
