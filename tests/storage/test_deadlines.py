"""Deadlines set by hand (the storage function /thoihan and `dondoc thoihan` call), on both
databases: audited, effective for reminders, kept across re-imports of the same file."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from domain.appendix import AppendixItem
from domain.deadlines import Deadline, PeriodDay, parse_deadline
from domain.import_report import render_import_summary
from storage.db import transaction
from storage.deadlines import (
    DeadlineRefused,
    deadline_changes,
    set_deadline,
    split_code,
)
from storage.importer import import_appendix, import_items, read_appendix
from storage.models import Assignment, DeadlineChange, Item
from storage.reminder_inputs import load_reminder_inputs
from tests.conftest import EXAMPLE_APPENDIX

NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
LATER = datetime(2025, 10, 1, 2, 0, tzinfo=UTC)


async def imported(sessions) -> list[AppendixItem]:
    items = read_appendix(EXAMPLE_APPENDIX, 2025)
    async with transaction(sessions) as session:
        await import_items(items, EXAMPLE_APPENDIX.name, "sha", NOW, session=session)
    return items


async def item_of(sessions, raw: str) -> Item:
    async with sessions() as session:
        found = await session.exec(select(Item).where(col(Item.deadline_raw) == raw)
                                   .order_by(col(Item.id)))
        return found.first()


async def test_the_example_appendix_imports_with_every_deadline_understood(sessions):
    async with transaction(sessions) as session:
        report = await import_appendix(EXAMPLE_APPENDIX, 2025, NOW, session=session)
    assert (report.items, report.tasks, report.indicators) == (93, 73, 20)
    assert report.unknown_deadlines == []
    assert "Thời hạn chưa hiểu được: 0" in render_import_summary(report)


async def test_a_hand_set_deadline_is_stored_audited_and_clears_the_next_reminder_day(sessions):
    await imported(sessions)
    item = await item_of(sessions, "Theo tiến độ TW")
    async with transaction(sessions) as session:
        # As a scan would have left it: a day worked out from the old deadline.
        await session.exec(sa.update(Assignment).where(col(Assignment.item_id) == item.id)
                           .values(next_reminder_on=date(2025, 10, 1), next_reminder_rules="s"))
    async with sessions() as session:
        revisions = (await session.exec(select(Assignment.reminder_revision).where(
            col(Assignment.item_id) == item.id))).all()
    async with transaction(sessions) as session:
        changed = await set_deadline(item.code, "30/11/2025", LATER, 2025, session=session,
                                     by="Văn phòng BCĐ", via="chat")
    assert changed.confirmation().startswith(f"Đã đặt thời hạn {item.code}: 30/11/2025")
    assert "“Theo tiến độ TW”" in changed.confirmation()
    async with sessions() as session:
        stored = await session.get(Item, item.id)
        assignments = (await session.exec(select(Assignment).where(
            col(Assignment.item_id) == item.id))).all()
        history = await deadline_changes(item.code.lower(), session=session)
    assert (stored.deadline_raw, stored.deadline_kind, stored.due, stored.every) == (
        "30/11/2025", "date", date(2025, 11, 30), None)
    assert stored.appendix_deadline == "Theo tiến độ TW"
    # 0008's trigger on item.due: the scan works the day out again from the new deadline.
    assert assignments and all(a.next_reminder_on is None for a in assignments)
    assert [a.reminder_revision for a in assignments] == [r + 1 for r in revisions]
    [row] = history
    assert (row.by, row.via, row.typed, row.old_raw, row.old_kind, row.new_kind, row.new_due) == (
        "Văn phòng BCĐ", "chat", "30/11/2025", "Theo tiến độ TW", "dependent", "date",
        date(2025, 11, 30))
    assert row.at == LATER


async def test_a_recurring_deadline_keeps_its_day_of_the_period(sessions):
    await imported(sessions)
    item = await item_of(sessions, "Quý IV")
    async with transaction(sessions) as session:
        changed = await set_deadline(item.code, "hằng tháng, trước ngày 25", LATER, 2025,
                                     session=session, by="cli:tester", via="cli")
    assert "định kỳ hằng tháng, ngày 25" in changed.confirmation()
    async with sessions() as session:
        stored = await session.get(Item, item.id)
        [row] = await deadline_changes(item.code, session=session)
    assert (stored.deadline_kind, stored.due, stored.every, stored.period_day) == (
        "recurring", None, "monthly", "d25")
    assert (row.old_due, row.new_every, row.new_period_day) == (
        date(2025, 12, 31), "monthly", "d25")


async def set_on_a_quarter_item(sessions, text: str, fallback_year: int = 2025) -> Item:
    """Import the example, give its first "Quý IV" item `text` from the command line."""
    await imported(sessions)
    item = await item_of(sessions, "Quý IV")
    async with transaction(sessions) as session:
        await set_deadline(item.code, text, LATER, fallback_year, session=session, by="x",
                           via="cli")
    async with sessions() as session:
        return await session.get(Item, item.id)


async def test_the_scan_reads_the_day_of_the_period_for_its_reminder_text(sessions):
    item = await set_on_a_quarter_item(sessions, "trước ngày 25 hằng tháng")
    async with sessions() as session:
        inputs = await load_reminder_inputs(ZoneInfo("Asia/Ho_Chi_Minh"), session=session)
    states = [state for state in inputs.states if state.item_code == item.code]
    assert states and all(state.deadline == Deadline("trước ngày 25 hằng tháng", "recurring",
                                                     every="monthly", on=PeriodDay(day=25))
                          for state in states)


async def test_a_yearless_day_takes_the_year_of_the_assigning_document(sessions):
    stored = await set_on_a_quarter_item(sessions, "chậm nhất 15/02", fallback_year=2031)
    assert stored.due == date(2025, 2, 15)  # Kế hoạch 331-KH/TU is of 2025


@pytest.mark.parametrize(("code", "text", "says"), [
    ("NV99999", "30/11/2025", "Không có nhiệm vụ hay chỉ tiêu mã NV99999."),
    (None, "khi nào xong thì báo", "Chưa hiểu thời hạn “khi nào xong thì báo”"),
    (None, "", "Cú pháp: /thoihan"),
    (None, "." * 5000, "quá dài"),
])
async def test_a_refused_deadline_says_why_and_writes_nothing(sessions, code, text, says):
    await imported(sessions)
    item = await item_of(sessions, "Quý IV")
    with pytest.raises(DeadlineRefused, match=says.replace("(", r"\(")):
        async with transaction(sessions) as session:
            await set_deadline(code or item.code, "9" * 300 if "quá" in says else text, LATER,
                               2025, session=session, by="x", via="cli")
    async with sessions() as session:
        assert (await session.exec(select(DeadlineChange))).all() == []
        assert (await session.get(Item, item.id)).deadline_raw == "Quý IV"


async def test_a_reimport_keeps_the_hand_set_deadline_until_the_file_changes_it(sessions):
    items = await imported(sessions)
    item = await item_of(sessions, "Theo tiến độ TW")
    async with transaction(sessions) as session:
        await set_deadline(item.code, "Quý I/2026", LATER, 2025, session=session, by="x",
                           via="cli")
    async with transaction(sessions) as session:
        again = await import_items(items, EXAMPLE_APPENDIX.name, "sha", LATER, session=session)
        kept = await session.get(Item, item.id)
    assert (again.updated, again.unknown_deadlines) == (0, [])
    assert (kept.deadline_raw, kept.due) == ("Quý I/2026", date(2026, 3, 31))
    edited = [dataclasses.replace(one, deadline=parse_deadline("Tháng 12/2025", 2025))
              if one.deadline.raw == "Theo tiến độ TW" else one for one in items]
    async with transaction(sessions) as session:
        report = await import_items(edited, EXAMPLE_APPENDIX.name, "sha2", LATER,
                                    session=session)
        replaced = await session.get(Item, item.id)
    assert report.updated == 1
    assert (replaced.deadline_raw, replaced.due, replaced.appendix_deadline) == (
        "Tháng 12/2025", date(2025, 12, 31), None)


async def test_an_unknown_deadline_is_imported_and_listed_never_dropped(sessions):
    items = read_appendix(EXAMPLE_APPENDIX, 2025)
    pasted = "Theo kế hoạch " + "…. x" * 2000
    odd = [dataclasses.replace(items[30], deadline=parse_deadline("Tùy tình hình", 2025)),
           dataclasses.replace(items[31], deadline=parse_deadline(pasted, 2025))]
    async with transaction(sessions) as session:
        report = await import_items(items[:30] + odd, "x.txt", "sha", NOW, session=session)
    assert [u.raw for u in report.unknown_deadlines] == ["Tùy tình hình", pasted]
    assert report.unknown_deadlines[1].reason.startswith("quá dài")
    summary = render_import_summary(report)
    assert "Thời hạn chưa hiểu được: 2" in summary
    assert f"{report.unknown_deadlines[0].code} (STT" in summary and "“Tùy tình hình”" in summary
    # The pasted page is cut short in the summary: its line, not 8,000 characters.
    [pasted_line] = [line for line in summary.splitlines() if "Theo kế hoạch" in line]
    assert len(pasted_line) < 400 and pasted_line.count("…. x") < 30
    async with sessions() as session:
        stored = (await session.exec(select(Item).where(col(Item.deadline_kind) == "unknown")
                                     .where(col(Item.kind) == "task"))).all()
    assert {row.deadline_raw for row in stored} == {"Tùy tình hình", pasted}


@pytest.mark.parametrize(("words", "expected"), [
    ("NV12 30/11/2025", ("NV12", "30/11/2025")),
    ("nv12: hằng tháng, trước ngày 25", ("NV12", "hằng tháng, trước ngày 25")),
    ("NV-12 Quý IV", ("NV12", "Quý IV")),
    ("ct3 2026", ("CT3", "2026")),
    ("30/11/2025", None),
    ("", None),
])
def test_split_code(words, expected):
    assert split_code(words) == expected
