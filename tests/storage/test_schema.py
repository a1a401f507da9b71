"""Schema management and database behaviour both backends must share."""

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from storage.db import async_url, make_engine, transaction
from storage.migrate import (
    SchemaOutdated,
    _current_heads,
    _revision_links,
    alembic_config,
    alembic_heads,
    ensure_current,
    expected_heads,
    upgrade_async,
)
from storage.models import Agency, FocalPerson


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///dondoc.db", "sqlite+aiosqlite:///dondoc.db"),
        ("postgresql://postgres@127.0.0.1:5432/test",
         "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
        ("postgresql+asyncpg://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
    ],
)
def test_async_driver_is_chosen_from_the_url(url, expected):
    assert async_url(url) == expected


async def test_an_empty_database_is_refused_with_the_fixing_command(database_url):
    engine = make_engine(database_url)
    try:
        with pytest.raises(SchemaOutdated, match="chạy `uv run dondoc db upgrade`"):
            await ensure_current(engine)
        await upgrade_async(database_url)
        await ensure_current(engine)
    finally:
        await engine.dispose()


async def test_an_outdated_schema_is_refused(database_url):
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        with pytest.raises(SchemaOutdated, match="đang ở phiên bản 0001, phần mềm cần"):
            await ensure_current(engine)
    finally:
        await engine.dispose()


async def test_a_schema_newer_than_the_code_names_the_new_release(database_url):
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(SchemaOutdated, match="9999, mới hơn phần mềm này") as refused:
            await ensure_current(engine)
        assert "hãy chạy bản phát hành mới" in str(refused.value)
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_mode(tmp_path):
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            mode = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
            keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
        assert (mode, keys) == ("wal", 1)
    finally:
        await engine.dispose()


async def test_timestamps_come_back_timezone_aware_in_utc(sessions):
    hanoi = timezone(timedelta(hours=7))
    linked = datetime(2025, 9, 22, 8, 30, tzinfo=hanoi)
    async with transaction(sessions) as session:
        agency = Agency(key="so y te", name="Sở Y tế")
        session.add(agency)
        await session.flush()
        person = FocalPerson(agency_id=agency.id, role="focal", channel="telegram",
                             chat_id="1001", linked_at=linked)
        session.add(person)
    async with sessions() as session:
        stored = await session.get(FocalPerson, person.id)
        assert stored.linked_at == linked
        assert stored.linked_at.tzinfo is not None
        assert stored.linked_at.utcoffset() == timedelta(0)
        assert stored.linked_at == datetime(2025, 9, 22, 1, 30, tzinfo=UTC)


async def test_naive_datetimes_are_rejected(sessions):
    with pytest.raises(Exception, match="naive datetime"):
        async with transaction(sessions) as session:
            session.add(FocalPerson(role="secretariat", channel="telegram", chat_id="1",
                                    linked_at=datetime(2025, 1, 1)))  # noqa: DTZ001


def _differences(connection):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


async def test_the_migrations_build_exactly_the_models(database_url):
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


def test_the_heads_read_from_the_files_are_alembics(tmp_path):
    assert expected_heads() == alembic_heads()
    # A second head (two migrations on one parent, as before a merge) is seen by both.
    versions = tmp_path / "versions"
    versions.mkdir()
    for name, revision, down in (("a.py", "0001", None), ("b.py", "0002", "'0001'"),
                                 ("c.py", "0003", "'0001'"), ("d.py", "0004", "('0002', '0003')")):
        (versions / name).write_text(f"revision: str = '{revision}'\ndown_revision = {down}\n")
    assert {link for p in sorted(versions.glob("*.py")) if (link := _revision_links(p))} == {
        ("0001", ()), ("0002", ("0001",)), ("0003", ("0001",)), ("0004", ("0002", "0003"))}


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_every_migration_goes_down_to_an_empty_database_and_up_again(database_url):
    await upgrade_async(database_url)
    await asyncio.to_thread(_downgrade, database_url, "base")
    # Every table and trigger is gone; only Alembic's own bookkeeping may stay.
    assert await _tables(database_url) <= {"alembic_version"}
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
            assert set(await connection.run_sync(_current_heads)) == expected_heads()
    finally:
        await engine.dispose()
