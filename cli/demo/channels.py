"""What the demo needs from a chat platform, and the channels it can run on.

A channel starts a local stand-in for the platform with dondoc's real adapter polling it, and
lets the story act as the simulated people (write, reply, press a button, send a file) and
read both sides of every chat. Telegram and Zalo run it; another channel plugs in by adding
an opener to CHANNELS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the command's --help must not wait for the bot's imports
    from bot.conversation import Conversation
    from bot.messenger import Messenger
    from cli.demo.clock import SimulatedClock


@dataclass(frozen=True)
class ChatMessage:
    """One message in a simulated person's chat with the bot, either side."""

    sequence: int  # order across every chat of the channel
    chat_id: int
    from_bot: bool
    at: datetime
    text: str
    buttons: tuple[str, ...] = ()
    file_name: str | None = None
    file_data: bytes | None = None
    ref: object = None  # the platform's own message object, for replies and presses


class DemoChannel(Protocol):
    """A running platform stand-in with dondoc attached to it."""

    name: str
    web_chat_url: str
    typed_choices: bool  # no buttons: a press is the person typing the number offered

    def messengers(self) -> Mapping[str, Messenger]:
        """The Sender's messengers for this channel."""
        ...

    def add_person(self, chat_id: int, name: str) -> None:
        """A simulated person who can write to the bot."""
        ...

    def send_text(self, chat_id: int, text: str, reply_to: ChatMessage | None = None) -> None:
        """The person writes (or replies to a message)."""
        ...

    def press(self, chat_id: int, message: ChatMessage, label: str) -> None:
        """The person presses the button with this label on a bot message."""
        ...

    def send_file(self, chat_id: int, name: str, data: bytes, caption: str = "") -> None:
        """The person sends a document."""
        ...

    def messages(self, chat_id: int | None = None) -> list[ChatMessage]:
        """Both sides of one chat (or of every chat), oldest first."""
        ...

    async def wait_for_bot(self, chat_id: int, after: int, timeout: float) -> None:
        """Return once the bot has written to the chat after sequence `after`."""
        ...

    async def open_files(self, chat_id: int) -> None:
        """The person fetches the files the bot sent as links (where files come as links)."""
        ...


ChannelOpener = Callable[["Conversation", "SimulatedClock", int],
                         "AbstractAsyncContextManager[DemoChannel]"]


def _telegram(conversation: Conversation, clock: SimulatedClock,
              port: int) -> AbstractAsyncContextManager[DemoChannel]:
    from cli.demo.telegram import telegram_channel

    return telegram_channel(conversation, clock, port)


def _zalo(conversation: Conversation, clock: SimulatedClock,
          port: int) -> AbstractAsyncContextManager[DemoChannel]:
    from cli.demo.zalo import zalo_channel

    return zalo_channel(conversation, clock, port)


CHANNELS: dict[str, ChannelOpener] = {"telegram": _telegram, "zalo": _zalo}


def open_channel(name: str, conversation: Conversation, clock: SimulatedClock,
                 port: int) -> AbstractAsyncContextManager[DemoChannel]:
    """Start the named channel's stand-in with dondoc polling it."""
    return CHANNELS[name](conversation, clock, port)


__all__ = ["CHANNELS", "ChatMessage", "DemoChannel", "open_channel"]
