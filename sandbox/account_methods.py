"""Bot API methods about the bot itself: identity, updates, webhook, commands, session."""

import ipaddress
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from sandbox.errors import bad_request, conflict
from sandbox.state import SandboxState
from sandbox.updates import WebhookSettings
from sandbox.validation import UploadedFile

JsonDict = dict[str, Any]
Handler = Callable[[JsonDict], Awaitable[object]]

MAX_UPDATES_PER_CALL = 100
MAX_COMMANDS = 100
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_DEFAULT_SCOPE: JsonDict = {"type": "default"}


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address stays on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def commands_key(scope: JsonDict | None, language_code: str | None) -> tuple[str, str]:
    """Where setMyCommands keeps a command list: by scope and language."""
    return json.dumps(scope or _DEFAULT_SCOPE, sort_keys=True), language_code or ""


def _commands_key(params: JsonDict) -> tuple[str, str]:
    return commands_key(params.get("scope"), params.get("language_code"))


class AccountMethods:
    """getMe, getUpdates, webhook methods, bot commands, close and logOut."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    def handlers(self) -> dict[str, Handler]:
        """Handlers keyed by the spec's method name."""
        return {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "close": self.close,
            "logOut": self.log_out,
        }

    async def get_me(self, params: JsonDict) -> JsonDict:
        """getMe: the bot's User with the capability flags only getMe returns."""
        return {
            **self._state.world.bot.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, params: JsonDict) -> list[JsonDict]:
        """getUpdates with Telegram's offset, limit, timeout and allowed_updates semantics."""
        if self._state.webhook.settings is not None:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        if "allowed_updates" in params:
            self._state.queue.allowed_updates = list(params["allowed_updates"])
        limit = min(max(int(params.get("limit", MAX_UPDATES_PER_CALL)), 1), MAX_UPDATES_PER_CALL)
        timeout = max(int(params.get("timeout", 0)), 0)
        return await self._state.queue.poll(params.get("offset"), limit, timeout)

    async def set_webhook(self, params: JsonDict) -> bool:
        """setWebhook; an empty url removes the webhook, as on Telegram."""
        url = params["url"]
        if not url:
            return await self.delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: invalid URL")
        if not is_loopback_host(parts.hostname):
            raise bad_request("bad webhook: the sandbox delivers only to loopback addresses")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self._state.queue.drop_pending()
        if "allowed_updates" in params:
            self._state.queue.allowed_updates = list(params["allowed_updates"])
        self._state.webhook.set(
            WebhookSettings(
                url=url,
                secret_token=secret,
                max_connections=max_connections,
                ip_address=params.get("ip_address"),
                has_custom_certificate=isinstance(params.get("certificate"), UploadedFile),
            )
        )
        return True

    async def delete_webhook(self, params: JsonDict) -> bool:
        """deleteWebhook."""
        if params.get("drop_pending_updates"):
            self._state.queue.drop_pending()
        self._state.webhook.delete()
        return True

    async def get_webhook_info(self, params: JsonDict) -> JsonDict:
        """getWebhookInfo."""
        return self._state.webhook.info()

    async def set_my_commands(self, params: JsonDict) -> bool:
        """setMyCommands for a scope and language."""
        commands = params["commands"]
        if len(commands) > MAX_COMMANDS:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        self._state.commands[_commands_key(params)] = commands
        return True

    async def get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        """getMyCommands for a scope and language."""
        return list(self._state.commands.get(_commands_key(params), []))

    async def delete_my_commands(self, params: JsonDict) -> bool:
        """deleteMyCommands for a scope and language."""
        self._state.commands.pop(_commands_key(params), None)
        return True

    async def close(self, params: JsonDict) -> bool:
        """close: nothing to close in the sandbox."""
        return True

    async def log_out(self, params: JsonDict) -> bool:
        """logOut: the sandbox keeps serving the bot."""
        return True
