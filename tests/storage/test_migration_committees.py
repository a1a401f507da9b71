"""Migration 0020 attaches an existing single-committee database to one default committee."""

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade_async

NOW = datetime(2025, 9, 17, tzinfo=UTC)
ROWS = [
    "INSERT INTO document (id, key, title) VALUES (1, '4362-cv/tu', 'Công văn 4362-CV/TU')",
    "INSERT INTO agency (id, key, name, is_group) VALUES (1, 'so y te', 'Sở Y tế', false)",
    "INSERT INTO item (id, code, identity, kind, number, section, text, document_id,"
    " lead_agencies, support_agencies, deadline_raw, deadline_kind, due, source, source_lines,"
    " created_at, updated_at) VALUES (1, 'NV47', 'i1', 'task', '47', 'II', 'x', 1, '[]', '[]',"
    " 'Tháng 9', 'date', '2025-09-30', 'a.txt', '', :now, :now)",
    "INSERT INTO assignment (id, item_id, agency_id, active, status, next_reminder_on,"
    " reminder_revision) VALUES (1, 1, 1, true, 'not_started', '2025-09-25', 0)",
    "INSERT INTO focal_person (id, role, channel, chat_id, name, active, reachable, linked_at,"
    " preferred, console_generation) VALUES (1, 'secretariat', 'telegram', '900', 'VP', true,"
    " true, :now, false, 0)",
    "INSERT INTO focal_person (id, agency_id, role, channel, chat_id, name, active, reachable,"
    " linked_at, preferred, console_generation) VALUES (2, 1, 'focal', 'telegram', '101', 'Hoa',"
    " true, true, :now, false, 0)",
    "INSERT INTO digest_run (id, period_start, period_end, built_at, figures)"
    " VALUES (1, '2025-09-15', '2025-09-19', :now, '{}')",
]


def _downgrade(url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def _scalar_rows(engine, sql: str) -> list[tuple]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(sql))).all()]


async def test_0020_attaches_everything_to_one_default_committee(database_url):
    await upgrade_async(database_url, "0018")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as connection:
            for statement in ROWS:
                await connection.execute(text(statement), {"now": NOW})
        await upgrade_async(database_url)
        assert await _scalar_rows(engine, "SELECT id, code, name FROM committee") == [
            (1, "bcd", "Ban Chỉ đạo")]
        for table in ("document", "item", "digest_run"):
            assert await _scalar_rows(engine, f"SELECT committee_id FROM {table}") == [(1,)]
        assert await _scalar_rows(engine, "SELECT id, committee_id FROM focal_person ORDER BY id"
                                  ) == [(1, 1), (2, None)]
        async with engine.begin() as connection:
            # The 0008 trigger on item survived the rebuild: a new deadline clears the day.
            await connection.execute(text("UPDATE item SET due = :due WHERE id = 1"),
                                     {"due": date(2025, 10, 31)})
            # A second committee gets its own NV47 of the same document key.
            await connection.execute(text(
                "INSERT INTO committee (code, name, short_name) VALUES ('xa', 'BCĐ xã', 'Xã')"))
            await connection.execute(text(
                "INSERT INTO document (id, committee_id, key, title)"
                " SELECT 2, id, '4362-cv/tu', 'CV' FROM committee WHERE code = 'xa'"))
            await connection.execute(text(
                "INSERT INTO item (id, committee_id, code, identity, kind, number, section, text,"
                " lead_agencies, support_agencies, deadline_raw, deadline_kind, source,"
                " source_lines, created_at, updated_at) SELECT 2, id, 'NV47', 'i1', 'task', '47',"
                " 'II', 'x', '[]', '[]', '', 'unknown', 'b.txt', '', :now, :now"
                " FROM committee WHERE code = 'xa'"), {"now": NOW})
        assert await _scalar_rows(engine, "SELECT next_reminder_on, reminder_revision"
                                  " FROM assignment") == [(None, 1)]
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text(
                    "INSERT INTO item (id, committee_id, code, identity, kind, number, section,"
                    " text, lead_agencies, support_agencies, deadline_raw, deadline_kind, source,"
                    " source_lines, created_at, updated_at) VALUES (3, 1, 'NV47', 'i9', 'task',"
                    " '47', 'II', 'x', '[]', '[]', '', 'unknown', 'c.txt', '', :now, :now)"),
                    {"now": NOW})
        async with engine.begin() as connection:
            await connection.execute(text("DELETE FROM item WHERE committee_id <> 1"))
            await connection.execute(text("DELETE FROM document WHERE committee_id <> 1"))
        await engine.dispose()
        await asyncio.to_thread(_downgrade, database_url, "0018")
        assert await _scalar_rows(engine, "SELECT id, code FROM item") == [(1, "NV47")]
        assert await _scalar_rows(engine, "SELECT count(*) FROM assignment") == [(1,)]
    finally:
        await engine.dispose()
