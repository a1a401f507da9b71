"""/healthz, /readyz and /metrics on dondoc's one web server."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool
from sqlmodel import col

from bot.conversation import Conversation, Incoming, Outgoing
from bot.metrics import (
    LAST_SCAN,
    OUTBOX,
    OUTBOX_OLDEST,
    READY,
    SCAN_SECONDS,
    SCAN_STEPS,
    SCANS,
    UPDATES,
)
from cli.wiring import working_hours
from config import Settings
from domain.calendar import WorkCalendar
from scheduler.scan import ScanReport
from storage.db import make_engine
from storage.migrate import _current_heads, expected_heads, known_revisions
from storage.models import Outbox, ReminderSchedule

log = logging.getLogger(__name__)
PROBE_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class Readiness:
    """What /readyz judged: ready only when every check passed."""

    checks: dict[str, str]

    @property
    def ready(self) -> bool:
        """True when no check failed."""
        return all(value == "ok" for value in self.checks.values())


@dataclass(frozen=True)
class HealthRules:
    """When a scan is overdue and when the outbox is stuck."""

    tz: tzinfo
    scan_at: timedelta  # after local midnight
    scan_grace: timedelta
    stuck_after: timedelta
    open_at: Callable[[datetime], datetime | None]  # today's opening if open now, else None


def rules_from(settings: Settings, calendar_for: Callable[[datetime], WorkCalendar]
               ) -> HealthRules:
    """The readiness rules from the settings and the working calendar."""
    hours = working_hours(settings)
    start = settings.workday_start

    def open_at(now: datetime) -> datetime | None:
        if not hours.is_open(now, calendar_for(now)):
            return None
        local = now.astimezone(settings.tz)
        return local.replace(hour=start.hour, minute=start.minute, second=0, microsecond=0)

    return HealthRules(
        tz=settings.tz, scan_at=timedelta(hours=start.hour, minutes=start.minute),
        scan_grace=timedelta(minutes=settings.ready_scan_grace_minutes),
        stuck_after=timedelta(minutes=settings.ready_outbox_stuck_minutes), open_at=open_at)


async def _outbox(connection: AsyncConnection) -> tuple[dict[str, int], datetime | None]:
    counts: dict[str, int] = dict((await connection.execute(
        select(col(Outbox.status), func.count()).group_by(col(Outbox.status)))).all())
    # ix_outbox_due (status, next_attempt_at) answers the first; claims in flight are few.
    queued = (await connection.execute(
        select(func.min(col(Outbox.next_attempt_at)))
        .where(col(Outbox.status) == "queued"))).scalar()
    # A claim whose lease ran out (its sender died) is due again from the lease's end.
    leased = (await connection.execute(
        select(func.min(col(Outbox.lease_until))).where(col(Outbox.status) == "sending"))).scalar()
    due = [_aware(moment) for moment in (queued, leased) if moment is not None]
    return counts, min(due, default=None)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _last_scanned(connection: AsyncConnection) -> date | None:
    return (await connection.execute(select(col(ReminderSchedule.as_of)))).scalar()


def _judge_schema(heads: set[str]) -> str:
    """"ok", or what is wrong with the schema and what fixes it (which differs by direction)."""
    expected = expected_heads()
    if heads == expected:
        return "ok"
    at = ", ".join(sorted(heads)) or "nothing"
    if heads - known_revisions():
        # Another instance already ran a newer release's migrations (a rolling upgrade).
        return (f"schema at {at} is newer than this release ({', '.join(sorted(expected))}): "
                "replace this instance with the new release")
    return f"schema at {at}: run `dondoc db upgrade`"


class Health:
    """Probes the database on a connection of its own each time (a pool would hide an outage)."""

    def __init__(self, database_url: str, rules: HealthRules,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.engine: AsyncEngine = make_engine(database_url, poolclass=NullPool)
        self.rules = rules
        self.now = now

    async def close(self) -> None:
        """Release the probe's engine."""
        await self.engine.dispose()

    async def check(self) -> Readiness:
        """Database reachable, migrations current, last scan not overdue, outbox not stuck."""
        checks = {"database": "not checked", "migrations": "not checked",
                  "scan": "not checked", "outbox": "not checked"}
        now = self.now()
        try:
            async with asyncio.timeout(PROBE_TIMEOUT_SECONDS), self.engine.connect() as db:
                await db.execute(text("SELECT 1"))
                checks["database"] = "ok"
                heads = await db.run_sync(_current_heads)
                checks["migrations"] = _judge_schema(heads)
                if checks["migrations"] == "ok":
                    checks["scan"] = self._judge_scan(await _last_scanned(db), now)
                    counts, oldest = await _outbox(db)
                    checks["outbox"] = self._judge_outbox(oldest, now)
                    self._publish(counts, oldest, now)
        except Exception as exc:  # any failure to reach the database means not ready
            checks["database"] = f"unreachable: {type(exc).__name__}"
            log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        readiness = Readiness(checks)
        READY.set(1 if readiness.ready else 0)
        return readiness

    def _judge_scan(self, scanned: date | None, now: datetime) -> str:
        local = now.astimezone(self.rules.tz)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        if local < midnight + self.rules.scan_at + self.rules.scan_grace:
            today_due = local.date() - timedelta(days=1)  # today's scan is not due yet
        else:
            today_due = local.date()
        if scanned is not None and scanned >= today_due:
            return "ok"
        return f"overdue: last scanned day {scanned or 'never'}, expected {today_due}"

    def _judge_outbox(self, oldest: datetime | None, now: datetime) -> str:
        opened = self.rules.open_at(now)
        if oldest is None or opened is None:
            return "ok"  # nothing due, or outside working hours (the drain waits then)
        due_since = max(oldest, opened)
        if now - due_since <= self.rules.stuck_after:
            return "ok"
        return f"stuck: a queued row due since {due_since.isoformat()}"

    def _publish(self, counts: dict[str, int], oldest: datetime | None, now: datetime) -> None:
        for state in {"queued", "sending", "sent", "failed", *counts}:
            OUTBOX.labels(state).set(counts.get(state, 0))
        OUTBOX_OLDEST.set(max(0.0, (now - oldest).total_seconds())
                          if oldest is not None and oldest <= now else 0.0)


def add_health_routes(site: web.Application, health: Health) -> None:
    """Serve /healthz (the process answers), /readyz and /metrics."""

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(_: web.Request) -> web.Response:
        readiness = await health.check()
        body = "".join(f"{name}: {value}\n" for name, value in readiness.checks.items())
        return web.Response(status=200 if readiness.ready else 503, text=body)

    async def metrics(_: web.Request) -> web.Response:
        await health.check()  # the outbox gauges are read from the database at scrape time
        return web.Response(body=generate_latest(REGISTRY),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    site.router.add_get("/healthz", healthz)
    site.router.add_get("/readyz", readyz)
    site.router.add_get("/metrics", metrics)


class MeteredConversation(Conversation):
    """The conversation, each update counted by channel and outcome."""

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Handle one update (see Conversation.handle) and count it."""
        try:
            replies = await super().handle(incoming)
        except Exception:
            UPDATES.labels(incoming.channel, "error").inc()
            raise
        UPDATES.labels(incoming.channel, "replied" if replies else "silent").inc()
        return replies


async def observed_scan(run: Awaitable[ScanReport]) -> ScanReport:
    """Run a scan, timing it and counting its result and steps."""
    try:
        with SCAN_SECONDS.time():
            report = await run
    except Exception:
        SCANS.labels("error").inc()
        raise
    SCANS.labels("skipped" if report.skipped else "done").inc()
    SCAN_STEPS.inc(report.steps)
    if not report.skipped:
        LAST_SCAN.set_to_current_time()
    return report
