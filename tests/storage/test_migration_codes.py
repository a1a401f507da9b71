"""Migration 0010 re-codes an existing database from its appendix's numbers, keeping the old
id-based codes for the transition."""

from datetime import UTC, datetime

from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import upgrade_async

ROWS = [  # id, kind, number, section, old code
    (1, "indicator", "1", "I", "CT1"), (2, "indicator", "2", "I", "CT2"),
    (3, "task", "1", "II", "NV3"), (4, "task", "2", "II", "NV4"),
    (5, "task", "1", "III", "NV5"), (6, "task", "1a", "III", "NV6")]


async def test_0010_recodes_and_keeps_the_old_codes(database_url):
    await upgrade_async(database_url, "0008")
    engine = make_engine(database_url)
    now = datetime(2025, 9, 17, tzinfo=UTC)
    try:
        async with engine.begin() as connection:
            for item_id, kind, number, section, code in ROWS:
                await connection.execute(text(
                    "INSERT INTO item (id, code, identity, kind, number, section, text,"
                    " lead_agencies, support_agencies, deadline_raw, deadline_kind, source,"
                    " source_lines, created_at, updated_at) VALUES (:id, :code, :identity,"
                    " :kind, :number, :section, 'x', '[]', '[]', '', 'unknown', 'a.txt', '',"
                    " :now, :now)"), {"id": item_id, "code": code, "identity": f"i{item_id}",
                                      "kind": kind, "number": number, "section": section,
                                      "now": now})
        await upgrade_async(database_url)
        async with engine.connect() as connection:
            rows = (await connection.execute(text(
                "SELECT id, code, legacy_code FROM item ORDER BY id"))).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [
        (1, "CT1", "CT1"), (2, "CT2", "CT2"), (3, "NV1", "NV3"), (4, "NV2", "NV4"),
        (5, "NV1001", "NV5"), (6, "NV9001", "NV6")]
