"""Alembic environment: runs migrations through dondoc's async engine."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import make_engine

target_metadata = SQLModel.metadata

# Any constant shared by every dondoc instance, distinct from the scan's (storage/scan_sql.py).
MIGRATION_LOCK_KEY = 57_2018
# How long a second `db upgrade` on SQLite waits for the first to finish (milliseconds).
SQLITE_MIGRATION_WAIT_MS = 600_000


def _lock_schema(connection: Connection) -> None:
    """Make concurrent upgrades (instances started together) take turns, before reading the
    current revision: the second finds the first's work done instead of repeating it."""
    if connection.dialect.name == "postgresql":
        # Held to the end of the one transaction every migration runs in (transactional DDL).
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # SQLite's own write lock, taken up front and held to the commit in _run_online: one
        # transaction for all migrations (pysqlite would otherwise autocommit each DDL statement).
        connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_MIGRATION_WAIT_MS}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _run(connection: Connection) -> None:
    _lock_schema(connection)
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _foreign_keys_off(dbapi_connection: Any, _record: Any) -> None:
    # A batch migration rebuilds a table by dropping it: with foreign keys on, SQLite refuses to
    # drop a referenced table that has rows (Alembic's advice: keep them off while migrating).
    # A migration that rebuilds one checks the keys itself (PRAGMA foreign_key_check).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


async def _run_online() -> None:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _foreign_keys_off)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
