"""Fixtures: a running sandbox on loopback with a manual clock, and PTB's Bot pointed at it."""

from collections.abc import AsyncIterator

import pytest
import telegram

from sandbox import DEFAULT_TOKEN, BotApiSpec, ManualClock, Sandbox, load_spec, running_sandbox

TOKEN = DEFAULT_TOKEN


@pytest.fixture(scope="session")
def bot_api_spec() -> BotApiSpec:
    """The Bot API specification, parsed once for the whole session."""
    return load_spec()


@pytest.fixture
def clock() -> ManualClock:
    """A clock that only moves when a test advances it."""
    return ManualClock(start_unix_time=1_757_894_400.0)


@pytest.fixture
async def sandbox(bot_api_spec: BotApiSpec, clock: ManualClock) -> AsyncIterator[Sandbox]:
    """A sandbox with Telegram's flood limits on; fails the test on unexpected rejections."""
    async with running_sandbox(
        token=TOKEN, spec=bot_api_spec, clock=clock, webhook_retry_delay=0.01
    ) as running:
        yield running


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[telegram.Bot]:
    """python-telegram-bot's own Bot, talking HTTP to the sandbox."""
    async with telegram.Bot(
        TOKEN, base_url=sandbox.base_url, base_file_url=sandbox.file_base_url
    ) as ptb_bot:
        yield ptb_bot


def message_of(update: telegram.Update) -> telegram.Message:
    """The update's message, which the test expects to be there."""
    assert update.message is not None, update
    return update.message


def callback_of(update: telegram.Update) -> telegram.CallbackQuery:
    """The update's callback query, which the test expects to be there."""
    assert update.callback_query is not None, update
    return update.callback_query


def document_of(message: telegram.Message) -> telegram.Document:
    """The message's document, which the test expects to be there."""
    assert message.document is not None, message
    return message.document
