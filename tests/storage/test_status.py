"""Status updates, extensions and indicator reports, with their history."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from storage.db import transaction
from storage.importer import import_appendix
from storage.models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    IndicatorReport,
    Item,
    StatusChange,
)
from storage.status import (
    Actor,
    EvidenceIn,
    Source,
    StatusError,
    decide_extension,
    pending_extensions,
    record_indicator,
    record_status,
    request_extension,
)

NOW = datetime(2025, 9, 24, 2, 0, tzinfo=UTC)
TODAY = date(2025, 9, 24)
FOCAL = Actor("focal", None)


@pytest.fixture
async def assignment_ids(sessions, seed_path) -> dict[str, int]:
    async with transaction(sessions) as session:
        await import_appendix(seed_path, 2025, NOW, session=session)
        rows = await session.exec(select(Item.text, Assignment.id).join(Assignment))
        return {text: assignment_id or 0 for text, assignment_id in rows.all()}


async def test_a_status_change_is_recorded_with_its_message_and_evidence(sessions,
                                                                         assignment_ids):
    target = assignment_ids["Triển khai bệnh án điện tử"]
    async with transaction(sessions) as session:
        await record_status(target, "in_progress", NOW, TODAY, FOCAL, session=session,
                            percent=60, source=Source("telegram:101:55", "đang làm 60%"))
        await record_status(target, "done", NOW, TODAY, FOCAL, session=session,
                            source=Source("telegram:101:56", "Đã xong, QĐ 2345/QĐ-UBND"),
                            evidence=[EvidenceIn(reference="2345/QĐ-UBND")])
    async with sessions() as session:
        assignment = await session.get(Assignment, target)
        assert (assignment.status, assignment.percent, assignment.done_on) == ("done", 100, TODAY)
        history = (await session.exec(select(StatusChange).order_by(col(StatusChange.id)))).all()
        assert [(h.old_status, h.new_status, h.percent) for h in history] == [
            ("not_started", "in_progress", 60), ("in_progress", "done", 100)]
        assert history[1].message_text == "Đã xong, QĐ 2345/QĐ-UBND"
        proof = (await session.exec(select(Evidence))).one()
        assert (proof.status_change_id, proof.reference) == (history[1].id, "2345/QĐ-UBND")


async def test_a_status_reads_back_in_the_session_and_a_note_is_kept_until_replaced(
        sessions, assignment_ids):
    target = assignment_ids["Triển khai bệnh án điện tử"]
    async with transaction(sessions) as session:
        held = await session.get(Assignment, target)
        change = await record_status(target, "blocked", NOW, TODAY, FOCAL, session=session,
                                     note="chờ kinh phí")
        assert (change.old_status, change.new_status, change.percent) == (
            "not_started", "blocked", None)
        assert (held.status, held.note, held.status_changed_at) == ("blocked", "chờ kinh phí",
                                                                     NOW)
        await record_status(target, "in_progress", NOW, TODAY, FOCAL, session=session,
                            percent=30)
        assert (held.status, held.percent, held.note) == ("in_progress", 30, "chờ kinh phí")
    async with sessions() as session:
        assignment = await session.get(Assignment, target)
        assert (assignment.status, assignment.percent, assignment.note, assignment.done_on) == (
            "in_progress", 30, "chờ kinh phí", None)


@pytest.mark.parametrize(("then", "expected"), [
    ("in_progress", None), ("blocked", None), ("done", None)])
async def test_an_expected_date_belongs_to_its_in_progress_report(sessions, assignment_ids,
                                                                  then, expected):
    target = assignment_ids["Triển khai bệnh án điện tử"]
    promised = date(2025, 10, 15)
    async with transaction(sessions) as session:
        held = await session.get(Assignment, target)
        first = await record_status(target, "in_progress", NOW, TODAY, FOCAL, session=session,
                                    percent=70, expected_on=promised)
        assert (first.expected_on, held.expected_on) == (promised, promised)
        # Only an in-progress report carries one; the next report replaces it.
        ignored = await record_status(target, "blocked", NOW, TODAY, FOCAL, session=session,
                                      expected_on=promised)
        assert (ignored.expected_on, held.expected_on) == (None, None)
        await record_status(target, "in_progress", NOW, TODAY, FOCAL, session=session,
                            expected_on=promised)
        await record_status(target, then, NOW, TODAY, FOCAL, session=session)
    async with sessions() as session:
        assert (await session.get(Assignment, target)).expected_on == expected
        history = (await session.exec(select(col(StatusChange.expected_on)).order_by(
            col(StatusChange.id)))).all()
        assert history == [promised, None, promised, None]


async def test_an_inactive_assignment_takes_no_status_and_writes_nothing(sessions,
                                                                         assignment_ids):
    target = assignment_ids["Triển khai bệnh án điện tử"]
    async with transaction(sessions) as session:
        assignment = await session.get(Assignment, target)
        assignment.active = False
        session.add(assignment)
    async with transaction(sessions) as session:
        with pytest.raises(StatusError, match="Không tìm thấy"):
            await record_status(target, "done", NOW, TODAY, FOCAL, session=session)
        assert (await session.exec(select(StatusChange))).all() == []
        assert (await session.get(Assignment, target)).status == "not_started"


async def test_a_bad_percent_is_refused_in_vietnamese(sessions, assignment_ids):
    with pytest.raises(StatusError, match="từ 0 đến 100"):
        async with transaction(sessions) as session:
            await record_status(next(iter(assignment_ids.values())), "in_progress", NOW, TODAY,
                                FOCAL, session=session, percent=140)


async def test_an_extension_waits_and_approval_moves_reminders_not_the_deadline(
        sessions, assignment_ids):
    target = assignment_ids["Triển khai bệnh án điện tử"]
    async with transaction(sessions) as session:
        first = await request_extension(target, date(2025, 10, 31), "chờ kinh phí", NOW, FOCAL,
                                        session=session)
        second = await request_extension(target, date(2025, 11, 30), "chờ kinh phí", NOW, FOCAL,
                                         session=session)
        assert [r.id for r in await pending_extensions(session=session)] == [second.id]
        await decide_extension(second.id, True, NOW, Actor("secretariat", None), session=session)
    async with sessions() as session:
        assignment = await session.get(Assignment, target)
        item = await session.get(Item, assignment.item_id)
        assert assignment.extended_due == date(2025, 11, 30)
        assert item.due == date(2025, 9, 30)
        states = {r.id: r.state for r in (await session.exec(select(ExtensionRequest))).all()}
        assert states == {first.id: "superseded", second.id: "approved"}
    with pytest.raises(StatusError, match="không còn chờ duyệt"):
        async with transaction(sessions) as session:
            await decide_extension(second.id, False, NOW, Actor("secretariat"), session=session)


async def test_an_indicator_report_keeps_value_and_date(sessions, assignment_ids):
    target = assignment_ids["Tỷ lệ phủ sóng 5G trên địa bàn"]
    async with transaction(sessions) as session:
        await record_indicator(target, "not_achieved", NOW, FOCAL, session=session,
                               value_text="5G phủ khoảng 20% dân số", value=20, unit="%")
    async with sessions() as session:
        report = (await session.exec(select(IndicatorReport))).one()
    assert (report.assessment, report.value, report.unit, report.at) == (
        "not_achieved", 20, "%", NOW)
