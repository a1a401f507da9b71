"""Several real `dondoc run --webhook` processes on one PostgreSQL database behind the sandbox,
which spreads the updates across them; one is killed with SIGKILL while it sends."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from cli.scan_takeover import day_scanned
from sandbox import running_sandbox
from scheduler.sender import DeliveryPolicy
from storage.agencies import import_registry, read_registry
from storage.db import make_engine, session_factory, transaction
from storage.importer import import_appendix
from storage.migrate import upgrade_async
from storage.models import Agency, Assignment, DigestRun, FocalPerson, Outbox, ProcessedUpdate
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY
from tests.service_probe import free_port, wait_ready

# Tuesday 8 December 2026, 09:00 in Hà Nội: a working day, after the scan time.
START = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
DONDOC = Path(sys.executable).parent / "dondoc"
FOCAL_CHATS = 24
STRANGERS, MESSAGES_EACH = 25, 4
# Telegram's default max_connections: the sandbox pushes up to this many updates at once (one
# chat's one at a time), so the instances work in parallel, as behind a real balancer.
WEBHOOK_CONNECTIONS = 40
SECRETARIAT = 900
LEASE_SECONDS = 10
SCAN_RETRY_SECONDS = 5
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_SCAN_LINE = re.compile(r"scan (\d{4}-\d\d-\d\d): (\d+) steps")


async def _seed(url: str) -> None:
    """The example appendix, a focal person on Telegram for some agencies, one secretariat."""
    await upgrade_async(url)
    engine = make_engine(url)
    linked = datetime(2025, 9, 1, tzinfo=UTC)
    try:
        async with transaction(session_factory(engine)) as session:
            await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
            await import_appendix(EXAMPLE_APPENDIX, 2025, linked, session=session)
            agencies = (await session.exec(
                select(Agency.id).join(Assignment, col(Assignment.agency_id) == col(Agency.id))
                .distinct().order_by(col(Agency.id)).limit(FOCAL_CHATS))).all()
            session.add_all([FocalPerson(agency_id=agency, role="focal", channel="telegram",
                                         chat_id=str(1000 + n), name=f"Cán bộ {n}",
                                         linked_at=linked)
                             for n, agency in enumerate(agencies)])
            session.add(FocalPerson(role="secretariat", channel="telegram",
                                    chat_id=str(SECRETARIAT), name="Văn phòng BCĐ",
                                    linked_at=linked))
    finally:
        await engine.dispose()


class Instance:
    """One `dondoc run --webhook` process and its log."""

    def __init__(self, number: int, env: dict[str, str], log_dir: Path) -> None:
        self.number = number
        self.port = free_port()
        self.log = log_dir / f"instance-{number}.log"
        self.env = {**env, "DONDOC_WEBHOOK_PORT": str(self.port)}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process, its output going to its log file."""
        with self.log.open("ab") as out:  # a restarted instance goes on in the same log
            self.process = await asyncio.create_subprocess_exec(
                str(DONDOC), "run", "--webhook", env=self.env, stdout=out, stderr=out)

    @property
    def pid(self) -> int:
        """The process id (the outbox's claims name it)."""
        assert self.process is not None
        return self.process.pid

    async def stop(self) -> int | None:
        """SIGTERM, then wait; the exit code."""
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), 60)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()

    async def freeze_and_kill(self, sessions) -> set[tuple[str, str]]:
        """SIGSTOP, read the messages it holds in "sending" (those it may have sent without
        recording it: all a kill can repeat), then SIGKILL; those messages (chat, text)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)  # frozen: its claims cannot change any more
        async with transaction(sessions) as session:
            held = (await session.exec(
                select(Outbox.chat_id, Outbox.text).where(
                    col(Outbox.status) == "sending",
                    col(Outbox.claimed_by).endswith(f":{self.pid}")))).all()
        self.process.kill()
        await self.process.wait()
        return {(str(chat), text) for chat, text in held}

    def scans(self) -> list[tuple[str, int]]:
        """The scans this instance logged: (day, steps)."""
        return [(m.group(1), int(m.group(2)))
                for m in _SCAN_LINE.finditer(self.log.read_text(errors="replace"))]


async def _outbox(sessions) -> Counter[str]:
    async with transaction(sessions) as session:
        rows = (await session.exec(select(Outbox.status, func.count())
                                   .group_by(col(Outbox.status)))).all()
    return Counter({status: count for status, count in rows})


async def _sending_worker(sessions) -> tuple[str, int, int] | None:
    """A worker holding claimed rows right now, how many, and for how many chats."""
    async with transaction(sessions) as session:
        row = (await session.exec(
            select(Outbox.claimed_by, func.count(), func.count(func.distinct(Outbox.chat_id)))
            .where(col(Outbox.status) == "sending").group_by(col(Outbox.claimed_by)))).first()
    return (str(row[0]), int(row[1]), int(row[2])) if row else None


def _owner_of_port(port: int, pids: list[int]) -> int | None:
    """Which of `pids` has a TCP socket bound to local `port` (a PostgreSQL client's)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


async def _scan_lock_holder(admin: asyncpg.Connection, database: str) -> int | None:
    """The client port of the session holding the scan's advisory lock, if one does."""
    return await admin.fetchval(
        "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1", database)


async def _healthy(instance: Instance) -> bool:
    async with httpx.AsyncClient(timeout=2) as client:
        try:
            answer = await client.get(f"http://127.0.0.1:{instance.port}/healthz")
        except httpx.TransportError:
            return False
    return answer.status_code == 200


async def _wait(condition, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(step)
    return False


# Several instances share PostgreSQL only (SQLite is for one process): no SQLite parameter, so
# a run without a PostgreSQL server skips this as the PostgreSQL half, like every other.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize(("instances", "mode"), [(3, "round_robin"), (3, "random"),
                                                  (1, "round_robin")])
async def test_instances_share_one_postgresql(database_url, tmp_path, instances, mode):
    await _seed(database_url)
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    counts: dict[str, object] = {"instances": instances, "mode": mode}
    async with running_sandbox(rate_limits=None,
                               webhook_connections=WEBHOOK_CONNECTIONS) as telegram:
        focal = [telegram.add_user(1000 + n, f"Cán bộ {n}") for n in range(FOCAL_CHATS)]
        secretariat = telegram.add_user(SECRETARIAT, "Văn phòng")
        env = {**os.environ, "DONDOC_DATABASE_URL": database_url,
               "DONDOC_TELEGRAM_TOKEN": telegram.token,
               "DONDOC_TELEGRAM_BASE_URL": telegram.base_url,
               "DONDOC_WEBHOOK_URL": "http://127.0.0.1:9/telegram",  # the sandbox spreads
               "DONDOC_WEBHOOK_SECRET": "several-instances-secret",
               "DONDOC_CLOCK_START": START.isoformat(), "DONDOC_WORKDAY_START": "08:00",
               "DONDOC_WORKDAY_END": "23:59", "DONDOC_DRAIN_EVERY_SECONDS": "1",
               "DONDOC_SEND_PER_SECOND": "3", "DONDOC_SEND_LEASE_SECONDS": str(LEASE_SECONDS),
               "DONDOC_DIGEST_CRON": "0 8 * * tue", "DONDOC_LOG_LEVEL": "INFO",
               "DONDOC_SCAN_RETRY_SECONDS": str(SCAN_RETRY_SECONDS)}
        env.pop("DONDOC_TEST_DATABASE_URL", None)
        fleet = [Instance(n, env, tmp_path) for n in range(instances)]
        telegram.state.webhook.spread(
            [f"http://127.0.0.1:{i.port}/telegram" for i in fleet], mode)
        plain = make_url(database_url).set(drivername="postgresql")
        admin = await asyncpg.connect(plain.render_as_string(hide_password=False))
        blocker, blocking = admin.transaction(), instances > 1
        kills: list[set[tuple[str, str]]] = []  # per kill: the messages the process held
        try:
            if blocking:
                # Writes to reminder_log wait: the scanner stops mid-scan, holding its lock.
                await blocker.start()
                await admin.execute("LOCK TABLE reminder_log IN SHARE ROW EXCLUSIVE MODE")
            await asyncio.gather(*(i.start() for i in fleet))
            for instance in fleet:
                assert await _wait(lambda i=instance: _healthy(i), 120), instance.log.read_text()
            if instances > 1:
                async with asyncpg.create_pool(plain.render_as_string(hide_password=False),
                                               min_size=1, max_size=1) as watcher:
                    port: int | None = None

                    async def locked() -> bool:
                        nonlocal port
                        port = await _scan_lock_holder(watcher, plain.database or "")
                        return port is not None
                    assert await _wait(locked, 60), "nobody took the scan lock"
                assert port is not None
                holder_pid = _owner_of_port(port, [i.pid for i in fleet])
                scanner = next(i for i in fleet if i.pid == holder_pid)
                kills.append(await scanner.freeze_and_kill(sessions))
                killed_scan_at = time.monotonic()
                await blocker.rollback()  # the killed scan's transaction can now end
                blocking = False

                async def taken_over() -> bool:
                    return await day_scanned(sessions, START.astimezone(TZ).date())
                assert await _wait(taken_over, 120), "no instance took the scan over"
                counts["killed_mid_scan"] = f"instance {scanner.number}"
                counts["scan_taken_over_after_seconds"] = round(
                    time.monotonic() - killed_scan_at, 1)

            # Kill, with SIGKILL, an instance that holds claimed rows while it sends.
            killed: tuple[str, int, int] | None = None
            if instances > 1:
                async def claimed() -> bool:
                    nonlocal killed
                    killed = await _sending_worker(sessions)
                    return killed is not None
                assert await _wait(claimed, 60, 0.05), "no send in flight to kill"
                assert killed is not None
                victim = next(i for i in fleet if killed[0].endswith(f":{i.pid}"))
                kills.append(await victim.freeze_and_kill(sessions))
                counts["killed_mid_send"] = (f"instance {victim.number} holding "
                                             f"{len(kills[-1])} rows")
                killed_at = time.monotonic()
                # The balancer's health check takes the dead instance out of the rotation.
                telegram.state.webhook.spread(
                    [f"http://127.0.0.1:{i.port}/telegram" for i in fleet if i is not victim],
                    mode)

            async def drained() -> bool:
                state = await _outbox(sessions)
                return state["queued"] + state["sending"] == 0 and state["sent"] > 0
            assert await _wait(drained, 120), await _outbox(sessions)
            if killed is not None:
                counts["outbox_drained_after_kill_seconds"] = round(
                    time.monotonic() - killed_at, 1)
                # The killed instances come back (a supervisor restarts them) and rejoin; the
                # scanner's catch-up scan finds the day done.
                await asyncio.gather(*(i.start() for i in fleet if i.process is not None
                                       and i.process.returncode is not None))
            answers = await asyncio.gather(*(wait_ready(i.port) for i in fleet))
            assert all(a is not None and a.status_code == 200 for a in answers), \
                [a.text if a is not None else None for a in answers]
            telegram.state.webhook.spread(
                [f"http://127.0.0.1:{i.port}/telegram" for i in fleet], mode)
            telegram.state.webhook.delivered_to.clear()

            # A burst of updates from unregistered chats: each gets exactly one answer.
            strangers = [telegram.add_user(5000 + n, f"Khách {n}") for n in range(STRANGERS)]
            began = time.monotonic()
            for round_ in range(MESSAGES_EACH):
                for user in strangers:
                    user.send_message(f"tin nhắn {round_}")
            await telegram.wait_until(lambda: all(
                len(u.messages_from_bot()) >= MESSAGES_EACH for u in strangers), timeout=180)
            took = time.monotonic() - began
            counts["updates"] = STRANGERS * MESSAGES_EACH
            counts["updates_per_second"] = round(STRANGERS * MESSAGES_EACH / took, 1)
            await asyncio.sleep(2)  # a late duplicate answer would show here
        finally:
            codes = await asyncio.gather(*(i.stop() for i in fleet))
            if blocking:
                await blocker.rollback()
            await admin.close()
        async with transaction(sessions) as session:
            handled = (await session.exec(select(func.count()).select_from(ProcessedUpdate)
                                          .where(col(ProcessedUpdate.channel) == "telegram"))
                       ).one()
            digests = (await session.exec(select(func.count()).select_from(DigestRun))).one()
            sent = (await session.exec(select(Outbox.chat_id, Outbox.text)
                                       .where(col(Outbox.status) == "sent"))).all()
        await engine.dispose()
        delivered = Counter((str(m.chat_id), m.raw_text or "")
                            for m in telegram.state.world.bot_messages())
    scans = [scan for i in fleet for scan in i.scans()]
    counts["scans_logged"] = scans
    counts["webhook_deliveries"] = dict(telegram.state.webhook.delivered_to)
    counts["outbox_sent"] = len(sent)
    # Per message: deliveries beyond the number of sent rows with that chat and text.
    expected = Counter((str(chat), text) for chat, text in sent)
    repeated = {message: delivered[message] - times for message, times in expected.items()
                if delivered[message] > times}
    counts["repeats"] = sum(repeated.values())
    counts["repeated_messages"] = {f"{chat}: {text[:40]}": extra
                                   for (chat, text), extra in sorted(repeated.items())}
    counts["held_by_killed"] = [len(held) for held in kills]
    counts["digest_runs"] = digests
    print("\nseveral instances:", counts)
    # Exactly one scan of the day did the work; any other found the lock held or nothing new.
    assert [steps > 0 for _, steps in scans].count(True) == 1, scans
    # Every queued message reached its chat. A repeat is a message a killed process had sent
    # without recording it: one it held in "sending" when it died, at most once more per kill, and
    # per kill at most the sends a sender keeps unrecorded (DeliveryPolicy.in_flight; one per
    # chat). Not "one per kill": 30 sends/s over a real network need several in flight
    # (docs/DESIGN.md, "Repeats after a kill").
    assert all(delivered[message] >= 1 for message in expected)
    assert all(extra <= sum(message in held for held in kills)
               for message, extra in repeated.items()), (repeated, kills)
    for held in kills:
        assert sum(1 for message in repeated if message in held) <= min(
            len({chat for chat, _ in held}), DeliveryPolicy().in_flight)
    # Every update was handled once: one row each, one answer each.
    assert all(len(u.messages_from_bot()) == MESSAGES_EACH for u in strangers)
    assert handled == STRANGERS * MESSAGES_EACH
    # The digest was queued once for the period and reached the secretariat once.
    assert digests == 1
    digest_parts = [t for c, t in sent if c == str(SECRETARIAT)]
    assert digest_parts and all(delivered[(str(SECRETARIAT), t)] >= 1 for t in digest_parts)
    assert sum(1 for f in focal if f.messages_from_bot()) > 0 and secretariat.messages_from_bot()
    if instances > 1:
        assert len(telegram.state.webhook.delivered_to) == instances
    assert codes == [0] * instances  # the restarted one included
