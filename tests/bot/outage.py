"""A database that cannot be reached, switched on and off under a running conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.conversation import Conversation, ConversationConfig
from storage.db import make_engine, session_factory
from tests.fakes import FakeClock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Nothing listens on port 1; no SQLite file can be opened in a folder that does not exist.
UNREACHABLE = {"postgresql": "postgresql://postgres@127.0.0.1:1/none",
               "sqlite": "sqlite:////nonexistent-dondoc-folder/dondoc.db"}


def plain_conversation(sessions: async_sessionmaker[AsyncSession]) -> Conversation:
    """A conversation over these sessions, its clock fixed on a Monday morning."""
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))
    return Conversation(sessions, ConversationConfig(tz=TZ, now=clock.now))


@asynccontextmanager
async def unreachable_sessions(sessions: async_sessionmaker[AsyncSession]
                               ) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions of the same kind of database, on a server or file that cannot be reached."""
    engine = sessions.kw["bind"]
    broken = make_engine(UNREACHABLE[engine.dialect.name])
    try:
        yield session_factory(broken)
    finally:
        await broken.dispose()


@contextmanager
def outage(conversation: Conversation,
           broken: async_sessionmaker[AsyncSession]) -> Iterator[None]:
    """The conversation's database is down inside the block and back after it."""
    working = conversation.sessions
    conversation.sessions = broken
    try:
        yield
    finally:
        conversation.sessions = working
