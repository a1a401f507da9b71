"""Two committees sharing an agency (Công an tỉnh) and its people: nothing of one reaches the
other's secretariat or leaders (issue #22)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from domain.digest_inputs import digest_period
from domain.reminders import ReminderPolicy
from scheduler.digest_job import build_for, send_digest
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import scan
from storage.blockers import in_scope, open_blocker, open_blockers
from storage.chat import cards
from storage.committees import CommitteeScope
from storage.console_list import ItemFilter, list_items
from storage.console_queries import Scope, assignment_item, audit_log, item_detail
from storage.db import transaction
from storage.deadlines import DeadlineRefused, set_deadline
from storage.item_lookup import resolve_codes
from storage.models import Assignment, FocalPerson, Item, Outbox
from tests.commune import add_commune, commune_appendix

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2025, 2026])
# Only the commune's items name Hưng Nguyên; only the province's name "giấy tờ điện tử".
COMMUNE_APPENDIX = commune_appendix("Sở Xây dựng")
COMMUNE, PROVINCE = "Hưng Nguyên", "giấy tờ điện tử"


def at(day: str, hour: int = 8) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


@pytest.fixture
async def two(seeded, tmp_path: Path):
    """The seed (the default committee, secretariat 900) and a commune committee with its own
    secretariat (901) and leader (951); Công an tỉnh (focal 102, leader 202) serves both."""
    linked = datetime(2025, 9, 1, tzinfo=UTC)
    async with transaction(seeded) as session:
        commune_id = await add_commune(session, tmp_path, COMMUNE_APPENDIX, linked)
        session.add_all([
            FocalPerson(role="secretariat", channel="telegram", chat_id="901", name="VP xã",
                        linked_at=linked, committee_id=commune_id),
            FocalPerson(role="committee", channel="telegram", chat_id="951",
                        name="Trưởng ban xã", linked_at=linked, committee_id=commune_id)])
    return seeded, commune_id


async def texts_to(sessions, chat_id: str, kind: str | None = None) -> str:
    async with sessions() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.chat_id == chat_id))).all()
    return "\n".join(row.text for row in rows if kind is None or row.kind == kind)


async def test_each_secretariat_gets_only_its_committees_escalations_and_lists(two):
    sessions, _ = two
    await scan(sessions, at("2025-09-22"), TZ, CALENDAR, ReminderPolicy())
    province, commune = await texts_to(sessions, "900"), await texts_to(sessions, "901")
    assert COMMUNE in await texts_to(sessions, "901", "escalation")
    assert "Sở Xây dựng" in await texts_to(sessions, "901", "unreachable_list")
    assert PROVINCE in await texts_to(sessions, "900", "escalation")
    assert "Văn phòng Tỉnh ủy" in await texts_to(sessions, "900", "unreachable_list")
    assert COMMUNE not in province, [line for line in province.splitlines() if COMMUNE in line]
    assert PROVINCE not in commune and "Văn phòng Tỉnh ủy" not in commune
    # The shared agency's person hears of both committees' items, in one message.
    [reminder] = [t for t in (await texts_to(sessions, "102", "reminder")).split("\n\n\n") if t]
    assert COMMUNE in reminder and PROVINCE in reminder
    # Each item marked with its committee's short name, since the message carries two.
    assert all(line.split(" – ")[1].startswith(("[BCĐ] ", "[Xã] "))
               for line in reminder.splitlines() if line.startswith("• "))


async def test_each_committee_gets_its_own_digest(two):
    sessions, commune_id = two
    friday = datetime(2025, 10, 3, 9, tzinfo=UTC)
    await send_digest(sessions, friday, TZ)
    province = await texts_to(sessions, "900", "digest")
    commune = await texts_to(sessions, "901", "digest") + await texts_to(sessions, "951",
                                                                         "digest")
    assert province and commune
    assert COMMUNE not in province and PROVINCE not in commune
    async with sessions() as session:
        period = digest_period(friday.astimezone(TZ).date(), 1)
        theirs = await build_for(period, TZ, CommitteeScope(commune_id), session=session)
        ours = await build_for(period, TZ, session=session)
    assert len(theirs.items) == 2
    assert len(ours.items) == 93
    # The province (the commune's parent) gets the roll-up: the commune's counts, no person.
    rollup = await texts_to(sessions, "900", "digest_rollup")
    assert "BCĐ xã Hưng Nguyên: hoàn thành 0/2 (0%), quá hạn 2" in rollup
    assert "Chưa có báo cáo nào:\n• BCĐ xã Hưng Nguyên (2 nhiệm vụ)" in rollup
    assert not any(name in rollup for name in ("Trần Văn Nam", "Lê Thị Hoa", "Công an tỉnh"))
    assert not await texts_to(sessions, "901", "digest_rollup")


async def test_reads_by_code_list_and_detail_stay_in_the_committee(two):
    sessions, commune_id = two
    theirs, ours = CommitteeScope(commune_id), CommitteeScope()
    async with sessions() as session:
        # NV1 is in both appendices: without a committee it names nothing (the bot asks).
        assert await resolve_codes(["NV1"], session=session) == {}
        [commune_nv1] = (await resolve_codes(["NV1"], theirs, session=session)).values()
        assert commune_nv1 != (await resolve_codes(["NV1"], ours, session=session))["NV1"]
        late = await cards(session=session, open_only=True, committee=theirs)
        assert late and all(COMMUNE in card.text for card in late)
        page = await list_items(Scope(commune_id), ItemFilter(), {}, session=session)
        assert page.total == 2
        province_item = (await session.exec(select(Item).where(Item.committee_id == 1))).first()
        assert province_item is not None and province_item.id is not None
        assert await item_detail(Scope(commune_id), province_item.id, session=session) is None
        assert await item_detail(Scope(), province_item.id, session=session) is not None


async def test_console_pages_of_one_committee_show_nothing_of_the_other(two):
    sessions, commune_id = two
    async with sessions() as session:
        commune_lines = await audit_log(Scope(commune_id), 50, session=session)
        province_lines = await audit_log(Scope(), 50, session=session)
        province_assignment = (await session.exec(select(Assignment).join(
            Item, Item.id == Assignment.item_id).where(Item.committee_id == 1))).first()
        assert province_assignment is not None and province_assignment.id is not None
        assert await assignment_item(Scope(commune_id), province_assignment.id,
                                     session=session) is None
        assert await assignment_item(Scope(), province_assignment.id,
                                     session=session) == province_assignment.item_id
    # Each committee's import runs only: the commune's appendix, the province's.
    assert [line.detail for line in commune_lines if line.kind == "import"] == [
        "phu-luc-xa.txt: +2, ~0"]
    assert all("phu-luc-xa" not in (line.detail or "") for line in province_lines)


async def test_blockers_and_deadlines_stay_in_their_committee(two):
    sessions, commune_id = two
    theirs, ours = CommitteeScope(commune_id), CommitteeScope()
    async with transaction(sessions) as session:
        province_assignment = (await session.exec(select(Assignment).join(
            Item, Item.id == Assignment.item_id).where(Item.committee_id == 1))).first()
        assert province_assignment is not None and province_assignment.id is not None
        province_assignment.status = "blocked"
        session.add(province_assignment)
        blocker = await open_blocker(province_assignment.id, None, at("2025-09-17"), None,
                                     "Chờ kinh phí", session=session)
    async with sessions() as session:
        # The commune's secretariat neither lists it (/vuongmac) nor may press its buttons.
        assert await open_blockers(theirs, session=session) == []
        assert [b.id for b in await open_blockers(ours, session=session)] == [blocker.id]
        assert not await in_scope(blocker.id or 0, theirs, session=session)
        assert await in_scope(blocker.id or 0, ours, session=session)
    # NV1 is in both appendices: a deadline is set only where the committee is known.
    async with transaction(sessions) as session:
        with pytest.raises(DeadlineRefused, match="nhiều Ban Chỉ đạo"):
            await set_deadline("NV1", "Tháng 12/2025", at("2025-09-17"), 2025,
                               session=session, by="cli", via="cli")
        changed = await set_deadline("NV1", "Tháng 12/2025", at("2025-09-17"), 2025,
                                     session=session, by="VP xã", via="chat",
                                     committee_id=commune_id)
    async with sessions() as session:
        nv1 = {item.committee_id: item for item in (await session.exec(
            select(Item).where(Item.code == "NV1"))).all()}
    assert changed.code == "NV1" and nv1[commune_id].deadline_raw == "Tháng 12/2025"
    assert nv1[1].deadline_raw != "Tháng 12/2025"
