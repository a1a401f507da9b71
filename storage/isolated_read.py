"""Read an uploaded appendix in a child process, with a time and a memory cap.

Parsing a spreadsheet or a Word file is CPU work (and a crafted file can ask for gigabytes):
inside the bot's event loop it froze every chat and the sender. A child process keeps the
loop free, and can be capped (RLIMIT_AS) and killed, which a thread cannot.

The child is a fresh interpreter running this module (`python -m storage.isolated_read`): it
imports the readers and nothing of the bot. multiprocessing's spawn and forkserver import the
parent's main module again in every child (for `dondoc`, every dependency: seconds).
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from storage.appendix_reading import ImportFailed, ParsedAppendix, read_appendix_checked

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadLimits:
    """How long and how much memory reading one upload may take."""

    seconds: float = 60.0
    memory_bytes: int = 1024 * 1024 * 1024


def _read(data: bytes, name: str, fallback_year: int) -> tuple[str, object]:
    """In the child: the outcome and its value (items, or the sentence of a refusal)."""
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / (Path(name).name or "tep")
            path.write_bytes(data)
            return "ok", read_appendix_checked(path, fallback_year)
    except ImportFailed as refusal:
        return "refused", str(refusal)
    except MemoryError:
        return "refused", f"{name}: tệp cần quá nhiều bộ nhớ để đọc"
    except Exception as error:  # a fault of ours: reported, with its type, to the parent's log
        return "error", f"{type(error).__name__}: {error}"


def child_main() -> None:
    """Read (data, name, year, memory cap) pickled on stdin; write the outcome on stdout."""
    data, name, fallback_year, memory_bytes = pickle.load(sys.stdin.buffer)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ImportError, ValueError, OSError):  # not on this platform: the time cap remains
        pass
    pickle.dump(_read(data, name, fallback_year), sys.stdout.buffer)
    sys.stdout.flush()


async def read_upload(data: bytes, name: str, fallback_year: int,
                      limits: ReadLimits | None = None) -> ParsedAppendix:
    """Parse an uploaded file off the event loop; ImportFailed (in Vietnamese) if refused."""
    limits = limits or ReadLimits()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "storage.isolated_read", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent)
    request = pickle.dumps((data, name, fallback_year, limits.memory_bytes))
    try:
        answer, errors = await asyncio.wait_for(process.communicate(request), limits.seconds)
    except TimeoutError:
        log.warning("reading %s took over %.0f s: stopped", name, limits.seconds)
        raise ImportFailed(f"{name}: tệp quá phức tạp, đọc quá {limits.seconds:.0f} giây mà "
                           "chưa xong; hãy lưu lại tệp gọn hơn hoặc tách thành nhiều tệp"
                           ) from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    try:
        outcome, value = pickle.loads(answer)
    except Exception:
        log.warning("reading %s: the child process ended with %s and no answer: %s", name,
                    process.returncode, errors.decode(errors="replace")[-500:])
        raise ImportFailed(f"{name}: tệp cần quá nhiều bộ nhớ hoặc bị hỏng, không đọc được"
                           ) from None
    if outcome == "ok":
        assert isinstance(value, ParsedAppendix)
        return value
    if outcome == "refused":
        raise ImportFailed(str(value))
    log.error("reading %s failed in the child process: %s", name, value)
    raise ImportFailed(f"{name}: lỗi hệ thống khi đọc tệp; Cơ quan thường trực sẽ kiểm tra")


if __name__ == "__main__":
    child_main()
