"""`dondoc invite` and `dondoc admin bootstrap`: codes printed for the secretariat to hand out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import texts
from cli.database import open_database
from config import Settings
from storage.committees import committee_by_code
from storage.db import transaction
from storage.invites import create_invite
from storage.queries import find_agency


class CommandError(Exception):
    """A command cannot do what was asked; the message is Vietnamese, for the person."""


async def print_invite(settings: Settings, agency_name: str | None, role: str,
                       committee: str | None = None) -> None:
    """Create an invite and print it with its deep link when the bot's username is known; a
    secretariat or committee-leader code joins `committee` (a code; default: the only one)."""
    now = datetime.now(UTC)
    async with open_database(settings) as sessions, transaction(sessions) as session:
        owner = None
        if agency_name is None:
            owner = await committee_by_code(committee, session=session)
            if owner is None:
                raise CommandError(f"không tìm thấy Ban Chỉ đạo mã “{committee}”" if committee
                                   else "có nhiều Ban Chỉ đạo: chọn một bằng --committee MÃ")
        agency = None
        if agency_name is not None:
            agency = await find_agency(agency_name, session=session)
            if agency is None:
                raise CommandError(f"không tìm thấy cơ quan “{agency_name}” (xem `uv run dondoc "
                                   "tasks` hoặc nạp danh mục bằng `uv run dondoc agencies import`)")
        invite = await create_invite(agency, role, now, timedelta(days=settings.invite_days),
                                     session=session,
                                     committee_id=owner.id if owner is not None else None)
    link = (f"https://t.me/{settings.telegram_bot_username}?start={invite.code}"
            if settings.telegram_bot_username else None)
    print(texts.invite_created(invite.code, invite.agency_name, role,
                               invite.expires_at.astimezone(settings.tz).date(), link))
