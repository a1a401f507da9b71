"""APScheduler only ticks: a daily scan, a frequent drain, and a catch-up scan at start-up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time, tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.metrics import TICK_FAILURES

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


async def _logged(name: str, job: Job) -> None:
    try:
        await job()
    except Exception:
        # The next tick tries again; the database still holds all the work.
        log.exception("%s tick failed", name)
        TICK_FAILURES.labels(name).inc()


class Ticker:
    """Wires the periodic jobs; no reminder is ever a job of its own."""

    def __init__(self, *, tz: tzinfo, scan_at: time, drain_every_seconds: int,
                 scan: Job, drain: Job, scheduler: AsyncIOScheduler | None = None) -> None:
        self.tz = tz
        self.scan_at = scan_at
        self.scan = scan
        self.drain = drain
        self.scheduler = scheduler or AsyncIOScheduler(timezone=tz)
        # A scan missed by up to a working day still runs once; drains never pile up.
        self.scheduler.add_job(
            _logged, CronTrigger(hour=scan_at.hour, minute=scan_at.minute, timezone=tz),
            args=("scan", scan), id="scan", coalesce=True, max_instances=1,
            misfire_grace_time=8 * 3600, replace_existing=True)
        self.scheduler.add_job(
            _logged, IntervalTrigger(seconds=drain_every_seconds, timezone=tz),
            args=("drain", drain), id="drain", coalesce=True, max_instances=1,
            misfire_grace_time=drain_every_seconds * 4, replace_existing=True)

    def add_job(self, job_id: str, trigger: BaseTrigger, job: Job) -> None:
        """Another periodic job (the weekly digest), with the same once-only semantics."""
        self.scheduler.add_job(_logged, trigger, args=(job_id, job), id=job_id, coalesce=True,
                               max_instances=1, misfire_grace_time=8 * 3600,
                               replace_existing=True)

    async def start(self, now: datetime) -> None:
        """Start ticking; if today's scan time has passed, scan now (a scan is idempotent)."""
        self.scheduler.start()
        if now.astimezone(self.tz).time() >= self.scan_at:
            await _logged("catch-up scan", self.scan)

    def shutdown(self) -> None:
        """Stop ticking (running jobs finish)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
