"""Alembic, driven from code: upgrade the schema and check that it is current."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutdated(Exception):
    """The database schema is not at the code's revision."""


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at dondoc's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database to a revision (the newest by default)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "heads") -> None:
    """upgrade() from inside a running event loop (Alembic's env runs its own loop)."""
    await asyncio.to_thread(upgrade, url, revision)


def expected_heads() -> set[str]:
    """The revisions the code expects."""
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def _current_heads(connection: Connection) -> set[str]:
    return set(MigrationContext.configure(connection).get_current_heads())


async def ensure_current(engine: AsyncEngine) -> None:
    """Refuse to run on a schema that is missing or behind, naming the command that fixes it."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_heads)
    expected = expected_heads()
    if current != expected:
        where = ", ".join(sorted(current)) or "empty"
        raise SchemaOutdated(
            f"database schema is {where}, code expects {', '.join(sorted(expected))}: "
            "run `dondoc db upgrade`"
        )
