"""Read an uploaded appendix in a child process, with a time and a memory cap.

Parsing a spreadsheet or a Word file is CPU work (and a crafted file can ask for gigabytes):
inside the bot's event loop it froze every chat and the sender. A child process keeps the
loop free, and can be capped (RLIMIT_AS) and killed, which a thread cannot.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import tempfile
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from storage.appendix_reading import ImportFailed, ParsedAppendix, read_appendix_checked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadLimits:
    """How long and how much memory reading one upload may take."""

    seconds: float = 60.0
    memory_bytes: int = 1024 * 1024 * 1024


def _child(connection: Connection, data: bytes, name: str, fallback_year: int,
           memory_bytes: int) -> None:
    """In the child: cap memory, read, send back the result or the refusal."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):  # not on this platform: the time cap remains
        pass
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(name).name or "tep")
            path.write_bytes(data)
            connection.send(("ok", read_appendix_checked(path, fallback_year)))
    except ImportFailed as refusal:
        connection.send(("refused", str(refusal)))
    except MemoryError:
        connection.send(("refused", f"{name}: tệp cần quá nhiều bộ nhớ để đọc"))
    except Exception as error:  # a fault of ours: reported, with its type, to the parent's log
        connection.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


def _context() -> Any:
    """A fork server with the readers loaded: each read forks from it in milliseconds.

    The server is a clean single-threaded process (forking the bot itself, with its threads,
    is unsafe); spawning a new interpreter per upload cost seconds.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["storage.appendix_reading", "openpyxl", "docx"])
    return context


async def read_upload(data: bytes, name: str, fallback_year: int,
                      limits: ReadLimits | None = None) -> ParsedAppendix:
    """Parse an uploaded file off the event loop; ImportFailed (in Vietnamese) if refused."""
    limits = limits or ReadLimits()
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, daemon=True, name="dondoc-read-upload",
                              args=(sender, data, name, fallback_year, limits.memory_bytes))
    process.start()
    sender.close()
    loop = asyncio.get_running_loop()
    try:
        ready = await loop.run_in_executor(None, receiver.poll, limits.seconds)
        if not ready:
            log.warning("reading %s took over %.0f s: stopped", name, limits.seconds)
            raise ImportFailed(f"{name}: tệp quá phức tạp, đọc quá {limits.seconds:.0f} giây "
                               "mà chưa xong; hãy lưu lại tệp gọn hơn hoặc tách thành nhiều tệp")
        try:
            outcome, value = receiver.recv()
        except (EOFError, OSError):
            log.warning("reading %s: the child process died (exit code %s)", name,
                        process.exitcode)
            raise ImportFailed(f"{name}: tệp cần quá nhiều bộ nhớ hoặc bị hỏng, không đọc "
                               "được") from None
    finally:
        if process.is_alive():
            process.kill()
        await loop.run_in_executor(None, process.join, 5)
        receiver.close()
    if outcome == "ok":
        assert isinstance(value, ParsedAppendix)
        return value
    if outcome == "refused":
        raise ImportFailed(str(value))
    log.error("reading %s failed in the child process: %s", name, value)
    raise ImportFailed(f"{name}: lỗi hệ thống khi đọc tệp; Cơ quan thường trực sẽ kiểm tra")


def warm_up() -> None:
    """Start the fork server now (blocking, a few seconds), so the first upload does not wait."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()
