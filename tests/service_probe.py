"""Helpers for tests that start dondoc's web server: a free port, and waiting for /readyz."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_ready(port: int, *, tries: int = 900, gone: Callable[[], bool] = lambda: False,
                     ) -> httpx.Response | None:
    """/readyz's last answer: 200 once ready, or whatever it said when the tries ran out."""
    ready = None
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        for _ in range(tries):
            if gone():
                break
            try:
                ready = await client.get("/readyz")
            except httpx.TransportError:
                ready = None
            if ready is not None and ready.status_code == 200:
                break
            await asyncio.sleep(0.2)
    return ready
