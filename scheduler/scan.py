"""The daily scan: derive the day's reminders from the database and put them in the outbox."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from functools import partial

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.keyboards import as_json, buttons_kind, item_buttons
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
    of_committee,
    scan_scope,
)
from scheduler.committee_policies import load_by_policy
from scheduler.reminder_days import (
    days_choose,
    mark_scanned,
    prepare_days,
    store_after_scan,
)
from scheduler.scan_summary import summarize_warnings
from storage.committee_settings import committee_policies
from storage.committees import agencies_serving_several, committee_labels
from storage.db import transaction
from storage.outbox import NewMessage, enqueue_many
from storage.reminder_inputs import ReminderInputs, load_recipients, load_reminder_inputs
from storage.reminder_schedule import due_assignment_ids
from storage.reminders import (
    candidate_ids,
    due_dates,
    link_steps,
    record_steps,
    settle_answered,
)
from storage.scan_sql import prepare_bulk_reads, try_scan_lock

log = logging.getLogger(__name__)

TEXT_LIMITS = {"telegram": 4096, "zalo": 2000}
# Four buttons an item: 25 items fill Telegram's 100-button keyboard.
MAX_BUTTON_ITEMS = 25
# Messages rendered before they are stored: at most this many, or this many characters of
# parts (a secretariat member's list of the nation's escalations runs to hundreds of parts,
# and every member gets one: 34 of them alive at once added 55 MB to a national scan's peak).
RENDER_SLICE = 500
RENDER_CHARS = 1_000_000


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


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hold the cycle collector while a plan builds its objects; reference counting goes on."""
    # A national plan allocates hundreds of thousands of small objects, all kept until the
    # plan is done: each collection would walk them again, a third of the planning time.
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def plan_day(today: date, tz: tzinfo, calendar: WorkCalendar, policy: ReminderPolicy, *,
                   session: AsyncSession, full_search: bool = False,
                   ) -> tuple[PlanResult, list[Recipient]]:
    """The day's reminder plan, read-only (the dry run shows exactly this), and the secretariat."""
    with _cyclic_gc_paused():
        # full_search: the path taken when the stored days cannot choose (a past day, a new
        # policy); asked for directly by the benchmark and the tests that compare the two.
        by_days = not full_search and await days_choose(today, calendar, policy, tz,
                                                        session=session)
        plan, secretariat, _, _ = await _plan_day(today, tz, calendar, policy, by_days,
                                                  session=session)
        return plan, secretariat


async def _plan_day(today: date, tz: tzinfo, calendar: WorkCalendar, policy: ReminderPolicy,
                    by_days: bool, *, session: AsyncSession,
                    ) -> tuple[PlanResult, list[Recipient], ReminderInputs,
                               dict[int, ReminderPolicy]]:
    await prepare_bulk_reads(session)
    # Committees with a policy of their own (issue #22): read once, each applied to its items.
    policies = await committee_policies(policy, session=session)
    due = await due_dates(session=session)
    scope = scan_scope(due, today, calendar, policy)
    if scope is None:
        recipients = await load_recipients(session=session)
        inputs = ReminderInputs([], [], recipients)
    else:
        # Only the assignments whose next reminder day has come are read (by_days), or, for a
        # day the stored days say nothing about, those the day's scope names; the policy
        # decides on them exactly as it would on everything.
        ids = (await due_assignment_ids(today, session=session) if by_days
               else await candidate_ids(scope, tz, session=session))
        inputs = await load_by_policy(ids, tz, today, due, calendar, policy, policies,
                                      session=session, scope=scope, use_stored=by_days)
    plan = due_reminders(inputs.states, inputs.history, inputs.recipients, today, calendar,
                         policy, inputs.known, policies)
    return plan, [r for r in inputs.recipients if r.role == "secretariat"], inputs, policies


async def plan_day_unfiltered(today: date, tz: tzinfo, calendar: WorkCalendar,
                              policy: ReminderPolicy, *,
                              session: AsyncSession) -> tuple[PlanResult, list[Recipient]]:
    """plan_day by the plain policy over every open assignment (the reference it must match)."""
    inputs = await load_reminder_inputs(tz, session=session)
    plan = due_reminders(inputs.states, inputs.history, inputs.recipients, today, calendar,
                         policy, policies=await committee_policies(policy, session=session))
    return plan, [r for r in inputs.recipients if r.role == "secretariat"]


def reminder_buttons(items: tuple[DueReminder, ...], part: str) -> list[list[dict[str, str]]]:
    """Status buttons for the items a message part lists (Telegram keeps them under 100)."""
    listed = {item.assignment.assignment_id: (item.assignment.assignment_id,
                                              _button_kind(item), item.item_code)
              for item in items if f" {item.item_code} – " in part}
    return as_json(item_buttons(list(listed.values())[:MAX_BUTTON_ITEMS]))


def _button_kind(item: DueReminder) -> str:
    """An ongoing task ("Thường xuyên") asks for a periodic report: no "done" button."""
    return buttons_kind(item.assignment.item_kind, item.assignment.deadline.kind)


def _as_is(text: str, _: ReminderMessage) -> str:
    return text


def _step_id(step: DueReminder) -> tuple[int, str, date]:
    return (step.assignment.assignment_id, step.kind, step.anchor)


@dataclass(frozen=True)
class _Part:
    """One outbox message; a reminder's buttons are built only as it is stored."""

    message: NewMessage
    # The items a reminder part may carry buttons for; None for other kinds.
    items: tuple[DueReminder, ...] | None = None

    def stored(self) -> NewMessage:
        """The message as it goes into the outbox, with its buttons."""
        if self.items is None:
            return self.message
        return replace(self.message, buttons=reminder_buttons(self.items, self.message.text))


def _parts(message: ReminderMessage, body: str, kind: str) -> list[_Part]:
    """One message in parts under the platform's limit, each with its outbox key."""
    channel, chat_id = message.recipient.chat_ref.split(":", 1)
    parts = split_message(body, TEXT_LIMITS.get(channel, min(TEXT_LIMITS.values())))
    key = message.key
    return [_Part(NewMessage(key=f"{kind}:{key}:{number}", kind=kind, channel=channel,
                             chat_id=chat_id, text=part,
                             focal_person_id=message.recipient.person_id),
                  message.items if kind == "reminder" else None)
            for number, part in enumerate(parts, start=1)]


async def scan(sessions: async_sessionmaker[AsyncSession], now: datetime, tz: tzinfo,
               calendar: WorkCalendar, policy: ReminderPolicy) -> ScanReport:
    """Plan `now`'s day and queue it, in one transaction; running it twice adds nothing."""
    today = now.astimezone(tz).date()
    report = ScanReport(day=today)
    with _cyclic_gc_paused():
        await _scan(sessions, now, today, tz, calendar, policy, report)
    for line in summarize_warnings(report.warnings):  # a handful of lines, not one per agency
        log.warning("scan %s: %s", today, line)
    log.info("scan %s: %d steps, %d messages in %d parts", today, report.steps, report.messages,
             report.parts)
    return report


async def _scan(sessions: async_sessionmaker[AsyncSession], now: datetime, today: date,
                tz: tzinfo, calendar: WorkCalendar, policy: ReminderPolicy,
                report: ScanReport) -> None:
    async with transaction(sessions) as session:
        if not await try_scan_lock(session):
            report.skipped = "another instance is scanning"
            return
        await prepare_bulk_reads(session)
        # Marks reminders answered by a later update: no decision changes, the search shrinks.
        await settle_answered(today, tz, session=session)
        by_days = await prepare_days(today, tz, calendar, policy, session=session)
        plan, secretariat, inputs, policies = await _plan_day(today, tz, calendar, policy,
                                                              by_days, session=session)
        unreachable = {_step_id(step) for step in plan.unreachable}
        # History first: a step another scanner already took is left out of every message.
        taken = {_step_id(step): row_id for step, row_id in await record_steps(
            [s for s in plan.due if _step_id(s) not in unreachable], today, answered=False,
            session=session)}
        listed = [step for step, _ in await record_steps(plan.unreachable, today, answered=True,
                                                         session=session)]
        report.steps = len(taken) + len(listed)
        report.warnings = list(plan.warnings)
        labels = await committee_labels(session=session)
        # A shared agency's people see every item marked, even on a day only one committee's
        # are due (one query, and none at all in a single-committee deployment).
        several = await agencies_serving_several(session=session) if labels else frozenset()
        focal: Callable[[ReminderMessage], str] = partial(
            render_focal_message, policy=policy, labels=labels, several=several,
            policies=policies)
        batches: list[tuple[ReminderMessage, Callable[[ReminderMessage], str], str]] = [
            *((m, focal, "reminder") for m in plan.messages),
            *((m, partial(render_escalation, labels=labels, several=several), "escalation")
              for m in plan.escalations),
        ]
        # Each secretariat member is listed their own committee's steps only.
        for person in secretariat:
            mine = of_committee(listed, person.committee_id)
            body = render_unreachable(mine, today)
            if body:
                batches.append((ReminderMessage(person, tuple(mine), today),
                                partial(_as_is, body), "unreachable_list"))
        # Rendered, stored and linked a slice of messages at a time: a national scan's texts
        # (two lines an item, Vietnamese in UCS-2) would otherwise all be alive at once.
        queued: list[tuple[ReminderMessage, list[_Part]]] = []
        chars = 0
        # (history row, outbox row) pairs, linked in one statement: on PostgreSQL each link
        # statement reads the whole history once.
        links: list[tuple[int, int]] = []
        for message, render, kind in batches:
            items = tuple(item for item in message.items if _step_id(item) in taken)
            if kind != "unreachable_list" and not items:
                continue
            if kind != "unreachable_list":
                message = ReminderMessage(message.recipient, items, message.on)
            parts = _parts(message, render(message), kind)
            queued.append((message, parts))
            chars += sum(len(part.message.text) for part in parts)
            if kind == "unreachable_list":
                report.unreachable += len(parts)
            else:
                report.messages += 1
                report.parts += len(parts)
            if len(queued) >= RENDER_SLICE or chars >= RENDER_CHARS:
                links += await _store_slice(queued, taken, now, session=session)
                queued, chars = [], 0
        links += await _store_slice(queued, taken, now, session=session)
        # A reply to a reminder names the steps it carried: they are linked to its first part.
        await link_steps(links, session=session)
        del queued, links
        # Each assignment planned gets the day the policy next fires for it, its steps of
        # today counted: tomorrow's scan reads only those whose day has come. The plan and its
        # messages go first, so the history read again reuses their memory.
        del plan, batches, taken, listed, unreachable
        inputs = replace(inputs, history=[], known={})
        await store_after_scan(inputs, today, calendar, policy, session=session,
                               policies=policies)
        await mark_scanned(today, calendar, policy, tz, session=session)


async def _store_slice(queued: list[tuple[ReminderMessage, list[_Part]]],
                       taken: dict[tuple[int, str, date], int], now: datetime, *,
                       session: AsyncSession) -> list[tuple[int, int]]:
    """Put a slice of messages in the outbox; (history row, first part) of each reminder step."""
    if not queued:
        return []
    # Buttons are made as each slice is stored, too.
    added = await enqueue_many((part.stored() for _, parts in queued for part in parts),
                               now, session=session)
    return [(taken[_step_id(item)], added[first.key])
            for message, parts in queued for first in (parts[0].message,)
            if first.kind == "reminder" and first.key in added
            for item in message.items]
