"""Per-committee settings (issue #22): each committee's policy in the scan, its digest day, a
parent that waits for its child; a single committee unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from config import Settings
from domain.reminders import ReminderPolicy
from scheduler.digest_tick import digest_tick
from scheduler.holidays_vn import vietnam_calendar
from scheduler.reminder_days import fingerprint
from scheduler.scan import plan_day, plan_day_unfiltered, scan
from storage.agencies import import_registry, read_registry
from storage.committee_settings import committee_policies, save_overrides
from storage.db import transaction
from storage.importer import import_appendix
from storage.models import Agency, Committee, DigestRun, FocalPerson, Outbox
from storage.reminder_schedule import read_schedule
from tests.conftest import EXAMPLE_REGISTRY

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2025, 2026])
POLICY = ReminderPolicy()
HEAD = """PHỤ LỤC
NHIỆM VỤ THỬ

II- Danh sách nhiệm vụ phải hoàn thành

STT\tNhiệm vụ\tVăn bản giao nhiệm vụ\tCơ quan chủ trì thực hiện\tThời hạn hoàn thành
"""
# Both led by Công an tỉnh (one focal person, one leader), due the same day.
PROVINCE_TASK = "Cấp giấy tờ điện tử cho công dân"
COMMUNE_TASK = "Số hóa hồ sơ hộ tịch xã Hưng Nguyên"


def appendix(tmp_path: Path, name: str, task: str) -> Path:
    path = tmp_path / name
    path.write_text(HEAD + f"1.\t{task}\tKế hoạch số 5-KH/UBND ngày 1/7/2025\tCông an tỉnh"
                    "\t31/7/2025\n", encoding="utf-8")
    return path


def at(day: str, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}").replace(tzinfo=TZ)


@pytest.fixture
async def two(sessions, tmp_path: Path):
    """The default committee (secretariat 900) and a commune under it (secretariat 901);
    Công an tỉnh's focal person (102) and leader (202) serve both."""
    linked = datetime(2025, 7, 1, tzinfo=UTC)
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        police = (await session.exec(select(Agency).where(Agency.name == "Công an tỉnh"))).one()
        commune = Committee(code="xa", name="BCĐ xã Hưng Nguyên", short_name="Xã", parent_id=1)
        session.add(commune)
        await session.flush()
        assert commune.id is not None
        await import_appendix(appendix(tmp_path, "tinh.txt", PROVINCE_TASK), 2025, linked,
                              session=session)
        await import_appendix(appendix(tmp_path, "xa.txt", COMMUNE_TASK), 2025, linked,
                              session=session, committee_id=commune.id)
        session.add_all([
            FocalPerson(agency_id=police.id, role="focal", channel="telegram", chat_id="102",
                        name="Trần Văn Nam", linked_at=linked),
            FocalPerson(agency_id=police.id, role="leader", channel="telegram", chat_id="202",
                        name="", linked_at=linked),
            FocalPerson(role="secretariat", channel="telegram", chat_id="900",
                        name="Văn phòng BCĐ", linked_at=linked),
            FocalPerson(role="secretariat", channel="telegram", chat_id="901", name="VP xã",
                        linked_at=linked, committee_id=commune.id)])
    return sessions, commune.id


async def outbox(sessions, chat_id: str, kind: str, day: date | None = None) -> list[str]:
    """The texts queued to a chat, of one kind (and one day: reminder keys carry it)."""
    async with sessions() as session:
        query = select(Outbox).where(Outbox.chat_id == chat_id, Outbox.kind == kind)
        if day is not None:
            query = query.where(col(Outbox.key).contains(f":{day.isoformat()}:"))
        return [row.text for row in (await session.exec(query.order_by(col(Outbox.id)))).all()]


async def set_knobs(sessions, committee_id: int, **knobs: object) -> None:
    async with transaction(sessions) as session:
        await save_overrides(committee_id, knobs, session=session)


async def first_escalations(sessions, start: date, days: int) -> dict[str, date]:
    """Scan each day from `start`: the first day each secretariat got an escalation."""
    first: dict[str, date] = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        await scan(sessions, datetime.combine(day, datetime.min.time(), TZ).replace(hour=8),
                   TZ, CALENDAR, POLICY)
        for chat in ("900", "901"):
            if chat not in first and await outbox(sessions, chat, "escalation"):
                first[chat] = day
    return first



async def test_each_committee_escalates_on_its_own_day(two):
    sessions, commune_id = two
    await set_knobs(sessions, commune_id, escalate_after=3)
    # Due Thursday 31/7: 3 working days later for the commune, 10 for the province.
    assert await first_escalations(sessions, date(2025, 8, 1), 20) == {
        "901": date(2025, 8, 5), "900": date(2025, 8, 14)}
    # The shared agency's leader hears of each committee's item on that committee's day.
    [commune_day] = await outbox(sessions, "202", "escalation", date(2025, 8, 5))
    assert COMMUNE_TASK in commune_day and PROVINCE_TASK not in commune_day
    [province_day] = await outbox(sessions, "202", "escalation", date(2025, 8, 14))
    assert PROVINCE_TASK in province_day and COMMUNE_TASK not in province_day
    assert all(PROVINCE_TASK not in text for text in await outbox(sessions, "901", "escalation"))


async def test_own_deadline_steps_and_one_message_a_day(two):
    sessions, commune_id = two
    await set_knobs(sessions, commune_id, remind_before=[3, 0])
    days, asks = {}, {}
    for offset in range(12):
        day = date(2025, 7, 21) + timedelta(days=offset)
        await scan(sessions, at(day.isoformat()), TZ, CALENDAR, POLICY)
        texts = await outbox(sessions, "102", "reminder", day)
        assert len(texts) <= 1, texts  # one message a day, whatever the committees
        if texts:
            days[day] = (PROVINCE_TASK in texts[0], COMMUNE_TASK in texts[0])
            lines = texts[0].splitlines()
            asks[day] = {task: lines[n + 1].split(". ")[1] for n, line in enumerate(lines)
                         for task in (PROVINCE_TASK, COMMUNE_TASK) if task in line}
    # The province's T-7 and T-1 alone; the commune's T-3 with the province's weekly message
    # (Monday, its T-7 unanswered); both on the day and the first day overdue.
    assert days == {date(2025, 7, 22): (True, False), date(2025, 7, 28): (True, True),
                    date(2025, 7, 30): (True, False), date(2025, 7, 31): (True, True),
                    date(2025, 8, 1): (True, True)}
    # On Monday the commune's line is its own T-3 step, the province's the weekly one.
    assert asks[date(2025, 7, 28)][COMMUNE_TASK].startswith("Sắp đến hạn")
    assert asks[date(2025, 7, 28)][PROVINCE_TASK].startswith("Nhắc lại vì chưa nhận")


async def test_the_stored_days_plan_what_the_plain_policies_plan(two):
    sessions, commune_id = two
    await set_knobs(sessions, commune_id, escalate_after=2, escalate_every=2,
                    remind_before=[5, 2], weekly_day="wed")
    for offset in range(30):
        day = date(2025, 7, 21) + timedelta(days=offset)
        async with sessions() as session:
            stored, _ = await plan_day(day, TZ, CALENDAR, POLICY, session=session)
            plain, _ = await plan_day_unfiltered(day, TZ, CALENDAR, POLICY, session=session)
        assert sorted(s.key for s in stored.due) == sorted(s.key for s in plain.due), day
        await scan(sessions, at(day.isoformat()), TZ, CALENDAR, POLICY)


async def test_one_committee_keeps_its_schedule_fingerprint_and_a_change_clears_it(two):
    sessions, commune_id = two
    await scan(sessions, at("2025-07-21"), TZ, CALENDAR, POLICY)
    async with sessions() as session:
        assert await committee_policies(POLICY, session=session) == {}
        schedule = await read_schedule(session=session)
        assert schedule is not None and schedule[0] == fingerprint(CALENDAR, POLICY, TZ)
    # A committee knob the policy does not read (the digest's) changes nothing either.
    await set_knobs(sessions, commune_id, digest_cron="0 9 * * wed")
    async with sessions() as session:
        assert await committee_policies(POLICY, session=session) == {}
    await set_knobs(sessions, commune_id, escalate_after=3)
    await scan(sessions, at("2025-07-22"), TZ, CALENDAR, POLICY)
    async with sessions() as session:
        policies = await committee_policies(POLICY, session=session)
        assert policies == {commune_id: ReminderPolicy(escalate_after=3)}
        schedule = await read_schedule(session=session)
        assert schedule is not None
        kept = schedule[0]
    assert kept == fingerprint(CALENDAR, POLICY, TZ, policies) != fingerprint(CALENDAR, POLICY, TZ)


SETTINGS = Settings(_env_file=None)


async def digests(sessions, chat_id: str) -> tuple[list[str], list[str]]:
    return (await outbox(sessions, chat_id, "digest"),
            await outbox(sessions, chat_id, "digest_rollup"))


async def test_each_digest_on_its_own_day(two):
    sessions, commune_id = two
    await set_knobs(sessions, commune_id, digest_cron="0 9 * * wed")
    assert (await digest_tick(sessions, at("2025-10-01", 8, 55), SETTINGS)).sent == []
    wednesday = await digest_tick(sessions, at("2025-10-01", 9, 5), SETTINGS)
    assert wednesday.sent == ["xa"]
    assert (await digests(sessions, "901"))[0] and (await digests(sessions, "900")) == ([], [])
    assert (await digest_tick(sessions, at("2025-10-02", 9), SETTINGS)).sent == []
    friday = await digest_tick(sessions, at("2025-10-03", 16, 5), SETTINGS)
    assert friday.sent == ["bcd"] and friday.waiting == []
    texts, [rollup] = await digests(sessions, "900")
    assert texts and "BCĐ xã Hưng Nguyên: hoàn thành 0/1" in rollup
    assert "Chưa gửi tổng hợp kỳ này" not in rollup
    again = await digest_tick(sessions, at("2025-10-03", 16, 10), SETTINGS)
    assert again.sent == [] and again.messages == 0


async def test_a_parent_waits_for_its_child_then_sends(two):
    sessions, commune_id = two
    await set_knobs(sessions, commune_id, digest_cron="0 17 * * fri")
    early = await digest_tick(sessions, at("2025-10-03", 16, 5), SETTINGS)
    assert early.sent == [] and early.waiting == ["bcd"]
    assert await digests(sessions, "900") == ([], [])
    both = await digest_tick(sessions, at("2025-10-03", 17, 5), SETTINGS)
    assert both.sent == ["xa", "bcd"]  # the child first: the parent reads what it stored
    _, [rollup] = await digests(sessions, "900")
    assert "BCĐ xã Hưng Nguyên: hoàn thành 0/1" in rollup
    assert "Chưa gửi tổng hợp kỳ này" not in rollup


async def test_a_parent_sends_after_its_wait_naming_the_child_missing(two):
    sessions, commune_id = two
    await set_knobs(sessions, commune_id, digest_cron="0 9 * * sat")
    await set_knobs(sessions, 1, digest_wait_minutes=90)
    assert (await digest_tick(sessions, at("2025-10-03", 17, 25), SETTINGS)).waiting == ["bcd"]
    late = await digest_tick(sessions, at("2025-10-03", 17, 35), SETTINGS)
    assert late.sent == ["bcd"]
    texts, [rollup] = await digests(sessions, "900")
    assert texts
    assert rollup.endswith("Chưa gửi tổng hợp kỳ này (không có trong số liệu trên):\n"
                           "• BCĐ xã Hưng Nguyên")
    assert "hoàn thành 0/1" not in rollup  # nothing worked out on the child's behalf
    saturday = await digest_tick(sessions, at("2025-10-04", 9, 5), SETTINGS)
    assert saturday.sent == ["xa"]
    async with sessions() as session:
        runs = (await session.exec(select(DigestRun.committee_id))).all()
    assert sorted(runs) == [1, commune_id]
    assert len((await digests(sessions, "900"))[1]) == 1  # the parent's is not sent again


async def test_one_committee_sends_on_the_deployments_slot_once(sessions):
    async with transaction(sessions) as session:
        session.add(FocalPerson(role="secretariat", channel="telegram", chat_id="900",
                                name="Văn phòng BCĐ", linked_at=at("2025-09-01")))
    assert (await digest_tick(sessions, at("2025-10-03", 15, 55), SETTINGS)).sent == []
    assert (await digest_tick(sessions, at("2025-10-03", 16, 5), SETTINGS)).sent == ["bcd"]
    texts, rollups = await digests(sessions, "900")
    assert texts and rollups == []
    # A restart on Sunday finds it sent: nothing more.
    assert (await digest_tick(sessions, at("2025-10-05", 10), SETTINGS)).sent == []
    assert (await digests(sessions, "900"))[0] == texts

