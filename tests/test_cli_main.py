"""The command line's own checks and failure edges, run in this process on a SQLite file."""

from __future__ import annotations

import importlib.metadata
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import WEBHOOK_SECRET_RULE, _webhook_problem, app, command_edge
from config import Settings
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY
from tests.test_cli_edges import free_port

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(monkeypatch, tmp_path) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TOKEN", "BASE_URL", "BOT_USERNAME"):
        monkeypatch.delenv(f"DONDOC_TELEGRAM_{name}", raising=False)
    monkeypatch.delenv("DONDOC_ZALO_TOKEN", raising=False)
    monkeypatch.delenv("DONDOC_LOG_LEVEL", raising=False)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path / "cli.db"


@pytest.fixture
def root_logging() -> Iterator[None]:
    """`dondoc run` configures the root logger (force=True): put pytest's handlers back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_version_is_the_installed_one_or_says_not_installed(monkeypatch):
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (
        0, f"dondoc {importlib.metadata.version('dondoc')}\n")

    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert invoke("--version").stdout == "dondoc (chưa cài đặt)\n"


# (cli/database.py gives aiosqlite's worker thread a moment to finish before the loop closes,
# so no traceback comes above the sentence; not asserted here: on a loaded machine the thread
# may take longer than that moment, and a test must not depend on the machine's speed.)
def test_a_database_that_cannot_be_opened_is_one_sentence_and_debug_adds_the_traceback(
        monkeypatch, tmp_path):
    path = tmp_path / "khong-co" / "dondoc.db"
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{path}")
    sentence = (f"Không mở được cơ sở dữ liệu SQLite {path}: kiểm tra thư mục chứa nó có tồn tại "
                "và ghi được, hoặc sửa đường dẫn trong DONDOC_DATABASE_URL.")
    plain = invoke("tasks")
    assert (plain.exit_code, plain.stderr) == (1, sentence + "\n")
    debug = invoke("--debug", "tasks")
    assert debug.exit_code == 1
    assert debug.stderr.startswith("Traceback") and "ServiceUnavailable" in debug.stderr
    assert debug.stderr.endswith(sentence + "\n")


def test_a_read_only_database_found_at_the_first_write_is_one_sentence(monkeypatch, database):
    assert invoke("agencies", "import", str(EXAMPLE_REGISTRY)).exit_code == 0
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///file:{database}?mode=ro&uri=true")
    result = invoke("import", str(EXAMPLE_APPENDIX))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Không ghi được vào cơ sở dữ liệu SQLite {database}: tệp chỉ cho đọc; kiểm tra quyền ghi "
        f"tệp đó và thư mục {database.parent} (SQLite tạo thêm tệp -wal, -shm bên cạnh) hoặc đặt "
        "DONDOC_DATABASE_URL sang tệp khác.\n")
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM item").fetchone() == (0,)


def test_an_error_of_ours_keeps_its_traceback():
    settings = Settings(database_url="sqlite://", _env_file=None)
    with pytest.raises(KeyError), command_edge(settings):
        raise KeyError("ours")
    # A driver error that is not the database being unusable is ours too.
    with pytest.raises(sqlite3.IntegrityError), command_edge(settings):
        raise sqlite3.IntegrityError("UNIQUE constraint failed")


def test_committee_add_refuses_a_taken_code_and_an_unknown_parent():
    taken = invoke("committee", "add", "bcd", "Ban khác")
    assert (taken.exit_code, taken.stderr) == (1, "Đã có Ban Chỉ đạo mã “bcd”.\n")
    orphan = invoke("committee", "add", "xa", "BCĐ xã", "--parent", "huyen")
    assert (orphan.exit_code, orphan.stderr) == (1, "Không tìm thấy Ban Chỉ đạo mã “huyen”.\n")
    listed = invoke("committee", "add", "xa", "BCĐ xã", "--parent", "bcd")
    assert (listed.exit_code, listed.stdout) == (0, "Đã thêm BCĐ xã (mã xa).\n")


def test_export_xlsx_needs_a_file():
    result = invoke("export", "--format", "xlsx")
    assert (result.exit_code, result.stderr) == (1, "XLSX cần --out TỆP.xlsx\n")


def test_admin_committee_prints_a_leader_code():
    result = invoke("admin", "committee")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Mã mời cho lãnh đạo Ban Chỉ đạo: ")
    unknown = invoke("admin", "committee", "--committee", "khong-co")
    assert (unknown.exit_code, unknown.stderr) == (
        1, "Lỗi: không tìm thấy Ban Chỉ đạo mã “khong-co”\n")


@pytest.mark.parametrize(("env", "problem"), [
    ({"DONDOC_TELEGRAM_TOKEN": "123:abc"},
     f"--webhook cần DONDOC_WEBHOOK_URL và DONDOC_WEBHOOK_SECRET ({WEBHOOK_SECRET_RULE})."),
    ({"DONDOC_TELEGRAM_TOKEN": "123:abc", "DONDOC_WEBHOOK_URL": "https://example.org/hook",
      "DONDOC_WEBHOOK_SECRET": "ngắn quá"},
     f"DONDOC_WEBHOOK_SECRET không dùng được: Telegram chỉ nhận mã bí mật {WEBHOOK_SECRET_RULE} "
     "(hiện dài 8 ký tự)."),
    ({"DONDOC_ZALO_TOKEN": "123:abc", "DONDOC_ZALO_WEBHOOK_URL": "https://example.org/zalo"},
     "--webhook với Zalo cần DONDOC_ZALO_WEBHOOK_URL (https://…) và DONDOC_ZALO_WEBHOOK_SECRET "
     "(8–256 ký tự)."),
    ({"DONDOC_ZALO_TOKEN": "123:abc", "DONDOC_ZALO_WEBHOOK_URL": "https://example.org/zalo",
      "DONDOC_ZALO_WEBHOOK_SECRET": "ngắn"},
     "DONDOC_ZALO_WEBHOOK_SECRET cần dài 8–256 ký tự (hiện 4)."),
    ({"DONDOC_ZALO_TOKEN": "123:abc", "DONDOC_ZALO_WEBHOOK_URL": "https://example.org/zalo",
      "DONDOC_ZALO_WEBHOOK_SECRET": "x" * 257},
     "DONDOC_ZALO_WEBHOOK_SECRET cần dài 8–256 ký tự (hiện 257)."),
], ids=["telegram-unset", "telegram-short", "zalo-unset", "zalo-short", "zalo-long"])
def test_run_webhook_names_what_is_missing_before_starting(monkeypatch, env, problem):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = invoke("run", "--webhook")
    assert (result.exit_code, result.stderr) == (2, problem + "\n")


def test_run_with_an_unreachable_telegram_api_is_one_sentence(monkeypatch, root_logging):
    port = free_port()
    monkeypatch.setenv("DONDOC_TELEGRAM_TOKEN", "123456:secret-token")
    monkeypatch.setenv("DONDOC_TELEGRAM_BASE_URL", f"http://127.0.0.1:{port}/bot")
    monkeypatch.setenv("DONDOC_WEBHOOK_PORT", str(free_port()))
    result = invoke("run")
    assert (result.exit_code, result.stderr.splitlines()[-1]) == (
        1, f"Không kết nối được Telegram Bot API tại http://127.0.0.1:{port}: kiểm tra mạng, "
           "tường lửa hoặc proxy của máy này và DONDOC_TELEGRAM_BASE_URL.")
    assert "secret-token" not in result.output


def test_run_webhook_with_everything_set_finds_nothing_missing():
    settings = Settings(database_url="sqlite://", telegram_token="123:abc",
                        webhook_url="https://example.org/hook",
                        webhook_secret="telegram-secret-0123456789", zalo_token="456:def",
                        zalo_webhook_url="https://example.org/zalo",
                        zalo_webhook_secret="zalo-secret", _env_file=None)
    assert _webhook_problem(settings) is None
