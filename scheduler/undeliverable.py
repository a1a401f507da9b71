"""Messages that cannot be delivered: a blocked chat, or a message that kept failing."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.messenger import Unreachable
from domain.notices import GIVEN_UP_NOTICE, given_up_notice, unreachable_notice
from scheduler.delivery import DrainReport
from storage.committees import secretariat_chats_about
from storage.db import transaction
from storage.models import Outbox
from storage.outbox import NewMessage, enqueue, finish, log_attempt
from storage.people import mark_unreachable

# The sender's logger: operators (and tests) follow one logger for everything it does.
log = logging.getLogger("scheduler.sender")


async def record_unreachable(sessions: async_sessionmaker[AsyncSession], worker: str,
                             now: datetime, row: Outbox, exc: Unreachable, report: DrainReport,
                             admin_chats: Sequence[tuple[str, str]]) -> None:
    """Fail a message whose chat is blocked or gone; hand it to the person's other chat, or
    tell the secretariat (the other secretariat chats, else the admin chats, else an ERROR)."""
    async with transaction(sessions) as session:
        held = await finish(row.id or 0, worker,
                            {"status": "failed", "last_error": str(exc)}, session=session)
        await log_attempt(row.id or 0, worker, now, "unreachable", error=str(exc),
                          session=session)
        if not held:
            report.lost_lease += 1
            return
        report.unreachable += 1
        if row.focal_person_id is None:
            return
        person = await mark_unreachable(row.focal_person_id, str(exc), session=session)
        if person is not None and person.elsewhere is not None:
            # The same person linked another channel: the message goes there instead.
            channel, chat_id, other_id = person.elsewhere
            await enqueue(NewMessage(
                key=f"{row.key}:to:{channel}:{chat_id}"[:200], kind=row.kind,
                channel=channel, chat_id=chat_id, text=row.text, focal_person_id=other_id,
                buttons=row.buttons, attachment_name=row.attachment_name,
                attachment=row.attachment), now, session=session)
            return
        if person is None:
            return
        text = unreachable_notice(person.name, person.agency_name, exc.reason,
                                  secretariat=person.role == "secretariat")
        recipients: list[tuple[str, str, int | None]] = [
            (channel, chat_id, person_id) for channel, chat_id, person_id
            in await secretariat_chats_about(row.focal_person_id, session=session)
            if (channel, chat_id) != (row.channel, row.chat_id)]
        if not recipients:
            # No secretariat chat left: the configured admin chats are the last resort.
            recipients = [(channel, chat_id, None) for channel, chat_id in admin_chats
                          if (channel, chat_id) != (row.channel, row.chat_id)]
        if not recipients:
            log.error("%s chat %s:%s (person %s, %s) is unreachable (%s) and no secretariat "
                      "or admin chat is left to tell: set DONDOC_ADMIN_CHAT_IDS or link "
                      "another secretariat chat", person.role, row.channel, row.chat_id,
                      row.focal_person_id, person.name or person.agency_name or "?", exc)
            return
        log.warning("%s chat %s:%s is unreachable (%s); telling %d chat(s)", person.role,
                    row.channel, row.chat_id, exc, len(recipients))
        for channel, chat_id, recipient_id in recipients:
            await enqueue(NewMessage(
                key=f"unreachable:{row.focal_person_id}:{now.date().isoformat()}:{chat_id}",
                kind="unreachable_notice", channel=channel, chat_id=chat_id, text=text,
                focal_person_id=recipient_id), now, session=session)


async def give_up(sessions: async_sessionmaker[AsyncSession], worker: str, now: datetime,
                  row: Outbox, error: str, report: DrainReport) -> None:
    """Fail a message that kept failing, and tell the secretariat (not about its notices)."""
    what = row.attachment_name or row.kind
    log.error("outbox %s (%s to %s:%s) given up after %d attempts: %s", row.id, what,
              row.channel, row.chat_id, row.attempts, error)
    async with transaction(sessions) as session:
        held = await finish(row.id or 0, worker, {
            "status": "failed", "last_error": f"gave up after {row.attempts} attempts: "
                                              f"{error}"[:1000]}, session=session)
        await log_attempt(row.id or 0, worker, now, "given_up", error=error,
                          session=session)
        if held and row.kind != GIVEN_UP_NOTICE:
            text = given_up_notice(what, row.channel, row.attempts, error)
            for channel, chat_id, person_id in await secretariat_chats_about(
                    row.focal_person_id, session=session):
                await enqueue(NewMessage(
                    key=f"given-up:{row.id}:{channel}:{chat_id}"[:200], kind=GIVEN_UP_NOTICE,
                    channel=channel, chat_id=chat_id, text=text, focal_person_id=person_id),
                    now, session=session)
    report.failed += 1
