"""Engine, sessions, and the schema check: async SQLAlchemy on SQLite (WAL) or PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any
from weakref import WeakKeyDictionary

import asyncpg
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg",
                  "postgres": "postgresql+asyncpg"}


def async_url(url: str) -> str:
    """The same database URL with the async driver dondoc uses ("postgresql://" -> asyncpg)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if "+" in parsed.drivername or backend not in _ASYNC_DRIVERS:
        return url
    return parsed.set(drivername=_ASYNC_DRIVERS[backend]).render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the bot read while the scheduler writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits only.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for a sqlite:// or postgresql:// URL."""
    engine = create_async_engine(async_url(url), **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


# SQLite takes one writer at a time, and its busy handler makes the others poll with sleeps of
# up to 100 ms: under concurrent updates writers starve and fail with "database is locked" after
# the busy timeout. Queueing our own transactions in process, first come first served, costs
# nothing (every transaction writes first, so it holds the file lock to the end anyway).
_SQLITE_WRITERS: WeakKeyDictionary[Any, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = (
    WeakKeyDictionary())


def _writer_lock(sessions: async_sessionmaker[AsyncSession]) -> asyncio.Lock | None:
    engine = sessions.kw.get("bind")
    if not isinstance(engine, AsyncEngine) or engine.dialect.name != "sqlite":
        return None
    loop = asyncio.get_running_loop()
    held = _SQLITE_WRITERS.get(engine.sync_engine)
    if held is None or held[0] is not loop:
        held = (loop, asyncio.Lock())
        _SQLITE_WRITERS[engine.sync_engine] = held
    return held[1]


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block ends, roll back on any error."""
    async with AsyncExitStack() as stack:
        lock = _writer_lock(sessions)
        if lock is not None:
            await stack.enter_async_context(lock)
        session = await stack.enter_async_context(sessions())
        await stack.enter_async_context(session.begin())
        yield session


def is_unavailable(error: BaseException | None) -> bool:
    """Whether an error means the database could not be reached or used right now (an outage).

    Connection refused or lost, a pool or lock time-out, a server shutting down: the work can
    be done again later unchanged. Errors in our statements or data are not outages.
    """
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return True
        if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError
                      | sa_exc.TimeoutError | sa_exc.DisconnectionError
                      | asyncpg.PostgresConnectionError | asyncpg.CannotConnectNowError
                      | asyncpg.InterfaceError | asyncpg.AdminShutdownError
                      | asyncpg.TooManyConnectionsError | ConnectionError | TimeoutError):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
