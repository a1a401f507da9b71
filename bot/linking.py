"""One person, several channels: /lienket links another chat, /kenh picks the one reminded."""

from __future__ import annotations

from datetime import timedelta

from bot.turn import ConversationConfig, Outgoing, Turn
from domain.reminder_text import format_date
from storage.invites import create_link_code
from storage.people import linked_chats, prefer_chat, reminded_chat

LINK_VALID_FOR = timedelta(days=1)
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo"}
AUTOMATIC = ("tudong", "tự động", "tu dong", "auto")


def channel_name(channel: str) -> str:
    """How people call a channel."""
    return CHANNEL_NAMES.get(channel, channel)


async def link_code(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """/lienket: a personal, single-use code to type in the other channel."""
    made = await create_link_code(turn.person, turn.now, LINK_VALID_FOR, session=turn.session)
    until = made.expires_at.astimezone(config.tz)
    others = [channel_name(c) for c in CHANNEL_NAMES if c != turn.incoming.channel]
    lines = [f"Mã liên kết của đồng chí: {made.code}",
             f"Mở dondoc trên {' hoặc '.join(others)} và gửi: /start {made.code}",
             f"Mã dùng một lần, hiệu lực đến {until:%H:%M} ngày {format_date(until.date())}."]
    link = config.link_for(made.code)
    if link and turn.incoming.channel != "telegram":
        lines.append(f"Trên Telegram có thể mở thẳng: {link}")
    lines.append("Sau khi liên kết, mỗi lần nhắc việc chỉ gửi tới một kênh: kênh đồng chí dùng "
                 "gần nhất, hoặc kênh chọn bằng /kenh.")
    return turn.say("\n".join(lines))


async def choose_channel(config: ConversationConfig, turn: Turn) -> list[Outgoing]:
    """/kenh [zalo|telegram|tudong]: where reminders go when several chats are linked."""
    chats = await linked_chats(turn.person, session=turn.session)
    if len(chats) < 2:
        return turn.say("Tài khoản này mới dùng một kênh. Gõ /lienket để liên kết thêm Zalo hoặc "
                        "Telegram.")
    wanted = turn.incoming.args.strip().lower()
    if wanted:
        chosen = next((c for c in chats if c.channel == wanted
                       or channel_name(c.channel).lower() == wanted), None)
        if chosen is None and wanted not in AUTOMATIC:
            return turn.say(f"Không có kênh “{wanted}” trong tài khoản. Gõ /kenh để xem các kênh.")
        await prefer_chat(turn.person, chosen, session=turn.session)
    names = ", ".join(dict.fromkeys(channel_name(c.channel) for c in chats))
    target = reminded_chat(chats)
    fixed = any(c.preferred for c in chats)
    where = (f"{channel_name(target.channel)} ({'đã chọn' if fixed else 'kênh dùng gần nhất'})"
             if target else "chưa kênh nào nhận được tin")
    return turn.say(f"Tài khoản đã liên kết: {names}.\nNhắc việc gửi qua: {where}.\n"
                    "Gõ /kenh zalo hoặc /kenh telegram để chọn cố định, /kenh tudong để theo "
                    "kênh dùng gần nhất.")
