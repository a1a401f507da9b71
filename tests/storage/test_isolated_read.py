"""The child's side of reading an upload (run here, in this process) and the parent's sentences."""

from __future__ import annotations

import io
import logging
import pickle
import resource
import runpy
import sqlite3
import sys

import pytest

from storage.appendix_reading import ImportFailed, ParsedAppendix
from storage.backup import main as backup_main
from storage.isolated_read import _read, read_upload
from tests.conftest import EXAMPLE_APPENDIX

# runpy warns that the module is imported already (this test file imported it): harmless here.
RUN_AS_MAIN = pytest.mark.filterwarnings("ignore:.*found in sys.modules:RuntimeWarning")


def test_the_child_reads_a_file_refuses_a_broken_one_and_reports_its_own_faults():
    outcome, parsed = _read(EXAMPLE_APPENDIX.read_bytes(), "../../phu-luc.txt", 2025)
    assert outcome == "ok" and isinstance(parsed, ParsedAppendix) and len(parsed.items) == 93
    outcome, sentence = _read(b"PK\x03\x04 broken", "hong.docx", 2025)
    assert outcome == "refused" and isinstance(sentence, str) and "hong.docx" in sentence
    # A name the file system refuses is a fault of ours, reported with its type.
    assert _read(b"x", "a\x00.txt", 2025) == ("error", "ValueError: embedded null byte")


def test_a_child_out_of_memory_refuses_the_file(monkeypatch):
    def too_big(path, year):
        raise MemoryError

    monkeypatch.setattr("storage.isolated_read.read_appendix_checked", too_big)
    assert _read(b"x", "lon.xlsx", 2025) == (
        "refused", "lon.xlsx: tệp cần quá nhiều bộ nhớ để đọc")


def _as_child(monkeypatch, request: tuple[object, ...]) -> io.BytesIO:
    """sys.stdin holding the pickled request; the BytesIO that receives sys.stdout's bytes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if (soft, hard) != (resource.RLIM_INFINITY, resource.RLIM_INFINITY):
        pytest.skip("this process has a memory cap: the child's would change it")
    answer = io.BytesIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(pickle.dumps(request))))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(answer))
    return answer


@RUN_AS_MAIN
def test_the_child_answers_on_stdout_what_it_read_on_stdin(monkeypatch):
    # No cap (the limit this test process already has), so running it here changes nothing.
    answer = _as_child(monkeypatch, (EXAMPLE_APPENDIX.read_bytes(), "phu-luc.txt", 2025,
                                     resource.RLIM_INFINITY))
    runpy.run_module("storage.isolated_read", run_name="__main__")  # as `python -m` runs it
    outcome, parsed = pickle.loads(answer.getvalue())
    assert outcome == "ok" and len(parsed.items) == 93


async def test_a_fault_of_ours_in_the_child_is_logged_and_told_plainly(caplog):
    with caplog.at_level(logging.ERROR, logger="storage.isolated_read"), \
            pytest.raises(ImportFailed) as refused:
        await read_upload(b"x", "a\x00.txt", 2025)
    assert str(refused.value) == ("a\x00.txt: lỗi hệ thống khi đọc tệp; Cơ quan thường trực "
                                  "sẽ kiểm tra")
    assert caplog.messages == [
        "reading a\x00.txt failed in the child process: ValueError: embedded null byte"]


@RUN_AS_MAIN
def test_the_backup_command_copies_once_and_never_overwrites(tmp_path, monkeypatch, capsys):
    source, target = tmp_path / "dondoc.db", tmp_path / "ban-sao.db"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE item (code TEXT)")
        db.execute("INSERT INTO item VALUES ('NV1')")
    db.close()
    assert backup_main([str(source)]) == 2
    assert capsys.readouterr().err == "usage: python -m storage.backup SOURCE.db TARGET.db\n"
    monkeypatch.setattr(sys, "argv", ["backup", str(source), str(target)])
    with pytest.raises(SystemExit) as ended:
        runpy.run_module("storage.backup", run_name="__main__")
    assert ended.value.code == 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT code FROM item").fetchall() == [("NV1",)]
    copy.close()
    with pytest.raises(FileExistsError, match="a backup never overwrites"):
        backup_main([str(source), str(target)])
