"""What the sandbox remembers: the bot, users, chats and every message in them."""

import asyncio
import contextlib
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.files import StoredFile

JsonDict = dict[str, Any]
RECHECK_SECONDS = 0.05


@dataclass
class UserProfile:
    """A Telegram account, human or bot."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = "vi"
    is_bot: bool = False

    def to_json(self) -> JsonDict:
        """The User object."""
        user: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code and not self.is_bot:
            user["language_code"] = self.language_code
        return user


@dataclass(frozen=True)
class InlineButton:
    """One button of an inline keyboard, with its place in the keyboard."""

    text: str
    callback_data: str | None
    url: str | None
    row: int
    column: int


@dataclass
class StoredMessage:
    """A message in a chat, as Telegram would return it, plus what the bot asked for."""

    chat_id: int
    message_id: int
    from_bot: bool
    sender_id: int
    payload: JsonDict
    request: JsonDict = field(default_factory=dict)
    file: StoredFile | None = None
    history: list[JsonDict] = field(default_factory=list)
    deleted: bool = False
    sequence: int = 0

    @property
    def text(self) -> str | None:
        """The visible text, or the caption of a document or photo."""
        value = self.payload.get("text", self.payload.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def raw_text(self) -> str | None:
        """The text or caption as the bot sent it, markup included."""
        value = self.request.get("text", self.request.get("caption"))
        return value if isinstance(value, str) else self.text

    @property
    def parse_mode(self) -> str | None:
        """The parse_mode the bot sent with the message."""
        value = self.request.get("parse_mode")
        return value if isinstance(value, str) else None

    @property
    def reply_markup(self) -> JsonDict | None:
        """The markup the bot attached (inline keyboard or reply keyboard)."""
        value = self.request.get("reply_markup", self.payload.get("reply_markup"))
        return value if isinstance(value, dict) else None

    @property
    def buttons(self) -> list[InlineButton]:
        """The inline keyboard's buttons, row by row."""
        markup = self.payload.get("reply_markup") or {}
        return [
            InlineButton(
                text=button["text"],
                callback_data=button.get("callback_data"),
                url=button.get("url"),
                row=row_index,
                column=column_index,
            )
            for row_index, row in enumerate(markup.get("inline_keyboard", []))
            for column_index, button in enumerate(row)
        ]

    @property
    def reply_to_message_id(self) -> int | None:
        """The message this one answers, if any."""
        replied = self.payload.get("reply_to_message")
        return replied["message_id"] if isinstance(replied, dict) else None

    def as_reply_target(self) -> JsonDict:
        """The payload as embedded in reply_to_message (which never nests further)."""
        embedded = copy.deepcopy(self.payload)
        embedded.pop("reply_to_message", None)
        return embedded


@dataclass
class Chat:
    """A private chat with one user, or a group."""

    id: int
    type: str
    user: UserProfile | None = None
    title: str | None = None
    username: str | None = None
    started: bool = True
    blocked: bool = False
    messages: list[StoredMessage] = field(default_factory=list)
    _last_message_id: int = 0

    def to_json(self) -> JsonDict:
        """The Chat object."""
        chat: JsonDict = {"id": self.id, "type": self.type}
        if self.user is not None:
            chat["first_name"] = self.user.first_name
            if self.user.last_name:
                chat["last_name"] = self.user.last_name
            if self.user.username:
                chat["username"] = self.user.username
        if self.title:
            chat["title"] = self.title
        if self.username and self.user is None:
            chat["username"] = self.username
        return chat

    def next_message_id(self) -> int:
        """Message ids count up per chat, shared by both sides."""
        self._last_message_id += 1
        return self._last_message_id

    def message(self, message_id: int) -> StoredMessage | None:
        """The message with this id, unless deleted."""
        for stored in self.messages:
            if stored.message_id == message_id and not stored.deleted:
                return stored
        return None

    @property
    def is_group(self) -> bool:
        """Whether more than one person reads the chat."""
        return self.type in ("group", "supergroup")


class World:
    """Users, chats and messages, with a signal for whoever waits on new bot messages."""

    def __init__(self, bot: UserProfile) -> None:
        self.bot = bot
        self.users: dict[int, UserProfile] = {}
        self.chats: dict[int, Chat] = {}
        self.deactivated: set[int] = set()
        self._changed = asyncio.Event()
        self._sequence = 0

    def add_user(self, user: UserProfile, started: bool = True) -> Chat:
        """Register a user and their private chat with the bot (chat id == user id)."""
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = Chat(id=user.id, type="private", user=user, started=started)
            self.chats[user.id] = chat
        else:
            chat.user = user
        return chat

    def add_group(self, chat_id: int, title: str, username: str | None = None) -> Chat:
        """Register a group the bot is a member of."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = Chat(id=chat_id, type="group", title=title, username=username)
        self.chats[chat_id] = chat
        return chat

    def chat_by_username(self, username: str) -> Chat | None:
        """A group found by its public @username."""
        wanted = username.removeprefix("@").lower()
        for chat in self.chats.values():
            if chat.user is None and chat.username and chat.username.lower() == wanted:
                return chat
        return None

    def append(self, chat: Chat, message: StoredMessage) -> StoredMessage:
        """Add a message to its chat and wake anyone waiting."""
        self._sequence += 1
        message.sequence = self._sequence
        chat.messages.append(message)
        self.notify()
        return message

    def notify(self) -> None:
        """Wake waiters; they re-check their condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    def bot_messages(self, chat_id: int | None = None) -> list[StoredMessage]:
        """Messages the bot sent, in one chat or all, oldest first."""
        if chat_id is None:
            chats = list(self.chats.values())
        else:
            chats = [self.chats[chat_id]] if chat_id in self.chats else []
        found = [m for chat in chats for m in chat.messages if m.from_bot and not m.deleted]
        return sorted(found, key=lambda m: m.sequence)

    async def wait_until(self, condition: Callable[[], bool], timeout: float) -> None:
        """Return once condition() holds; raise TimeoutError after timeout seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            # Re-check now and then too: some conditions (pending updates) change silently.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, RECHECK_SECONDS))
