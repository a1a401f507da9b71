"""Several `dondoc db upgrade` processes started at once (compose/systemd start instances
together, each running the entry script) on one fresh database: one migrates, the others wait."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import expected_heads

DONDOC = Path(sys.executable).parent / "dondoc"


async def _upgrade_processes(url: str, count: int, log_dir: Path) -> list[tuple[int, str]]:
    env = {**os.environ, "DONDOC_DATABASE_URL": url}
    env.pop("DONDOC_TEST_DATABASE_URL", None)
    processes = [await asyncio.create_subprocess_exec(
        str(DONDOC), "db", "upgrade", env=env, cwd=log_dir,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT) for _ in range(count)]
    outputs = await asyncio.gather(*(p.communicate() for p in processes))
    return [(p.returncode if p.returncode is not None else -1, out.decode(errors="replace"))
            for p, (out, _) in zip(processes, outputs, strict=True)]


async def _versions(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT version_num FROM alembic_version")))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


@pytest.mark.parametrize("count", [3])
async def test_concurrent_db_upgrade_migrates_once(database_url, tmp_path, count):
    results = await _upgrade_processes(database_url, count, tmp_path)
    assert [code for code, _ in results] == [0] * count, "\n---\n".join(o for _, o in results)
    assert sorted(await _versions(database_url)) == sorted(expected_heads())
    # Run again at head: nothing to do, every process still says so and exits 0.
    again = await _upgrade_processes(database_url, 2, tmp_path)
    assert [code for code, _ in again] == [0, 0], again
    assert sorted(await _versions(database_url)) == sorted(expected_heads())
