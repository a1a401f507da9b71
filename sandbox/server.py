"""The sandbox over HTTP: Bot API routes, file downloads, and the server's lifecycle."""

import json
import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web

from sandbox.control_api import add_control_routes
from sandbox.core import Sandbox, SandboxInternalError
from sandbox.errors import ApiError, JsonDict, bad_request, not_found, unauthorized
from sandbox.validation import UploadedFile
from sandbox.webchat import add_webchat_routes

logger = logging.getLogger(__name__)

SANDBOX_KEY = web.AppKey("sandbox", Sandbox)
# Telegram accepts uploads up to 50 MB from bots.
MAX_REQUEST_BYTES = 52 * 1024 * 1024


def json_response(body: JsonDict, status: int = 200) -> web.Response:
    """A JSON answer that keeps Vietnamese text readable."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


async def read_params(request: web.Request) -> dict[str, object]:
    """Parameters from the query string and a JSON, form-urlencoded or multipart body."""
    params: dict[str, object] = dict(request.query)
    if not request.body_exists:
        return params
    if request.content_type == "application/json":
        try:
            body: Any = await request.json()
        except ValueError:
            raise bad_request("can't parse request JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("request JSON must be an object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                params[key] = UploadedFile(value.filename, value.content_type, data)
            else:
                params[key] = value
    return params


async def handle_bot_api(request: web.Request) -> web.Response:
    """POST or GET /bot<token>/<method>."""
    sandbox = request.app[SANDBOX_KEY]
    token, method = request.match_info["token"], request.match_info["method"]
    try:
        params = await read_params(request)
    except ApiError as error:
        return json_response(error.envelope(), error.error_code)
    status, body = await sandbox.call(token, method, params)
    return json_response(body, status)


async def handle_file_download(request: web.Request) -> web.Response:
    """GET /file/bot<token>/<file_path>, the address getFile's file_path points to."""
    sandbox = request.app[SANDBOX_KEY]
    token = request.match_info["token"]
    if token != sandbox.token:
        error = unauthorized() if ":" in token else not_found()
        return json_response(error.envelope(), error.error_code)
    stored = sandbox.state.files.at_path(request.match_info["path"])
    if stored is None:
        return json_response(not_found().envelope(), 404)
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


def build_app(sandbox: Sandbox) -> web.Application:
    """The aiohttp application serving one sandbox."""
    app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    app[SANDBOX_KEY] = sandbox
    app.router.add_route("*", "/bot{token}/{method}", handle_bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file_download)
    add_control_routes(app, SANDBOX_KEY)
    add_webchat_routes(app)
    return app


def _bound_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


class SandboxServer:
    """Runs a sandbox's HTTP server on an address; port 0 picks a free port."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> None:
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
        """Listen and start webhook delivery; sets the sandbox's base URLs."""
        sock = _bound_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        self._runner = web.AppRunner(build_app(self.sandbox), shutdown_timeout=2.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self.sandbox.base_url = f"{self.root_url}/bot"
        self.sandbox.file_base_url = f"{self.root_url}/file/bot"
        self.sandbox.start_background()
        logger.info("Telegram sandbox listening on %s", self.root_url)

    async def stop(self) -> None:
        """Release held requests, stop delivery and close the server."""
        await self.sandbox.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@asynccontextmanager
async def running_sandbox(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    fail_on_rejections: bool = True,
    **sandbox_options: Any,
) -> AsyncIterator[Sandbox]:
    """A started sandbox for a test; on a clean exit, fail if any request was rejected.

    sandbox_options go to Sandbox (token, rate_limits, clock, spec_path, ...). Tests that
    provoke rejections on purpose take them with sandbox.take_rejections().
    """
    sandbox = Sandbox(**sandbox_options)
    server = SandboxServer(sandbox, host, port)
    await server.start()
    try:
        yield sandbox
    finally:
        await server.stop()
    if sandbox.internal_errors:
        problems = "\n".join(f"  {p}" for p in sandbox.internal_errors)
        raise SandboxInternalError(f"the sandbox produced invalid Bot API data:\n{problems}")
    if fail_on_rejections:
        sandbox.assert_no_rejections()
