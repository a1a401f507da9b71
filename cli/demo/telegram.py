"""The demo on Telegram: the sandbox Bot API server, and dondoc's PTB application polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from bot.conversation import Conversation
from bot.messenger import Messenger
from bot.telegram_app import build_application, register_commands
from bot.telegram_messenger import TelegramMessenger
from bot.telegram_polling import polling
from cli.demo.channels import ChatMessage
from cli.demo.clock import SimulatedClock
from sandbox import Sandbox, StoredMessage, running_sandbox


def _message(stored: StoredMessage) -> ChatMessage:
    file = stored.file
    name = (file.file_name or file.kind) if file is not None else None
    return ChatMessage(
        sequence=stored.sequence, chat_id=stored.chat_id, from_bot=stored.from_bot,
        at=datetime.fromtimestamp(int(stored.payload.get("date", 0)), UTC),
        text=stored.text or "", buttons=tuple(b.text for b in stored.buttons),
        file_name=name, file_data=file.data if file is not None else None, ref=stored)


class TelegramChannel:
    """The sandbox's simulated users, seen through the demo's channel interface."""

    name = "telegram"
    typed_choices = False

    def __init__(self, sandbox: Sandbox, messenger: TelegramMessenger, root_url: str) -> None:
        self.sandbox = sandbox
        self._messenger = messenger
        self.web_chat_url = f"{root_url}/chat"

    def messengers(self) -> Mapping[str, Messenger]:
        """dondoc's Telegram messenger, on the application's bot."""
        return {"telegram": self._messenger}

    def add_person(self, chat_id: int, name: str) -> None:
        """A sandbox user whose private chat id is `chat_id`."""
        self.sandbox.add_user(chat_id, name)

    def send_text(self, chat_id: int, text: str, reply_to: ChatMessage | None = None) -> None:
        """A message (or a reply) from the person."""
        user = self.sandbox.user(chat_id)
        if reply_to is None:
            user.send_message(text)
        else:
            assert isinstance(reply_to.ref, StoredMessage)
            user.reply_to(reply_to.ref, text)

    def press(self, chat_id: int, message: ChatMessage, label: str) -> None:
        """An inline button press, as a callback query."""
        assert isinstance(message.ref, StoredMessage)
        self.sandbox.user(chat_id).press_button(message.ref, text=label)

    def send_file(self, chat_id: int, name: str, data: bytes, caption: str = "") -> None:
        """A document upload."""
        self.sandbox.user(chat_id).send_document(data, name, caption=caption or None)

    def messages(self, chat_id: int | None = None) -> list[ChatMessage]:
        """Both sides of private chats, in the order they happened."""
        chats = ([self.sandbox.chat(chat_id)] if chat_id is not None
                 else list(self.sandbox.state.world.chats.values()))
        found = [m for chat in chats for m in chat.messages if not m.deleted]
        return [_message(m) for m in sorted(found, key=lambda m: m.sequence)]

    async def wait_for_bot(self, chat_id: int, after: int, timeout: float) -> None:
        """Wait for a bot message newer than `after` in this chat."""
        await self.sandbox.wait_until(
            lambda: any(m.sequence > after for m in self.sandbox.bot_messages(chat_id)),
            timeout=timeout)

    async def open_files(self, chat_id: int) -> None:
        """Nothing to fetch: Telegram delivers the files themselves."""


@asynccontextmanager
async def telegram_channel(conversation: Conversation, clock: SimulatedClock,
                           port: int) -> AsyncIterator[TelegramChannel]:
    """The sandbox (limits off, simulated clock) and the bot polling it, until the block ends."""
    async with running_sandbox(port=port, rate_limits=None, clock=clock) as sandbox:
        application = build_application(conversation, sandbox.token, sandbox.base_url,
                                        sandbox.file_base_url)
        async with application:
            await register_commands(application.bot)
            await application.start()
            root = sandbox.base_url.removesuffix("/bot")
            try:
                # The poller `dondoc run` uses (updates confirmed once stored).
                async with polling(application, timeout=1, floor=0.05):
                    yield TelegramChannel(sandbox, TelegramMessenger(application.bot), root)
            finally:
                await application.stop()
