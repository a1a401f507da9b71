"""The ticker: jobs, their once-only settings, and the start-up catch-up scan."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from scheduler.ticks import Ticker

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Calls:
    def __init__(self, fail: bool = False) -> None:
        self.count = 0
        self.fail = fail

    async def __call__(self) -> None:
        self.count += 1
        if self.fail:
            raise RuntimeError("database went away")


def make(scan: Calls, drain: Calls) -> Ticker:
    return Ticker(tz=TZ, scan_at=time(8, 0), drain_every_seconds=15, scan=scan, drain=drain)


async def test_jobs_are_a_daily_scan_and_a_frequent_drain():
    ticker = make(Calls(), Calls())
    jobs = {job.id: job for job in ticker.scheduler.get_jobs()}
    assert set(jobs) == {"scan", "drain"}
    assert str(jobs["scan"].trigger) == "cron[hour='8', minute='0']"
    assert jobs["drain"].trigger.interval.total_seconds() == 15
    assert all(job.coalesce and job.max_instances == 1 for job in jobs.values())
    assert jobs["scan"].misfire_grace_time >= 3600


@pytest.mark.parametrize(("hour", "scans"), [(7, 0), (8, 1), (16, 1)])
async def test_a_missed_scan_runs_at_start_up(hour, scans):
    scan, drain = Calls(), Calls()
    ticker = make(scan, drain)
    try:
        await ticker.start(datetime(2025, 9, 22, hour, 30, tzinfo=TZ))
        assert scan.count == scans
    finally:
        ticker.shutdown()


async def test_a_failing_tick_is_logged_not_raised(caplog):
    scan = Calls(fail=True)
    ticker = make(scan, Calls())
    try:
        await ticker.start(datetime(2025, 9, 22, 9, 0, tzinfo=TZ))
    finally:
        ticker.shutdown()
    assert scan.count == 1
    assert "catch-up scan tick failed" in caplog.text
    assert "database went away" in caplog.text


async def test_the_service_keeps_reminder_days_every_ten_minutes(tmp_path):
    from cli.service import make_ticker
    from config import Settings
    from storage.db import make_engine, session_factory

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'dondoc.db'}", _env_file=None)
    engine = make_engine(settings.database_url)
    try:
        ticker = make_ticker(settings, session_factory(engine), {})
        jobs = {job.id: job for job in ticker.scheduler.get_jobs()}
        assert set(jobs) == {"scan", "drain", "reminder_days", "forget_updates"}
        assert jobs["reminder_days"].trigger.interval.total_seconds() == 600
        assert jobs["forget_updates"].trigger.interval.total_seconds() == 3600
        assert jobs["reminder_days"].coalesce and jobs["reminder_days"].max_instances == 1
    finally:
        await engine.dispose()
