"""The Zalo Bot API methods of the sandbox, with their parameters checked."""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp

from sandbox.account_methods import is_loopback_host
from sandbox.errors import ApiError
from sandbox.files import image_size
from sandbox.validation import UploadedFile
from sandbox.world import Chat, StoredMessage
from sandbox.zalo_updates import ZaloWebhook
from sandbox.zalo_users import message_id

if TYPE_CHECKING:
    from sandbox.zalo import ZaloState

JsonDict = dict[str, Any]
ZALO_TEXT_LIMIT = 2000
SECRET_LENGTHS = (8, 256)
MAX_POLL_SECONDS = 60
FETCH_TIMEOUT = 5.0
# Method -> (required, optional) parameters. Zalo ignores what it does not know; the sandbox
# refuses it, because an unknown parameter is always a bug in our code.
PARAMETERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "getMe": (frozenset(), frozenset()),
    "getUpdates": (frozenset(), frozenset({"timeout"})),
    "setWebhook": (frozenset({"url", "secret_token"}), frozenset()),
    "deleteWebhook": (frozenset(), frozenset()),
    "getWebhookInfo": (frozenset(), frozenset()),
    "sendMessage": (frozenset({"chat_id", "text"}), frozenset()),
    "sendPhoto": (frozenset({"chat_id", "photo"}), frozenset({"caption"})),
    "sendSticker": (frozenset({"chat_id", "sticker"}), frozenset()),
    "sendChatAction": (frozenset({"chat_id", "action"}), frozenset()),
}


class ZaloError(Exception):
    """An answer with ok=false; `rejection` marks a request Zalo refuses as malformed."""

    def __init__(self, error_code: int, description: str, *, http_status: int = 200,
                 rejection: bool = False, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.http_status = http_status
        self.rejection = rejection
        self.retry_after = retry_after

    def envelope(self) -> JsonDict:
        """The error as Zalo sends it."""
        return {"ok": False, "error_code": self.error_code, "description": self.description}


def _invalid(detail: str) -> ZaloError:
    return ZaloError(400, f"Invalid parameter: {detail}", rejection=True)


def _string(params: JsonDict, name: str) -> str:
    value = params[name]
    if not isinstance(value, str):
        raise _invalid(f"{name} must be a string")
    return value


def _web_url(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _invalid(f"{name} must be an http(s) URL")
    # The sandbox reaches only this machine; Zalo itself wants HTTPS anywhere else.
    if not is_loopback_host(parts.hostname):
        raise _invalid(f"{name}: the sandbox only reaches loopback addresses")
    return value


class ZaloMethods:
    """getMe, getUpdates, webhooks, sendMessage, sendPhoto, sendSticker, sendChatAction."""

    def __init__(self, state: "ZaloState", bot_id: str, bot_name: str) -> None:
        self._state = state
        self._bot_id = bot_id
        self._bot_name = bot_name
        self._handlers: dict[str, Callable[[JsonDict], Awaitable[object]]] = {
            "getMe": self.get_me, "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook, "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info, "sendMessage": self.send_message,
            "sendPhoto": self.send_photo, "sendSticker": self.send_sticker,
            "sendChatAction": self.send_chat_action,
        }

    async def run(self, method: str, params: JsonDict) -> object:
        """Check the parameters, then run the method."""
        if method not in PARAMETERS:
            raise ZaloError(404, "Not Found: unknown method", http_status=404, rejection=True)
        required, optional = PARAMETERS[method]
        missing = sorted(required - params.keys())
        unknown = sorted(params.keys() - required - optional)
        if missing:
            raise _invalid(f"missing {', '.join(missing)}")
        if unknown:
            raise _invalid(f"unknown parameter {', '.join(unknown)}")
        if any(isinstance(value, UploadedFile) for value in params.values()):
            raise _invalid("files are not uploaded: Zalo takes a photo by its URL")
        return await self._handlers[method](params)

    def _chat(self, params: JsonDict) -> Chat:
        """The private chat a request addresses, or Zalo's refusal for it."""
        number = self._state.chats.get(_string(params, "chat_id"))
        chat = self._state.world.chats.get(number) if number is not None else None
        if chat is None or not chat.started:
            # Zalo knows a chat only after the person wrote to the bot.
            raise ZaloError(404, "Chat not found: the user has not messaged this bot")
        if chat.blocked:
            # No source shows Zalo's answer to a blocked bot; 403 is its "internal server
            # error", so the sandbox says it with 400 and words (an open question).
            raise ZaloError(400, "The user has blocked this bot")
        return chat

    def _admit(self, chat: Chat) -> None:
        if self._state.limiter is None:
            return
        try:
            self._state.limiter.admit(chat.id, chat.is_group)
        except ApiError:
            # Zalo documents no retry-after: the sandbox says only that it is too fast.
            raise ZaloError(429, "Too many requests: please slow down",
                            http_status=429) from None

    def _store(self, chat: Chat, content: JsonDict, params: JsonDict,
               file: Any = None) -> JsonDict:
        self._admit(chat)
        payload = {"message_id": message_id(), "date": self._state.now_ms(), **content}
        self._state.world.append(chat, StoredMessage(
            chat_id=chat.id, message_id=chat.next_message_id(), from_bot=True,
            sender_id=self._state.world.bot.id, payload=payload, request=dict(params),
            file=file))
        return {"message_id": payload["message_id"], "date": payload["date"]}

    async def get_me(self, params: JsonDict) -> JsonDict:
        """getMe."""
        return {"id": self._bot_id, "account_name": self._bot_name, "account_type": "BASIC",
                "can_join_groups": False}

    async def get_updates(self, params: JsonDict) -> JsonDict:
        """getUpdates: one update, or 408 when the long poll ends without one."""
        if self._state.webhook.settings is not None:
            raise ZaloError(400, "Webhook is set: call deleteWebhook before getUpdates",
                            rejection=True)
        raw = params.get("timeout", "30")
        try:
            timeout = float(raw) if isinstance(raw, str | int) else -1.0
        except ValueError:
            timeout = -1.0
        if not 0 <= timeout <= MAX_POLL_SECONDS:
            raise _invalid(f"timeout must be 0–{MAX_POLL_SECONDS} seconds")
        update = await self._state.queue.poll(timeout)
        if update is None:
            raise ZaloError(408, "Request timeout: no update")
        return update

    def _webhook_info(self) -> JsonDict:
        settings = self._state.webhook.settings
        return {"url": settings.url if settings else "",
                "updated_at": settings.updated_at if settings else self._state.now_ms()}

    async def set_webhook(self, params: JsonDict) -> JsonDict:
        """setWebhook: both url and secret_token (8–256 characters) are required."""
        url = _web_url(_string(params, "url"), "url")
        secret = _string(params, "secret_token")
        low, high = SECRET_LENGTHS
        if not low <= len(secret) <= high:
            raise _invalid(f"secret_token must have {low}–{high} characters")
        self._state.webhook.set(ZaloWebhook(url, secret, self._state.now_ms()))
        self._state.webhook_ever_set = True
        return self._webhook_info()

    async def delete_webhook(self, params: JsonDict) -> JsonDict:
        """deleteWebhook: pending updates stay for getUpdates."""
        self._state.webhook.set(None)
        return self._webhook_info()

    async def get_webhook_info(self, params: JsonDict) -> JsonDict:
        """getWebhookInfo: 404 while no webhook was ever set (as live Zalo may answer)."""
        if not self._state.webhook_ever_set:
            raise ZaloError(404, "Not Found")
        return self._webhook_info()

    async def send_message(self, params: JsonDict) -> JsonDict:
        """sendMessage: a text of 1–2000 characters."""
        chat = self._chat(params)
        text = _string(params, "text")
        if not 1 <= len(text) <= ZALO_TEXT_LIMIT:
            raise _invalid(f"text must have 1–{ZALO_TEXT_LIMIT} characters, not {len(text)}")
        return self._store(chat, {"text": text}, params)

    async def send_photo(self, params: JsonDict) -> JsonDict:
        """sendPhoto: Zalo fetches the image at the URL."""
        chat = self._chat(params)
        url = _web_url(_string(params, "photo"), "photo")
        caption = _string(params, "caption") if "caption" in params else ""
        if "caption" in params and not 1 <= len(caption) <= ZALO_TEXT_LIMIT:
            raise _invalid(f"caption must have 1–{ZALO_TEXT_LIMIT} characters")
        data = await _fetch(url)
        if image_size(data) is None:
            raise _invalid("photo: the URL does not serve a PNG, JPEG or GIF image")
        stored = self._state.files.add_document(data, url.rsplit("/", 1)[-1], None)
        content = {"photo": url, **({"caption": caption} if caption else {})}
        return self._store(chat, content, params, stored)

    async def send_sticker(self, params: JsonDict) -> JsonDict:
        """sendSticker."""
        chat = self._chat(params)
        return self._store(chat, {"sticker": _string(params, "sticker")}, params)

    async def send_chat_action(self, params: JsonDict) -> None:
        """sendChatAction: only "typing" is available."""
        self._chat(params)
        if _string(params, "action") != "typing":
            raise _invalid("action must be typing (upload_photo is not available yet)")
        self._state.chat_actions.append((_string(params, "chat_id"), "typing"))
        self._state.world.notify()


async def _fetch(url: str) -> bytes:
    try:
        async with aiohttp.ClientSession() as session, session.get(
                url, timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT)) as response:
            if response.status != 200:
                raise _invalid(f"photo: the URL answered {response.status}")
            return await response.read()
    except (aiohttp.ClientError, TimeoutError):
        raise _invalid("photo: the URL could not be fetched") from None
