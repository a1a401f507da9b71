"""Log lines an operator can read: JSON on demand, no tokens, a scan's warnings folded."""

from __future__ import annotations

import json
import logging

import pytest

from cli.logs import configure_logging
from config import Settings
from scheduler.scan_summary import summarize_warnings

TOKEN = "123456:AAH-secret-token-value"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lines_carry_no_token_in_either_format(fmt, capsys, restore_logging):
    configure_logging(Settings(log_format=fmt, telegram_token=TOKEN, _env_file=None))
    logging.getLogger("telegram.ext").warning("POST https://api/bot%s/sendMessage failed", TOKEN)
    try:
        raise RuntimeError(f"url bot{TOKEN}/getMe")
    except RuntimeError:
        logging.getLogger("x").exception("failed")
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert err.count("<token>") == 2  # the message and the exception's text
    if fmt == "json":
        first, second = (json.loads(line) for line in err.strip().splitlines()[:2])
        assert (first["level"], first["logger"]) == ("WARNING", "telegram.ext")
        assert "<token>" in second["exception"]


def test_per_agency_warnings_fold_into_one_line_per_kind():
    warnings = [f"agency {n} (Sở {n}) has no focal person registered: its reminders are listed"
                " for the secretariat" for n in range(2000)]
    warnings += ["agency 7 (Sở 7) has no leader registered: escalation goes to the secretariat"
                 " only", "no secretariat member registered: 1 escalation(s)"]
    lines = summarize_warnings(warnings)
    assert len(lines) == 3
    assert lines[0] == "no secretariat member registered: 1 escalation(s)"
    assert lines[1].startswith("2000 agencies: has no focal person registered")
    assert "0 (Sở 0), 1 (Sở 1), 2 (Sở 2) and 1997 more" in lines[1]
    assert lines[2].startswith("1 agencies: has no leader registered")


def test_per_group_warnings_fold_apart_from_agencies():
    warnings = [f"group {n} (Nhóm {n}) has no members in the registry: its items need a concrete"
                " lead" for n in range(40)]
    warnings += ["agency 7 (Sở 7) has no leader registered: escalation goes to the secretariat"
                 " only"]
    lines = summarize_warnings(warnings)
    assert lines == [
        "40 groups: has no members in the registry: its items need a concrete lead (e.g. group"
        " 0 (Nhóm 0), 1 (Nhóm 1), 2 (Nhóm 2) and 37 more)",
        "1 agencies: has no leader registered: escalation goes to the secretariat only (e.g."
        " agency 7 (Sở 7))"]
