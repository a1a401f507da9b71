"""The Zalo sandbox over HTTP: `<root>/zalo/bot<TOKEN>/<method>`, media, lifecycle."""

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from sandbox.errors import ApiError
from sandbox.server import _bound_socket, read_params
from sandbox.zalo import ZaloSandbox

logger = logging.getLogger(__name__)

ZALO_KEY = web.AppKey("zalo_sandbox", ZaloSandbox)
PREFIX = "/zalo"


def _json(body: object, status: int = 200, headers: dict[str, str] | None = None
          ) -> web.Response:
    return web.Response(text=json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/json", headers=headers)


async def handle_api(request: web.Request) -> web.Response:
    """POST or GET /zalo/bot<token>/<method>."""
    sandbox = request.app[ZALO_KEY]
    try:
        params = await read_params(request)
    except ApiError as error:
        return _json({"ok": False, "error_code": 400, "description": error.description}, 400)
    status, body, headers = await sandbox.call(request.match_info["token"],
                                               request.match_info["method"], params)
    return _json(body, status, headers)


async def handle_media(request: web.Request) -> web.Response:
    """GET /zalo/media/<id>: a photo a simulated user sent (the URL in the bot's update)."""
    state = request.app[ZALO_KEY].state
    stored = state.files.get(request.match_info["file_id"])
    if stored is None or state.media_expired:
        return web.Response(status=404, text="not found")
    return web.Response(body=stored.data, content_type=stored.mime_type or "image/jpeg")


def build_zalo_app(sandbox: ZaloSandbox) -> web.Application:
    """The aiohttp application serving one Zalo sandbox."""
    app = web.Application(client_max_size=4 * 1024 * 1024)
    app[ZALO_KEY] = sandbox
    app.router.add_route("*", PREFIX + "/bot{token}/{method}", handle_api)
    app.router.add_get(PREFIX + "/media/{file_id}", handle_media)
    return app


class ZaloSandboxServer:
    """Runs a Zalo sandbox on an address; port 0 picks a free port."""

    def __init__(self, sandbox: ZaloSandbox, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sandbox = sandbox
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def root_url(self) -> str:
        """http://host:port with IPv6 hosts bracketed."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Listen and start webhook delivery; sets the sandbox's base URL (for ZaloClient)."""
        sock = _bound_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(build_zalo_app(self.sandbox), shutdown_timeout=2.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self.sandbox.base_url = self.root_url + PREFIX
        self.sandbox.state.media_url = self.root_url + PREFIX + "/media"
        self.sandbox.start_background()
        logger.info("Zalo sandbox listening on %s%s", self.root_url, PREFIX)

    async def stop(self) -> None:
        """Stop delivery and close the server."""
        await self.sandbox.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@asynccontextmanager
async def running_zalo_sandbox(host: str = "127.0.0.1", port: int = 0, *,
                               fail_on_rejections: bool = True,
                               **options: Any) -> AsyncIterator[ZaloSandbox]:
    """A started Zalo sandbox; on a clean exit, fail if Zalo would have refused a request."""
    sandbox = ZaloSandbox(**options)
    server = ZaloSandboxServer(sandbox, host, port)
    await server.start()
    try:
        yield sandbox
    finally:
        await server.stop()
    if sandbox.internal_errors:
        problems = "\n".join(f"  {p}" for p in sandbox.internal_errors)
        raise AssertionError(f"the zalo sandbox crashed:\n{problems}")
    if fail_on_rejections:
        sandbox.assert_no_rejections()
