"""Simulated Telegram users: they write to the bot, reply, press buttons and send files."""

import copy
import itertools
from typing import Any

from sandbox.errors import SandboxUsageError
from sandbox.files import StoredFile, image_size
from sandbox.formatting import utf16_length
from sandbox.state import CallbackQueryRecord, SandboxState
from sandbox.world import Chat, InlineButton, StoredMessage, UserProfile

JsonDict = dict[str, Any]

# Telegram's callback query ids are long numeric strings.
_QUERY_IDS = itertools.count(4_611_686_018_427_387_904)


def _command_entities(text: str) -> list[JsonDict]:
    """A bot_command entity for a leading /command, which command handlers look for."""
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(command)}]


class SimulatedUser:
    """A person talking to the bot; every action queues the update Telegram would send."""

    def __init__(self, state: SandboxState, profile: UserProfile) -> None:
        self._state = state
        self.profile = profile

    @property
    def id(self) -> int:
        """The user id, which is also their private chat's id."""
        return self.profile.id

    @property
    def chat(self) -> Chat:
        """The private chat between this user and the bot."""
        return self._state.world.chats[self.id]

    def send_message(
        self,
        text: str,
        *,
        reply_to: StoredMessage | int | None = None,
        chat_id: int | None = None,
    ) -> StoredMessage:
        """Write to the bot (privately unless chat_id names a group)."""
        if not text:
            raise SandboxUsageError("Telegram clients do not send empty messages")
        content: JsonDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._post(content, reply_to, chat_id, None)

    def reply_to(self, message: StoredMessage | int, text: str) -> StoredMessage:
        """Reply to a message (usually one the bot sent) in its chat."""
        chat_id = message.chat_id if isinstance(message, StoredMessage) else None
        return self.send_message(text, reply_to=message, chat_id=chat_id)

    def send_document(
        self,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> StoredMessage:
        """Send a file; the bot can fetch it with getFile and download it."""
        stored = self._state.files.add_document(data, file_name, mime_type)
        content: JsonDict = {"document": stored.document_json()}
        if caption:
            content["caption"] = caption
        return self._post(content, None, chat_id, stored)

    def send_photo(
        self, data: bytes, *, caption: str | None = None, chat_id: int | None = None
    ) -> StoredMessage:
        """Send a PNG, JPEG or GIF image as a photo."""
        size = image_size(data)
        if size is None:
            raise SandboxUsageError("a photo must be a PNG, JPEG or GIF image")
        stored = self._state.files.add_photo(data, *size)
        content: JsonDict = {"photo": stored.photo_json()}
        if caption:
            content["caption"] = caption
        return self._post(content, None, chat_id, stored)

    def press_button(
        self,
        message: StoredMessage | int | None = None,
        *,
        text: str | None = None,
        data: str | None = None,
        chat_id: int | None = None,
    ) -> CallbackQueryRecord:
        """Press an inline button (by label or callback_data) on a bot message.

        Without a message, the newest bot message with an inline keyboard in the chat is used.
        """
        chat = self._chat_for(
            chat_id if not isinstance(message, StoredMessage) else message.chat_id
        )
        target = self._message_with_buttons(chat, message)
        button = _pick_button(target.buttons, text, data)
        if button.callback_data is None:
            raise SandboxUsageError(f"button {button.text!r} has no callback_data to send")
        query = CallbackQueryRecord(
            id=str(next(_QUERY_IDS)),
            user_id=self.id,
            chat_id=chat.id,
            message_id=target.message_id,
            data=button.callback_data,
        )
        self._state.callback_queries[query.id] = query
        payload = {
            "id": query.id,
            "from": self.profile.to_json(),
            "message": copy.deepcopy(target.payload),
            "chat_instance": str(chat.id * 1_000_003),
            "data": button.callback_data,
        }
        self._state.push_update("callback_query", payload)
        return query

    def block_bot(self) -> None:
        """Block the bot: its messages now fail with 403, and it gets a my_chat_member update."""
        self._change_membership(blocked=True)

    def unblock_bot(self) -> None:
        """Unblock the bot (Telegram's "Restart bot")."""
        self._change_membership(blocked=False)

    def deactivate(self) -> None:
        """Delete the account: the bot's messages now fail with "user is deactivated"."""
        self._state.world.deactivated.add(self.id)

    def messages_from_bot(self) -> list[StoredMessage]:
        """What the bot sent this user privately, oldest first."""
        return self._state.world.bot_messages(self.id)

    async def wait_for_bot_message(
        self, after: StoredMessage | None = None, timeout: float = 5.0
    ) -> StoredMessage:
        """The first bot message in the private chat newer than `after` (default: any)."""
        floor = after.sequence if after is not None else 0

        def newer() -> list[StoredMessage]:
            return [m for m in self.messages_from_bot() if m.sequence > floor]

        await self._state.world.wait_until(lambda: bool(newer()), timeout)
        return newer()[0]

    def _chat_for(self, chat_id: int | None) -> Chat:
        chat = self._state.world.chats.get(self.id if chat_id is None else chat_id)
        if chat is None:
            raise SandboxUsageError(f"chat {chat_id} does not exist in the sandbox")
        if chat.user is not None and chat.user.id != self.id:
            raise SandboxUsageError(f"user {self.id} is not in the private chat {chat.id}")
        return chat

    def _message_with_buttons(
        self, chat: Chat, message: StoredMessage | int | None
    ) -> StoredMessage:
        if message is None:
            for candidate in reversed(chat.messages):
                if candidate.from_bot and not candidate.deleted and candidate.buttons:
                    return candidate
            raise SandboxUsageError(f"no bot message with inline buttons in chat {chat.id}")
        message_id = message.message_id if isinstance(message, StoredMessage) else message
        found = chat.message(message_id)
        if found is None or not found.from_bot:
            raise SandboxUsageError(f"message {message_id} is not a bot message in chat {chat.id}")
        return found

    def _post(
        self,
        content: JsonDict,
        reply_to: StoredMessage | int | None,
        chat_id: int | None,
        stored_file: StoredFile | None,
    ) -> StoredMessage:
        chat = self._chat_for(chat_id)
        if chat.blocked:
            raise SandboxUsageError(f"user {self.id} blocked the bot; call unblock_bot() first")
        chat.started = True
        payload: JsonDict = {
            "message_id": chat.next_message_id(),
            "from": self.profile.to_json(),
            "chat": chat.to_json(),
            "date": self._state.now(),
        }
        if reply_to is not None:
            reply_id = reply_to.message_id if isinstance(reply_to, StoredMessage) else reply_to
            replied = chat.message(reply_id)
            if replied is None:
                raise SandboxUsageError(f"message {reply_id} does not exist in chat {chat.id}")
            payload["reply_to_message"] = replied.as_reply_target()
        payload.update(content)
        message = StoredMessage(
            chat_id=chat.id,
            message_id=payload["message_id"],
            from_bot=False,
            sender_id=self.id,
            payload=payload,
            file=stored_file,
        )
        self._state.world.append(chat, message)
        self._state.push_update("message", copy.deepcopy(payload))
        return message

    def _change_membership(self, blocked: bool) -> None:
        chat = self.chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        bot = self._state.world.bot.to_json()
        kicked = {"status": "kicked", "user": bot, "until_date": 0}
        member = {"status": "member", "user": bot}
        self._state.push_update(
            "my_chat_member",
            {
                "chat": chat.to_json(),
                "from": self.profile.to_json(),
                "date": self._state.now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )


def _pick_button(buttons: list[InlineButton], text: str | None, data: str | None) -> InlineButton:
    if not buttons:
        raise SandboxUsageError("the message has no inline buttons")
    if text is None and data is None:
        if len(buttons) == 1:
            return buttons[0]
        raise SandboxUsageError("say which button to press: text= or data=")
    for button in buttons:
        if (text is None or button.text == text) and (data is None or button.callback_data == data):
            return button
    labels = ", ".join(f"{b.text!r}→{b.callback_data!r}" for b in buttons)
    raise SandboxUsageError(f"no button matching text={text!r} data={data!r}; buttons: {labels}")
