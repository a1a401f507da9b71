"""Importing appendices into the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from domain.appendix import parse_appendix
from domain.import_report import render_import_summary
from storage.agencies import import_registry, read_registry
from storage.db import transaction
from storage.importer import ImportFailed, import_appendix
from storage.models import (
    Agency,
    Assignment,
    Document,
    ImportRun,
    Item,
    StatusChange,
)
from storage.queries import list_items
from storage.readers import read_source_rows
from tests.appendix_files import WRITERS, seed_layout
from tests.conftest import EXAMPLE_REGISTRY

NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
TABLES = (Item, Assignment, Agency, Document, StatusChange, ImportRun)


async def counts(sessions) -> dict[str, int]:
    async with sessions() as session:
        return {
            table.__name__: (await session.exec(select(func.count()).select_from(table))).one()
            for table in TABLES
        }


async def run_import(sessions, path: Path, dry_run: bool = False):
    async with sessions() as session:
        await session.begin()
        report = await import_appendix(path, 2025, NOW, session=session, dry_run=dry_run)
        await (session.rollback() if dry_run else session.commit())
    return report


async def test_seed_import_counts(sessions, seed_path):
    report = await run_import(sessions, seed_path)
    assert (report.items, report.tasks, report.indicators) == (93, 73, 20)
    assert report.unknown_deadlines == []
    assert report.without_deadline == 20  # the indicators of section I carry no deadline
    stored = await counts(sessions)
    assert stored["Item"] == 93
    assert stored["Document"] == 3
    assert stored["ImportRun"] == 1
    async with sessions() as session:
        kinds = (await session.exec(select(Item.kind, func.count()).group_by(Item.kind))).all()
        assert dict(kinds) == {"task": 73, "indicator": 20}
        codes = (await session.exec(select(Item.code))).all()
        assert len(set(codes)) == 93 and all(code and code[:2] in ("NV", "CT") for code in codes)


async def test_importing_the_same_file_again_changes_nothing(sessions, seed_path):
    await run_import(sessions, seed_path)
    before = await counts(sessions)
    report = await run_import(sessions, seed_path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 93)
    assert report.assignments_created == report.assignments_closed == 0
    after = await counts(sessions)
    assert after == before | {"ImportRun": before["ImportRun"] + 1}


async def test_a_changed_file_updates_items_in_place_and_keeps_history(
        sessions, seed_path, tmp_path):
    await run_import(sessions, seed_path)
    async with transaction(sessions) as session:
        query = select(Item).where(Item.text.startswith("Triển khai bệnh án"))
        item = (await session.exec(query)).one()
        assignment = (await session.exec(
            select(Assignment).where(Assignment.item_id == item.id))).one()
        assignment.status = "in_progress"
        session.add(assignment)
        assert assignment.id is not None
        session.add(StatusChange(assignment_id=assignment.id, at=NOW, actor="focal",
                                 old_status="not_started", new_status="in_progress",
                                 message_text="đang triển khai 60%"))
    edited = tmp_path / "phu-luc-v2.txt"
    edited.write_text(seed_path.read_text(encoding="utf-8").replace(
        "47.\tTriển khai bệnh án điện tử\t", "47.\tTriển khai bệnh án điện tử toàn tỉnh\t"
    ).replace("Sở Y tế\tTháng 9/2025", "Sở Y tế\tQuý IV/2025"), encoding="utf-8")
    report = await run_import(sessions, edited)
    assert (report.created, report.updated) == (0, 1)
    assert any("thời hạn “Tháng 9/2025” → “Quý IV/2025”" in change for change in report.changes)
    async with sessions() as session:
        again = await session.get(Item, item.id)
        assert again.text == "Triển khai bệnh án điện tử toàn tỉnh"
        assert again.due.isoformat() == "2025-12-31"
        kept = await session.get(Assignment, assignment.id)
        assert kept.status == "in_progress"
        history = (await session.exec(select(StatusChange))).all()
        assert [h.message_text for h in history] == ["đang triển khai 60%"]


async def test_dry_run_reports_changes_and_writes_nothing(sessions, seed_path):
    report = await run_import(sessions, seed_path, dry_run=True)
    assert report.created == 93
    assert await counts(sessions) == dict.fromkeys((t.__name__ for t in TABLES), 0)


async def test_registry_expands_groups_into_member_assignments(sessions, seed_path):
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
    await run_import(sessions, seed_path)
    async with sessions() as session:
        items = {i.text: i for i in await list_items(session=session)}
    citizens = items["Xây dựng kế hoạch để mỗi người dân có danh tính số, phương tiện số, "
                     "kỹ năng số và tài khoản số hình thành công dân số"]
    assert citizens.lead_agencies == ["Các sở, ban, ngành"]
    members = {a.agency for a in citizens.assignments}
    assert {"Sở Y tế", "Sở Tư pháp", "Công an tỉnh"} <= members
    assert "Các sở, ban, ngành" not in members
    television = next(i for text, i in items.items() if text.startswith("Xây dựng chương trình "
                                                                         "chuyên biệt"))
    assert television.lead_agencies == ["Báo và Phát thanh, Truyền hình Nghệ An"]
    proposers = next(i for i in items.values() if i.lead_agencies == ["Các đơn vị đề xuất"])
    assert [a.agency for a in proposers.assignments] == ["Các đơn vị đề xuất"]


async def test_groups_the_registry_cannot_expand_are_flagged_at_import(sessions, seed_path):
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
    report = await run_import(sessions, seed_path)
    flagged = {group for _, group in report.unexpanded_groups}
    assert {"Các đơn vị đề xuất", "Các Viện/trường", "Các cơ quan, đơn vị", "Địa phương"} <= (
        flagged)
    assert "Các sở, ban, ngành" not in flagged  # the registry lists its members
    summary = render_import_summary(report)
    assert "Cần phân công cơ quan chủ trì cụ thể" in summary and "“Các Viện/trường”" in summary


async def test_registry_loaded_after_import_reexpands_groups(sessions, seed_path):
    await run_import(sessions, seed_path)
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
    async with sessions() as session:
        query = select(Agency).where(Agency.name == "Các sở, ban, ngành")
        group = (await session.exec(query)).one()
        still_active = (await session.exec(select(func.count()).select_from(Assignment).where(
            Assignment.agency_id == group.id, Assignment.active))).one()
        assert still_active == 0


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".csv"])
def test_other_formats_parse_to_the_same_items_as_the_text(seed_path, tmp_path, suffix):
    path = tmp_path / f"phu-luc{suffix}"
    WRITERS[suffix](seed_layout(seed_path), path)
    expected = parse_appendix(read_source_rows(seed_path), 2025)
    actual = parse_appendix(read_source_rows(path), 2025)

    def comparable(items):
        return [dataclasses.replace(i, lines=()) for i in items]

    assert comparable(actual) == comparable(expected)


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
async def test_office_files_import_like_the_text(sessions, seed_path, tmp_path, suffix):
    path = tmp_path / f"phu-luc{suffix}"
    WRITERS[suffix](seed_layout(seed_path), path)
    report = await run_import(sessions, path)
    assert (report.items, report.tasks, report.indicators) == (93, 73, 20)
    same = await run_import(sessions, seed_path)
    assert (same.created, same.updated, same.unchanged) == (0, 0, 93)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _no_task_column(path: Path) -> None:
    path.write_text("STT\tCơ quan chủ trì\tThời hạn\n1.\tSở Y tế\tQuý IV\n", encoding="utf-8")


def _corrupt_docx(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 this is not really a Word file")


def _latin1_csv(path: Path) -> None:
    path.write_bytes("STT,Nhiệm vụ,Thời hạn\n1,Việc,Quý IV\n".encode("cp1258", "replace") + b"\xff")


@pytest.mark.parametrize(
    ("name", "write", "message"),
    [
        ("empty.txt", _empty, "empty.txt: tệp rỗng"),
        ("bang.txt", _no_task_column, "bang.txt: dòng 1: bảng không có cột nhiệm vụ"),
        ("hong.docx", _corrupt_docx, "hong.docx: tệp .docx bị hỏng hoặc không phải tệp Word"),
        ("windows.csv", _latin1_csv, "windows.csv: tệp .csv không ở mã UTF-8"),
    ],
)
async def test_broken_inputs_fail_in_one_line_and_change_nothing(
        sessions, seed_path, tmp_path, name, write, message):
    await run_import(sessions, seed_path)
    before = await counts(sessions)
    path = tmp_path / name
    write(path)
    with pytest.raises(ImportFailed) as failure:
        await run_import(sessions, path)
    assert str(failure.value).startswith(message)
    assert "\n" not in str(failure.value)
    assert await counts(sessions) == before


async def test_a_bad_row_rolls_back_the_whole_import(sessions, seed_path, tmp_path):
    broken = tmp_path / "broken.txt"
    shutil.copy(seed_path, broken)
    with broken.open("a", encoding="utf-8") as handle:
        handle.write("\n74.\t\tKế hoạch 331-KH/TU, ngày 28/4/2025\tVăn phòng Tỉnh ủy\tQuý IV\n")
    with pytest.raises(ImportFailed, match="nhiệm vụ số 74 không có nội dung"):
        await run_import(sessions, broken)
    assert await counts(sessions) == dict.fromkeys((t.__name__ for t in TABLES), 0)
