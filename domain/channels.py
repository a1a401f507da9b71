"""One chat per person: which of a person's linked chats (Telegram, Zalo) gets their messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LinkedChat:
    """A reachable chat and what decides whether it speaks for its person."""

    person_id: int
    channel: str
    chat_id: str
    identity_id: int | None = None
    preferred: bool = False
    last_seen_at: datetime | None = None

    @property
    def identity(self) -> int:
        """The person behind the chat: chats linked together share it."""
        return self.identity_id if self.identity_id is not None else self.person_id


def _rank(chat: LinkedChat) -> tuple[bool, bool, datetime | float, int]:
    # Highest first: the chosen chat, then the one written from last, then the oldest row.
    seen: datetime | float = chat.last_seen_at if chat.last_seen_at is not None else float("-inf")
    return (chat.preferred, chat.last_seen_at is not None, seen, -chat.person_id)


def one_chat_per_person(chats: Iterable[LinkedChat]) -> list[LinkedChat]:
    """For each person, the chat to write to: the preferred one, else the one used last.

    Only reachable chats should be passed in, so a person whose preferred chat blocked the
    bot is still reached on their other channel. The result keeps the input's order.
    """
    listed = list(chats)
    best: dict[int, LinkedChat] = {}
    for chat in listed:
        current = best.get(chat.identity)
        if current is None or _rank(chat) > _rank(current):
            best[chat.identity] = chat
    chosen = {chat.person_id for chat in best.values()}
    return [chat for chat in listed if chat.person_id in chosen]
