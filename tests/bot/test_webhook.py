"""The webhook refuses requests without the right secret and queues real updates."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer
from telegram.ext import ApplicationBuilder

from bot.webhook import SECRET_HEADER, webhook_app

SECRET = "s3cret-token_value-123"
UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 1758500000,
                                      "chat": {"id": 101, "type": "private"},
                                      "from": {"id": 101, "is_bot": False, "first_name": "Hoa"},
                                      "text": "NV12 đã hoàn thành"}}


@pytest.fixture
async def client():
    application = ApplicationBuilder().token("123:ABC").build()
    async with TestClient(TestServer(webhook_app(application, SECRET))) as test_client:
        test_client.application = application  # type: ignore[attr-defined]
        yield test_client


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong-secret-token-000"},
                                     {SECRET_HEADER: SECRET.upper()}])
async def test_a_request_without_the_right_secret_is_refused(client, headers):
    response = await client.post("/telegram", json=UPDATE, headers=headers)
    assert response.status == 403
    assert client.application.update_queue.empty()


async def test_a_verified_update_is_queued(client):
    response = await client.post("/telegram", json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status == 200
    update = client.application.update_queue.get_nowait()
    assert (update.update_id, update.message.text) == (7, "NV12 đã hoàn thành")


async def test_a_body_that_is_not_an_update_is_refused(client):
    response = await client.post("/telegram", data=b"not json",
                                 headers={SECRET_HEADER: SECRET})
    assert response.status == 400
