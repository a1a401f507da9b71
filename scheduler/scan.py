"""The daily scan: derive the day's reminders from the database and put them in the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.keyboards import as_json, item_buttons
from domain.calendar import WorkCalendar
from domain.reminder_text import (
    render_escalation,
    render_focal_message,
    render_unreachable,
    split_message,
)
from domain.reminders import (
    DueReminder,
    PlanResult,
    Recipient,
    ReminderMessage,
    ReminderPolicy,
    due_reminders,
)
from storage.db import transaction
from storage.outbox import NewMessage, enqueue
from storage.reminders import link_steps, load_reminder_inputs, record_steps

log = logging.getLogger(__name__)

# Any constant shared by every dondoc instance: the key of the scanner's advisory lock.
SCAN_LOCK_KEY = 57_2025
TEXT_LIMITS = {"telegram": 4096, "zalo": 2000}
# Four buttons an item: 25 items fill Telegram's 100-button keyboard.
MAX_BUTTON_ITEMS = 25


@dataclass
class ScanReport:
    """What one scan planned and queued."""

    day: date
    skipped: str | None = None
    steps: int = 0
    messages: int = 0
    parts: int = 0
    unreachable: int = 0
    warnings: list[str] = field(default_factory=list)


async def plan_day(today: date, tz: tzinfo, calendar: WorkCalendar, policy: ReminderPolicy, *,
                   session: AsyncSession) -> tuple[PlanResult, list[Recipient]]:
    """The day's reminder plan, read-only (the dry run shows exactly this), and the secretariat."""
    inputs = await load_reminder_inputs(tz, session=session)
    plan = due_reminders(inputs.states, inputs.history, inputs.recipients, today, calendar,
                         policy)
    return plan, [r for r in inputs.recipients if r.role == "secretariat"]


async def _try_scan_lock(session: AsyncSession) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite has one writer at a time; the history's unique key does the rest.
    result = await session.exec(text("SELECT pg_try_advisory_xact_lock(:key)")  # type: ignore[call-overload]
                                .bindparams(key=SCAN_LOCK_KEY))
    return bool(result.scalar_one())


def reminder_buttons(items: tuple[DueReminder, ...], part: str) -> list[list[dict[str, str]]]:
    """Status buttons for the items a message part lists (Telegram keeps them under 100)."""
    listed = {item.assignment.assignment_id: (item.assignment.assignment_id,
                                              item.assignment.item_kind, item.item_code)
              for item in items if f" {item.item_code} – " in part}
    return as_json(item_buttons(list(listed.values())[:MAX_BUTTON_ITEMS]))


def _step_id(step: DueReminder) -> tuple[int, str, date]:
    return (step.assignment.assignment_id, step.kind, step.anchor)


async def _queue(message: ReminderMessage, body: str, kind: str, now: datetime,
                 session: AsyncSession) -> int:
    """Queue one message in parts under the platform's limit; the number of parts."""
    channel, chat_id = message.recipient.chat_ref.split(":", 1)
    parts = split_message(body, TEXT_LIMITS.get(channel, min(TEXT_LIMITS.values())))
    first_id = None
    for number, part in enumerate(parts, start=1):
        buttons = reminder_buttons(message.items, part) if kind == "reminder" else None
        outbox_id = await enqueue(NewMessage(
            key=f"{kind}:{message.key}:{number}", kind=kind, channel=channel, chat_id=chat_id,
            text=part, focal_person_id=message.recipient.person_id, buttons=buttons),
            now, session=session)
        first_id = first_id or outbox_id
    if first_id is not None and kind == "reminder":
        await link_steps(message.items, first_id, session=session)
    return len(parts)


async def scan(sessions: async_sessionmaker[AsyncSession], now: datetime, tz: tzinfo,
               calendar: WorkCalendar, policy: ReminderPolicy) -> ScanReport:
    """Plan `now`'s day and queue it, in one transaction; running it twice adds nothing."""
    today = now.astimezone(tz).date()
    report = ScanReport(day=today)
    async with transaction(sessions) as session:
        if not await _try_scan_lock(session):
            report.skipped = "another instance is scanning"
            return report
        plan, secretariat = await plan_day(today, tz, calendar, policy, session=session)
        unreachable = {_step_id(step) for step in plan.unreachable}
        # History first: a step another scanner already took is left out of every message.
        taken = {_step_id(step) for step in await record_steps(
            [s for s in plan.due if _step_id(s) not in unreachable], today, answered=False,
            session=session)}
        listed = await record_steps(plan.unreachable, today, answered=True, session=session)
        report.steps = len(taken) + len(listed)
        report.warnings = list(plan.warnings)
        for message, render, kind in [
            *((m, render_focal_message, "reminder") for m in plan.messages),
            *((m, render_escalation, "escalation") for m in plan.escalations),
        ]:
            items = tuple(item for item in message.items if _step_id(item) in taken)
            if not items:
                continue
            message = ReminderMessage(message.recipient, items, message.on)
            queued = await _queue(message, render(message), kind, now, session)
            report.messages += 1
            report.parts += queued
        body = render_unreachable(listed, today)
        for person in secretariat if body else []:
            notice = ReminderMessage(person, tuple(listed), today)
            report.unreachable += await _queue(notice, body, "unreachable_list", now, session)
    for warning in report.warnings:
        log.warning("scan %s: %s", today, warning)
    log.info("scan %s: %d steps, %d messages in %d parts", today, report.steps, report.messages,
             report.parts)
    return report
