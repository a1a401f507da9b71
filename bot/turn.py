"""The pieces of one chat turn: what came in, who sent it, what goes back."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.keyboards import as_json
from bot.messenger import Buttons
from domain.digest import Digest
from storage.models import FocalPerson
from storage.outbox import NewMessage, enqueue


@dataclass(frozen=True)
class FileRef:
    """A file a person sent: the platform's id for it, its name and size."""

    file_id: str
    name: str
    size: int | None = None
    is_photo: bool = False
    # The bytes, when the channel's links may expire and they were downloaded on arrival.
    data: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Incoming:
    """One chat event, whatever the channel."""

    channel: str
    chat_id: str
    update_id: str
    sender_name: str = ""
    text: str = ""
    command: str | None = None
    args: str = ""
    callback: str | None = None
    message_id: str | None = None
    reply_to_message_id: str | None = None
    file: FileRef | None = None


ID_LENGTH = 64  # chat and update ids (their columns' length)


def storable_text(text: str) -> str:
    """Text any database keeps: no U+0000 (PostgreSQL refuses it), no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text


def storable(incoming: Incoming) -> Incoming:
    """The event with every text field storable (see storable_text) and within its column.

    An update id longer than its column (64) is kept as a digest: still one key per update.
    """
    changes: dict[str, Any] = {name: storable_text(value) for name, value in (
        ("chat_id", incoming.chat_id), ("update_id", incoming.update_id),
        ("sender_name", incoming.sender_name), ("text", incoming.text),
        ("args", incoming.args), ("callback", incoming.callback),
        ("command", incoming.command)) if value is not None}
    if len(changes["update_id"]) > ID_LENGTH:
        changes["update_id"] = "h:" + hashlib.sha256(changes["update_id"].encode()).hexdigest()[:60]
    changes["sender_name"] = str(changes.get("sender_name") or "")[:200]
    return replace(incoming, **changes)


@dataclass(frozen=True)
class Outgoing:
    """A reply in the same chat."""

    text: str
    buttons: Buttons = ()


@dataclass
class Turn:
    """One update being handled: who, what, when, and the replies so far."""

    session: AsyncSession
    person: FocalPerson
    incoming: Incoming
    now: datetime
    today: date
    # The chat's pending step (a question the bot asked) as the turn began; {} when none.
    state: dict[str, Any] = field(default_factory=dict)
    replies: list[Outgoing] = field(default_factory=list)

    def say(self, text: str, buttons: Buttons = ()) -> list[Outgoing]:
        """Add a reply and return them all (handlers end with `return turn.say(...)`)."""
        self.replies.append(Outgoing(text, buttons))
        return self.replies

    @property
    def actor_name(self) -> str:
        """How others are told who did something."""
        return self.person.name or f"{self.person.channel}:{self.person.chat_id}"


@dataclass(frozen=True)
class ConversationConfig:
    """The knobs and edges the conversation needs."""

    tz: tzinfo
    now: Callable[[], datetime]
    admin_chat_ids: frozenset[str] = frozenset()
    invite_valid_for: timedelta = timedelta(days=7)
    state_valid_for: timedelta = timedelta(hours=12)
    link_for: Callable[[str], str | None] = lambda code: None
    # Channel -> how to download a file a person sent (set by each channel's adapter).
    fetchers: dict[str, Callable[[str], Awaitable[bytes]]] = field(default_factory=dict)
    fallback_year: Callable[[date], int] = lambda today: today.year
    digest_every_weeks: int = 1
    # The digest's chart and workbook as (file name, bytes, caption), rendered off the event
    # loop (set by the wiring); None: /tongquan sends the text alone and promises no files.
    digest_files: Callable[[Digest], Awaitable[Sequence[tuple[str, bytes, str]]]] | None = None
    # The web console's sign-in link for a token (None: the console is not served).
    console_link_for: Callable[[str], str | None] = lambda token: None
    console_login_valid_for: timedelta = timedelta(minutes=10)
    console_focal_persons: bool = False  # focal persons may sign in to the console too


async def notify(session: AsyncSession, person: FocalPerson, key: str, text: str,
                 now: datetime, buttons: Buttons = (), kind: str = "notice",
                 attachment: tuple[str, bytes] | None = None) -> None:
    """Tell a chat through the outbox (exactly once per key), with a file if given."""
    name, data = attachment if attachment else (None, None)
    await enqueue(NewMessage(key=key, kind=kind, channel=person.channel,
                             chat_id=person.chat_id, text=text, focal_person_id=person.id,
                             buttons=as_json(buttons) if buttons else None,
                             attachment_name=name, attachment=data),
                  now, session=session)
