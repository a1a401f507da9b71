"""A scan skipped because another instance held the lock is tried again until the day is done.

Without this, an instance killed mid-scan (its transaction rolled back, the lock released)
would leave the day unscanned until tomorrow: the others skipped their scan and had no reason
to try again."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from apscheduler.triggers.date import DateTrigger
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from scheduler.scan import ScanReport
from scheduler.ticks import Ticker
from storage.db import transaction
from storage.reminder_schedule import read_schedule

log = logging.getLogger(__name__)


async def day_scanned(sessions: async_sessionmaker[AsyncSession], day: date) -> bool:
    """Whether some instance has finished the scan of `day` (or a later one)."""
    async with transaction(sessions) as session:
        stored = await read_schedule(session=session)
    return stored is not None and stored[1] >= day


def retry_if_skipped(report: ScanReport, ticker: Ticker, scan_job: Callable[[], Awaitable[None]],
                     sessions: async_sessionmaker[AsyncSession], seconds: int) -> None:
    """If the scan was skipped, look again in `seconds`: scan unless the day is done by then."""
    if report.skipped is None:
        return

    async def again() -> None:
        if await day_scanned(sessions, report.day):
            return
        log.info("scan %s: not finished by the instance that held the lock; scanning",
                 report.day)
        await scan_job()

    ticker.scheduler.add_job(
        again, DateTrigger(datetime.now(UTC) + timedelta(seconds=seconds)), id="scan-retry",
        replace_existing=True, misfire_grace_time=None)
