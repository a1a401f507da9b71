"""The console's settings and links, from dondoc's one Settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from config import Settings
from console.app import PREFIX, ConsoleConfig, random_secret

log = logging.getLogger(__name__)


def console_base(settings: Settings) -> str:
    """Where the console is reached: the public URL, else the web server's own address."""
    if settings.public_url:
        return settings.public_url.rstrip("/") + PREFIX
    return f"http://{settings.webhook_listen}:{settings.webhook_port}{PREFIX}"


def sign_in_link(settings: Settings, token: str) -> str:
    """The link /dangnhap sends: the token in the fragment, which browsers never send or log."""
    return f"{console_base(settings)}/dangnhap#{token}"


def console_config(settings: Settings,
                   invite_link_for: Callable[[str], str | None] = lambda code: None
                   ) -> ConsoleConfig:
    """The console's knobs; a random signing key (with a warning) when none is set."""
    if settings.console_secret:
        secret = settings.console_secret.encode()
    else:
        log.warning("DONDOC_CONSOLE_SECRET is not set: console sessions end when dondoc restarts")
        secret = random_secret()
    return ConsoleConfig(
        secret=secret, tz=settings.tz, session_for=timedelta(hours=settings.console_session_hours),
        secure_cookie=(settings.public_url or "").startswith("https://"),
        digest_every_weeks=settings.digest_every_weeks,
        invite_valid_for=timedelta(days=settings.invite_days), invite_link_for=invite_link_for,
        focal_persons=settings.console_focal_persons)
