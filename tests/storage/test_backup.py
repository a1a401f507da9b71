"""A backup restored into a fresh database gives the same digest (pg_dump / SQLite's backup)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from domain.digest_inputs import digest_period
from scheduler.digest_job import build_for
from storage.agencies import import_registry, read_registry
from storage.backup import backup_sqlite
from storage.db import make_engine, session_factory, transaction
from storage.importer import import_appendix
from storage.migrate import ensure_current
from storage.models import Assignment
from storage.status import Actor, record_status
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = date(2025, 10, 3)


async def _digest(sessions):
    async with transaction(sessions) as session:
        return await build_for(digest_period(DAY, 1), TZ, session=session)


async def _run(*command: str) -> None:
    process = await asyncio.create_subprocess_exec(*command, stderr=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()


async def _restore_postgresql(url: str, dump: Path) -> str:
    """pg_dump's custom format restored into a new database; its URL."""
    base = make_url(url)
    plain = base.set(drivername="postgresql")
    await _run("pg_dump", "--format=custom", f"--file={dump}",
               plain.render_as_string(hide_password=False))
    name = f"dondoc_r_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(plain.render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    restored = plain.set(database=name).render_as_string(hide_password=False)
    await _run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))
    return restored


async def _drop_postgresql(url: str) -> None:
    plain = make_url(url).set(drivername="postgresql")
    admin = await asyncpg.connect(plain.set(database="postgres")
                                  .render_as_string(hide_password=False))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{plain.database}" WITH (FORCE)')
    finally:
        await admin.close()


async def test_a_restored_backup_gives_the_same_digest(sessions, database_url, tmp_path):
    now = datetime(2025, 9, 1, tzinfo=UTC)
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(EXAMPLE_APPENDIX, 2025, now, session=session)
        first, second = (await session.exec(
            select(Assignment.id).order_by(col(Assignment.id)).limit(2))).all()
        await record_status(first, "done", now, DAY, Actor("system"), session=session)
        await record_status(second, "blocked", now, DAY, Actor("system"), session=session,
                            note="chờ kinh phí")
    before = await _digest(sessions)
    if database_url.startswith("sqlite"):
        target = tmp_path / "backup.db"
        # Online: the service's engine still has the file open while the copy is taken.
        backup_sqlite(Path(make_url(database_url).database or ""), target)
        restored = f"sqlite:///{target}"
    else:
        restored = await _restore_postgresql(database_url, tmp_path / "dondoc.dump")
    engine = make_engine(restored)
    try:
        await ensure_current(engine)
        after = await _digest(session_factory(engine))
    finally:
        await engine.dispose()
        if not restored.startswith("sqlite"):
            await _drop_postgresql(restored)
    assert before.figures.task_total > 0
    assert before == after
