"""The wire format without PTB: JSON, query-string and multipart bodies, and the envelope."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from sandbox import Sandbox
from sandbox.__main__ import parse_args
from tests.sandbox.conftest import TOKEN


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{sandbox.base_url}{TOKEN}/") as http:
        yield http


async def test_json_body_with_native_values(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.add_user(6001, "Lan")
    markup = {"inline_keyboard": [[{"text": "Xong", "callback_data": "done"}]]}

    response = await client.post(
        "sendMessage", json={"chat_id": 6001, "text": "Chào", "reply_markup": markup}
    )

    body = response.json()
    assert response.status_code == 200 and body["ok"] is True
    assert body["result"]["reply_markup"] == markup
    assert body["result"]["chat"] == {"id": 6001, "type": "private", "first_name": "Lan"}


async def test_query_string_parameters(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.add_user(6002, "Minh")

    response = await client.get("sendMessage", params={"chat_id": "6002", "text": "Chào"})

    assert response.json()["result"]["text"] == "Chào"


async def test_multipart_with_an_attach_reference(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    sandbox.add_user(6003, "Hà")

    response = await client.post(
        "sendDocument",
        data={"chat_id": "6003", "document": "attach://report"},
        files={"report": ("bao-cao.txt", b"noi dung", "text/plain")},
    )

    document = response.json()["result"]["document"]
    assert document["file_name"] == "bao-cao.txt"
    assert document["mime_type"] == "text/plain"
    stored = sandbox.last_bot_message(6003)
    assert stored is not None and stored.file is not None and stored.file.data == b"noi dung"


async def test_429_envelope(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    sandbox.add_user(6004, "Tú")
    await client.post("sendMessage", json={"chat_id": 6004, "text": "1"})

    response = await client.post("sendMessage", json={"chat_id": 6004, "text": "2"})

    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }


async def test_invalid_json_body(client: httpx.AsyncClient, sandbox: Sandbox) -> None:
    response = await client.post(
        "sendMessage", content=b"{oops", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: can't parse request JSON object"


async def test_unsupported_spec_method_is_refused_loudly(
    client: httpx.AsyncClient, sandbox: Sandbox
) -> None:
    response = await client.post("sendPoll", json={"chat_id": 1, "question": "?", "options": []})

    assert response.status_code == 400
    assert "not supported by the sandbox" in response.json()["description"]
    assert sandbox.take_rejections()[0].method == "sendPoll"


async def test_download_of_an_unknown_path_is_404(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{sandbox.file_base_url}{TOKEN}/documents/nope.txt")

    assert response.status_code == 404
    assert json.loads(response.text)["description"] == "Not Found"


async def test_close_and_log_out_are_harmless(client: httpx.AsyncClient) -> None:
    for method in ("close", "logOut", "getMe"):
        response = await client.post(method)
        assert response.json()["ok"] is True


def test_command_line_options() -> None:
    args = parse_args(["--port", "0", "--user", "7:Lan:lan_sxd", "--no-rate-limits"])

    assert (args.host, args.port, args.no_rate_limits) == ("127.0.0.1", 0, True)
    assert args.user == [(7, "Lan", "lan_sxd")]
