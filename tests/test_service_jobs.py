"""The periodic jobs `dondoc run` wires (drain, reminder days, forgetting updates) and its links."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import col, select
from telegram.error import InvalidToken, TelegramError

from cli.failures import telegram_problem
from cli.scan_takeover import day_scanned
from cli.service import conversation_for, make_ticker, serve
from cli.wiring import calendar_around, reminder_policy
from config import Settings
from sandbox import running_sandbox
from scheduler.reminder_days import fingerprint
from storage.agencies import import_registry, read_registry
from storage.chat import first_time
from storage.db import make_engine, session_factory, transaction
from storage.importer import import_appendix
from storage.models import Assignment, Outbox, ProcessedUpdate
from storage.outbox import NewMessage, enqueue
from storage.reminder_schedule import save_schedule
from tests.conftest import EXAMPLE_APPENDIX, EXAMPLE_REGISTRY
from tests.fakes import FakeClock, RecordingMessenger
from tests.test_cli_edges import free_port

# 09:00 in Hà Nội: Tuesday 8 December 2026 is a working day, Sunday the 6th is not.
TUESDAY = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
SUNDAY = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def _settings(database_url: str, clock_start: datetime, **knobs: object) -> Settings:
    return Settings(database_url=database_url, clock_start=clock_start, _env_file=None,
                    **knobs)


def _job(ticker, job_id: str):
    return ticker.scheduler.get_job(job_id).args[1]  # (name, job): the ticker logs around it


def test_invite_links_wait_for_the_bot_username(sessions, database_url):
    settings = _settings(database_url, TUESDAY)
    username: list[str] = []
    conversation = conversation_for(settings, sessions, username)
    assert conversation.config.link_for("SAIMA12345") is None
    username.append("dondoc_nghean_bot")  # filled in by `serve` once getMe has answered
    assert conversation.config.link_for("SAIMA12345") == (
        "https://t.me/dondoc_nghean_bot?start=SAIMA12345")


async def test_the_drain_sends_only_inside_working_hours(sessions, database_url):
    async with transaction(sessions) as session:
        await enqueue(NewMessage(key="k1", kind="reminder", channel="telegram", chat_id="101",
                                 text="Nhắc việc"), SUNDAY - timedelta(hours=1), session=session)
    telegram = RecordingMessenger(FakeClock())
    for start, delivered in ((SUNDAY, []), (TUESDAY, ["Nhắc việc"])):
        ticker = make_ticker(_settings(database_url, start), sessions, {"telegram": telegram})
        await _job(ticker, "drain")()
        assert telegram.texts_to("101") == delivered
    async with sessions() as session:
        assert (await session.exec(select(Outbox.status))).all() == ["sent"]


async def test_reminder_days_are_worked_out_by_the_job(sessions, database_url):
    async with transaction(sessions) as session:
        await import_registry(read_registry(EXAMPLE_REGISTRY), session=session)
        await import_appendix(EXAMPLE_APPENDIX, 2026, TUESDAY, session=session)
        # Yesterday's scan ran with today's calendar and policy: the days since are the job's.
        settings = _settings(database_url, TUESDAY)
        await save_schedule(fingerprint(calendar_around(TUESDAY), reminder_policy(settings),
                                        settings.tz), date(2026, 12, 7), session=session)
    scheduled = select(func.count()).where(col(Assignment.next_reminder_on).is_not(None))
    async with sessions() as session:
        before = (await session.exec(scheduled)).one()
    ticker = make_ticker(settings, sessions, {})
    await _job(ticker, "reminder_days")()
    async with sessions() as session:
        after = (await session.exec(scheduled)).one()
        total = (await session.exec(select(func.count()).select_from(Assignment))).one()
    assert before == 0 and 0 < after <= total


async def test_old_updates_are_forgotten_every_hour(sessions, database_url, caplog):
    async with transaction(sessions) as session:
        for update_id, age in (("1", 30), ("2", 25), ("3", 1)):
            await first_time("telegram", update_id, TUESDAY - timedelta(hours=age),
                             session=session)
    ticker = make_ticker(_settings(database_url, TUESDAY, update_memory_hours=24,
                                   update_memory_count=1000), sessions, {})
    with caplog.at_level(logging.INFO, logger="cli.service"):
        await _job(ticker, "forget_updates")()
    assert caplog.messages == [
        "forgot 2 handled updates (older than 24 h or beyond the newest 1000)"]
    async with sessions() as session:
        assert (await session.exec(select(ProcessedUpdate.update_id))).all() == ["3"]


async def test_a_token_refused_while_polling_stops_run_after_the_catch_up_scan(tmp_path):
    port = free_port()
    async with running_sandbox(rate_limits=None, fail_on_rejections=False) as telegram:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'dondoc.db'}", telegram_token=telegram.token,
            telegram_base_url=telegram.base_url, webhook_port=port, clock_start=TUESDAY,
            public_url="https://dondoc.example.org", _env_file=None)
        # Started at 09:00, past the scan time: the scan runs before the first getUpdates.
        telegram.faults.fail_next("getUpdates", error_code=401)
        with pytest.raises(TelegramError) as raised:
            await asyncio.wait_for(serve(settings, False, asyncio.Event()), 30)
        assert [call.method for call in telegram.take_rejections()] == ["getUpdates"]
    # PTB wraps the refusal of getUpdates (EndPointNotFound); the sentence still names the token.
    assert isinstance(raised.value.__cause__, InvalidToken)
    assert telegram_problem(raised.value, settings.telegram_base_url) == (
        "Telegram từ chối DONDOC_TELEGRAM_TOKEN: kiểm tra token với @BotFather (/mybots → API "
        "Token) rồi đặt lại vào DONDOC_TELEGRAM_TOKEN.")
    engine = make_engine(settings.database_url)
    try:
        assert await day_scanned(session_factory(engine), TUESDAY.date())
    finally:
        await engine.dispose()
