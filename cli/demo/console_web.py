"""`dondoc demo --web`: the web console over the demo's database, and a signed-in link."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, tzinfo

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from console.app import PREFIX, ConsoleConfig, add_console, random_secret
from storage.console_auth import create_login
from storage.db import transaction
from storage.models import FocalPerson

# The demo's link is opened by whoever runs it, maybe after reading the whole transcript.
DEMO_LINK_VALID_FOR = timedelta(hours=1)


@asynccontextmanager
async def console_server(sessions: async_sessionmaker[AsyncSession], tz: tzinfo,
                         now: Callable[[], datetime]) -> AsyncIterator[str]:
    """The console on a free loopback port; yields its root URL (…/console)."""
    site = web.Application()
    add_console(site, sessions, ConsoleConfig(secret=random_secret(), tz=tz, now=now))
    runner = web.AppRunner(site, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    port = tcp._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        await runner.cleanup()


async def secretariat_link(sessions: async_sessionmaker[AsyncSession], root: str,
                           now: datetime) -> str | None:
    """A single-use sign-in link for the demo's secretariat (None if nobody is linked)."""
    async with transaction(sessions) as session:
        person = (await session.exec(select(FocalPerson).where(
            FocalPerson.role == "secretariat").order_by(col(FocalPerson.id)))).first()
        if person is None:
            return None
        token = await create_login(person, now, DEMO_LINK_VALID_FOR, session=session)
    return f"{root}/dangnhap#{token}"
