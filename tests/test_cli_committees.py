"""`dondoc committee add`, `import --committee` and secretariat codes for a committee."""

from __future__ import annotations

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
    return tmp_path / "cli.db"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_one_committee_needs_no_option_and_two_need_one(database):
    assert invoke("import", str(EXAMPLE_APPENDIX)).exit_code == 0
    added = invoke("committee", "add", "xa", "BCĐ xã Hưng Nguyên", "--parent", "bcd")
    assert added.exit_code == 0, added.output
    assert "Đã thêm BCĐ xã Hưng Nguyên (mã xa)." in added.output
    unsure = invoke("import", str(EXAMPLE_APPENDIX))
    assert unsure.exit_code == 2 and "--committee" in unsure.stderr
    # The same appendix in the commune: its own items, same codes.
    again = invoke("import", str(EXAMPLE_APPENDIX), "--committee", "xa")
    assert again.exit_code == 0 and "Mới: 93" in again.output
    unknown = invoke("import", str(EXAMPLE_APPENDIX), "--committee", "khong-co")
    assert unknown.exit_code == 2 and "khong-co" in unknown.stderr
    code = invoke("admin", "bootstrap", "--committee", "xa")
    assert code.exit_code == 0, code.output
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT committee_id, COUNT(*) FROM item GROUP BY committee_id"
                          ).fetchall() == [(1, 93), (2, 93)]
        assert db.execute("SELECT role, committee_id FROM invite").fetchall() == [
            ("secretariat", 2)]
        assert db.execute("SELECT code, parent_id FROM committee ORDER BY id").fetchall() == [
            ("bcd", None), ("xa", 1)]
