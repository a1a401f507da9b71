"""Metrics counted where things happen: sends by result, and a scan of the example store's log."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import REGISTRY

from bot.messenger import RateLimited, Rejected, TransientFailure, Unreachable
from bot.metrics import MeteredMessenger
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import scan
from storage.agencies import import_registry, read_registry
from storage.db import transaction
from storage.importer import import_appendix
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY
from tests.fakes import FakeClock, RecordingMessenger

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _sends(result: str) -> float:
    return REGISTRY.get_sample_value("dondoc_sends_total",
                                     {"channel": "telegram", "result": result}) or 0.0


async def test_each_send_is_counted_by_its_result():
    inner = RecordingMessenger(FakeClock())
    metered = MeteredMessenger(inner)
    inner.fail("1", RateLimited(3), TransientFailure("502"), Unreachable("blocked"),
               Rejected("bad"), ValueError("ours"))
    before = {r: _sends(r) for r in ("ok", "429", "5xx", "permanent", "error")}
    for _ in range(5):
        with pytest.raises(Exception):  # noqa: B017 - each scripted failure in turn
            await metered.send_text("1", "x")
    await metered.send_text("1", "x")
    await metered.send_photo("1", "a.png", b"png")
    after = {r: _sends(r) - before[r] for r in before}
    assert after == {"ok": 2, "429": 1, "5xx": 1, "permanent": 2, "error": 1}
    assert len(inner.deliveries) == 2


async def test_a_scan_logs_a_handful_of_lines_whatever_the_agencies(sessions, caplog):
    async with transaction(sessions) as session:  # nobody registered: every agency unreachable
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(EXAMPLE_APPENDIX, 2025, datetime(2025, 9, 1, tzinfo=TZ),
                              session=session)
    with caplog.at_level(logging.INFO, logger="scheduler"):
        report = await scan(sessions, datetime(2025, 10, 6, 9, tzinfo=TZ), TZ,
                            vietnam_calendar([2025]), ReminderPolicy())
    lines = [r.getMessage() for r in caplog.records if r.name == "scheduler.scan"]
    unreachable = [w for w in report.warnings if "has no focal person" in w]
    assert len(unreachable) > 10  # one warning per agency in the report ...
    # ... one line for all of them in the log: one per kind (no secretariat, groups without
    # members, agencies without a leader, agencies without a focal person) and the summary.
    assert len(lines) == 5, lines
    assert any(f"{len(unreachable)} agencies: has no focal person" in line for line in lines)
