"""A scan skipped for another instance's lock is looked at again, and run only if still undone."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from cli.scan_takeover import day_scanned, retry_if_skipped
from scheduler.scan import ScanReport
from storage.db import transaction
from storage.reminder_schedule import save_schedule
from tests.test_ticks import Calls, make

DAY = date(2026, 12, 8)


async def _scanned(sessions, day: date) -> None:
    async with transaction(sessions) as session:
        await save_schedule("fingerprint", day, session=session)


async def test_a_day_counts_as_scanned_once_it_or_a_later_day_is_recorded(sessions):
    assert not await day_scanned(sessions, DAY)
    await _scanned(sessions, DAY - timedelta(days=1))
    assert not await day_scanned(sessions, DAY)
    await _scanned(sessions, DAY)
    assert await day_scanned(sessions, DAY)
    await _scanned(sessions, DAY + timedelta(days=3))
    assert await day_scanned(sessions, DAY)


async def test_a_scan_that_ran_asks_for_no_retry(sessions):
    scan = Calls()
    ticker = make(scan, Calls())
    retry_if_skipped(ScanReport(day=DAY, steps=3), ticker, scan, sessions, 30)
    assert ticker.scheduler.get_job("scan-retry") is None


async def test_a_skipped_scan_is_run_later_only_if_the_day_is_still_undone(sessions, caplog):
    scan = Calls()
    ticker = make(scan, Calls())
    ticker.scheduler.start(paused=True)  # as in `dondoc run`, but the test runs the job itself
    try:
        before = datetime.now(UTC)
        retry_if_skipped(ScanReport(day=DAY, skipped="locked"), ticker, scan, sessions, 30)
        job = ticker.scheduler.get_job("scan-retry")
        assert job is not None and job.misfire_grace_time is None
        assert before + timedelta(seconds=30) <= job.trigger.run_date <= \
            datetime.now(UTC) + timedelta(seconds=30)
        # A second skip replaces the pending retry rather than adding one.
        retry_if_skipped(ScanReport(day=DAY, skipped="locked"), ticker, scan, sessions, 30)
        assert [j.id for j in ticker.scheduler.get_jobs()].count("scan-retry") == 1
        again = ticker.scheduler.get_job("scan-retry").func
    finally:
        ticker.shutdown()
    with caplog.at_level(logging.INFO, logger="cli.scan_takeover"):
        await again()  # the instance that held the lock died before finishing
    assert scan.count == 1
    assert caplog.messages == [
        "scan 2026-12-08: not finished by the instance that held the lock; scanning"]
    await _scanned(sessions, DAY)
    await again()  # the holder finished: nothing more to do
    assert scan.count == 1
