"""Telegram's webhook, served with aiohttp: the secret token is checked on every request."""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(application: Application, secret: str,
                path: str = "/telegram") -> web.Application:
    """An aiohttp app that hands verified updates to the PTB application's queue."""
    app = web.Application()
    add_webhook(app, application, secret, path)
    return app


def add_webhook(app: web.Application, application: Application, secret: str,
                path: str = "/telegram") -> None:
    """Serve Telegram's webhook at `path` of an existing web app (shared with Zalo's)."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request refused: wrong or missing secret token from %s",
                        request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            payload = json.loads(await request.read())
            update = Update.de_json(payload, application.bot)
        except (ValueError, KeyError, TypeError):
            log.warning("webhook request refused: not an update")
            return web.Response(status=400, text="bad update")
        await application.update_queue.put(update)
        return web.Response(text="ok")

    app.router.add_post(path, receive)
