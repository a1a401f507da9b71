"""Telegram's webhook, served with aiohttp: the secret token is checked on every request.

An update is answered once it is handled: 200 when it is stored (or failed for good), 503 when
the database is unavailable, so that Telegram delivers it again later. A body that is not an
update is a 400, whatever it holds.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from telegram.ext import Application

from bot.http_input import read_json, secret_matches
from bot.telegram_intake import intake_of
from bot.telegram_updates import read_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram gives up on a webhook request after about a minute; an update still being handled
# then is answered 200 (it is in hand) rather than delivered twice.
HANDLING_WAIT = 45.0


def webhook_app(application: Application, secret: str,
                path: str = "/telegram") -> web.Application:
    """An aiohttp app that hands verified updates to the PTB application."""
    app = web.Application()
    add_webhook(app, application, secret, path)
    return app


def add_webhook(app: web.Application, application: Application, secret: str,
                path: str = "/telegram") -> None:
    """Serve Telegram's webhook at `path` of an existing web app (shared with Zalo's)."""

    async def receive(request: web.Request) -> web.Response:
        if not secret_matches(request.headers.get(SECRET_HEADER, ""), secret):
            log.warning("webhook request refused: wrong or missing secret token from %s",
                        request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            update = read_update(read_json(await request.read()), application.bot)
        except ValueError as error:
            log.warning("webhook request refused: not JSON (%s)", error)
            update = None
        if update is None:
            return web.Response(status=400, text="bad update")
        handling = asyncio.ensure_future(intake_of(application).handle(update))
        try:
            stored = await asyncio.wait_for(asyncio.shield(handling), HANDLING_WAIT)
        except TimeoutError:
            log.warning("update %s still being handled; answered 200", update.update_id)
            stored = True
        if not stored:
            return web.Response(status=503, text="database unavailable",
                                headers={"Retry-After": "30"})
        return web.Response(text="ok")

    app.router.add_post(path, receive)
