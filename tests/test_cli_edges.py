"""The command's edges as a newcomer meets them: services out of reach, settings, first steps."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from sandbox import running_sandbox
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY, PG_URL

DONDOC = Path(sys.executable).parent / "dondoc"
HEAVY = ("matplotlib", "alembic", "telegram", "openpyxl", "docx", "aiohttp", "apscheduler",
         "httpx", "holidays")
runner = CliRunner()


def free_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dondoc(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`dondoc ARGS` in a child process, as typed in a terminal, with these DONDOC_* set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DONDOC_")}
    return subprocess.run([str(DONDOC), *args], cwd=cwd, env={**clean, **env}, text=True,
                          encoding="utf-8", capture_output=True, timeout=120, check=False)


def assert_one_sentence(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """Exit code 1, no traceback, and stderr's last line holding every expected piece."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr, result.stderr
    sentence = result.stderr.strip().splitlines()[-1]
    for piece in expected:
        assert piece in sentence, sentence
    return sentence


def test_a_closed_postgresql_port_is_one_sentence(tmp_path):
    port = free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}/x"
    for command in (["tasks"], ["db", "upgrade"], ["import", str(EXAMPLE_APPENDIX)], ["run"]):
        result = dondoc(*command, cwd=tmp_path, DONDOC_DATABASE_URL=url,
                        DONDOC_TELEGRAM_TOKEN="123456:abc")
        assert result.stderr.count("\n") == 1, result.stderr
        assert_one_sentence(result, "Không kết nối được PostgreSQL", f"127.0.0.1:{port}", url)


def test_debug_adds_the_traceback(tmp_path):
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/x"
    flagged = dondoc("--debug", "tasks", cwd=tmp_path, DONDOC_DATABASE_URL=url)
    by_level = dondoc("tasks", cwd=tmp_path, DONDOC_DATABASE_URL=url, DONDOC_LOG_LEVEL="DEBUG")
    for result in (flagged, by_level):
        assert result.returncode == 1
        assert "Traceback" in result.stderr and "ConnectionRefusedError" in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("Không kết nối được PostgreSQL")


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL run skipped: set DONDOC_TEST_DATABASE_URL "
                                       "(e.g. postgresql://postgres@127.0.0.1:5432/test)")
def test_a_missing_postgresql_database_is_one_sentence(tmp_path):
    from sqlalchemy.engine import make_url

    assert PG_URL is not None
    url = make_url(PG_URL).set(drivername="postgresql", database="dondoc_never_created",
                               password="hunter2")
    shown = url.render_as_string(hide_password=True)
    result = dondoc("tasks", cwd=tmp_path,
                    DONDOC_DATABASE_URL=url.render_as_string(hide_password=False))
    sentence = assert_one_sentence(result, "“dondoc_never_created” chưa có", shown, "createdb")
    assert "hunter2" not in result.stderr + sentence


def test_a_read_only_sqlite_file_is_one_sentence(tmp_path):
    path = tmp_path / "chi-doc.db"
    made = dondoc("agencies", "import", str(EXAMPLE_REGISTRY), cwd=tmp_path,
                  DONDOC_DATABASE_URL=f"sqlite:///{path}")
    assert made.returncode == 0, made.stderr
    # Root ignores file modes, so the file is opened read-only the way SQLite allows it.
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    listed = dondoc("tasks", cwd=tmp_path, DONDOC_DATABASE_URL=read_only)
    assert listed.returncode == 0, listed.stderr
    result = dondoc("import", str(EXAMPLE_APPENDIX), cwd=tmp_path, DONDOC_DATABASE_URL=read_only)
    assert_one_sentence(result, "Không ghi được vào cơ sở dữ liệu SQLite", str(path),
                        "chỉ cho đọc")
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM item").fetchone() == (0,)


def test_an_unreachable_telegram_api_stops_run_with_one_sentence(tmp_path):
    port = free_port()
    result = dondoc("run", cwd=tmp_path, DONDOC_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
                    DONDOC_TELEGRAM_TOKEN="123456:secret-token",
                    DONDOC_TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot")
    assert_one_sentence(result, "Không kết nối được Telegram Bot API", f"127.0.0.1:{port}")
    assert "secret-token" not in result.stderr


async def test_a_refused_telegram_token_stops_run_with_one_sentence(tmp_path):
    async with running_sandbox() as sandbox:  # answers 401 to any other token, as Telegram does
        result = await asyncio.to_thread(
            dondoc, "run", cwd=tmp_path, DONDOC_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
            DONDOC_TELEGRAM_TOKEN="999:not-the-token", DONDOC_TELEGRAM_BASE_URL=sandbox.base_url)
        assert [call.method for call in sandbox.take_rejections()] == ["getMe"]
    assert_one_sentence(result, "Telegram từ chối DONDOC_TELEGRAM_TOKEN", "@BotFather")
    assert "not-the-token" not in result.stderr


def test_the_webhook_secret_is_checked_by_run_only_in_words(tmp_path):
    env = {"DONDOC_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "DONDOC_WEBHOOK_SECRET": "ngắn quá", "DONDOC_TELEGRAM_TOKEN": "123:abc",
           "DONDOC_WEBHOOK_URL": "https://example.org/hook"}
    assert dondoc("tasks", cwd=tmp_path, **env).returncode == 0
    result = dondoc("run", "--webhook", cwd=tmp_path, **env)
    assert result.returncode == 2
    assert "DONDOC_WEBHOOK_SECRET" in result.stderr and "16–256 ký tự" in result.stderr
    assert "[A-Za-z" not in result.stderr and "^" not in result.stderr


def test_a_setting_checked_by_a_pattern_is_explained_in_words(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("DONDOC_PUBLIC_URL", "dondoc.example.org")
    result = runner.invoke(app, ["tasks"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("Cấu hình sai: DONDOC_PUBLIC_URL: cần dạng https://tên-miền "
                                     "hoặc https://tên-miền/đường-dẫn")


def test_version_and_help_start_without_the_heavy_modules(tmp_path):
    version = dondoc("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("dondoc 0.")
    database = f"sqlite:///{tmp_path / 'x.db'}"
    # The first command creates the schema (with Alembic); the next ones only check it.
    assert dondoc("tasks", cwd=tmp_path, DONDOC_DATABASE_URL=database).returncode == 0
    probe = ("import sys\nfrom cli.main import app\nsys.argv = ['dondoc', *sys.argv[1:]]\n"
             "try:\n    app()\nexcept SystemExit:\n    pass\n"
             f"print('loaded:', sorted(m for m in {HEAVY!r} if m in sys.modules), "
             "file=sys.stderr)")
    for args in (["--help"], ["tasks"]):
        result = subprocess.run([sys.executable, "-c", probe, *args], cwd=tmp_path, text=True,
                                capture_output=True, check=False, encoding="utf-8",
                                env={**os.environ, "DONDOC_DATABASE_URL": database})
        assert result.stderr.strip().endswith("loaded: []"), (args, result.stderr)


@pytest.fixture
def imported(monkeypatch, tmp_path) -> Path:
    """A SQLite file holding the example registry and appendix, as the README's steps leave it."""
    database = tmp_path / "dondoc.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONDOC_DATABASE_URL", f"sqlite:///{database}")
    for args in (["agencies", "import", str(EXAMPLE_REGISTRY)], ["import", str(EXAMPLE_APPENDIX)]):
        assert runner.invoke(app, args).exit_code == 0
    return database


def test_tasks_for_one_agency_show_its_own_status_in_vietnamese(imported):
    with sqlite3.connect(imported) as db:
        # NV67 is the health department's alone; an item it shares shows only its own status.
        shared = db.execute(
            "SELECT a.item_id FROM assignment a JOIN agency g ON g.id = a.agency_id "
            "GROUP BY a.item_id HAVING sum(g.name = 'Sở Y tế') = 1 AND count(*) > 1 "
            "ORDER BY a.item_id LIMIT 1").fetchone()[0]
        db.execute("UPDATE assignment SET status = 'blocked' WHERE item_id = ?", (shared,))
        db.execute("UPDATE assignment SET status = 'done' WHERE item_id = ? AND agency_id = "
                   "(SELECT id FROM agency WHERE name = 'Sở Y tế')", (shared,))
        code = db.execute("SELECT code FROM item WHERE id = ?", (shared,)).fetchone()[0]
    for written in ("so y te", "SO Y TE", "Sở Y tế"):
        result = runner.invoke(app, ["tasks", "--agency", written])
        assert result.exit_code == 0, result.output
        assert "Sở Y tế: 15 mục." in result.output
    assert code in result.output and "Hoàn" in result.output and "thành" in result.output
    assert "Vướng" not in result.output and "blocked" not in result.output
    everyone = runner.invoke(app, ["tasks"])
    assert "Vướng" in everyone.output and "not_started" not in everyone.output


def test_db_upgrade_answers_in_vietnamese(imported):
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Lược đồ cơ sở dữ liệu đã ở phiên bản mới nhất")


def test_demo_keeps_an_existing_database_without_force(tmp_path):
    previous = tmp_path / "dondoc-demo.db"
    previous.write_bytes(b"a previous demo")
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert previous.read_bytes() == b"a previous demo"
