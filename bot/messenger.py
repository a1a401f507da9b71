"""The one small interface every chat channel (Telegram, Zalo) offers the rest of dondoc."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

UnreachableReason = Literal["blocked", "chat_not_found", "deactivated"]


@dataclass(frozen=True)
class Button:
    """An inline button: the label a person sees and the data that comes back when pressed."""

    text: str
    data: str


Buttons = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Sent:
    """What the platform answered to a delivered message."""

    message_id: str


class DeliveryError(Exception):
    """A message was not delivered; subclasses say whether and when to try again."""


class RateLimited(DeliveryError):
    """The platform asked us to wait `retry_after` seconds before sending again."""

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"rate limited: retry after {retry_after}s")
        self.retry_after = retry_after


class TransientFailure(DeliveryError):
    """A server error, a time-out or a network fault: worth trying again later."""


class Unreachable(DeliveryError):
    """The person cannot be reached (blocked the bot, chat not found): never retry."""

    def __init__(self, reason: UnreachableReason, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason: UnreachableReason = reason


class Rejected(DeliveryError):
    """The platform refused this message itself (our fault): never retry, log it."""


class Messenger(Protocol):
    """Send text (with optional buttons) and files to a chat on one channel."""

    channel: str
    text_limit: int

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        """Send a message; raise a DeliveryError subclass when it is not delivered."""
        ...

    async def send_document(self, chat_id: str, filename: str, data: bytes,
                            caption: str = "") -> Sent:
        """Send a file."""
        ...

    async def send_photo(self, chat_id: str, filename: str, data: bytes,
                         caption: str = "") -> Sent:
        """Send an image."""
        ...
