"""The webhook refuses requests without the right secret or with a body that is not an update,
and answers a real update once it is handled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import texts
from bot.telegram_app import build_application
from bot.webhook import SECRET_HEADER, webhook_app
from bot.zalo_app import SECRET_HEADER as ZALO_SECRET_HEADER
from sandbox import running_sandbox
from tests.bot.drivers import ZALO_SECRET, zalo_driver
from tests.bot.outage import plain_conversation
from tests.fakes import FakeClock

SECRET = "s3cret-token_value-123"
UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 1758500000,
                                      "chat": {"id": 101, "type": "private"},
                                      "from": {"id": 101, "is_bot": False, "first_name": "Hoa"},
                                      "text": "NV12 đã hoàn thành"}}
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_IN_UPDATE = b'{"update_id": 8, "message": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001


@asynccontextmanager
async def webhook_client(sessions) -> AsyncIterator[TestClient]:
    """The webhook of a bot on the sandbox, its conversation on these sessions."""
    async with running_sandbox(rate_limits=None) as sandbox:
        sandbox.add_user(101, "Hoa")
        application = build_application(plain_conversation(sessions), sandbox.token,
                                        sandbox.base_url, sandbox.file_base_url)
        async with application, TestClient(TestServer(
                webhook_app(application, SECRET))) as test_client:
            test_client.sandbox = sandbox  # type: ignore[attr-defined]
            yield test_client


@pytest.fixture
async def client():
    """A webhook whose refusals must not reach the database (it has none)."""
    async with webhook_client(None) as test_client:
        yield test_client


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong-secret-token-000"},
                                     {SECRET_HEADER: SECRET.upper()}])
async def test_a_request_without_the_right_secret_is_refused(client, headers):
    response = await client.post("/telegram", json=UPDATE, headers=headers)
    assert response.status == 403
    assert not client.sandbox.bot_messages()


async def test_a_secret_header_that_is_not_utf8_is_refused(client):
    # aiohttp reads header bytes as UTF-8 with surrogate escapes: encoding them back raises.
    response = await client.post("/telegram", json=UPDATE,
                                 headers={SECRET_HEADER: b"\xff\xfe".decode("latin-1")})
    assert response.status == 403
    raw = await client.post("/telegram", json=UPDATE, skip_auto_headers=())
    assert raw.status == 403


async def test_a_verified_update_is_handled_then_answered(sessions):
    async with webhook_client(sessions) as client:
        response = await client.post("/telegram", json=UPDATE, headers={SECRET_HEADER: SECRET})
        assert response.status == 200
        [answer] = client.sandbox.bot_messages(101)  # type: ignore[attr-defined]
    assert answer.text == texts.STRANGER


@pytest.mark.parametrize("body", [b"not json", b"null", b"[1,2]", b"1", b'"update"', b"{}",
                                  b'{"update_id":"abc"}', b'{"update_id":-1}',
                                  b'{"update_id":true}', b'{"update_id":1e400}',
                                  b'{"update_id":100000000000000000000000}', b"\xff\xfe",
                                  DEEP, DEEP_IN_UPDATE],
                         ids=["text", "null", "list", "number", "string", "empty",
                              "id-text", "id-negative", "id-bool", "id-float", "id-huge",
                              "not-utf8", "deep", "deep-in-update"])
async def test_a_body_that_is_not_an_update_is_refused(client, body):
    response = await client.post("/telegram", data=body, headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    assert not client.sandbox.bot_messages()


@pytest.mark.parametrize(("body", "secret", "status"), [
    (DEEP, ZALO_SECRET, 400), (b"null", ZALO_SECRET, 400), (b"\xff", ZALO_SECRET, 400),
    (b"{}", b"\xff\xfe".decode("latin-1"), 403)], ids=["deep", "null", "bytes", "secret"])
async def test_the_zalo_webhook_refuses_hostile_bodies_too(sessions, body, secret, status):
    async with zalo_driver(plain_conversation(sessions), sessions, FakeClock(),
                           webhook=True) as driver, aiohttp.ClientSession() as http:
        response = await http.post(f"{driver.files_url}/zalo", data=body,
                                   headers={ZALO_SECRET_HEADER: secret})
    assert response.status == status
