"""Alembic, driven from code: upgrade the schema and check that it is current."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used: commands that only read start without it.

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaOutdated(Exception):
    """The database schema is not at the code's revision."""


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at dondoc's migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database to a revision (the newest by default)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "heads") -> None:
    """upgrade() from inside a running event loop (Alembic's env runs its own loop)."""
    await asyncio.to_thread(upgrade, url, revision)


def _revision_links(path: Path) -> tuple[str, tuple[str, ...]] | None:
    """A migration file's revision and the revisions it follows, read without running it."""
    found: dict[str, object] = {}
    target: ast.expr
    value: ast.expr
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in {"revision", "down_revision"}:
            found[target.id] = ast.literal_eval(value)
    revision, down = found.get("revision"), found.get("down_revision")
    if not isinstance(revision, str):
        return None
    if isinstance(down, list | tuple):
        return revision, tuple(str(parent) for parent in down)
    return revision, (down,) if isinstance(down, str) else ()


def _links() -> list[tuple[str, tuple[str, ...]]]:
    return [link for path in sorted((MIGRATIONS / "versions").glob("*.py"))
            if (link := _revision_links(path)) is not None]


def known_revisions() -> set[str]:
    """Every revision this code has a migration for (a schema at another one is newer)."""
    return {revision for revision, _ in _links()}


def expected_heads() -> set[str]:
    """The revisions the code expects: those no migration follows.

    Read from the migration files' `revision` and `down_revision` lines, as Alembic reads them
    (a test checks both agree), so that commands which only check the schema skip importing
    Alembic and running every migration module.
    """
    links = _links()
    followed = {parent for _, parents in links for parent in parents}
    return {revision for revision, _ in links} - followed


def alembic_heads() -> set[str]:
    """The heads as Alembic's script directory computes them."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def _current_heads(connection: Connection) -> set[str]:
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return {row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))}


async def ensure_current(engine: AsyncEngine) -> None:
    """Refuse to run on a schema that is missing or behind, naming the command that fixes it."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_heads)
    expected = expected_heads()
    if current != expected:
        where = ", ".join(sorted(current)) or "trống"
        if current - known_revisions():  # a newer release migrated it (a rolling upgrade)
            raise SchemaOutdated(
                f"lược đồ cơ sở dữ liệu đang ở phiên bản {where}, mới hơn phần mềm này (cần "
                f"{', '.join(sorted(expected))}): hãy chạy bản phát hành mới, không chạy "
                "`dondoc db upgrade` của bản cũ"
            )
        raise SchemaOutdated(
            f"lược đồ cơ sở dữ liệu đang ở phiên bản {where}, phần mềm cần "
            f"{', '.join(sorted(expected))}: chạy `uv run dondoc db upgrade`"
        )
