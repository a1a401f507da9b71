"""The web console's sign-in: single-use links from chat (/dangnhap) and sign-out everywhere."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.permissions import COMMITTEE
from storage.models import ConsoleLogin, FocalPerson

# Who may open the console: the secretariat acts, leaders read.
# The committee's own people: the secretariat (everything) and its leaders (read-only). An
# agency's leader is not one of them: like /tongquan, the console shows every agency.
CONSOLE_ROLES = ("secretariat", COMMITTEE)
# With DONDOC_CONSOLE_FOCAL_PERSONS: focal persons too, for their own agency's items.
WITH_FOCAL = (*CONSOLE_ROLES, "focal")


def console_roles(focal_persons: bool) -> tuple[str, ...]:
    """The roles that may open the console."""
    return WITH_FOCAL if focal_persons else CONSOLE_ROLES


def token_hash(token: str) -> str:
    """The stored form of a sign-in token: a link leaked from the database signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_login(person: FocalPerson, now: datetime, valid_for: timedelta, *,
                       session: AsyncSession) -> str:
    """A new single-use sign-in token for `person`; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    session.add(ConsoleLogin(token_hash=token_hash(token), person_id=person.id or 0,
                             created_at=now, expires_at=now + valid_for))
    await session.flush()
    return token


async def redeem_login(token: str, now: datetime, *, session: AsyncSession,
                       roles: tuple[str, ...] = CONSOLE_ROLES) -> FocalPerson | None:
    """The person a live, unused token signs in (marking it used), else None."""
    claimed: Any = await session.exec(
        sa.update(ConsoleLogin)
        .where(col(ConsoleLogin.token_hash) == token_hash(token),
               col(ConsoleLogin.used_at).is_(None), col(ConsoleLogin.expires_at) > now)
        .values(used_at=now).returning(col(ConsoleLogin.person_id)))
    person_id = claimed.scalar_one_or_none()
    if person_id is None:
        return None
    person = await session.get(FocalPerson, person_id)
    if person is None or not person.active or person.role not in roles:
        return None
    return person


async def signed_in_person(person_id: int, generation: int, *, session: AsyncSession,
                           roles: tuple[str, ...] = CONSOLE_ROLES) -> FocalPerson | None:
    """The person of a console session, while it has not been signed out everywhere."""
    person = await session.get(FocalPerson, person_id)
    if (person is None or not person.active or person.role not in roles
            or person.console_generation != generation):
        return None
    return person


async def sign_out_everywhere(person: FocalPerson, *, session: AsyncSession) -> None:
    """End every console session of this person (all their linked chats)."""
    identity = person.identity_id or person.id
    await session.exec(
        sa.update(FocalPerson)
        .where(sa.or_(col(FocalPerson.id) == person.id, col(FocalPerson.identity_id) == identity))
        .values(console_generation=FocalPerson.console_generation + 1))
    await session.refresh(person)

