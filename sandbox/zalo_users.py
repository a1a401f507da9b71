"""Simulated Zalo users: they write to the bot, send photos and stickers, block it."""

import copy
import hashlib
import itertools
from typing import TYPE_CHECKING, Any

from sandbox.errors import SandboxUsageError
from sandbox.files import image_size
from sandbox.world import Chat, StoredMessage, UserProfile

if TYPE_CHECKING:
    from sandbox.zalo import ZaloState

JsonDict = dict[str, Any]
TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"
STICKER_EVENT = "message.sticker.received"
# Voice messages, files, videos… (openclaw's ZaloUpdate names this event; what else the
# message then carries is undocumented).
UNSUPPORTED_EVENT = "message.unsupported.received"
_MESSAGE_NUMBERS = itertools.count(1)


def zalo_id(number: int) -> str:
    """A Zalo-looking account id (hex, 20 characters) for a sandbox number."""
    return hashlib.sha1(f"zalo-sandbox-{number}".encode()).hexdigest()[:20]


def message_id() -> str:
    """A fresh Zalo-looking message id (32 hex characters)."""
    return hashlib.md5(f"zalo-message-{next(_MESSAGE_NUMBERS)}".encode()).hexdigest()


class ZaloUser:
    """A person writing to the bot in a private chat; every action queues Zalo's update."""

    def __init__(self, state: "ZaloState", profile: UserProfile, chat: Chat) -> None:
        self._state = state
        self.profile = profile
        self.chat = chat
        self.id = zalo_id(profile.id)

    @property
    def name(self) -> str:
        """The display name."""
        return self.profile.first_name

    def send_text(self, text: str) -> StoredMessage:
        """Write to the bot ("/start CODE" is text too: Zalo has no commands)."""
        if not text:
            raise SandboxUsageError("Zalo clients do not send empty messages")
        return self._post(TEXT_EVENT, {"text": text})

    def send_photo(self, data: bytes, *, caption: str | None = None) -> StoredMessage:
        """Send a PNG, JPEG or GIF image; the bot gets its URL."""
        if image_size(data) is None:
            raise SandboxUsageError("a photo must be a PNG, JPEG or GIF image")
        mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        stored = self._state.files.add_document(data, "photo.jpg", mime)
        # Live image updates carry the picture's link in photo_url (python-zalo-bot's
        # Message, openclaw's monitor tests, goclaw's poll.go).
        content: JsonDict = {"photo_url": f"{self._state.media_url}/{stored.file_id}"}
        if caption:
            content["caption"] = caption
        return self._post(IMAGE_EVENT, content, stored)

    def send_sticker(self, sticker: str = "b3c8e1") -> StoredMessage:
        """Send a sticker (the bot cannot read it)."""
        return self._post(STICKER_EVENT, {"sticker": sticker})

    def send_unsupported(self, kind: str = "voice") -> StoredMessage:
        """Send what a bot cannot receive (a voice message, a file…): an unsupported event."""
        return self._post(UNSUPPORTED_EVENT, {"message_type": kind})

    def redeliver(self, message: StoredMessage) -> None:
        """Queue the update of a message again, as Zalo may after a failed delivery."""
        update = self._state.updates.get(str(message.payload.get("message_id")))
        if update is None:
            raise SandboxUsageError("only this user's own messages can be delivered again")
        self._state.queue.push(update)

    def block_bot(self) -> None:
        """Block the bot: its messages to this user now fail."""
        self.chat.blocked = True

    def unblock_bot(self) -> None:
        """Unblock the bot."""
        self.chat.blocked = False

    def messages_from_bot(self) -> list[StoredMessage]:
        """What the bot sent this user, oldest first."""
        return self._state.world.bot_messages(self.chat.id)

    async def wait_for_bot_message(self, after: StoredMessage | None = None,
                                   timeout: float = 5.0) -> StoredMessage:
        """The first bot message newer than `after` (default: any)."""
        floor = after.sequence if after is not None else 0

        def newer() -> list[StoredMessage]:
            return [m for m in self.messages_from_bot() if m.sequence > floor]

        await self._state.world.wait_until(lambda: bool(newer()), timeout)
        return newer()[0]

    def _post(self, event: str, content: JsonDict, stored: Any = None) -> StoredMessage:
        if self.chat.blocked:
            raise SandboxUsageError(f"{self.name} blocked the bot; call unblock_bot() first")
        self.chat.started = True
        payload: JsonDict = {
            "from": {"id": self.id, "display_name": self.name, "is_bot": False},
            "chat": {"id": self.id, "chat_type": "PRIVATE"},
            "message_id": message_id(),
            "date": self._state.now_ms(),
            **content,
        }
        message = StoredMessage(chat_id=self.chat.id, message_id=self.chat.next_message_id(),
                                from_bot=False, sender_id=self.profile.id, payload=payload,
                                file=stored)
        self._state.world.append(self.chat, message)
        update = {"event_name": event, "message": copy.deepcopy(payload)}
        self._state.updates[payload["message_id"]] = update
        self._state.queue.push(update)
        return message
