"""The console on a test web server over a seeded database, and a way to sign in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from console.app import ConsoleConfig, add_console
from storage.agencies import import_registry, read_registry
from storage.console_auth import create_login
from storage.db import transaction
from storage.importer import import_appendix
from storage.models import Assignment, ExtensionRequest, FocalPerson, Item
from storage.status import Actor, request_extension
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY
from tests.fakes import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECRET = b"console-test-secret-0123456789"


@dataclass
class Console:
    """A running console, its database and clock, and the seeded people and request."""

    client: TestClient
    sessions: async_sessionmaker[AsyncSession]
    clock: FakeClock
    secretariat: FocalPerson
    leader: FocalPerson
    focal: FocalPerson
    request: ExtensionRequest
    csrf: str = ""

    async def link_token(self, person: FocalPerson) -> str:
        """A fresh sign-in token, as /dangnhap makes one."""
        async with transaction(self.sessions) as session:
            return await create_login(person, self.clock.now(), timedelta(minutes=10),
                                      session=session)

    async def sign_in(self, person: FocalPerson) -> str:
        """Sign this client in as `person`; the page's CSRF token."""
        answer = await self.client.post("/console/dangnhap",
                                        data={"token": await self.link_token(person)},
                                        allow_redirects=False)
        assert answer.status == 303, await answer.text()
        page = await (await self.client.get("/console/")).text()
        self.csrf = page.split('name="csrf" value="')[1].split('"')[0]
        return self.csrf

    async def sign_in_to(self, page: str, person: FocalPerson) -> str:
        """Sign in as `person` and read the CSRF token from `page` (a role without Tổng quan)."""
        answer = await self.client.post("/console/dangnhap",
                                        data={"token": await self.link_token(person)},
                                        allow_redirects=False)
        assert answer.status == 303, await answer.text()
        text = await (await self.client.get(page)).text()
        self.csrf = text.split('name="csrf" value="')[1].split('"')[0]
        return self.csrf

    async def act(self, path: str, **form: str) -> tuple[int, str]:
        """POST a console form with this session's CSRF token: the status and the page."""
        answer = await self.client.post(path, data={"csrf": self.csrf, **form})
        return answer.status, await answer.text()


async def seed(sessions: async_sessionmaker[AsyncSession], now: datetime) -> tuple[
        FocalPerson, FocalPerson, FocalPerson, ExtensionRequest]:
    """The example registry and appendix, three people and a pending extension request."""
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(EXAMPLE_APPENDIX, 2025, now, session=session)
        assignment = (await session.exec(select(Assignment).join(
            Item, col(Item.id) == col(Assignment.item_id)).where(col(Item.kind) == "task")
            .order_by(col(Assignment.id)))).first()
        assert assignment is not None
        people = [FocalPerson(agency_id=agency, role=role, channel="telegram", chat_id=str(chat),
                              name=name, linked_at=now)
                  for agency, role, chat, name in (
                      (None, "secretariat", 900, "Văn phòng BCĐ"),
                      (None, "committee", 901, "Phó Trưởng ban"),
                      (assignment.agency_id, "focal", 902, "Cán bộ đầu mối"))]
        session.add_all(people)
        await session.flush()
        request = await request_extension(assignment.id, date(2025, 12, 31), "Chờ kinh phí",
                                          now, Actor("focal", people[2].id), session=session)
    return people[0], people[1], people[2], request


@pytest.fixture
async def console(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Console]:
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))
    secretariat, leader, focal, request = await seed(sessions, clock.now())
    site = web.Application()
    add_console(site, sessions, ConsoleConfig(secret=SECRET, tz=TZ, now=clock.now))
    async with TestClient(TestServer(site)) as client:
        yield Console(client, sessions, clock, secretariat, leader, focal, request)
