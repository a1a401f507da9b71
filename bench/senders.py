"""Sender processes for the benchmarks and the crash test, and a database for each run."""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from multiprocessing.process import BaseProcess
from typing import Any

from bench import sender_child
from sandbox import Sandbox
from storage.migrate import upgrade_async


class Children:
    """The sender processes, forked from a server that imported everything once (a fresh
    interpreter takes seconds to import the sender on a busy machine); killed by pid only."""

    def __init__(self, database_url: str, sandbox: Sandbox, *options: str) -> None:
        self.args = [database_url, sandbox.base_url, sandbox.token, *options]
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["bench.sender_child"])
        self.alive: dict[str, BaseProcess] = {}
        self.ready: dict[str, Any] = {}
        self.count = 0

    def spawn(self, *extra: str) -> tuple[str, BaseProcess]:
        """Start one more sender process."""
        self.count += 1
        worker = f"sender-{self.count}"
        ready = self.context.Event()
        process = self.context.Process(
            target=sender_child.child_main,
            args=([*self.args, "--worker", worker, *extra], ready), daemon=True)
        process.start()
        self.alive[worker] = process
        self.ready[worker] = ready
        return worker, process

    def standing_by(self, leader: str | None) -> int:
        """How many live processes other than the leader are ready to take over."""
        return sum(1 for worker in self.alive if worker != leader and self.ready[worker].is_set())

    async def kill(self, worker: str) -> None:
        """SIGKILL one of ours and reap it."""
        process = self.alive.pop(worker)
        process.kill()
        await asyncio.to_thread(process.join)

    async def close(self) -> None:
        """Kill every process still running."""
        for worker in list(self.alive):
            await self.kill(worker)



@asynccontextmanager
async def bench_database(kind: str, pg_url: str) -> AsyncIterator[str]:
    """A new migrated database: a SQLite file, or a PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.db"
            await upgrade_async(url)
            yield url
        return
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = f"dondoc_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(base.set(drivername="postgresql")
                                  .render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
        await upgrade_async(url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
