"""getUpdates calls against a server that answers at once, ignoring `timeout` (issue #19, 12).

    uv run python -m bench.poll_spin [--seconds 2]

PTB's Updater (poll_interval 0, as dondoc used it) against dondoc's poller (floor 1 s), each
for the same time against the sandbox with its `poll_ignores_timeout` quirk on.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from telegram.ext import ApplicationBuilder

from bot.conversation import Conversation, ConversationConfig
from bot.telegram_app import build_application
from bot.telegram_polling import TelegramPoller
from sandbox import running_sandbox


async def main(seconds: float) -> None:
    async with running_sandbox(rate_limits=None) as sandbox:
        sandbox.quirks.poll_ignores_timeout = True
        ptb = ApplicationBuilder().token(sandbox.token).base_url(sandbox.base_url).build()
        async with ptb:
            assert ptb.updater is not None
            await ptb.updater.start_polling(poll_interval=0.0, timeout=30)
            await asyncio.sleep(seconds)
            await ptb.updater.stop()
        updater = sum(1 for call in sandbox.calls if call.method == "getUpdates")
        sandbox.calls.clear()
        # No update arrives, so the conversation (and its database) is never used.
        conversation = Conversation(None, ConversationConfig(  # type: ignore[arg-type]
            tz=UTC, now=lambda: datetime.now(UTC)))
        ours = build_application(conversation, sandbox.token, sandbox.base_url,
                                 sandbox.file_base_url)
        async with ours:
            poller = TelegramPoller(ours, timeout=30, floor=1.0)
            running = asyncio.create_task(poller.run())
            await asyncio.sleep(seconds)
            poller.stop()
            await running
        polls = sum(1 for call in sandbox.calls if call.method == "getUpdates")
    print(f"getUpdates in {seconds:.1f} s: PTB Updater {updater} ({updater / seconds:.0f}/s), "
          f"TelegramPoller (floor 1 s) {polls}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    asyncio.run(main(parser.parse_args().seconds))
