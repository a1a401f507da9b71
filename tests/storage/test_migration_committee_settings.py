"""Migration 0024: a committee's settings column, NULL for every existing committee; down again."""

import asyncio

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import upgrade_async
from tests.storage.test_migration_committees import _downgrade, _scalar_rows


async def test_0024_adds_settings_unset_and_downgrades(database_url):
    await upgrade_async(database_url, "0023")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO committee (code, name, short_name, parent_id)"
                " VALUES ('xa', 'BCĐ xã', 'Xã', 1)"))
        await upgrade_async(database_url)
        # Nothing overridden: both committees follow the deployment's settings.
        assert await _scalar_rows(engine, "SELECT code, settings FROM committee ORDER BY id") == [
            ("bcd", None), ("xa", None)]
        async with engine.begin() as connection:
            await connection.execute(text(
                "UPDATE committee SET settings = '{\"escalate_after\": 3}' WHERE code = 'xa'"))
        await engine.dispose()
        await asyncio.to_thread(_downgrade, database_url, "0023")
        assert await _scalar_rows(engine, "SELECT code, parent_id FROM committee ORDER BY id") == [
            ("bcd", None), ("xa", 1)]
        columns = await _scalar_rows(engine, "SELECT * FROM committee WHERE code = 'xa'")
        assert len(columns[0]) == 5  # id, code, name, short_name, parent_id: settings gone
        await upgrade_async(database_url)
        assert await _scalar_rows(engine, "SELECT settings FROM committee WHERE code = 'xa'"
                                  ) == [(None,)]
    finally:
        await engine.dispose()
