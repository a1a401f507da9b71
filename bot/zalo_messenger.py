"""Zalo behind the Messenger interface: numbered choices for buttons, links for files."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.choices import ChoiceBook
from bot.file_links import FileShelf, PublishedFile
from bot.messenger import Buttons, RateLimited, Rejected, Sent, TransientFailure
from bot.zalo_client import ZALO_TEXT_LIMIT, SentMessage, TimedOut, ZaloClient
from domain.reminder_text import split_message

log = logging.getLogger(__name__)
CHANNEL = "zalo"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
NO_FILES = ("zalo cannot carry a file by itself: set DONDOC_PUBLIC_URL so dondoc can publish "
            "it at a link")


class Pacer(Protocol):
    """A send-rate limit (scheduler.limits.SendLimiter is one)."""

    async def acquire(self, chat_id: str) -> None:
        """Return when a message to this chat may go out."""
        ...

    def release(self, chat_id: str) -> None:
        """The message acquire() allowed has its answer."""
        ...


class ZaloMessenger:
    """Sends through a ZaloClient (real Zalo or the sandbox)."""

    channel = CHANNEL
    text_limit = ZALO_TEXT_LIMIT

    def __init__(self, client: ZaloClient, choices: ChoiceBook, files: FileShelf | None = None,
                 *, limiter: Pacer | None = None,
                 tz: tzinfo = VIETNAM) -> None:
        self.client = client
        self.choices = choices
        self.files = files
        # Zalo documents no limits: our own, conservative, on top of the sender's.
        self.limiter = limiter
        self.tz = tz
        # Photos whose sendPhoto timed out before Zalo read them: the retry reuses the link.
        self._unsent: dict[tuple[str, str, str], PublishedFile] = {}

    async def _paced(self, chat_id: str, text: str = "", photo: str = "") -> SentMessage:
        if self.limiter is not None:
            await self.limiter.acquire(chat_id)
        try:
            if photo:
                return await self.client.send_photo(chat_id, photo, text)
            return await self.client.send_message(chat_id, text)
        finally:
            if self.limiter is not None:
                self.limiter.release(chat_id)

    async def send_batch(self, chat_id: str,
                         messages: Sequence[tuple[str, Buttons]]) -> list[Sent]:
        """Send messages in order, buttons as numbered choices; each one's first part's id."""
        async with self.choices.lock(chat_id):
            numbered = await self.choices.number(chat_id, messages)
            sent: list[Sent] = []
            delivered: dict[str, str] = {}
            try:
                for (text, _), numbers in zip(messages, numbered, strict=True):
                    ids = [(await self._paced(chat_id, part)).message_id
                           for part in split_message(numbers.apply(text), self.text_limit)]
                    if not ids:
                        raise Rejected("zalo sendMessage: empty text")
                    sent.append(Sent(ids[0]))
                    delivered.update(numbers.tokens)
            finally:
                # Only what reached the chat can be answered.
                await self.choices.offer(chat_id, delivered)
        return sent

    async def send_text(self, chat_id: str, text: str, buttons: Buttons = ()) -> Sent:
        """Send a message; long ones in parts under 2000 characters, choices in the last."""
        return (await self.send_batch(chat_id, [(text, buttons)]))[0]

    async def send_photo(self, chat_id: str, filename: str, data: bytes,
                         caption: str = "") -> Sent:
        """Publish the image at a link and send it as a photo (Zalo takes photos by URL).

        Zalo reads the link during sendPhoto. When the call times out, a link Zalo has read
        means the photo reached it: that counts as sent, so a retry cannot send it twice. A
        link never read means it did not: the retry sends again, by the same link.
        """
        if self.files is None:
            raise Rejected(NO_FILES)
        now = self.files.now()
        for stale in [k for k, p in self._unsent.items() if p.expires_at <= now]:
            del self._unsent[stale]
        key = (chat_id, filename, hashlib.sha256(data).hexdigest())
        published = self._unsent.pop(key, None) or await self.files.publish(filename, data)
        try:
            sent = await self._paced(chat_id, caption, photo=published.url)
        except TimedOut:
            if await self.files.fetched(published):
                log.warning("zalo sendPhoto to %s timed out after Zalo read the photo: "
                            "counted as sent", chat_id)
                return Sent("")
            self._unsent[key] = published
            raise
        except (TransientFailure, RateLimited):
            self._unsent[key] = published  # tried again later: by the same link
            raise
        return Sent(sent.message_id)

    async def send_document(self, chat_id: str, filename: str, data: bytes,
                            caption: str = "") -> Sent:
        """Publish the file and send its download link: Zalo bots cannot send files."""
        if self.files is None:
            raise Rejected(NO_FILES)
        published = await self.files.publish(filename, data)
        until = published.expires_at.astimezone(self.tz)
        lines = [caption] if caption else []
        lines += [f"📎 Tải tệp {filename}: {published.url}",
                  f"(Liên kết dùng được đến {until:%H:%M} ngày {until:%d/%m/%Y}.)"]
        return await self.send_text(chat_id, "\n".join(lines))
