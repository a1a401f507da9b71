"""`dondoc thoihan NV12 "30/11/2025"`: the secretariat sets a deadline from the command line."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime

from cli.committee_choice import chosen_committee
from cli.database import open_database
from config import Settings
from storage.db import transaction
from storage.deadlines import DeadlineSet, set_deadline


def command_line_user() -> str:
    """Who runs the command, for the audit trail ("cli:<login>")."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in a bare container
        return "cli"


async def set_deadline_command(settings: Settings, code: str, text: str, by: str | None,
                               committee: str | None = None) -> DeadlineSet:
    """Set one item of the chosen committee (`--committee`, default the only one) a deadline,
    in its own transaction (the same function /thoihan calls)."""
    now = datetime.now(UTC)
    async with open_database(settings) as sessions, transaction(sessions) as session:
        owner = await chosen_committee(committee, session=session)
        return await set_deadline(code, text, now, now.astimezone(settings.tz).year,
                                  session=session, by=by or command_line_user(), via="cli",
                                  committee_id=owner.id)
