"""Shared fixtures: a fresh database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import make_engine, session_factory
from storage.migrate import upgrade_async

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_APPENDIX = REPO / "examples" / "phu-luc-4362-CV-TU.txt"
# The real appendix the project was designed from: the example is its appendix part, verbatim.
SEED = EXAMPLE_APPENDIX
EXAMPLE_REGISTRY = REPO / "examples" / "agencies.csv"
PG_URL = os.environ.get("DONDOC_TEST_DATABASE_URL")

# Hypothesis's defaults bound wall-clock time (200 ms per example, and a "too slow" health
# check): on a loaded shared machine that fails correct code. Time belongs in bench/.
settings.register_profile("dondoc", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("dondoc")


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--update-screenshots`: let the browser test refresh docs/screenshots (tracked files)."""
    parser.addoption("--update-screenshots", action="store_true", default=False,
                     help="write the browser tests' screenshots to docs/screenshots/ "
                          "(webchat.png, console-*.png)")


@pytest.fixture
def seed_path() -> Path:
    """The real appendix the project was designed from (the copy under examples/)."""
    return SEED


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database URL: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dondoc.db'}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL run skipped: set DONDOC_TEST_DATABASE_URL "
                    "(e.g. postgresql://postgres@127.0.0.1:5432/test)")
    base = make_url(PG_URL)
    name = f"dondoc_t_{uuid.uuid4().hex[:12]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield base.set(database=name).render_as_string(hide_password=False)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a database migrated to the newest schema."""
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()
