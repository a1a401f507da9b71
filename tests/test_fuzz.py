"""Fuzzing the webhooks (Telegram, Zalo) and the importer: no 500, no traceback (issue #19).

The bot runs in a thread of its own (its own event loop, a SQLite database, the sandboxes),
so hypothesis drives it with plain blocking requests and can shrink what it finds. Examples
and time are bounded.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.telegram_app import build_application
from bot.webhook import SECRET_HEADER, webhook_app
from bot.zalo_app import SECRET_HEADER as ZALO_SECRET_HEADER
from sandbox import running_sandbox
from sandbox.zalo_users import zalo_id
from storage.db import make_engine, session_factory
from storage.importer import ImportFailed, read_appendix
from storage.migrate import upgrade_async
from tests.bot.drivers import ZALO_SECRET, web_server, zalo_driver
from tests.bot.outage import plain_conversation
from tests.fakes import FakeClock

SECRET = "fuzz-secret-token-0123456789"
_T = TypeVar("_T")
FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


class BotThread:
    """An event loop in a thread, running what a test hands it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.stack = AsyncExitStack()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, work: Callable[[], Awaitable[_T]], timeout: float = 60) -> _T:
        async def wrapped() -> _T:
            return await work()
        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.stack.aclose)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


@pytest.fixture
def bot_thread() -> Iterator[BotThread]:
    thread = BotThread()
    try:
        yield thread
    finally:
        thread.close()


async def _sessions(stack: AsyncExitStack, url: str) -> Any:
    await upgrade_async(url)
    engine = make_engine(url)
    stack.push_async_callback(engine.dispose)
    return session_factory(engine)


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records
            if r.exc_info or r.levelno >= logging.ERROR]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=20)
person = st.fixed_dictionaries({"id": st.just(101), "is_bot": st.booleans(),
                                "first_name": st.text(max_size=20)})
chat = st.fixed_dictionaries({"id": st.just(101),
                              "type": st.sampled_from(["private", "group", "channel", ""])})
callback_data = st.one_of(st.text(max_size=64),
                          st.from_regex(r"[sixp]\|[0-9-]{0,25}\|[a-z]{0,2}", fullmatch=True))
message = st.fixed_dictionaries(
    {"message_id": st.integers(min_value=-5, max_value=2**40),
     "date": st.integers(min_value=-10, max_value=10**14), "chat": chat},
    optional={"text": st.text(max_size=200), "from": person, "caption": st.text(max_size=50),
              "entities": json_values})
telegram_update = st.fixed_dictionaries(
    {"update_id": st.one_of(st.integers(min_value=-5, max_value=2**70), st.text(max_size=5))},
    optional={"message": message,
              "callback_query": st.fixed_dictionaries(
                  {"id": st.text(min_size=1, max_size=10), "from": person,
                   "chat_instance": st.text(max_size=5), "data": callback_data},
                  optional={"message": message}),
              "edited_message": message})
telegram_bodies = st.one_of(json_values.map(json.dumps), telegram_update.map(json.dumps),
                            st.binary(max_size=300))


@FUZZ
@given(body=telegram_bodies)
def _telegram_case(client: httpx.Client, caplog: pytest.LogCaptureFixture,
                   body: str | bytes) -> None:
    caplog.clear()
    response = client.post("/telegram", content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code in (200, 400), (response.status_code, body)
    assert not tracebacks(caplog), (tracebacks(caplog), body)


def test_the_telegram_webhook_takes_anything_without_a_500(bot_thread, tmp_path, caplog):
    async def start() -> str:
        stack = bot_thread.stack
        sessions = await _sessions(stack, f"sqlite:///{tmp_path / 'fuzz.db'}")
        sandbox = await stack.enter_async_context(
            running_sandbox(rate_limits=None, fail_on_rejections=False))
        sandbox.add_user(101, "Lan")
        application = build_application(plain_conversation(sessions), sandbox.token,
                                        sandbox.base_url, sandbox.file_base_url)
        await stack.enter_async_context(application)
        return await stack.enter_async_context(web_server(webhook_app(application, SECRET)))

    root = bot_thread.run(start)
    with httpx.Client(base_url=root, timeout=30) as client, \
            caplog.at_level(logging.WARNING):
        _telegram_case(client, caplog)


zalo_message = st.fixed_dictionaries(
    {"chat": st.one_of(st.fixed_dictionaries(
        {"id": st.sampled_from([zalo_id(101), "", "x" * 80]),
         "chat_type": st.sampled_from(["PRIVATE", "GROUP", ""])}), json_values)},
    optional={"from": st.one_of(st.fixed_dictionaries(
        {"id": st.text(max_size=5), "display_name": st.text(max_size=10),
         "is_bot": st.booleans()}), json_values),
        "text": st.one_of(st.text(max_size=200), json_values),
        "message_id": st.one_of(st.text(max_size=80), st.integers()),
        "photo": st.text(max_size=50), "date": st.integers()})
zalo_update = st.fixed_dictionaries(
    {"event_name": st.sampled_from(["message.text.received", "message.image.received",
                                    "message.sticker.received", ""])},
    optional={"message": st.one_of(zalo_message, json_values)})
zalo_bodies = st.one_of(json_values.map(json.dumps), zalo_update.map(json.dumps),
                        zalo_update.map(lambda u: json.dumps({"ok": True, "result": u})),
                        st.binary(max_size=300),
                        st.just("[" * 100_000 + "]" * 100_000))


def test_the_zalo_webhook_takes_anything_without_a_500(bot_thread, tmp_path, caplog):
    async def start() -> Any:
        stack = bot_thread.stack
        sessions = await _sessions(stack, f"sqlite:///{tmp_path / 'fuzz.db'}")
        driver = await stack.enter_async_context(
            zalo_driver(plain_conversation(sessions), sessions, FakeClock(), webhook=True))
        # The person writes first: Zalo lets a bot answer only people who have.
        hoa = driver.sandbox.add_user(101, "Hoa")
        hoa.send_text("xin chào")
        await hoa.wait_for_bot_message(timeout=10)
        return driver

    driver = bot_thread.run(start)

    @FUZZ
    @given(body=zalo_bodies)
    def case(body: str | bytes) -> None:
        caplog.clear()
        response = client.post("/zalo", content=body, headers={ZALO_SECRET_HEADER: ZALO_SECRET})
        bot_thread.run(driver.bot.order.wait)
        assert response.status_code in (200, 400), (response.status_code, body)
        assert not tracebacks(caplog), (tracebacks(caplog), body)

    with httpx.Client(base_url=driver.files_url, timeout=30) as client, \
            caplog.at_level(logging.WARNING):
        case()


def _package(suffix: str) -> bytes:
    buffer = io.BytesIO()
    if suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        workbook.active.append(["STT", "Nhiệm vụ", "Thời hạn"])
        workbook.active.append([1, "Nhiệm vụ một", "Tháng 12"])
        workbook.save(buffer)
    else:
        from docx import Document

        document = Document()
        document.add_table(rows=2, cols=2).rows[0].cells[0].text = "STT"
        document.save(buffer)
    return buffer.getvalue()


PACKAGES = {suffix: _package(suffix) for suffix in (".xlsx", ".docx")}
csv_cells = st.text(alphabet=st.sampled_from(list('ab ,;"\t\n\r\x00.1Iạ')), max_size=40)
appendix_files = st.one_of(
    st.tuples(st.sampled_from([".txt", ".csv", ".docx", ".xlsx", ".pdf", ""]),
              st.binary(max_size=400)),
    st.tuples(st.sampled_from([".csv", ".txt"]),
              st.lists(st.lists(csv_cells, max_size=6), max_size=15).map(
                  lambda rows: "\n".join(",".join(row) for row in
                                         [["STT", "Nhiệm vụ", "Thời hạn"], *rows]).encode())),
    st.tuples(st.sampled_from([".xlsx", ".docx"]),
              st.tuples(st.sampled_from([".xlsx", ".docx"]), st.integers(min_value=0),
                        st.integers(min_value=1, max_value=255)).map(
                  lambda spec: _flipped(PACKAGES[spec[0]], spec[1], spec[2]))))


def _flipped(data: bytes, where: int, mask: int) -> bytes:
    changed = bytearray(data)
    changed[where % len(changed)] ^= mask
    return bytes(changed)


@FUZZ
@given(case=appendix_files)
def test_the_importer_refuses_or_reads_anything(tmp_path_factory, case):
    suffix, data = case
    path = Path(tmp_path_factory.mktemp("f")) / f"tep{suffix}"
    path.write_bytes(data)
    try:
        read_appendix(path, 2025)
    except ImportFailed as refusal:
        assert str(refusal).startswith(path.name)


def test_the_fuzzed_packages_are_valid_to_start_with():
    for data in PACKAGES.values():
        assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
