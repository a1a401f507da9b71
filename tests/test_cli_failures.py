"""cli.failures in this process: each service failure a person can fix, and its one sentence."""

from __future__ import annotations

import socket
import sqlite3
import sys

import asyncpg
import pytest
import telegram.error
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from cli.failures import (
    ServiceUnavailable,
    database_guard,
    database_problem,
    exception_chain,
    safe_url,
    telegram_problem,
)
from tests.conftest import PG_URL
from tests.test_cli_edges import free_port

PG = "postgresql://lan:hunter2@db.example.org:6543/dondoc"
PG_SHOWN = "postgresql://lan:***@db.example.org:6543/dondoc"


def _wrapped(error: BaseException) -> OperationalError:
    """The driver's error as SQLAlchemy hands it over: the original in .orig, not as a cause."""
    return OperationalError("SELECT 1", {}, error)


def test_the_chain_holds_causes_contexts_wrapped_driver_errors_and_groups_once():
    driver = sqlite3.OperationalError("unable to open database file")
    wrapped = _wrapped(driver)
    context = ValueError("context")
    try:
        try:
            raise context
        except ValueError:
            raise RuntimeError("outer") from wrapped
    except RuntimeError as outer:
        group = ExceptionGroup("several", [outer, KeyError("k")])
    chain = list(exception_chain(group))
    assert [type(e).__name__ for e in chain] == [
        "ExceptionGroup", "KeyError", "RuntimeError", "ValueError", "OperationalError",
        "OperationalError"]
    assert chain[-1] is driver and chain[-2] is wrapped
    cyclic = RuntimeError("cycle")
    cyclic.__cause__ = cyclic
    assert list(exception_chain(cyclic)) == [cyclic]


def test_a_url_is_shown_without_its_password_and_an_unreadable_one_is_named():
    assert safe_url(PG) == PG_SHOWN
    assert safe_url("không phải URL") == "(DONDOC_DATABASE_URL không đọc được)"
    assert database_problem(ConnectionRefusedError(), "không phải URL") is None
    assert database_problem(ConnectionRefusedError(), "mysql://x@h/db") is None


def test_a_sqlite_file_opened_read_only_names_the_file_and_its_folder(tmp_path):
    path = tmp_path / "chi-doc.db"
    sqlite3.connect(path).close()
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    engine = create_engine(url)
    with pytest.raises(OperationalError) as raised, engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    assert database_problem(raised.value, url) == (
        f"Không ghi được vào cơ sở dữ liệu SQLite {path}: tệp chỉ cho đọc; kiểm tra quyền ghi "
        f"tệp đó và thư mục {tmp_path} (SQLite tạo thêm tệp -wal, -shm bên cạnh) hoặc đặt "
        "DONDOC_DATABASE_URL sang tệp khác.")


def test_a_sqlite_file_in_a_missing_folder_says_check_the_folder(tmp_path):
    path = tmp_path / "khong-co" / "dondoc.db"
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with pytest.raises(OperationalError) as raised:
        engine.connect()
    engine.dispose()
    assert database_problem(raised.value, url) == (
        f"Không mở được cơ sở dữ liệu SQLite {path}: kiểm tra thư mục chứa nó có tồn tại và "
        "ghi được, hoặc sửa đường dẫn trong DONDOC_DATABASE_URL.")
    # An in-memory database has no path: the URL stands for it; other errors are ours.
    assert database_problem(_wrapped(sqlite3.OperationalError("unable to open database file")),
                            "sqlite://") == (
        "Không mở được cơ sở dữ liệu SQLite sqlite://: kiểm tra thư mục chứa nó có tồn tại và "
        "ghi được, hoặc sửa đường dẫn trong DONDOC_DATABASE_URL.")
    assert database_problem(sqlite3.OperationalError("attempt to write a readonly database"),
                            "sqlite://") == (
        "Không ghi được vào cơ sở dữ liệu SQLite sqlite://: tệp chỉ cho đọc; kiểm tra quyền ghi "
        "tệp đó và thư mục chứa nó (SQLite tạo thêm tệp -wal, -shm bên cạnh) hoặc đặt "
        "DONDOC_DATABASE_URL sang tệp khác.")
    assert database_problem(_wrapped(sqlite3.OperationalError("no such table: item")),
                            url) is None


def test_postgresql_missing_database_and_refused_login_by_sqlstate():
    missing = asyncpg.exceptions.InvalidCatalogNameError('database "dondoc" does not exist')
    assert database_problem(_wrapped(missing), PG) == (
        f"Cơ sở dữ liệu PostgreSQL “dondoc” chưa có trên máy chủ db.example.org:6543 ({PG_SHOWN})"
        ": tạo nó (createdb -h db.example.org -p 6543 -U lan dondoc) hoặc sửa tên cơ sở dữ liệu "
        "trong DONDOC_DATABASE_URL.")
    refused = asyncpg.exceptions.InvalidPasswordError('password authentication failed')
    assert database_problem(refused, PG) == (
        f"PostgreSQL tại db.example.org:6543 từ chối đăng nhập của “lan” ({PG_SHOWN}): kiểm tra "
        "tên người dùng và mật khẩu trong DONDOC_DATABASE_URL và quyền truy cập của máy chủ "
        "(pg_hba.conf).")
    # psycopg names the code pgcode; no user and no host in the URL fall back to the defaults.
    psycopg_style = RuntimeError("psycopg")
    psycopg_style.pgcode = "3D000"  # type: ignore[attr-defined]
    assert "(createdb -h localhost -p 5432 -U postgres x)" in (
        database_problem(psycopg_style, "postgresql:///x") or "")
    other = asyncpg.exceptions.UniqueViolationError("duplicate key")
    assert database_problem(_wrapped(other), PG) is None


def test_postgresql_unknown_host_and_closed_port():
    unknown = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    try:
        raise RuntimeError("connect") from unknown
    except RuntimeError as error:
        assert database_problem(error, PG) == (
            f"Không tìm thấy máy chủ PostgreSQL “db.example.org” ({PG_SHOWN}): kiểm tra tên máy "
            "chủ trong DONDOC_DATABASE_URL.")
    assert database_problem(TimeoutError(), PG) == (
        f"Không kết nối được PostgreSQL tại db.example.org:6543 ({PG_SHOWN}): kiểm tra PostgreSQL "
        "có đang chạy và nhận kết nối ở đó không, và địa chỉ, cổng trong DONDOC_DATABASE_URL có "
        "đúng không.")


async def test_a_closed_postgresql_port_in_this_process():
    port = free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}/x"
    with pytest.raises(ServiceUnavailable) as raised, database_guard(url):
        await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/x", timeout=5)
    assert str(raised.value).startswith(f"Không kết nối được PostgreSQL tại 127.0.0.1:{port} "
                                        f"({url}): ")
    assert isinstance(raised.value.__cause__, OSError)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL run skipped: set DONDOC_TEST_DATABASE_URL")
async def test_a_missing_postgresql_database_in_this_process():
    from sqlalchemy.engine import make_url

    assert PG_URL is not None
    url = make_url(PG_URL).set(drivername="postgresql", database="dondoc_never_created")
    written = url.render_as_string(hide_password=False)
    with pytest.raises(ServiceUnavailable) as raised, database_guard(written):
        await asyncpg.connect(written, timeout=5)
    assert "“dondoc_never_created” chưa có" in str(raised.value)


def test_the_guard_lets_our_own_errors_through():
    with pytest.raises(KeyError), database_guard("sqlite://"):
        raise KeyError("ours")


def test_telegram_refused_token_and_unreachable_api_but_not_its_answers(monkeypatch):
    base = "http://127.0.0.1:9/bot"
    assert telegram_problem(telegram.error.InvalidToken(), base) == (
        "Telegram từ chối DONDOC_TELEGRAM_TOKEN: kiểm tra token với @BotFather (/mybots → API "
        "Token) rồi đặt lại vào DONDOC_TELEGRAM_TOKEN.")
    unreachable = ("Không kết nối được Telegram Bot API tại http://127.0.0.1:9: kiểm tra mạng, "
                   "tường lửa hoặc proxy của máy này và DONDOC_TELEGRAM_BASE_URL.")
    assert telegram_problem(telegram.error.NetworkError("connect failed"), base) == unreachable
    assert telegram_problem(telegram.error.TimedOut(), base) == unreachable
    assert telegram_problem(telegram.error.BadRequest("Chat not found"), base) is None
    assert telegram_problem(ValueError("ours"), base) is None
    # Without telegram imported, no failure can be Telegram's (and the module is not loaded).
    monkeypatch.delitem(sys.modules, "telegram.error")
    assert telegram_problem(telegram.error.InvalidToken(), base) is None
