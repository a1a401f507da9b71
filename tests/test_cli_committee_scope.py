"""`--committee` on tasks, export, thoihan, digest and remind --dry-run: one committee's output
never carries another's items, figures, files or people (issue #22)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app
from tests.commune import commune_appendix
from tests.conftest import EXAMPLE_APPENDIX

runner = CliRunner()
# Công an tỉnh serves both committees; Ủy ban nhân dân xã Hưng Nguyên only the commune's.
COMMUNE_APPENDIX = commune_appendix("UBND xã Hưng Nguyên")
COMMUNE = "Hưng Nguyên"
SEVERAL = "Có nhiều Ban Chỉ đạo: hãy chọn một bằng --committee MÃ.\n"
PEOPLE = """INSERT INTO focal_person (agency_id, role, channel, chat_id, name, active, reachable,
    linked_at, committee_id) VALUES
    ((SELECT id FROM agency WHERE name = 'Công an tỉnh'), 'focal', 'telegram', '102',
     'Trần Văn Nam', 1, 1, '2025-09-01 00:00:00', NULL),
    (NULL, 'secretariat', 'telegram', '900', 'VP tỉnh', 1, 1, '2025-09-01 00:00:00', NULL),
    (NULL, 'secretariat', 'telegram', '901', 'VP xã', 1, 1, '2025-09-01 00:00:00', 2)"""


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example appendix in the default committee (bcd), a commune (xa) with its own two
    items, Công an tỉnh's focal person and each committee's secretariat; built once."""
    folder = tmp_path_factory.mktemp("two")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{folder / 'cli.db'}")
        commune = folder / "phu-luc-xa.txt"
        commune.write_text(COMMUNE_APPENDIX, encoding="utf-8")
        for args in (("import", str(EXAMPLE_APPENDIX), "--year", "2025"),
                     ("committee", "add", "xa", "BCĐ xã Hưng Nguyên", "--short", "Xã",
                      "--parent", "bcd"),
                     ("import", str(commune), "--committee", "xa", "--year", "2025")):
            done = invoke(*args)
            assert done.exit_code == 0, done.output
    with sqlite3.connect(folder / "cli.db") as db:
        db.execute(PEOPLE)
    yield folder / "cli.db"


@pytest.fixture
def database(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "cli.db"
    # The backup API, not a file copy: the last writes may still sit in the WAL file.
    with sqlite3.connect(built) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{copy}")
    monkeypatch.delenv("DONDOC_TELEGRAM_TOKEN", raising=False)
    return copy


@pytest.mark.parametrize("args", [
    ("tasks",), ("export",), ("thoihan", "NV1", "30/11/2025"), ("digest",),
    ("remind", "--dry-run", "--today", "2025-09-22")])
def test_with_two_committees_each_command_asks_which(database, args):
    unsure = invoke(*args)
    assert (unsure.exit_code, unsure.stderr) == (2, SEVERAL)
    unknown = invoke(*args, "--committee", "khong-co")
    assert (unknown.exit_code, unknown.stderr) == (
        2, "Không tìm thấy Ban Chỉ đạo mã “khong-co”.\n")


def test_tasks_and_export_list_one_committees_items(database):
    commune = invoke("tasks", "--committee", "xa")
    assert commune.exit_code == 0, commune.output
    assert commune.output.endswith("\n2 mục.\n")
    province = invoke("tasks", "--committee", "bcd")
    assert province.output.endswith("\n93 mục.\n") and COMMUNE not in province.output
    police = invoke("tasks", "--committee", "xa", "--agency", "Công an tỉnh")
    assert police.output.endswith("\nCông an tỉnh: 1 mục.\n")
    exported = json.loads(invoke("export", "--committee", "xa").stdout)
    assert [(i["code"], i["lead_agencies"]) for i in exported] == [
        ("NV1", ["Công an tỉnh"]), ("NV2", ["Ủy ban nhân dân xã Hưng Nguyên"])]
    rows = list(csv.reader(io.StringIO(invoke("export", "--committee", "bcd", "--format",
                                              "csv").stdout)))
    assert len(rows) == 1 + 93 and not any(COMMUNE in cell for row in rows for cell in row)


def test_thoihan_changes_the_chosen_committees_item_only(database):
    changed = invoke("thoihan", "NV1", "30/11/2025", "--committee", "xa")
    assert changed.output == ("Đã đặt thời hạn NV1: 30/11/2025 (trước đây: “Tháng 7/2025”). "
                              "Nhắc việc theo thời hạn mới.\n")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT committee_id, due FROM item WHERE code = 'NV1' ORDER BY "
                          "committee_id").fetchall() == [(1, "2025-06-30"), (2, "2025-11-30")]


def test_digest_writes_one_committees_files_named_by_its_code(database, tmp_path):
    written = invoke("digest", "--committee", "xa", "--today", "2025-10-03", "--out", "out")
    assert written.exit_code == 0, written.output
    key = "2025-09-29_2025-10-05"
    assert written.output == (
        "Đã ghi Báo cáo tiến độ thực hiện Nghị quyết 57-NQ/TW tuần 40 (29/09–05/10/2025) – "
        "BCĐ xã Hưng Nguyên:\n"
        f"- out/bao-cao-tien-do-{key}-xa.txt\n- out/bieu-do-tien-do-{key}-xa.png\n"
        f"- out/tien-do-nhiem-vu-{key}-xa.xlsx\n")
    text = (tmp_path / "out" / f"bao-cao-tien-do-{key}-xa.txt").read_text(encoding="utf-8")
    assert "I. NHIỆM VỤ: 2 nhiệm vụ" in text and "• 5-KH/UBND: 2 / 0 (0%) / 2 / 0 / 0 / 0" in text
    province = invoke("digest", "--committee", "bcd", "--today", "2025-10-03", "--out", "out")
    assert province.exit_code == 0, province.output
    other = (tmp_path / "out" / f"bao-cao-tien-do-{key}-bcd.txt").read_text(encoding="utf-8")
    assert COMMUNE not in other and "5-KH/UBND" not in other
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{stem}-{key}-{code}.{ext}" for code in ("bcd", "xa") for stem, ext in (
            ("bao-cao-tien-do", "txt"), ("bieu-do-tien-do", "png"),
            ("tien-do-nhiem-vu", "xlsx")))


def test_remind_dry_run_shows_one_committees_lines_and_says_a_message_is_cut(database):
    commune = invoke("remind", "--dry-run", "--today", "2025-09-22", "--committee", "xa")
    assert commune.exit_code == 0, commune.output
    lines = commune.output.splitlines()
    assert lines[:2] == [
        "Ban Chỉ đạo: BCĐ xã Hưng Nguyên (mã xa)",
        "Lưu ý: 1 tin nhắn gửi cơ quan còn gồm việc của Ban Chỉ đạo khác; ở đây chỉ hiện các "
        "dòng của BCĐ xã Hưng Nguyên."]
    # The shared agency's person: only the commune's line of their one message.
    assert [line for line in lines if line.startswith("• ")] == [
        "• NV1 – Số hóa hồ sơ hộ tịch của xã Hưng Nguyên (hạn 31/07/2025, quá hạn 53 ngày)",
        "• NV1 – Số hóa hồ sơ hộ tịch của xã Hưng Nguyên (hạn 31/07/2025, quá hạn 35 ngày "
        "làm việc)",
        "• NV2 – Lắp camera giám sát tại trụ sở xã Hưng Nguyên (hạn 31/07/2025, quá hạn 35 ngày "
        "làm việc)",
        "• NV2 – Lắp camera giám sát tại trụ sở xã Hưng Nguyên (hạn 31/07/2025, quá hạn 53 "
        "ngày)"]
    assert [line for line in lines if line.startswith("=== ")] == [
        "=== focal #1 Trần Văn Nam · telegram:102", "=== secretariat #3 VP xã · telegram:901",
        "=== secretariat · telegram:901"]
    assert "900" not in commune.output and "VP tỉnh" not in commune.output
    province = invoke("remind", "--dry-run", "--today", "2025-09-22", "--committee", "bcd")
    assert province.exit_code == 0, province.output
    assert COMMUNE not in province.output and "901" not in province.output
    assert "=== secretariat #2 VP tỉnh · telegram:900" in province.output


def test_remind_takes_a_committee_only_for_a_dry_run(database):
    sent = invoke("remind", "--committee", "xa")
    assert (sent.exit_code, sent.stderr) == (
        2, "--committee chỉ dùng cùng --dry-run (lần quét thật nhắc việc của mọi Ban Chỉ đạo "
           "cùng lúc, mỗi người một tin).\n")


def test_remind_reads_the_day_from_dondoc_clock_start(database, monkeypatch):
    monkeypatch.setenv("DONDOC_CLOCK_START", "2025-09-22T09:00:00+07:00")
    planned = invoke("remind", "--dry-run", "--committee", "xa")
    assert planned.output == invoke("remind", "--dry-run", "--committee", "xa", "--today",
                                    "2025-09-22").output
    scanned = invoke("remind")
    assert scanned.exit_code == 0, scanned.output
    assert scanned.output.startswith("Quét ngày 22/09/2025: ")
    assert scanned.output.endswith(
        "Chưa cấu hình DONDOC_TELEGRAM_TOKEN: tin nhắn nằm chờ trong hàng đợi.\n")
