"""The console's session cookie, CSRF token, sign-in throttle and security headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass

COOKIE = "dondoc_console"
# Self only: the console serves its own script and style; nothing inline, nothing framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; frame-ancestors 'none'; "
                                "form-action 'self'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class ConsoleSession:
    """What the signed cookie says: whose session, its generation, until when, its CSRF token."""

    person_id: int
    generation: int
    expires: int
    csrf: str


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()).decode()


def seal(secret: bytes, person_id: int, generation: int, expires: int) -> tuple[str, str]:
    """A signed cookie value for a new session, and the session's CSRF token."""
    csrf = secrets.token_urlsafe(24)
    payload = base64.urlsafe_b64encode(json.dumps(
        {"p": person_id, "g": generation, "e": expires, "c": csrf}).encode())
    return f"{payload.decode()}.{_sign(secret, payload)}", csrf


def unseal(secret: bytes, value: str | None, now: float) -> ConsoleSession | None:
    """The session a cookie carries, if its signature holds and it has not expired."""
    if not value or value.count(".") != 1:
        return None
    payload, signature = value.split(".")
    if not hmac.compare_digest(_sign(secret, payload.encode()), signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        session = ConsoleSession(int(data["p"]), int(data["g"]), int(data["e"]), str(data["c"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > now else None


class Throttle:
    """At most `limit` failed sign-ins per client in `window` seconds (in memory, per process)."""

    def __init__(self, limit: int = 10, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, client: str, now: float | None = None) -> bool:
        """Whether this client has failed too often lately."""
        now = time.monotonic() if now is None else now
        failures = self._failures[client]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return len(failures) >= self.limit

    def failed(self, client: str, now: float | None = None) -> None:
        """Count one failure."""
        self._failures[client].append(time.monotonic() if now is None else now)
