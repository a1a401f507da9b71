"""Each committee's digest on its own day: a tick derives from the database which are due.

The scheduler only ticks (every DIGEST_TICK_MINUTES, and once at start, which is the
catch-up after a restart). A committee's digest is due when its cron's slot this week has
passed, the period closes this week, and its run is not stored (or a chat of it still waits
for the digest). A committee with children waits until each child's digest of the period is
stored, or until its own slot plus digest_wait_minutes, then sends with what exists and the
roll-up names the children missing. The claim is digest_run's, as before: once per period.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.metrics import DIGESTS
from config import Settings
from config.committee_settings import effective
from domain.digest_inputs import Period, digest_period
from domain.permissions import COMMITTEE
from scheduler.digest_job import (
    children_first,
    closes_period,
    digest_key,
    send_committee_digest,
)
from scheduler.ticks import Ticker
from storage.committee_settings import committee_overrides
from storage.committees import CommitteeScope, committees, person_scope
from storage.digest import queued_keys
from storage.models import Committee
from storage.people import reachable_chats
from storage.rollup import stored_figures

log = logging.getLogger(__name__)

DIGEST_TICK_MINUTES = 5


@dataclass(frozen=True)
class DueDigest:
    """A committee whose digest's slot has come this period."""

    committee: Committee
    period: Period
    slot: datetime
    wait: timedelta


@dataclass
class TickReport:
    """What one digest tick did: committees sent, and those still waiting for children."""

    sent: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    # Claimed and figures kept, but no chat to send to.
    skipped: list[str] = field(default_factory=list)
    messages: int = 0


def slot_this_week(cron: str, now: datetime, tz: tzinfo) -> datetime | None:
    """The cron's first fire time of `now`'s week, if it has passed."""
    trigger = CronTrigger.from_crontab(cron, timezone=tz)
    monday = now.astimezone(tz).date()
    monday -= timedelta(days=monday.weekday())
    slot = trigger.get_next_fire_time(None, datetime.combine(monday, time(0), tzinfo=tz))
    return slot if slot is not None and slot <= now else None


def due_digests(found: list[Committee], overrides: dict[int, dict[str, object]],
                settings: Settings, now: datetime) -> list[DueDigest]:
    """The committees whose slot has passed in a period that closes this week, children first."""
    due = []
    today = now.astimezone(settings.tz).date()
    for committee in children_first(found):
        mine = _settings_of(committee, overrides, settings)
        slot = slot_this_week(mine.digest_cron, now, settings.tz)
        period = digest_period(today, mine.digest_every_weeks)
        if slot is not None and closes_period(period):
            due.append(DueDigest(committee, period, slot,
                                 timedelta(minutes=mine.digest_wait_minutes)))
    return due


def _settings_of(committee: Committee, overrides: dict[int, dict[str, object]],
                 settings: Settings) -> Settings:
    own = overrides.get(committee.id or 0)
    if not own:
        return settings
    try:
        return effective(settings, own)
    except ValidationError:
        # Stored values were checked when set; one gone bad must not stop every digest.
        log.error("committee %s: its own settings are not valid, the deployment's are used",
                  committee.code)
        return settings


async def digest_tick(sessions: async_sessionmaker[AsyncSession], now: datetime,
                      settings: Settings) -> TickReport:
    """Send every committee's digest that is due now and not sent; idempotent."""
    report = TickReport()
    async with sessions() as session:
        found = await committees(session=session)
        due = due_digests(found, await committee_overrides(session=session), settings, now)
        pending = await _pending(due, session=session)
    for one in due:
        if one.committee.id not in pending:
            continue
        scope = CommitteeScope(one.committee.id or 0)
        children = [c.id or 0 for c in found if c.parent_id == one.committee.id]
        waited_enough = now >= one.slot + one.wait
        if children and not waited_enough:
            async with sessions() as session:
                stored = await stored_figures(children, one.period, session=session)
            if len(stored) < len(children):
                report.waiting.append(one.committee.code)
                continue
        # After the wait, the roll-up is of what the children stored; before it, all stored.
        sent = await send_committee_digest(sessions, now, settings.tz, one.period, scope,
                                            stored_only=bool(children))
        if sent.skipped is None:
            report.sent.append(one.committee.code)
            report.messages += sent.messages
        else:
            report.skipped.append(one.committee.code)
    if report.waiting:
        log.info("digest tick: waiting for children's digests: %s", ", ".join(report.waiting))
    return report


async def _pending(due: list[DueDigest], *, session: AsyncSession) -> set[int]:
    """The due committees with work left: no stored run, or a chat not yet served."""
    if not due:
        return set()
    pending: set[int] = set()
    people = [p for role in ("secretariat", COMMITTEE)
              for p in await reachable_chats(session=session, role=role)]
    by_period: dict[Period, list[int]] = {}
    for one in due:
        by_period.setdefault(one.period, []).append(one.committee.id or 0)
    # One read of the stored runs per period (committees of one cadence share it).
    stored = {(period, cid) for period, ids in by_period.items()
              for cid in await stored_figures(ids, period, session=session)}
    keys: dict[int, list[str]] = {}
    for one in due:
        cid = one.committee.id or 0
        if (one.period, cid) not in stored:
            pending.add(cid)
            continue
        keys[cid] = [digest_key(one.period, p.channel, p.chat_id, "1") for p in people
                     if person_scope(p).committee_id == cid]
    served = await queued_keys([key for found in keys.values() for key in found],
                               session=session)
    pending |= {cid for cid, found in keys.items() if any(k not in served for k in found)}
    return pending


def _utc_now() -> datetime:
    return datetime.now(UTC)


def schedule_digest(ticker: Ticker, settings: Settings,
                    sessions: async_sessionmaker[AsyncSession],
                    now: Callable[[], datetime] = _utc_now) -> None:
    """Add the digest tick to the ticker, first run at start (the catch-up after a restart)."""

    async def job() -> None:
        report = await digest_tick(sessions, now(), settings)
        # One count a committee's run (the tick itself runs every few minutes).
        for _ in report.sent:
            DIGESTS.labels("queued").inc()
        for _ in report.skipped:
            DIGESTS.labels("skipped").inc()

    ticker.add_job("digest", IntervalTrigger(minutes=DIGEST_TICK_MINUTES, timezone=settings.tz),
                   job)

    async def catch_up() -> None:
        try:
            await job()
        except Exception:
            log.exception("digest catch-up failed")

    # A tick at start: a restart after a slot sends what is due. No grace limit: the ticker
    # starts after the bot has connected, seconds from now.
    ticker.scheduler.add_job(catch_up, DateTrigger(timezone=settings.tz), id="digest-catch-up",
                             replace_existing=True, misfire_grace_time=None)
