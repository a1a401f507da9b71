"""`dondoc run` with both tokens: Telegram and Zalo at once in one process, both modes."""

from __future__ import annotations

import asyncio
import socket

import pytest

from cli.invites import CommandError
from cli.service import serve
from config import Settings
from sandbox import running_sandbox, running_zalo_sandbox


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_both_channels_run_in_one_process(tmp_path, webhook):
    port = _free_port()
    async with running_sandbox(rate_limits=None) as telegram, \
            running_zalo_sandbox(rate_limits=None) as zalo:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'dondoc.db'}",
            telegram_token=telegram.token, telegram_base_url=telegram.base_url,
            zalo_token=zalo.token, zalo_base_url=zalo.base_url,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret="telegram-secret-0123456789",
            zalo_webhook_url=f"http://127.0.0.1:{port}/zalo",
            zalo_webhook_secret="zalo-secret-0123", webhook_port=port,
            zalo_poll_seconds=1, digest_cron="59 23 * * sun", _env_file=None)
        stop = asyncio.Event()
        running = asyncio.create_task(serve(settings, webhook, stop))
        try:
            if webhook:
                await zalo.wait_until(lambda: bool(zalo.webhook_url), timeout=10)
                await telegram.wait_until(lambda: bool(telegram.state.webhook.settings),
                                          timeout=10)
            lan = telegram.add_user(101, "Lan")
            hoa = zalo.add_user(101, "Hoa")
            lan.send_message("/start SAIMA12345")
            hoa.send_text("/start SAIMA12345")
            on_telegram = await lan.wait_for_bot_message(timeout=10)
            on_zalo = await hoa.wait_for_bot_message(timeout=10)
        finally:
            stop.set()
            await asyncio.wait_for(running, 30)
    assert on_telegram.text.startswith("Mã mời không đúng")
    assert on_zalo.text.startswith("Mã mời không đúng")
    polls = sum(1 for call in zalo.calls if call.method == "getUpdates")
    assert (zalo.state.webhook.delivered_count, polls > 0) == ((1, False) if webhook else (0, True))


async def test_a_refused_zalo_token_stops_start_up_with_a_sentence(tmp_path):
    async with running_zalo_sandbox(rate_limits=None, fail_on_rejections=False) as zalo:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'dondoc.db'}", telegram_token=None,
            zalo_token="999:wrong", zalo_base_url=zalo.base_url, zalo_poll_seconds=1,
            _env_file=None)
        with pytest.raises(CommandError, match="DONDOC_ZALO_TOKEN"):
            await asyncio.wait_for(serve(settings, False, asyncio.Event()), 30)
    # The sandbox answered in HTTP 200, as live Zalo does: the envelope decided.
    assert [(c.http_status, c.error_code) for c in zalo.calls] == [(200, 401)]
