"""Open the configured database for a command: schema checked, empty ones initialised."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from cli.failures import ServiceUnavailable, database_guard
from config import Settings
from storage.db import make_engine, session_factory
from storage.migrate import ensure_current, upgrade_async


async def _is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return not tables


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on a current schema; a brand-new empty database is created at the newest schema.

    A database with tables at an older revision is refused: upgrading it is a deliberate step.
    One that cannot be reached or opened raises ServiceUnavailable with the sentence to print.
    """
    engine = make_engine(settings.database_url)
    try:
        try:
            with database_guard(settings.database_url):
                if await _is_empty(engine):
                    await upgrade_async(settings.database_url)
                await ensure_current(engine)
        except ServiceUnavailable:
            # aiosqlite 0.22 stops a connection that failed to open from its worker thread,
            # which then answers on this loop (omnilib/aiosqlite#259): closed by asyncio.run at
            # once, the thread would print two tracebacks above the sentence.
            if make_url(settings.database_url).get_backend_name() == "sqlite":
                await asyncio.sleep(0.1)
            raise
        yield session_factory(engine)
    finally:
        await engine.dispose()
