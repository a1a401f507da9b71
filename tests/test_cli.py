"""The dondoc command line, run as a user would, on a SQLite file."""

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path / "cli.db"


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_import_prints_the_summary_and_is_idempotent():
    first = invoke("import", str(EXAMPLE_APPENDIX))
    assert first.exit_code == 0, first.output
    assert "93 mục: 73 nhiệm vụ, 20 chỉ tiêu" in first.output
    assert "Thời hạn chưa hiểu được: 0" in first.output
    again = invoke("import", str(EXAMPLE_APPENDIX))
    assert "Mới: 0 · Cập nhật: 0 · Không đổi: 93" in again.output


def test_dry_run_writes_nothing():
    result = invoke("import", str(EXAMPLE_APPENDIX), "--dry-run")
    assert result.exit_code == 0
    assert "Chạy thử" in result.output
    exported = invoke("export", "--format", "json")
    assert json.loads(exported.stdout) == []


def test_export_json_has_every_item_with_its_deadline():
    invoke("agencies", "import", str(EXAMPLE_REGISTRY))
    invoke("import", str(EXAMPLE_APPENDIX))
    result = invoke("export", "--format", "json")
    items = json.loads(result.stdout)
    assert len(items) == 93
    expected_keys = {"number", "kind", "section", "text", "document", "lead_agencies",
                     "support_agencies", "deadline", "assessment"}
    assert all(expected_keys <= item.keys() for item in items)
    ehr = next(i for i in items if i["text"] == "Triển khai bệnh án điện tử")
    assert ehr["number"] == "47" and ehr["kind"] == "task"
    assert ehr["deadline"] == {"raw": "Tháng 9/2025", "kind": "date", "due": "2025-09-30",
                               "every": None, "period_day": None}
    assert ehr["lead_agencies"] == ["Sở Y tế"]
    assert ehr["document"] == "Chương trình 01-CTr/BCĐ, ngày 10/6/2025"


def test_export_csv_and_xlsx(tmp_path):
    invoke("import", str(EXAMPLE_APPENDIX))
    csv_out = tmp_path / "items.csv"
    assert invoke("export", "--format", "csv", "--out", str(csv_out)).exit_code == 0
    assert csv_out.read_text(encoding="utf-8-sig").count("\n") >= 94
    xlsx_out = tmp_path / "items.xlsx"
    assert invoke("export", "--format", "xlsx", "--out", str(xlsx_out)).exit_code == 0
    sheet = load_workbook(xlsx_out).active
    assert sheet is not None
    assert sheet.max_row == 94
    assert sheet.freeze_panes == "A2"


def test_tasks_lists_one_agency():
    invoke("import", str(EXAMPLE_APPENDIX))
    result = invoke("tasks", "--agency", "sở y tế")
    assert result.exit_code == 0
    assert "NV" in result.output and "4 mục." in result.output
    unknown = invoke("tasks", "--agency", "Sở Không Có")
    assert unknown.exit_code == 1
    assert "Không tìm thấy cơ quan" in unknown.stderr


def test_a_broken_file_gives_one_line_and_exit_code_1(tmp_path):
    empty = tmp_path / "rong.docx"
    empty.write_bytes(b"")
    result = invoke("import", str(empty))
    assert result.exit_code == 1
    assert result.stderr.strip() == "Lỗi: rong.docx: tệp rỗng"


def test_a_bad_setting_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DONDOC_TIMEZONE", "Mars/Olympus")
    result = invoke("import", str(EXAMPLE_APPENDIX))
    assert result.exit_code == 2
    assert "DONDOC_TIMEZONE" in result.stderr


def test_an_outdated_database_is_refused(database):
    import sqlite3

    invoke("import", str(EXAMPLE_APPENDIX))
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    refused = invoke("tasks")
    assert refused.exit_code == 1
    assert "dondoc db upgrade" in refused.stderr


def test_run_without_a_token_says_how_to_get_one(monkeypatch):
    monkeypatch.delenv("DONDOC_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("DONDOC_ZALO_TOKEN", raising=False)
    result = invoke("run")
    assert result.exit_code == 2
    assert "@BotFather" in result.stderr and "dondoc demo" in result.stderr
    assert "Zalo Bot Manager" in result.stderr and "DONDOC_ZALO_TOKEN" in result.stderr


def test_run_with_a_zalo_webhook_needs_its_url_and_secret(monkeypatch):
    monkeypatch.delenv("DONDOC_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("DONDOC_ZALO_TOKEN", "123:abc")
    result = invoke("run", "--webhook")
    assert result.exit_code == 2 and "DONDOC_ZALO_WEBHOOK_SECRET" in result.stderr


def test_invite_prints_a_code_and_the_deep_link(monkeypatch):
    monkeypatch.setenv("DONDOC_TELEGRAM_BOT_USERNAME", "dondoc_nghean_bot")
    invoke("agencies", "import", str(EXAMPLE_REGISTRY))
    result = invoke("invite", "Sở Y tế", "--role", "leader")
    assert result.exit_code == 0, result.output
    first_line, _, rest = result.stdout.partition("\n")
    assert first_line.startswith("Mã mời cho lãnh đạo của Sở Y tế: ")
    code = first_line.rsplit(" ", 1)[1]
    assert f"https://t.me/dondoc_nghean_bot?start={code}" in rest
    unknown = invoke("invite", "Sở Không Có")
    assert unknown.exit_code == 1 and "không tìm thấy cơ quan" in unknown.stderr


def test_admin_bootstrap_prints_a_secretariat_code():
    result = invoke("admin", "bootstrap")
    assert result.exit_code == 0
    assert result.stdout.startswith("Mã mời cho Cơ quan thường trực: ")
