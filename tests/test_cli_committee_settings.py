"""`dondoc committee set|show`: a committee's own settings, checked, stored, shown (issue #22)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("DONDOC_ESCALATE_AFTER", "12")
    return tmp_path / "cli.db"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def stored(database: Path, code: str) -> dict[str, object] | None:
    with sqlite3.connect(database) as db:
        [text] = db.execute("SELECT settings FROM committee WHERE code = ?", (code,)).fetchone()
    return json.loads(text) if text else None


def test_set_stores_checked_values_and_show_marks_them(database):
    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("committee", "add", "xa", "BCĐ xã Hưng Nguyên", "--parent", "bcd").exit_code == 0
    done = invoke("committee", "set", "xa", "--escalate-after", "5", "--remind-before", "3, 0",
                  "--digest-cron", "0 9 * * wed", "--weekly-day", "tue")
    assert done.exit_code == 0, done.output
    assert stored(database, "xa") == {"escalate_after": 5, "remind_before": [3, 0],
                                      "digest_cron": "0 9 * * wed", "weekly_day": "tue"}
    assert stored(database, "bcd") is None  # the default committee keeps the deployment's
    shown = invoke("committee", "show", "xa").output
    assert "escalate-after: 5  [riêng]" in shown
    assert "remind-before: 3,0  [riêng]" in shown
    assert "escalate-every: 10  [chung (DONDOC_ESCALATE_EVERY)]" in shown
    # Unset knobs show the deployment's value, read from the environment.
    assert "escalate-after: 12  [chung (DONDOC_ESCALATE_AFTER)]" in invoke(
        "committee", "show", "bcd").output
    again = invoke("committee", "set", "xa", "--reset", "escalate-after", "--reset", "weekly-day")
    assert again.exit_code == 0, again.output
    assert stored(database, "xa") == {"remind_before": [3, 0], "digest_cron": "0 9 * * wed"}
    assert invoke("committee", "set", "xa", "--reset", "all").exit_code == 0
    assert stored(database, "xa") is None


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--escalate-after", "0", "--escalate-after phải là số nguyên từ 1 trở lên (nhận “0”)"),
    ("--escalate-after", "năm", "--escalate-after phải là số nguyên"),
    ("--digest-every-weeks", "5", "--digest-every-weeks phải là số nguyên không quá 4"),
    ("--weekly-day", "sat", "--weekly-day phải là một trong: 'mon', 'tue', 'wed', 'thu' hoặc"),
    ("--digest-cron", "0 25 * * fri", "--digest-cron không phải một dòng lịch cron hợp lệ"),
    ("--remind-before", "7,-1", "--remind-before cần các số ngày làm việc không âm"),
    ("--ongoing-every", "daily", "--ongoing-every phải là một trong"),
])
def test_a_bad_value_is_refused_in_one_sentence_and_nothing_is_stored(database, option, value,
                                                                      said):
    assert invoke("db", "upgrade").exit_code == 0
    assert invoke("committee", "set", "bcd", "--escalate-after", "4").exit_code == 0
    refused = invoke("committee", "set", "bcd", option, value, "--escalate-every", "3")
    assert refused.exit_code == 1
    assert said in refused.stderr and refused.stderr.startswith("Không lưu: ")
    assert len(refused.stderr.strip().splitlines()) == 1
    assert stored(database, "bcd") == {"escalate_after": 4}


def test_unknown_committee_knob_or_nothing_to_do_are_refused(database):
    assert invoke("db", "upgrade").exit_code == 0
    assert "Không tìm thấy Ban Chỉ đạo mã “xa”" in invoke(
        "committee", "set", "xa", "--escalate-after", "3").stderr
    assert "Chưa có gì để đổi" in invoke("committee", "set", "bcd").stderr
    assert "Không có thiết lập “foo”" in invoke("committee", "set", "bcd", "--reset", "foo").stderr
