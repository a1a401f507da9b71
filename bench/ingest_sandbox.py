"""The sandbox Telegram for the ingest benchmark, in a process of its own.

It stands in for Telegram's servers, so its CPU is not the bot's: in its own process it takes a
core the way Telegram would take none of ours (on a small machine it still competes).
"""

from __future__ import annotations

import asyncio
from multiprocessing.connection import Connection
from typing import Any

from sandbox import running_sandbox
from sandbox.state import CallbackQueryRecord


async def _serve(users: list[tuple[int, str]], queries: list[tuple[str, int, int, str]],
                 pipe: Connection) -> None:
    async with running_sandbox(rate_limits=None, fail_on_rejections=False) as sandbox:
        for chat_id, name in users:
            sandbox.add_user(chat_id, name)
        for query_id, chat_id, message_id, data in queries:
            sandbox.state.callback_queries[query_id] = CallbackQueryRecord(
                query_id, chat_id, chat_id, message_id, data)
        pipe.send((sandbox.token, sandbox.base_url, sandbox.file_base_url))
        await asyncio.to_thread(pipe.recv)  # the benchmark is over
        report: dict[str, Any] = {
            "bot_messages": len(sandbox.bot_messages()),
            "callbacks_answered": sum(q.answered for q in sandbox.state.callback_queries.values()),
            "rejections": len(sandbox.rejections),
            "rejected": [f"{c.method}: {c.description}" for c in sandbox.rejections[:5]],
            "internal_errors": len(sandbox.internal_errors),
        }
    pipe.send(report)


def serve(users: list[tuple[int, str]], queries: list[tuple[str, int, int, str]],
          pipe: Connection) -> None:
    """Process entry point: start, send (token, base_url, file_base_url), stop on any message."""
    asyncio.run(_serve(users, queries, pipe))
