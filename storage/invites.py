"""Invite codes: created for an agency and a role, used once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Agency, FocalPerson, Invite, InviteFailure

# No 0/O, 1/I/L: codes are read aloud over the phone and typed on small keyboards.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
ROLES = ("focal", "leader", "secretariat", "committee")
# Roles of the whole committee, not of one agency.
WITHOUT_AGENCY = ("secretariat", "committee")


class InviteError(Exception):
    """An invite cannot be used; the message is Vietnamese, for the person."""


@dataclass(frozen=True)
class NewInvite:
    """A freshly made invite: the code is shown once and never stored in clear."""

    code: str
    agency_name: str | None
    role: str
    expires_at: datetime


def hash_code(code: str) -> str:
    """The stored form of a code (case and spaces do not matter when typing it)."""
    cleaned = "".join(code.split()).upper()
    return hashlib.sha256(cleaned.encode()).hexdigest()


async def create_invite(agency: Agency | None, role: str, now: datetime, valid_for: timedelta, *,
                        session: AsyncSession, created_by: int | None = None,
                        committee_id: int | None = None) -> NewInvite:
    """Make a single-use code for an agency (None for the secretariat) and a role; a
    secretariat or committee code joins `committee_id` (None: the default committee)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if (role in WITHOUT_AGENCY) != (agency is None):
        raise ValueError("secretariat and committee invites have no agency; others need one")
    code = _new_code()
    session.add(Invite(code_hash=hash_code(code), agency_id=agency.id if agency else None,
                       role=role, created_by=created_by, created_at=now,
                       expires_at=now + valid_for,
                       committee_id=committee_id if agency is None else None))
    await session.flush()
    return NewInvite(code, agency.name if agency else None, role, now + valid_for)


def _new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))


async def create_link_code(person: FocalPerson, now: datetime, valid_for: timedelta, *,
                           session: AsyncSession) -> NewInvite:
    """A single-use code that makes the chat typing it another chat of this person."""
    code = _new_code()
    session.add(Invite(code_hash=hash_code(code), agency_id=person.agency_id, role=person.role,
                       created_by=person.id, created_at=now, expires_at=now + valid_for,
                       links_person_id=person.id, committee_id=person.committee_id))
    await session.flush()
    agency = await session.get(Agency, person.agency_id) if person.agency_id else None
    return NewInvite(code, agency.name if agency else None, person.role, now + valid_for)


async def recent_failures(channel: str, chat_id: str, since: datetime, *,
                          session: AsyncSession) -> int:
    """Wrong codes typed in this chat since a moment."""
    return (await session.exec(select(func.count()).select_from(InviteFailure).where(
        InviteFailure.channel == channel, InviteFailure.chat_id == chat_id,
        col(InviteFailure.at) >= since))).one()


async def redeem_invite(code: str, channel: str, chat_id: str, name: str, now: datetime, *,
                        session: AsyncSession) -> FocalPerson:
    """Link a chat with the invite's agency and role; the code is then spent."""
    invite = (await session.exec(select(Invite).where(Invite.code_hash == hash_code(code)))
              ).first()
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        session.add(InviteFailure(channel=channel, chat_id=chat_id, at=now))
        await session.flush()
        if invite is not None and invite.used_at is not None:
            raise InviteError("Mã mời này đã được sử dụng. Vui lòng xin mã mới từ Cơ quan thường "
                              "trực.")
        if invite is not None:
            raise InviteError("Mã mời đã hết hạn. Vui lòng xin mã mới từ Cơ quan thường trực.")
        raise InviteError("Mã mời không đúng. Vui lòng kiểm tra lại mã (không phân biệt chữ hoa, "
                          "chữ thường).")
    origin = await _link_origin(invite, channel, chat_id, session)
    role, agency_id = (origin.role, origin.agency_id) if origin else (invite.role,
                                                                       invite.agency_id)
    committee_id = origin.committee_id if origin else invite.committee_id
    person = (await session.exec(select(FocalPerson).where(
        FocalPerson.channel == channel, FocalPerson.chat_id == chat_id))).first()
    if person is None:
        person = FocalPerson(channel=channel, chat_id=chat_id, role=role,
                             agency_id=agency_id, name=name, linked_at=now,
                             committee_id=committee_id)
    else:
        person.role, person.agency_id, person.name = role, agency_id, name
        person.committee_id = committee_id
        person.active, person.reachable, person.unreachable_reason = True, True, None
        person.linked_at = now
    # A new invite makes the chat someone on its own; a link code joins it to the origin.
    person.identity_id, person.preferred = None, False
    session.add(person)
    await session.flush()
    if origin is not None:
        identity = origin.identity_id or origin.id
        origin.identity_id = person.identity_id = identity
        person.last_seen_at = now  # the chat just used: reminders come here until another is
        session.add_all([origin, person])
        await session.flush()
    invite.used_at, invite.used_by = now, person.id
    session.add(invite)
    await session.flush()
    return person


async def _link_origin(invite: Invite, channel: str, chat_id: str,
                       session: AsyncSession) -> FocalPerson | None:
    """The person a link code joins the chat to (None for an ordinary invite)."""
    if invite.links_person_id is None:
        return None
    origin = await session.get(FocalPerson, invite.links_person_id)
    if origin is None or not origin.active:
        raise InviteError("Tài khoản tạo mã liên kết này không còn hoạt động. Vui lòng liên hệ Cơ "
                          "quan thường trực.")
    if (origin.channel, origin.chat_id) == (channel, chat_id):
        raise InviteError("Mã liên kết dùng để thêm một kênh khác: hãy gửi /start kèm mã này từ "
                          "Zalo hoặc Telegram còn lại.")
    return origin
