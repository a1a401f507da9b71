"""Bulk loading for the benchmark: COPY on PostgreSQL, one big transaction on SQLite."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.synthetic import COLUMNS

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


@asynccontextmanager
async def bench_database(kind: str, folder: str | Path, template: str | None = None,
                         admin_url: str = ADMIN_URL) -> AsyncIterator[str]:
    """A new database (a SQLite file in `folder`, or dondoc_bench_<random>), dropped after.

    On PostgreSQL it is made through `admin_url`'s server, as a copy of `template` if given.
    """
    if kind == "sqlite":
        yield f"sqlite:///{Path(folder) / 'dondoc-bench.db'}"
        return
    base = make_url(admin_url)
    name = f"dondoc_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(base.set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"'
                            + (f' TEMPLATE "{template}"' if template else ""))
        try:
            yield base.set(database=name).render_as_string(hide_password=False)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def database_exists(name: str) -> bool:
    """True if the PostgreSQL server has a database of that name."""
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        return bool(await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await admin.close()


async def copy_database(source_url: str, name: str) -> None:
    """Keep a PostgreSQL database as `name` (replacing one of that name)."""
    source = make_url(source_url).database
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    finally:
        await admin.close()


def _sqlite_value(value: Any) -> Any:
    # The text forms SQLAlchemy's SQLite types read back: naive UTC timestamps, ISO dates.
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Loader:
    """Appends rows to tables of a migrated database, fast; `close()` when done."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.sqlite: sqlite3.Connection | None = None
        self.pg: asyncpg.Connection | None = None

    async def open(self) -> Loader:
        """Connect (call once)."""
        if self.url.get_backend_name() == "sqlite":
            self.sqlite = sqlite3.connect(self.url.database or "")
            self.sqlite.execute("PRAGMA synchronous=OFF")
        else:
            dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.pg = await asyncpg.connect(dsn)
        return self

    async def add(self, table: str, rows: Sequence[tuple[Any, ...]],
                  columns: Sequence[str] | None = None) -> None:
        """Append rows given in COLUMNS[table] order (or `columns`)."""
        if not rows:
            return
        names = tuple(columns or COLUMNS[table])
        if self.sqlite is not None:
            marks = ", ".join("?" * len(names))
            self.sqlite.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
                ([_sqlite_value(v) for v in row] for row in rows))
            return
        assert self.pg is not None
        await self.pg.copy_records_to_table(table, records=rows, columns=list(names))

    async def commit(self) -> None:
        """Make what was added so far durable (SQLite; COPY commits itself)."""
        if self.sqlite is not None:
            self.sqlite.commit()

    async def finish(self) -> None:
        """Move the id sequences past the loaded ids and refresh the planner's statistics."""
        await self.commit()
        if self.pg is not None:
            for table in COLUMNS:
                if "id" in COLUMNS[table]:
                    await self.pg.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" greatest((SELECT max(id) FROM {table}), 1))")
            # Autovacuum would have done this on a database that grew over months.
            await self.pg.execute("VACUUM ANALYZE")

    async def close(self) -> None:
        """Disconnect."""
        if self.sqlite is not None:
            self.sqlite.close()
        if self.pg is not None:
            await self.pg.close()
