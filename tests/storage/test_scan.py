"""The daily scan on the seed appendix: what lands in the outbox, once."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import select

import scheduler.scan as scan_module
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import plan_day, scan
from storage.db import transaction
from storage.models import Assignment, Outbox, ReminderLog, ReminderSchedule

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = vietnam_calendar([2025, 2026])
POLICY = ReminderPolicy()


def at(day: str, hour: int = 8) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


async def outbox(sessions) -> list[Outbox]:
    async with sessions() as session:
        return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())


async def test_one_message_per_person_most_urgent_first(seeded):
    report = await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    assert report.skipped is None and report.steps > 0
    rows = await outbox(seeded)
    by_chat: dict[str, list[Outbox]] = {}
    for row in rows:
        by_chat.setdefault(row.chat_id, []).append(row)
    assert set(by_chat) >= {"101", "102", "103", "900"}
    assert all(len(parts) == 1 for chat, parts in by_chat.items() if chat != "900")
    health = by_chat["101"][0].text
    assert health.startswith("Kính gửi đồng chí Lê Thị Hoa, cán bộ đầu mối của Sở Y tế")
    assert "Triển khai bệnh án điện tử" in health and "30/09/2025" in health
    assert all(len(row.text) <= 4096 for row in rows)


async def test_police_overdue_since_july_is_escalated_to_leader_and_secretariat(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    rows = await outbox(seeded)
    leader = [r for r in rows if r.chat_id == "202"]
    assert len(leader) == 1 and leader[0].kind == "escalation"
    assert "Công an tỉnh" in leader[0].text and "31/07/2025" in leader[0].text
    assert any(r.kind == "escalation" for r in rows if r.chat_id == "900")


async def test_agencies_without_a_focal_person_are_listed_for_the_secretariat(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    listed = [r for r in await outbox(seeded) if r.kind == "unreachable_list"]
    assert listed and all(r.chat_id == "900" for r in listed)
    text = "\n".join(r.text for r in listed)
    assert "chưa đăng ký cán bộ đầu mối" in text
    assert "Văn phòng Tỉnh ủy" in text and "Sở Y tế" not in text


async def test_scanning_twice_or_on_two_instances_adds_nothing(seeded):
    first = await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    count = len(await outbox(seeded))
    again = await scan(seeded, at("2025-09-22", 11), TZ, CALENDAR, POLICY)
    assert (again.steps, again.messages) == (0, 0)
    assert len(await outbox(seeded)) == count
    async with seeded() as session:
        logged = (await session.exec(select(func.count()).select_from(ReminderLog))).one()
    assert logged == first.steps


async def test_nothing_on_national_day_and_a_catch_up_after_it(seeded):
    holiday = await scan(seeded, at("2025-09-02"), TZ, CALENDAR, POLICY)
    assert holiday.steps == 0 and await outbox(seeded) == []
    after = await scan(seeded, at("2025-09-03"), TZ, CALENDAR, POLICY)
    assert after.steps > 0


async def test_dry_run_plan_writes_nothing(seeded):
    async with seeded() as session:
        plan, secretariat = await plan_day(date(2025, 9, 22), TZ, CALENDAR, POLICY,
                                           session=session)
    assert plan.messages and [p.chat_ref for p in secretariat] == ["telegram:900"]
    assert await outbox(seeded) == []


async def _stored(sessions) -> tuple[list[tuple], dict[tuple, str | None]]:
    """The outbox in order (its ids left out) and the message key each history row is linked to."""
    rows = await outbox(sessions)
    keys = {row.id: row.key for row in rows}
    async with sessions() as session:
        history = (await session.exec(select(ReminderLog))).all()
    return ([(r.key, r.kind, r.channel, r.chat_id, r.text, r.buttons, r.priority) for r in rows],
            {(h.assignment_id, h.kind, h.anchor): keys.get(h.outbox_id) for h in history})


async def test_messages_stored_one_at_a_time_make_the_same_outbox(seeded, monkeypatch):
    """Rendering and storing a message at a time (as a long secretariat list is) changes nothing."""
    monkeypatch.setattr(scan_module, "RENDER_SLICE", 1)
    monkeypatch.setattr(scan_module, "RENDER_CHARS", 1)
    one_at_a_time = await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    sliced = await _stored(seeded)
    async with transaction(seeded) as session:  # back to the store before the scan
        await session.exec(sa.delete(ReminderLog))
        await session.exec(sa.delete(Outbox))
        await session.exec(sa.delete(ReminderSchedule))
        await session.exec(sa.update(Assignment).values(next_reminder_on=None,
                                                        next_reminder_rules=None))
    monkeypatch.undo()
    together = await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    assert (one_at_a_time.steps, one_at_a_time.messages, one_at_a_time.parts,
            one_at_a_time.unreachable) == (together.steps, together.messages, together.parts,
                                           together.unreachable)
    assert one_at_a_time.messages > 1 and one_at_a_time.unreachable > 0
    assert sliced == await _stored(seeded)
    assert any(key is not None for key in sliced[1].values())
