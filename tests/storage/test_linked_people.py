"""A person's linked chats: link codes, and one chat per person for reminders and notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from storage.db import transaction
from storage.invites import InviteError, create_invite, create_link_code, redeem_invite
from storage.models import Agency, FocalPerson
from storage.people import prefer_chat, secretariat_chats
from storage.reminder_inputs import load_recipients

NOW = datetime(2025, 9, 22, 1, 30, tzinfo=UTC)
DAY = timedelta(days=1)


async def _linked(session, role: str = "focal") -> tuple[FocalPerson, FocalPerson]:
    agency = None
    if role != "secretariat":
        agency = Agency(key="so y te", name="Sở Y tế")
        session.add(agency)
        await session.flush()
    made = await create_invite(agency, role, NOW, DAY, session=session)
    telegram = await redeem_invite(made.code, "telegram", "101", "Hoa", NOW, session=session)
    code = await create_link_code(telegram, NOW, DAY, session=session)
    zalo = await redeem_invite(code.code, "zalo", "z101", "Hoa Lê", NOW + DAY / 2,
                               session=session)
    return telegram, zalo


async def test_a_link_code_joins_the_chat_to_the_person(sessions):
    async with transaction(sessions) as session:
        telegram, zalo = await _linked(session)
        assert (zalo.role, zalo.agency_id) == (telegram.role, telegram.agency_id)
        assert zalo.identity_id == telegram.identity_id == telegram.id
        recipients = await load_recipients(session=session)
    assert [r.chat_ref for r in recipients] == ["zalo:z101"]  # linked last, so used last


async def test_the_preferred_or_still_reachable_chat_is_the_one_reminded(sessions):
    async with transaction(sessions) as session:
        telegram, zalo = await _linked(session)
        await prefer_chat(zalo, telegram, session=session)
        assert [r.chat_ref for r in await load_recipients(session=session)] == ["telegram:101"]
        telegram.reachable = False
        session.add(telegram)
        assert [r.chat_ref for r in await load_recipients(session=session)] == ["zalo:z101"]


async def test_a_secretariat_member_gets_notices_on_one_chat(sessions):
    async with transaction(sessions) as session:
        _, zalo = await _linked(session, "secretariat")
        alone = FocalPerson(role="secretariat", channel="telegram", chat_id="900", linked_at=NOW)
        session.add(alone)
        await session.flush()
        assert await secretariat_chats(session=session) == [("zalo", "z101", zalo.id),
                                                            ("telegram", "900", alone.id)]


async def test_a_link_code_is_refused_in_its_own_chat_and_a_new_invite_unlinks(sessions):
    async with transaction(sessions) as session:
        telegram, zalo = await _linked(session)
        code = await create_link_code(telegram, NOW, DAY, session=session)
        with pytest.raises(InviteError, match="kênh khác"):
            await redeem_invite(code.code, "telegram", "101", "Hoa", NOW, session=session)
        agency = (await session.exec(select(Agency))).one()
        made = await create_invite(agency, "leader", NOW, DAY, session=session)
        await redeem_invite(made.code, "zalo", "z101", "Hoa Lê", NOW, session=session)
        assert zalo.identity_id is None and zalo.role == "leader"
        assert len(await load_recipients(session=session)) == 2
