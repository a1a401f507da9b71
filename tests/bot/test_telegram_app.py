"""The Telegram adapter's plumbing: per-chat ordered concurrency, and PTB calls over aiohttp."""

from __future__ import annotations

import asyncio
import gc
import random
from collections import defaultdict

import pytest
import telegram
from telegram import InputFile, Update
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.telegram_app import AiohttpRequest, ChatOrderedProcessor
from sandbox import running_sandbox

# PTB 22 warns whenever RetryAfter.retry_after is read, even inside its own constructor.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def update_from(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 1758500000, "text": "NV12 đang thực hiện",
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Hoa"}}}, None)


async def test_one_chats_updates_run_in_order_while_chats_overlap():
    processor = ChatOrderedProcessor(4)
    rng = random.Random(7)
    seen: dict[int, list[int]] = defaultdict(list)
    running = peak = 0

    async def handle(update: Update) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(rng.uniform(0, 0.005))
        seen[update.effective_chat.id].append(update.update_id)
        running -= 1

    updates = [update_from(number, rng.choice((1, 2, 3, 4, 5, 6))) for number in range(200)]
    # As PTB does: one task per update, started in queue order.
    await asyncio.gather(*(asyncio.create_task(processor.process_update(u, handle(u)))
                           for u in updates))
    for chat, ids in seen.items():
        assert ids == sorted(ids), chat
    assert sum(len(ids) for ids in seen.values()) == 200
    assert 1 < peak <= 4


def _live_locks() -> int:
    gc.collect()
    return sum(isinstance(thing, asyncio.Lock) for thing in gc.get_objects())


async def test_no_lock_is_kept_for_a_chat_with_nothing_pending():
    # A long-running bot meets many chats: what it keeps per chat must go when the chat is idle.
    processor = ChatOrderedProcessor(4)
    handled: list[int] = []

    async def handle(update: Update) -> None:
        await asyncio.sleep(0)
        handled.append(update.update_id)

    before = _live_locks()
    updates = [update_from(number, 10_000 + number % 300) for number in range(600)]
    await asyncio.gather(*(asyncio.create_task(processor.process_update(u, handle(u)))
                           for u in updates))
    assert sorted(handled) == list(range(600))
    assert _live_locks() == before


@pytest.fixture
async def sandbox():
    async with running_sandbox(rate_limits=None) as running:
        yield running


@pytest.fixture
async def bot(sandbox):
    async with telegram.Bot(sandbox.token, base_url=sandbox.base_url,
                            base_file_url=sandbox.file_base_url,
                            request=AiohttpRequest()) as ptb_bot:
        yield ptb_bot


async def test_messages_buttons_uploads_and_downloads_go_through(bot, sandbox):
    user = sandbox.add_user(3001, "Lan")
    keyboard = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("✅ Hoàn thành", callback_data="s|1|d")]])
    sent = await bot.send_message(3001, "Nhắc việc NV12", reply_markup=keyboard)
    await bot.send_document(3001, InputFile(b"PK\x03\x04 bao cao", filename="bao-cao.xlsx"),
                            caption="Báo cáo tuần")
    query = user.press_button(sent.message_id, data="s|1|d")
    await bot.answer_callback_query(query.id)
    upload = user.send_document(b"%PDF-1.4 quyet dinh", "QD-2345.pdf")
    telegram_file = await bot.get_file(upload.payload["document"]["file_id"])
    assert bytes(await telegram_file.download_as_bytearray()) == b"%PDF-1.4 quyet dinh"
    texts = [m.text for m in sandbox.bot_messages(3001)]
    assert texts[0] == "Nhắc việc NV12" and sandbox.bot_messages(3001)[1].file is not None
    assert query.answered


async def test_telegrams_errors_are_ptbs_errors(bot, sandbox):
    sandbox.add_user(3002, "Minh")
    sandbox.faults.fail_next("sendMessage")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(3002, "x")
    sandbox.faults.fail_next("sendMessage", error_code=429, retry_after=7)
    with pytest.raises(RetryAfter):
        await bot.send_message(3002, "x")
    sandbox.faults.time_out_next("sendMessage", hold_seconds=5)
    with pytest.raises(TimedOut):
        await bot.send_message(3002, "lost", read_timeout=0.2)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(987654, "x")
    sandbox.take_rejections()


async def test_a_closed_connection_is_a_network_error():
    bot = telegram.Bot("1:x", base_url="http://127.0.0.1:9/bot",
                       request=AiohttpRequest(connect_timeout=1))
    with pytest.raises(NetworkError, match="Cannot connect"):
        async with bot:  # initialising asks getMe
            pass
