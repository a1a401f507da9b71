"""`dondoc digest`: the period's text, chart and workbook written to a folder, nothing sent."""

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY

runner = CliRunner()
KEY = "2025-11-17_2025-11-23"


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path / "cli.db"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_digest_writes_three_files_and_sends_nothing(database, tmp_path):
    assert invoke("agencies", "import", str(EXAMPLE_REGISTRY)).exit_code == 0
    assert invoke("import", str(EXAMPLE_APPENDIX)).exit_code == 0
    out = tmp_path / "bao-cao"
    result = invoke("digest", "--today", "2025-11-21", "--out", str(out))
    assert result.exit_code == 0, result.output
    text = (out / f"bao-cao-tien-do-{KEY}.txt").read_text(encoding="utf-8")
    assert text.startswith("Báo cáo tiến độ thực hiện Nghị quyết 57-NQ/TW tuần 47"
                           " (17/11–23/11/2025)\n")
    assert "I. NHIỆM VỤ: 73 nhiệm vụ" in text and "II. CHỈ TIÊU: 20 chỉ tiêu" in text
    with Image.open(out / f"bieu-do-tien-do-{KEY}.png") as image:
        assert image.format == "PNG"
    sheet = load_workbook(out / f"tien-do-nhiem-vu-{KEY}.xlsx", read_only=True)["Phụ lục"]
    codes = [row[1] for row in sheet.iter_rows(values_only=True)
             if len(row) > 1 and row[1] and row[1] != "Mã"]
    assert len(codes) == 93
    assert str(out / f"tien-do-nhiem-vu-{KEY}.xlsx") in result.output
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
        assert connection.execute("SELECT count(*) FROM digest_run").fetchone() == (0,)


def test_a_bad_day_is_refused_in_one_line():
    result = invoke("digest", "--today", "21/11/2025")
    assert result.exit_code == 1
    assert "Ngày không hợp lệ" in result.output
