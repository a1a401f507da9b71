"""/healthz, /readyz and /metrics: each readiness check, an outage and the recovery after it."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime, time, timedelta

import asyncpg
import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

from cli.health import Health, rules_from
from cli.service import serve
from cli.wiring import calendar_around
from config import Settings
from sandbox import running_sandbox
from storage.db import transaction
from storage.outbox import NewMessage, enqueue
from storage.reminder_schedule import save_schedule
from tests.service_probe import free_port, wait_ready

# Tuesday 8 December 2026, 10:00 in Hà Nội: a working day, inside working hours.
MONDAY_10 = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
_SQLITE_FILES = ("", "-wal", "-shm")


def _health(url: str, now: datetime) -> Health:
    settings = Settings(database_url=url, _env_file=None)
    return Health(url, rules_from(settings, calendar_around), now=lambda: now)


async def _scanned(sessions, day: date) -> None:
    async with transaction(sessions) as session:
        await save_schedule("test", day, session=session)


async def test_ready_needs_a_scan_today_once_the_grace_has_passed(sessions, database_url):
    health = _health(database_url, MONDAY_10)
    try:
        await _scanned(sessions, date(2026, 12, 7))
        first = await health.check()
        await _scanned(sessions, date(2026, 12, 8))
        second = await health.check()
        # At 08:30 today's scan is not yet overdue (grace 60 minutes): yesterday's is enough.
        health.now = lambda: MONDAY_10 - timedelta(minutes=90)
        await _scanned(sessions, date(2026, 12, 7))
        early = await health.check()
    finally:
        await health.close()
    assert (first.ready, first.checks["scan"].startswith("overdue")) == (False, True)
    assert second.ready, second.checks
    assert early.ready, early.checks


async def test_outbox_stuck_only_when_due_long_within_working_hours(sessions, database_url):
    health = _health(database_url, MONDAY_10)
    try:
        await _scanned(sessions, date(2026, 12, 8))
        async with transaction(sessions) as session:
            await enqueue(NewMessage(key="k1", kind="reminder", channel="telegram",
                                     chat_id="1", text="x"), MONDAY_10 - timedelta(minutes=10),
                          session=session)
        fresh = await health.check()
        health.now = lambda: MONDAY_10 + timedelta(minutes=40)
        stuck = await health.check()
        health.now = lambda: MONDAY_10 + timedelta(hours=9)  # 19:00, the drain waits
        evening = await health.check()
    finally:
        await health.close()
    assert fresh.ready, fresh.checks
    assert stuck.checks["outbox"].startswith("stuck"), stuck.checks
    assert evening.checks["outbox"] == "ok"


async def _block(url: str, blocked: bool) -> None:
    """Make a PostgreSQL database refuse connections (and drop those open), or accept again."""
    parsed = make_url(url)
    admin = await asyncpg.connect(parsed.set(drivername="postgresql", database="postgres")
                                  .render_as_string(hide_password=False))
    try:
        await admin.execute(f'ALTER DATABASE "{parsed.database}" '
                            f'ALLOW_CONNECTIONS {"false" if blocked else "true"}')
        if blocked:
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = $1", parsed.database)
    finally:
        await admin.close()


async def test_not_ready_while_the_database_is_gone_and_ready_again_after(sessions,
                                                                           database_url):
    await _scanned(sessions, date(2026, 12, 8))
    health = _health(database_url, MONDAY_10)
    path = make_url(database_url).database or ""
    try:
        before = await health.check()
        if database_url.startswith("sqlite"):
            for suffix in _SQLITE_FILES:  # the WAL holds the latest commits
                os.rename(path + suffix, path + suffix + ".away")
        else:
            await _block(database_url, True)
        during = await health.check()
        if database_url.startswith("sqlite"):
            for suffix in _SQLITE_FILES:
                os.replace(path + suffix + ".away", path + suffix)
        else:
            await _block(database_url, False)
        after = await health.check()
    finally:
        await health.close()
    assert before.ready, before.checks
    assert not during.ready
    # SQLite makes a new empty file where the old one was: reachable, but no schema.
    assert (during.checks["database"].startswith("unreachable")
            or during.checks["migrations"].startswith("schema at nothing")), during.checks
    assert after.ready, after.checks


async def test_run_serves_health_ready_and_metrics(tmp_path):
    port = free_port()
    async with running_sandbox(rate_limits=None) as telegram:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'dondoc.db'}",
            telegram_token=telegram.token, telegram_base_url=telegram.base_url,
            webhook_port=port, workday_start=time(0, 0), digest_cron="59 23 * * sun",
            _env_file=None)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, False, stop))
        base = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(base_url=base, timeout=10) as client:
                ready = await wait_ready(port)
                telegram.add_user(101, "Lan").send_message("xin chào")  # not registered
                await telegram.wait_until(lambda: bool(telegram.state.world.bot_messages(101)),
                                          timeout=10)
                healthz = await client.get("/healthz")
                metrics = await client.get("/metrics")
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
    assert ready is not None and ready.status_code == 200, ready and ready.text
    assert "database: ok" in ready.text and "scan: ok" in ready.text
    assert healthz.status_code == 200
    assert 'dondoc_scans_total{result="done"}' in metrics.text
    assert 'dondoc_outbox_rows{state="queued"} 0.0' in metrics.text
    assert "dondoc_outbox_oldest_due_seconds 0.0" in metrics.text
    assert 'dondoc_updates_total{channel="telegram",outcome="replied"}' in metrics.text
    assert "dondoc_ready 1.0" in metrics.text


async def test_a_schema_newer_than_the_code_says_replace_the_instance(sessions, database_url):
    health = _health(database_url, MONDAY_10)
    try:
        await _scanned(sessions, date(2026, 12, 8))
        async with transaction(sessions) as session:
            await session.exec(text("UPDATE alembic_version SET version_num = '9999'"))  # type: ignore[call-overload]
        newer = await health.check()
        async with transaction(sessions) as session:
            await session.exec(text("UPDATE alembic_version SET version_num = '0001'"))  # type: ignore[call-overload]
        older = await health.check()
    finally:
        await health.close()
    assert not newer.ready and not older.ready
    assert newer.checks["migrations"].endswith("replace this instance with the new release")
    assert "newer than this release" in newer.checks["migrations"]
    assert older.checks["migrations"] == "schema at 0001: run `dondoc db upgrade`"
