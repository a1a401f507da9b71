"""`dondoc thoihan`: the command-line twin of /thoihan, on a SQLite file."""

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import EXAMPLE_APPENDIX

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert runner.invoke(app, ["import", str(EXAMPLE_APPENDIX)]).exit_code == 0
    return tmp_path / "cli.db"


def code_of(database: Path, raw: str) -> str:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT code FROM item WHERE deadline_raw = ? ORDER BY id",
                                  (raw,)).fetchone()[0]


def test_sets_a_deadline_audited_with_the_login(database):
    code = code_of(database, "Theo tiến độ TW")
    result = runner.invoke(app, ["thoihan", code, "hằng", "quý,", "trước", "ngày", "15",
                                 "tháng", "cuối", "quý", "--by", "Chánh Văn phòng"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Đã đặt thời hạn {code}: định kỳ hằng quý, ngày 15 tháng "
                                    "thứ 3 của quý (trước đây: “Theo tiến độ TW”)")
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT deadline_kind, every, period_day FROM item "
                                    "WHERE code = ?", (code,)).fetchone()
        audit = connection.execute("SELECT by, via, typed, old_raw FROM deadline_change"
                                   ).fetchall()
    assert stored == ("recurring", "quarterly", "m3d15")
    assert audit == [("Chánh Văn phòng", "cli", "hằng quý, trước ngày 15 tháng cuối quý",
                      "Theo tiến độ TW")]
    exported = json.loads(runner.invoke(app, ["export", "--format", "json"]).stdout)
    assert next(item["deadline"] for item in exported if item["code"] == code) == {
        "raw": "hằng quý, trước ngày 15 tháng cuối quý", "kind": "recurring", "due": None,
        "every": "quarterly", "period_day": "m3d15"}
    default = runner.invoke(app, ["thoihan", code, "30/11/2025"])
    assert default.exit_code == 0, default.output
    with sqlite3.connect(database) as connection:
        by = connection.execute("SELECT by FROM deadline_change ORDER BY id DESC").fetchone()[0]
    assert by.startswith("cli")


def test_an_unreadable_deadline_is_one_line_and_exit_code_1(database):
    code = code_of(database, "Quý IV")
    result = runner.invoke(app, ["thoihan", code, "sớm"])
    assert result.exit_code == 1
    assert result.output.startswith("Lỗi: Chưa hiểu thời hạn “sớm”.")
    missing = runner.invoke(app, ["thoihan", "NV99999", "30/11/2025"])
    assert (missing.exit_code, missing.output) == (
        1, "Lỗi: Không có nhiệm vụ hay chỉ tiêu mã NV99999.\n")
