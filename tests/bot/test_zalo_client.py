"""The Zalo client against the Zalo sandbox: every failure becomes the right delivery error."""

from __future__ import annotations

import logging

import httpx
import pytest

from bot.messenger import RateLimited, Rejected, TransientFailure, Unreachable
from bot.zalo_client import (
    DEFAULT_PHOTO_TIMEOUT,
    DEFAULT_RETRY_AFTER,
    UNKNOWN_TRIES,
    BadToken,
    TimedOut,
    ZaloClient,
)
from sandbox import ManualClock, RateLimits, running_zalo_sandbox


@pytest.fixture
async def zalo():
    clock = ManualClock()
    async with running_zalo_sandbox(rate_limits=RateLimits(100, 1, 20), clock=clock,
                                    fail_on_rejections=False) as sandbox, \
            ZaloClient(sandbox.token, sandbox.base_url, timeout=0.5,
                       unknown_pause=0.01) as client:
        user = sandbox.add_user(1, "Lan")
        user.send_text("xin chào")  # Zalo knows a chat once the person wrote
        yield sandbox, client, user, clock


async def test_a_message_is_sent_and_its_id_returned(zalo):
    _, client, user, clock = zalo
    clock.advance(12.5)
    sent = await client.send_message(user.id, "Nhắc việc")
    # Zalo dates are Unix milliseconds of the moment it took the message.
    assert len(sent.message_id) == 32 and sent.date == int(clock.time() * 1000)
    assert user.messages_from_bot()[-1].text == "Nhắc việc"


async def test_too_fast_is_rate_limited_with_a_conservative_wait(zalo):
    sandbox, client, user, _ = zalo
    await client.send_message(user.id, "một")
    with pytest.raises(RateLimited) as caught:
        await client.send_message(user.id, "hai")  # a second message the same second
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER
    assert sandbox.calls[-1].http_status == 429 and sandbox.flood_refusals


async def test_a_retry_after_given_is_honoured(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", error_code=429, retry_after=7)
    with pytest.raises(RateLimited) as caught:
        await client.send_message(user.id, "một")
    assert caught.value.retry_after == 7


async def test_slow_down_inside_an_http_200_is_rate_limited(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", error_code=-201,
                             description="You are sending too fast, please slow down")
    with pytest.raises(RateLimited) as caught:
        await client.send_message(user.id, "một")
    assert sandbox.calls[-1].http_status == 200
    assert caught.value.retry_after == DEFAULT_RETRY_AFTER


async def test_server_errors_and_time_outs_are_transient(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", error_code=502)
    with pytest.raises(TransientFailure):
        await client.send_message(user.id, "một")
    sandbox.faults.time_out_next("sendMessage", hold_seconds=2)
    with pytest.raises(TransientFailure, match="timed out"):
        await client.send_message(user.id, "hai")


async def test_a_blocked_or_unknown_chat_is_unreachable(zalo):
    sandbox, client, user, _ = zalo
    user.block_bot()
    with pytest.raises(Unreachable) as blocked:
        await client.send_message(user.id, "một")
    assert blocked.value.reason == "blocked"
    silent = sandbox.add_user(2, "Chưa nhắn")  # never wrote to the bot
    with pytest.raises(Unreachable) as missing:
        await client.send_message(silent.id, "một")
    assert missing.value.reason == "chat_not_found"
    assert sandbox.take_rejections() == []  # platform states, not malformed requests


async def test_our_own_mistakes_are_rejected(zalo):
    sandbox, client, user, _ = zalo
    with pytest.raises(Rejected):
        await client.send_message(user.id, "x" * 2001)  # refused before it leaves
    with pytest.raises(Rejected):
        await client.call("sendMessage", {"chat_id": user.id, "text": "a", "parse_mod": "html"})
    assert [c.description for c in sandbox.take_rejections()] == [
        "Invalid parameter: unknown parameter parse_mod"]


async def test_the_token_never_shows_in_errors_or_logs(zalo, caplog):
    sandbox, client, user, _ = zalo
    caplog.set_level(logging.DEBUG)
    sandbox.faults.fail_next("sendMessage", error_code=500)
    with pytest.raises(TransientFailure) as caught:
        await client.send_message(user.id, "một")
    broken = ZaloClient(sandbox.token, "http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(TransientFailure) as unreachable:
        await broken.get_me()
    await broken.aclose()
    secret = sandbox.token.split(":", 1)[1]
    # (The sandbox's own access log is Zalo's server side: it sees the token, as Zalo does.)
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("aiohttp")]
    assert any("/bot<token>/sendMessage" in line for line in ours)  # httpx did log the call
    for text in (str(caught.value), str(unreachable.value), repr(client), *ours):
        assert secret not in text


async def test_updates_come_one_per_call_and_none_when_there_is_none(zalo):
    _, client, user, _ = zalo
    user.send_text("hai")
    first = await client.get_updates(timeout=0.1)
    second = await client.get_updates(timeout=0.1)
    assert (first["message"]["text"], second["message"]["text"]) == ("xin chào", "hai")
    assert await client.get_updates(timeout=0.1) is None


async def test_the_webhook_is_set_read_and_deleted(zalo):
    sandbox, client, _, _ = zalo
    with pytest.raises(ValueError):
        await client.set_webhook("http://127.0.0.1:1/zalo", "short")
    info = await client.set_webhook("http://127.0.0.1:1/zalo", "a-long-enough-secret")
    assert (await client.get_webhook_info()).url == info.url == "http://127.0.0.1:1/zalo"
    with pytest.raises(Rejected):
        await client.get_updates(timeout=0.1)  # webhook and getUpdates exclude each other
    sandbox.take_rejections()
    assert (await client.delete_webhook()).url == ""
    assert sandbox.pending_updates  # deleting the webhook dropped nothing


# --- Zalo's documented error table (bot.zapps.me/docs/error-code, as quoted by goclaw) ---


async def test_a_bad_token_is_http_200_with_ok_false_and_keeps_messages_queued(zalo):
    sandbox, _, _, _ = zalo
    async with httpx.AsyncClient() as raw:
        answer = await raw.post(f"{sandbox.base_url}/bot999:wrong/getMe", json={})
    assert answer.status_code == 200
    assert answer.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with ZaloClient("999:wrong", sandbox.base_url) as stranger:
        with pytest.raises(BadToken):
            await stranger.get_me()
    # Not our message's fault and not the person's: the message waits for a good token.
    assert issubclass(BadToken, TransientFailure)


async def test_403_is_zalos_internal_error_and_is_tried_again_later(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", error_code=403,
                             description="Internal server error: user blocked?")
    with pytest.raises(TransientFailure) as caught:
        await client.send_message(user.id, "một")
    assert not isinstance(caught.value, Unreachable | Rejected)


async def test_408_outside_a_poll_is_a_time_out(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", error_code=408, description="Request timeout")
    with pytest.raises(TimedOut):
        await client.send_message(user.id, "một")


async def test_429_quota_waits(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", error_code=429, description="Quota exceeded")
    with pytest.raises(RateLimited):
        await client.send_message(user.id, "một")


async def test_an_unknown_code_is_tried_again_a_bounded_number_of_times(zalo):
    sandbox, client, user, _ = zalo
    sandbox.faults.fail_next("sendMessage", times=2, error_code=-999, description="Lỗi lạ")
    sent = await client.send_message(user.id, "một")  # third try goes through
    assert sent.message_id
    tries = [c.error_code for c in sandbox.calls if c.method == "sendMessage"]
    assert tries == [-999, -999, None]
    sandbox.faults.fail_next("sendMessage", times=UNKNOWN_TRIES + 1, error_code=-999,
                             description="Lỗi lạ")
    with pytest.raises(Rejected, match=f"tried {UNKNOWN_TRIES} times"):
        await client.send_message(user.id, "hai")
    sandbox.faults.clear()


async def test_a_photo_may_take_as_long_as_zalo_needs_to_fetch_it(zalo):
    sandbox, _, user, _ = zalo
    async with ZaloClient(sandbox.token, sandbox.base_url, timeout=0.3,
                          photo_timeout=5) as client:
        assert client.photo_timeout == 5
        sandbox.faults.slow_down("sendPhoto", 0.6)  # longer than an ordinary call may take
        with pytest.raises(Rejected):  # the sandbox then refuses the URL, but it answered
            await client.send_photo(user.id, "http://127.0.0.1:9/a.png")
    sandbox.take_rejections()
    assert DEFAULT_PHOTO_TIMEOUT == 150


async def test_no_webhook_ever_set_reads_as_no_webhook(zalo):
    sandbox, client, _, _ = zalo
    async with httpx.AsyncClient() as raw:
        answer = await raw.post(f"{sandbox.base_url}/bot{sandbox.token}/getWebhookInfo",
                                json={})
    assert answer.json()["error_code"] == 404  # as live Zalo may answer before any setWebhook
    assert (await client.get_webhook_info()).url == ""
