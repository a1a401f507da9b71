"""Files published at unguessable links: only a hash of each link's token is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import SharedFile

TOKEN_BYTES = 24


def hash_token(token: str) -> str:
    """The stored form of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def put_file(name: str, data: bytes, content_type: str, now: datetime,
                   valid_for: timedelta, *, session: AsyncSession) -> str:
    """Keep a file until `now + valid_for`; return the token that fetches it."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(SharedFile(token_hash=hash_token(token), name=name, content_type=content_type,
                           data=data, created_at=now, expires_at=now + valid_for))
    await session.flush()
    return token


async def find_file(token: str, now: datetime, *, session: AsyncSession) -> SharedFile | None:
    """The file a token names, unless it expired."""
    found = (await session.exec(select(SharedFile).where(
        SharedFile.token_hash == hash_token(token)))).first()
    return found if found is not None and found.expires_at > now else None


async def mark_fetched(token: str, now: datetime, *, session: AsyncSession) -> None:
    """Note the first time a file's link was read."""
    await session.exec(sa.update(SharedFile).where(
        col(SharedFile.token_hash) == hash_token(token),
        col(SharedFile.fetched_at).is_(None)).values(fetched_at=now))


async def was_fetched(token: str, *, session: AsyncSession) -> bool:
    """Whether anyone has read the file's link yet."""
    found = (await session.exec(select(SharedFile.fetched_at).where(
        SharedFile.token_hash == hash_token(token)))).first()
    return found is not None


async def purge_expired(now: datetime, *, session: AsyncSession) -> int:
    """Delete expired files; how many went."""
    result = await session.exec(sa.delete(SharedFile).where(
        col(SharedFile.expires_at) <= now))
    return int(result.rowcount or 0)
