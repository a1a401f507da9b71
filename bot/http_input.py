"""What a webhook reads from a request it does not trust: the secret header and the JSON body."""

from __future__ import annotations

import hmac
import json


def secret_matches(given: str, secret: str) -> bool:
    """A constant-time comparison that refuses, rather than raises on, undecodable headers."""
    try:
        return hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))
    except UnicodeError:
        return False


def read_json(body: bytes) -> object:
    """A request body as JSON; ValueError for anything else (bad bytes, absurd nesting)."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
