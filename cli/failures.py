"""A service out of reach, said in one Vietnamese sentence: what failed and what to check.

Only failures outside our code are explained (a database that does not answer, does not exist,
refuses the login or cannot be written; a chat API that cannot be reached or refuses the token);
anything else is ours and keeps its traceback.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError


class ServiceUnavailable(Exception):
    """A service dondoc needs cannot be used; the message is the sentence for the person."""


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the driver errors SQLAlchemy wraps."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [current.__cause__, current.__context__]
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            pending.append(orig)
        pending += [e for e in getattr(current, "exceptions", ()) if isinstance(e, BaseException)]


def safe_url(url: str) -> str:
    """The URL as a person may see it: the password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(DONDOC_DATABASE_URL không đọc được)"


def _sqlstate(exc: BaseException) -> str | None:
    for error in exception_chain(exc):
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def _postgresql_problem(exc: BaseException, url: URL, shown: str) -> str | None:
    host, port = url.host or "localhost", url.port or 5432
    place = f"{host}:{port}"
    state = _sqlstate(exc)
    if state == "3D000":
        return (f"Cơ sở dữ liệu PostgreSQL “{url.database}” chưa có trên máy chủ {place} "
                f"({shown}): tạo nó (createdb -h {host} -p {port} -U {url.username or 'postgres'}"
                f" {url.database}) hoặc sửa tên cơ sở dữ liệu trong DONDOC_DATABASE_URL.")
    if state in {"28P01", "28000"}:
        return (f"PostgreSQL tại {place} từ chối đăng nhập của “{url.username}” ({shown}): "
                "kiểm tra tên người dùng và mật khẩu trong DONDOC_DATABASE_URL và quyền truy "
                "cập của máy chủ (pg_hba.conf).")
    chain = list(exception_chain(exc))
    if any(isinstance(error, socket.gaierror) for error in chain):
        return (f"Không tìm thấy máy chủ PostgreSQL “{host}” ({shown}): kiểm tra tên máy chủ "
                "trong DONDOC_DATABASE_URL.")
    if any(isinstance(error, OSError | TimeoutError) for error in chain):
        return (f"Không kết nối được PostgreSQL tại {place} ({shown}): kiểm tra PostgreSQL có "
                "đang chạy và nhận kết nối ở đó không, và địa chỉ, cổng trong "
                "DONDOC_DATABASE_URL có đúng không.")
    return None


def _sqlite_problem(exc: BaseException, url: URL, shown: str) -> str | None:
    written = url.database or ""
    if written.startswith("file:"):  # a URI filename (…?mode=ro&uri=true)
        written = written.removeprefix("file:").split("?")[0]
    path = Path(written).resolve() if written else None
    where = str(path) if path else shown
    for error in exception_chain(exc):
        message = str(error).lower()
        if "readonly database" in message or "read-only" in message:
            folder = f"thư mục {path.parent}" if path else "thư mục chứa nó"
            return (f"Không ghi được vào cơ sở dữ liệu SQLite {where}: tệp chỉ cho đọc; kiểm tra "
                    f"quyền ghi tệp đó và {folder} (SQLite tạo thêm tệp -wal, -shm bên "
                    "cạnh) hoặc đặt DONDOC_DATABASE_URL sang tệp khác.")
        if "unable to open database file" in message:
            return (f"Không mở được cơ sở dữ liệu SQLite {where}: kiểm tra thư mục chứa nó có "
                    "tồn tại và ghi được, hoặc sửa đường dẫn trong DONDOC_DATABASE_URL.")
    return None


def database_problem(exc: BaseException, database_url: str) -> str | None:
    """The sentence for a database that cannot be used, or None when the error is not that."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    shown = safe_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_problem(exc, url, shown)
    if url.get_backend_name() == "postgresql":
        return _postgresql_problem(exc, url, shown)
    return None


@contextmanager
def database_guard(database_url: str) -> Iterator[None]:
    """Turn a database that cannot be reached or used into ServiceUnavailable."""
    try:
        yield
    except Exception as exc:
        sentence = database_problem(exc, database_url)
        if sentence is None:
            raise
        raise ServiceUnavailable(sentence) from exc


def telegram_problem(exc: BaseException, base_url: str) -> str | None:
    """The sentence for a Telegram Bot API out of reach or refusing the token, else None."""
    errors = sys.modules.get("telegram.error")
    if errors is None:  # telegram never imported: the failure cannot be Telegram's
        return None
    where = base_url.removesuffix("/bot")
    for error in exception_chain(exc):
        if isinstance(error, errors.InvalidToken):
            return ("Telegram từ chối DONDOC_TELEGRAM_TOKEN: kiểm tra token với @BotFather "
                    "(/mybots → API Token) rồi đặt lại vào DONDOC_TELEGRAM_TOKEN.")
        # TimedOut is a NetworkError; so is BadRequest, which is Telegram answering.
        if isinstance(error, errors.NetworkError) and not isinstance(error, errors.BadRequest):
            return (f"Không kết nối được Telegram Bot API tại {where}: kiểm tra mạng, tường lửa "
                    "hoặc proxy của máy này và DONDOC_TELEGRAM_BASE_URL.")
    return None
