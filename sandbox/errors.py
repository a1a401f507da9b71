"""Bot API errors and the JSON envelope Telegram wraps every answer in."""

import math
from typing import Any

JsonDict = dict[str, Any]


class ApiError(Exception):
    """An answer with ok=false, carrying Telegram's error_code and description."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> JsonDict:
        """The error as Telegram sends it."""
        body: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """A 403 with Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def not_found() -> ApiError:
    """Telegram's answer for an unknown method or a malformed token."""
    return ApiError(404, "Not Found")


def unauthorized() -> ApiError:
    """Telegram's answer for a well-formed token it does not know."""
    return ApiError(401, "Unauthorized")


def conflict(detail: str) -> ApiError:
    """A 409 with Telegram's "Conflict: " prefix."""
    return ApiError(409, f"Conflict: {detail}")


def too_many_requests(retry_after_seconds: float) -> ApiError:
    """A 429 telling the client how many whole seconds to wait."""
    seconds = max(1, math.ceil(retry_after_seconds))
    return ApiError(429, f"Too Many Requests: retry after {seconds}", retry_after=seconds)


def success(result: object) -> JsonDict:
    """A successful answer."""
    return {"ok": True, "result": result}


class SandboxUsageError(ValueError):
    """A test or the control API asked a simulated user to do something impossible."""
