"""The weekly digest on the seed appendix after a realistic week of replies, and its delivery."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import func
from sqlmodel import col, select

from config import Settings
from domain.digest import Digest, reconcile
from domain.digest_inputs import digest_period
from scheduler.charts import PNG_SIGNATURE
from scheduler.digest_job import build_for, send_digest
from scheduler.digest_tick import schedule_digest
from scheduler.ticks import Ticker
from storage.agencies import import_registry, read_registry
from storage.db import transaction
from storage.importer import import_appendix
from storage.models import (
    Agency,
    Assignment,
    DigestRun,
    FocalPerson,
    Item,
    Outbox,
    ReminderLog,
)
from storage.status import (
    Actor,
    EvidenceIn,
    record_indicator,
    record_status,
    request_extension,
)
from tests.conftest import EXAMPLE_REGISTRY
from tests.storage.conftest import agency_id

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
D = date.fromisoformat
HEALTH, POLICE, FARMS = "Sở Y tế", "Công an tỉnh", "Sở Nông nghiệp và Môi trường"
SCIENCE, PARTY_OFFICE = "Sở Khoa học và Công nghệ", "Văn phòng Tỉnh ủy"
WITH_FOCAL = {HEALTH, POLICE, FARMS, SCIENCE, PARTY_OFFICE}


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


async def assignment(session, code: str, agency: str) -> int:
    row = (await session.exec(
        select(Assignment.id).join(Item, col(Item.id) == col(Assignment.item_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .where(Item.code == code, Agency.name == agency))).one()
    return row


async def reply(sessions, code: str, agency: str, status: str, day: str, **fields) -> None:
    async with transaction(sessions) as session:
        await record_status(await assignment(session, code, agency), status, at(day), D(day),
                            Actor("focal"), session=session, **fields)


@pytest.fixture
async def seeded(sessions, seed_path):
    """The seed appendix, five focal persons (one unreachable), three secretariat chats."""
    linked = datetime(2025, 9, 1, tzinfo=UTC)
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(seed_path, 2025, linked, session=session)
        people = [
            FocalPerson(agency_id=await agency_id(session, name), role="focal",
                        channel="telegram", chat_id=chat, name=person, linked_at=linked)
            for name, chat, person in [(HEALTH, "101", "Lê Thị Hoa"), (FARMS, "103", ""),
                                       (SCIENCE, "104", "Nguyễn Văn An"),
                                       (PARTY_OFFICE, "105", "")]
        ]
        people.append(FocalPerson(agency_id=await agency_id(session, POLICE), role="focal",
                                  channel="telegram", chat_id="102", name="Trần Văn Nam",
                                  reachable=False, unreachable_reason="blocked",
                                  linked_at=linked))
        people += [FocalPerson(role="secretariat", channel="telegram", chat_id=chat,
                               name="Văn phòng BCĐ", reachable=reachable, linked_at=linked)
                   for chat, reachable in [("900", True), ("901", True), ("902", False)]]
        session.add_all(people)
    return sessions


@pytest.fixture
async def week(seeded):
    """Week 46 (digest sent on Friday 14/11), then the replies of week 47 (17/11–23/11/2025)."""
    sessions = seeded
    await reply(sessions, "NV47", HEALTH, "done", "2025-11-12",  # bệnh án điện tử, Tháng 9
                evidence=[EvidenceIn(reference="Báo cáo số 123/BC-SYT")])
    await reply(sessions, "NV55", PARTY_OFFICE, "done", "2025-09-25")  # Tháng 9: on time
    await send_digest(sessions, at("2025-11-14", 16), TZ)
    await reply(sessions, "NV10", HEALTH, "done", "2025-11-18")  # Năm 2025: on time
    await reply(sessions, "NV11", HEALTH, "in_progress", "2025-11-18", percent=60)
    await reply(sessions, "NV9", SCIENCE, "done", "2025-11-19")  # Quý III: late
    await reply(sessions, "NV7", SCIENCE, "blocked", "2025-11-19",
                note="Chờ hướng dẫn của Bộ KH&CN về cơ chế tài chính")
    await reply(sessions, "NV6", SCIENCE, "in_progress", "2025-11-18", percent=30)
    await reply(sessions, "NV3", PARTY_OFFICE, "done", "2025-11-20")  # Quý IV: on time
    async with transaction(sessions) as session:
        await request_extension(await assignment(session, "NV6", SCIENCE), D("2026-03-31"),
                                "Chờ quy hoạch tỉnh được phê duyệt", at("2025-11-18"),
                                Actor("focal"), session=session)
        await record_indicator(await assignment(session, "CT4", SCIENCE), "achieved",
                               at("2025-11-19"), Actor("focal"), session=session,
                               value_text="2 tổ chức")
        await record_indicator(await assignment(session, "CT15", SCIENCE), "not_achieved",
                               at("2025-11-20"), Actor("focal"), session=session)
        # Reminders of this week: Farms ignored two; Health answered by its update of 18/11.
        for code, agency, day in [("NV15", FARMS, "2025-11-17"), ("NV17", FARMS, "2025-11-17"),
                                  ("NV11", HEALTH, "2025-11-17")]:
            session.add(ReminderLog(assignment_id=await assignment(session, code, agency),
                                    kind="overdue_4", anchor=D("2025-09-30"), day=D(day)))
    return sessions


async def digest_of(sessions, day: str) -> Digest:
    async with sessions() as session:
        return await build_for(digest_period(D(day)), TZ, session=session)


async def test_the_weeks_figures_exactly(week):
    digest = await digest_of(week, "2025-11-21")
    assert digest.figures.tasks == {"done_on_time": 3, "done_late": 2,
                                    "in_progress_on_time": 2, "overdue": 16,
                                    "not_due": 48, "recurring": 2}
    assert digest.figures.indicators == {"achieved": 1, "not_achieved": 14,
                                         "not_assessable": 5}
    assert digest.previous is not None
    assert (digest.previous.start, digest.previous.end) == (D("2025-11-10"), D("2025-11-16"))
    assert digest.previous.figures.tasks == {"done_on_time": 1, "done_late": 1,
                                             "in_progress_on_time": 0,
                                             "overdue": 17, "not_due": 52,
                                             "recurring": 2}
    assert reconcile(digest) == []
    assert [(b.item.code, b.assignment.agency_name, b.assignment.note) for b in digest.blocked
            ] == [("NV7", SCIENCE, "Chờ hướng dẫn của Bộ KH&CN về cơ chế tài chính")]
    assert [(e.item.code, e.request.new_due) for e in digest.extensions] == [
        ("NV6", D("2026-03-31"))]
    assert [(s.agency_name, s.unanswered, s.reminded) for s in digest.silent] == [(FARMS, 2, 2)]
    assert [(p.name, p.agency_name, p.reason) for p in digest.unreachable] == [
        ("Trần Văn Nam", POLICE, "blocked")]


async def test_per_agency_table_matches_the_database(week):
    digest = await digest_of(week, "2025-11-21")
    async with week() as session:
        counted = dict((await session.exec(
            select(Agency.name, func.count())
            .join(Assignment, col(Assignment.agency_id) == col(Agency.id))
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .where(col(Assignment.active).is_(True), Item.kind == "task",
                   col(Agency.is_group).is_(False))
            .group_by(Agency.name))).all())
        leading = dict((await session.exec(
            select(Agency.name, Agency.is_group)
            .join(Assignment, col(Assignment.agency_id) == col(Agency.id))
            .where(col(Assignment.active).is_(True))
        )).all())
    # Groups the registry cannot expand ("Địa phương") are not agencies: never ranked, never
    # "without a focal person", listed apart as needing a concrete lead agency.
    assert {row.agency_name: row.assigned for row in digest.agencies} == counted
    groups = {name for name, is_group in leading.items() if is_group}
    assert groups == {"Các cơ quan, đơn vị", "Các đơn vị đề xuất", "Đảng ủy xã, phường",
                      "Địa phương", "Các Viện/trường"}
    assert {group.name for group in digest.unassigned} == groups
    rows = {row.agency_name: (row.done, row.overdue, row.last_update) for row in digest.agencies}
    # Health: NV47 (late) and NV10 done; NV2, NV27, NV45 (group tasks) still overdue.
    assert rows[HEALTH] == (2, 3, D("2025-11-18"))
    assert rows[SCIENCE] == (1, 7, D("2025-11-20"))
    assert rows[POLICE] == (0, 7, None)
    assert set(digest.without_focal) == set(leading) - groups - WITH_FOCAL


async def test_digest_is_queued_to_each_secretariat_chat_with_chart_and_workbook(week):
    report = await send_digest(week, at("2025-11-21", 16), TZ)
    assert report.skipped is None and report.chats == 2
    async with week() as session:
        rows = list((await session.exec(select(Outbox).where(Outbox.kind == "digest")
                                        .order_by(col(Outbox.id)))).all())
        items = {code: kind for code, kind in (await session.exec(
            select(Item.code, Item.kind))).all()}
        assignments = (await session.exec(select(func.count()).select_from(Assignment)
                                          .where(col(Assignment.active).is_(True)))).one()
    this_week = [r for r in rows if "2025-11-17_2025-11-23" in r.key]
    assert {r.chat_id for r in this_week} == {"900", "901"}
    for chat in ("900", "901"):
        mine = [r for r in this_week if r.chat_id == chat]
        texts = [r for r in mine if r.attachment is None]
        assert texts[0].text.startswith(
            "Báo cáo tiến độ thực hiện Nghị quyết 57-NQ/TW tuần 47 (17/11–23/11/2025)")
        assert all(len(r.text.encode("utf-16-le")) // 2 <= 4096 for r in texts)
        body = "\n".join(r.text for r in texts)
        assert ("Đã hoàn thành 5/73 (7%) nhiệm vụ; quá hạn chưa hoàn thành 16 nhiệm vụ. +3 hoàn"
                " thành so với tuần trước; số nhiệm vụ quá hạn giảm 1.") in body
        assert [r.attachment_name for r in mine[len(texts):]] == [
            "bieu-do-tien-do-2025-11-17_2025-11-23.png",
            "tien-do-nhiem-vu-2025-11-17_2025-11-23.xlsx"]
    chart, workbook = this_week[-2].attachment, this_week[-1].attachment
    assert chart.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(chart))
    assert image.format == "PNG" and image.width >= 800 and image.height >= 800
    sheets = load_workbook(io.BytesIO(workbook), read_only=True)
    assert sheets.sheetnames[:3] == ["Phụ lục", "Tổng hợp", "Theo cơ quan"]
    rows = list(sheets["Phụ lục"].iter_rows(values_only=True))
    # The appendix itself: its title and "kèm theo" line, then the header, then the sections.
    assert rows[0][0] == "PHỤ LỤC"
    assert any(str(row[0]).startswith("(kèm theo Công văn số 4362-CV/TU") for row in rows[:6])
    header = next(index for index, row in enumerate(rows) if row[0] == "STT")
    assert rows[header][:3] == ("STT", "Mã", "Nhiệm vụ")
    assert str(rows[header + 1][0]).startswith("I- Danh sách")
    listed = {row[1]: row for row in rows[header + 1:] if len(row) > 1 and row[1]}
    assert set(listed) == set(items)
    # Original numbering: NV47 is row 47 of section II, with its deadline as a real date.
    assert listed["NV47"][0] == 47 and listed["NV47"][6].date() == D("2025-09-30")
    assert (listed["NV47"][9], listed["NV10"][9], listed["NV9"][9], listed["NV7"][9],
            listed["NV11"][9], listed["NV4"][9], listed["NV73"][9], listed["CT4"][9],
            listed["CT15"][9], listed["CT16"][9]) == (
        "Hoàn thành quá hạn", "Hoàn thành đúng hạn", "Hoàn thành quá hạn",
        "Quá hạn chưa hoàn thành", "Đang thực hiện trong hạn",
        "Thường xuyên / theo tiến độ TW – chưa báo cáo", "Chưa đến hạn – chưa báo cáo",
        "Đạt/vượt", "Chưa đạt", "Chưa đánh giá được (theo Công văn 4362-CV/TU)")
    detail = [row for row in sheets["Theo cơ quan"].iter_rows(min_row=3, values_only=True)]
    assert len(detail) == assignments
    evidence = [row for row in detail if row[1] == "NV47"]
    assert [(row[4], row[9], row[11]) for row in evidence] == [
        (HEALTH, 100, "Báo cáo số 123/BC-SYT")]
    assert HEALTH in sheets.sheetnames


async def test_a_second_run_in_the_same_period_queues_nothing(week):
    async with week() as session:
        week_46 = (await session.exec(select(func.count()).select_from(Outbox))).one()
    first = await send_digest(week, at("2025-11-21", 16), TZ)
    async with week() as session:
        count = (await session.exec(select(func.count()).select_from(Outbox))).one()
    again = await send_digest(week, at("2025-11-22", 10), TZ)
    assert first.messages == count - week_46 and again.messages == 0 and again.skipped
    async with week() as session:
        assert (await session.exec(select(func.count()).select_from(Outbox))).one() == count
        runs = list((await session.exec(select(DigestRun).order_by(col(DigestRun.id)))).all())
    assert [(r.period_start, r.period_end) for r in runs] == [
        (D("2025-11-10"), D("2025-11-16")), (D("2025-11-17"), D("2025-11-23"))]
    assert runs[1].figures["tasks"]["done_late"] == 2


async def test_two_instances_at_once_queue_one_digest(week):
    reports = await asyncio.gather(send_digest(week, at("2025-11-21", 16), TZ),
                                   send_digest(week, at("2025-11-21", 16), TZ))
    async with week() as session:
        keys = list((await session.exec(select(Outbox.key).where(
            col(Outbox.key).contains("2025-11-17_2025-11-23")))).all())
    assert len(keys) == len(set(keys)) == sum(r.messages for r in reports)
    assert sum(r.chats for r in reports) == 2


async def test_a_chat_linked_later_gets_the_digest_the_others_nothing_more(week):
    first = await send_digest(week, at("2025-11-21", 16), TZ)
    async with transaction(week) as session:
        session.add(FocalPerson(role="secretariat", channel="telegram", chat_id="903",
                                name="Tổ giúp việc", linked_at=at("2025-11-21", 17)))
    late = await send_digest(week, at("2025-11-21", 18), TZ)
    assert late.chats == 1 and late.messages == first.messages // 2


async def test_every_two_weeks_sends_in_the_periods_last_week_only(seeded):
    early = await send_digest(seeded, at("2025-11-21", 16), TZ, every_weeks=2)
    assert early.skipped == "not the last week of the period"
    late = await send_digest(seeded, at("2025-11-28", 16), TZ, every_weeks=2)
    assert late.skipped is None and late.chats == 2
    assert (late.period.start, late.period.end) == (D("2025-11-17"), D("2025-11-30"))


def ticker() -> Ticker:
    async def idle() -> None:
        return None

    scheduler = AsyncIOScheduler(timezone=TZ)
    return Ticker(tz=TZ, scan_at=time(8, 0), drain_every_seconds=15,
                  scan=idle, drain=idle, scheduler=scheduler)


def test_schedule_adds_a_frequent_tick_and_one_at_start():
    # The database says which committee's digest is due: the scheduler only ticks.
    clock = ticker()
    schedule_digest(clock, Settings(_env_file=None), sessions=None,
                    now=lambda: at("2025-11-21", 15))
    job = clock.scheduler.get_job("digest")
    assert str(job.trigger) == "interval[0:05:00]"
    catching_up = clock.scheduler.get_job("digest-catch-up")
    assert catching_up is not None and catching_up.misfire_grace_time is None


async def test_the_catch_up_after_a_restart_queues_the_missed_digest(week):
    clock = ticker()
    schedule_digest(clock, Settings(_env_file=None), week, now=lambda: at("2025-11-21", 17))
    clock.scheduler.start()
    try:
        for _ in range(200):
            async with week() as session:
                keys = list((await session.exec(select(Outbox.key).where(
                    col(Outbox.key).contains("2025-11-17_2025-11-23")))).all())
            if keys:
                break
            await asyncio.sleep(0.05)
    finally:
        clock.shutdown()
    # Exactly the digest a Friday run queues: to each secretariat chat its text parts 1…n in
    # order, then the chart and the workbook; once.
    parts = {chat: [k.rsplit(":", 1)[1] for k in keys if f":telegram:{chat}:" in k]
             for chat in ("900", "901")}
    assert len(keys) == len(set(keys)) == sum(len(p) for p in parts.values())
    texts = len(parts["900"]) - 2
    assert texts >= 1
    assert parts["900"] == parts["901"] == [*map(str, range(1, texts + 1)), "chart", "xlsx"]
    async with week() as session:
        runs = list((await session.exec(select(col(DigestRun.period_start)))).all())
    assert sorted(runs) == [D("2025-11-10"), D("2025-11-17")]
