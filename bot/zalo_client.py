"""A thin, typed client of the Zalo Bot API on httpx, its errors as Messenger delivery errors.

Every method is a POST of JSON to `<base>/bot<TOKEN>/<method>`; the answer is an envelope
`{ok, result, error_code, description}`, and an HTTP 200 may still carry `ok: false`. The token
is part of every URL, so no URL and no raw transport error goes into a message or a log.

Errors follow Zalo's published table (bot.zapps.me/docs/error-code, quoted in goclaw's
internal/channels/zalo/bot/errors.go): 400 bad request, 401 bad token, 403 *internal server
error* (sic), 404 not found, 408 timeout, 429 quota exceeded. A code outside the table is tried
again a bounded number of times, then refused.
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.messenger import (
    DeliveryError,
    RateLimited,
    Rejected,
    TransientFailure,
    Unreachable,
)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
ZALO_TEXT_LIMIT = 2000
SECRET_LENGTHS = (8, 256)
# Zalo documents no rate limits: when it asks us to slow down without saying how long, wait
# long enough that the next try is unlikely to be refused again.
DEFAULT_RETRY_AFTER = 30.0
MAX_RETRY_AFTER = 3600.0
POLL_TIMEOUT = 30
# Zalo fetches a photo's URL during sendPhoto; openclaw waits 150 s for it
# (extensions/zalo/src/timeouts.ts: the hosted link's 120 s life plus one 30 s request).
DEFAULT_PHOTO_TIMEOUT = 150.0
# Tries of a call answered with a code outside Zalo's table before it counts as refused.
UNKNOWN_TRIES = 3
UNKNOWN_PAUSE = 1.0
# getUpdates answers this when its long poll ended with no update.
NO_UPDATE = 408
BAD_REQUEST, BAD_TOKEN, INTERNAL_ERROR, NOT_FOUND, QUOTA = 400, 401, 403, 404, 429
DOCUMENTED = frozenset({BAD_REQUEST, BAD_TOKEN, INTERNAL_ERROR, NOT_FOUND, NO_UPDATE, QUOTA})
_SLOW_DOWN = ("slow down", "rate limit", "too many", "quota", "exceeded the limit", "spam")
_BLOCKED = ("block", "chặn")
_MISSING = ("not found", "not exist", "does not exist", "không tồn tại")
_WHOM = ("chat", "user", "recipient", "người dùng")

class _Redactor(logging.Filter):
    """Takes bot tokens out of the HTTP libraries' log lines (their URLs carry the token)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "<token>")
            record.msg, record.args = message, ()
        return True


_REDACTOR = _Redactor()
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).addFilter(_REDACTOR)


class TimedOut(TransientFailure):
    """No answer came in time (the call may or may not have taken effect)."""


class NoUpdate(TransientFailure):
    """getUpdates' long poll ended without an update."""


class BadToken(TransientFailure):
    """401: the token is wrong or revoked; messages wait (queued) until it is fixed."""


class NotFound(Rejected):
    """404 for something other than a chat (an unknown method, no webhook ever set)."""


class UnknownError(TransientFailure):
    """A code outside Zalo's error table: tried again, a bounded number of times."""


def image_type(head: bytes) -> str | None:
    """The image type its first bytes show (None when they are not an image we keep)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return "image/heic"
    return None


@dataclass(frozen=True)
class BotInfo:
    """getMe: the bot's own account."""

    id: str
    account_name: str
    account_type: str = ""
    can_join_groups: bool = False


@dataclass(frozen=True)
class SentMessage:
    """What Zalo answered to a delivered message."""

    message_id: str
    date: int = 0


@dataclass(frozen=True)
class WebhookInfo:
    """The webhook Zalo pushes to ("" when none)."""

    url: str
    updated_at: int | None = None


def _retry_after(headers: httpx.Headers, body: dict[str, Any]) -> float | None:
    """The wait the answer asks for, from a Retry-After header or the envelope, if any."""
    parameters = body.get("parameters")
    candidates = [headers.get("retry-after"), body.get("retry_after"),
                  parameters.get("retry_after") if isinstance(parameters, dict) else None]
    for value in candidates:
        try:
            seconds = float(value) if value is not None else math.nan
        except (TypeError, ValueError):
            continue
        if math.isfinite(seconds) and seconds > 0:
            return min(seconds, MAX_RETRY_AFTER)
    return None


def classify(method: str, status: int, body: dict[str, Any], headers: httpx.Headers,
             default_retry_after: float = DEFAULT_RETRY_AFTER) -> DeliveryError:
    """A failed answer as a delivery error, by Zalo's error table first, then its words."""
    code = body.get("error_code")
    code = code if isinstance(code, int) else status
    description = str(body.get("description") or "")
    detail = f"zalo {method}: {code} {description}".strip()
    text = description.lower()
    if status == QUOTA or code == QUOTA or any(word in text for word in _SLOW_DOWN):
        return RateLimited(_retry_after(headers, body) or default_retry_after, detail)
    if code == NO_UPDATE:
        return NoUpdate(detail) if method == "getUpdates" else TimedOut(detail)
    if code == BAD_TOKEN or status == BAD_TOKEN:
        return BadToken(detail)
    if code == INTERNAL_ERROR or status >= 500 or 500 <= code < 600:
        return TransientFailure(detail)
    # No source says how Zalo words a block or a deleted account: its own words decide.
    if "deactivat" in text:
        return Unreachable("deactivated", detail)
    if any(word in text for word in _BLOCKED):
        return Unreachable("blocked", detail)
    to_chat = method.startswith("send")
    if to_chat and (code == NOT_FOUND or (any(word in text for word in _MISSING)
                                          and any(word in text for word in _WHOM))):
        return Unreachable("chat_not_found", detail)
    if code == NOT_FOUND:
        return NotFound(detail)
    if code == BAD_REQUEST or status == BAD_REQUEST:
        return Rejected(detail)
    return UnknownError(detail)


class ZaloClient:
    """The Zalo Bot API methods dondoc uses, each raising a DeliveryError when it fails."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL, *,
                 timeout: float = 15.0, photo_timeout: float = DEFAULT_PHOTO_TIMEOUT,
                 default_retry_after: float = DEFAULT_RETRY_AFTER,
                 unknown_tries: int = UNKNOWN_TRIES, unknown_pause: float = UNKNOWN_PAUSE,
                 http: httpx.AsyncClient | None = None) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        _REDACTOR.secrets.add(token)
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.photo_timeout = max(photo_timeout, timeout)
        self.unknown_tries = max(1, unknown_tries)
        self.unknown_pause = unknown_pause
        self.default_retry_after = default_retry_after
        self._http = http or httpx.AsyncClient()
        self._owns_http = http is None

    def __repr__(self) -> str:
        return f"ZaloClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections (when the client made them)."""
        if self._owns_http:
            await self._http.aclose()

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    async def call(self, method: str, params: dict[str, Any] | None = None, *,
                   timeout: float | None = None) -> Any:
        """One API call's result; a DeliveryError when it failed, whatever the HTTP status.

        A code outside Zalo's table is tried again (`unknown_tries` in all), then refused.
        """
        for attempt in range(1, self.unknown_tries + 1):
            try:
                return await self._call_once(method, params, timeout)
            except UnknownError as unknown:
                if attempt == self.unknown_tries:
                    raise Rejected(f"{unknown} (tried {attempt} times)") from None
                await asyncio.sleep(self.unknown_pause * attempt)
        raise AssertionError("unreachable")

    async def _call_once(self, method: str, params: dict[str, Any] | None,
                         timeout: float | None) -> Any:
        url = f"{self.base_url}/bot{self._token}/{method}"
        try:
            response = await self._http.post(url, json=params or {},
                                              timeout=timeout or self.timeout)
        except httpx.TimeoutException:
            raise TimedOut(f"zalo {method}: timed out") from None
        except httpx.HTTPError as error:
            raise TransientFailure(
                f"zalo {method}: {type(error).__name__}: {self._redact(str(error))}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code < 400 or response.status_code >= 500:
                raise TransientFailure(
                    f"zalo {method}: HTTP {response.status_code} without a JSON envelope")
            body = {"description": response.reason_phrase}
        if response.status_code >= 400 or body.get("ok") is not True:
            raise classify(method, response.status_code, body, response.headers,
                           self.default_retry_after)
        return body.get("result")

    async def get_me(self) -> BotInfo:
        """The bot's account (checks the token)."""
        result = await self.call("getMe")
        return BotInfo(str(result.get("id", "")), str(result.get("account_name", "")),
                       str(result.get("account_type", "")),
                       bool(result.get("can_join_groups", False)))

    async def get_updates(self, timeout: float = POLL_TIMEOUT) -> dict[str, Any] | None:
        """Wait up to `timeout` seconds for the next update; None when none came."""
        try:
            # Zalo's own example sends the timeout as a string.
            result = await self.call("getUpdates", {"timeout": f"{timeout:g}"},
                                     timeout=timeout + 10)
        except (NoUpdate, TimedOut):
            return None
        return result if isinstance(result, dict) else None

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        """Have Zalo push updates to `url` with `secret_token` in X-Bot-Api-Secret-Token."""
        low, high = SECRET_LENGTHS
        if not low <= len(secret_token) <= high:
            raise ValueError(f"a Zalo webhook secret has {low}–{high} characters")
        return self._webhook(await self.call("setWebhook",
                                             {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> WebhookInfo:
        """Stop webhook pushes (getUpdates works again); pending updates are kept."""
        return self._webhook(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> WebhookInfo:
        """The webhook currently set ("" when none, also when Zalo says none was ever set)."""
        try:
            return self._webhook(await self.call("getWebhookInfo"))
        except NotFound:
            return WebhookInfo("")

    @staticmethod
    def _webhook(result: Any) -> WebhookInfo:
        result = result if isinstance(result, dict) else {}
        updated = result.get("updated_at")
        return WebhookInfo(str(result.get("url") or ""),
                           updated if isinstance(updated, int) else None)

    async def send_message(self, chat_id: str, text: str) -> SentMessage:
        """Send a text of 1–2000 characters."""
        if not 1 <= len(text) <= ZALO_TEXT_LIMIT:
            raise Rejected(f"zalo sendMessage: text of {len(text)} characters (1–2000 allowed)")
        return self._sent(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> SentMessage:
        """Send the image at a URL (Zalo fetches it), with an optional caption."""
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption[:ZALO_TEXT_LIMIT]
        # Zalo downloads the image before it answers: this call may take long.
        return self._sent(await self.call("sendPhoto", params, timeout=self.photo_timeout))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing…" in the chat."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download_photo(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        """A photo a person sent, and its type: read at most `max_bytes`, images only.

        Rejected (with the reason in Vietnamese) for a link that is not http(s), a file too
        large, or anything that is not a JPEG, PNG, GIF, WebP or HEIC image, whatever the
        server calls it; TransientFailure when the link cannot be read.
        """
        if urlsplit(url).scheme not in ("http", "https"):
            raise Rejected("liên kết ảnh không hợp lệ")
        limit = f"quá {max_bytes / 1_048_576:.1f} MB"
        try:
            async with self._http.stream("GET", url, timeout=self.timeout) as response:
                response.raise_for_status()
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise Rejected(f"ảnh {limit}")
                if not response.headers.get("content-type", "image/").startswith("image/"):
                    raise Rejected("tệp không phải ảnh")
                data = bytearray()
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise Rejected(f"ảnh {limit}")
        except httpx.HTTPError as error:
            raise TransientFailure(f"zalo photo download: {type(error).__name__}") from None
        kind = image_type(bytes(data[:16]))
        if kind is None:
            raise Rejected("tệp không phải ảnh")
        return bytes(data), kind

    async def download(self, url: str) -> bytes:
        """The bytes of a file a person sent (Zalo gives its URL)."""
        try:
            response = await self._http.get(url, timeout=self.timeout)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise TransientFailure(f"zalo download: {type(error).__name__}") from None
        return response.content

    @staticmethod
    def _sent(result: Any) -> SentMessage:
        result = result if isinstance(result, dict) else {}
        date = result.get("date")
        return SentMessage(str(result.get("message_id", "")), date if isinstance(date, int) else 0)
