"""Requests Telegram would refuse, platform limits and injected faults, as PTB sees them."""

import asyncio
import datetime as dtm

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from sandbox import ManualClock, Sandbox, SandboxRejectionError
from tests.sandbox.conftest import TOKEN

# PTB 22 warns whenever RetryAfter.retry_after is read, even inside its own constructor.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def rejected(sandbox: Sandbox) -> list[str]:
    """Descriptions of the rejected requests, consumed so the fixture does not fail the test."""
    return [call.description or "" for call in sandbox.take_rejections()]


def seconds(error: RetryAfter) -> float:
    """retry_after in seconds, whichever type this PTB version gives it."""
    retry_after = error.retry_after
    return retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after


async def test_unknown_method_is_404_not_found(bot: telegram.Bot, sandbox: Sandbox) -> None:
    with pytest.raises(telegram.error.EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})

    async with httpx.AsyncClient() as client:
        response = await client.post(f"{sandbox.base_url}{TOKEN}/sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert rejected(sandbox) == ["Not Found", "Not Found"]


async def test_method_names_are_case_insensitive(sandbox: Sandbox) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{sandbox.base_url}{TOKEN}/GETME")
    assert response.json()["result"]["is_bot"] is True


async def test_missing_required_field(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2001, "Lan")

    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(2001, None)
    with pytest.raises(BadRequest, match="Chat_id is empty"):
        await bot.send_message(None, "x")

    assert rejected(sandbox) == [
        "Bad Request: message text is empty",
        "Bad Request: chat_id is empty",
    ]


async def test_unknown_field(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2002, "Minh")

    with pytest.raises(BadRequest):
        await bot.send_message(2002, "x", api_kwargs={"colour": "red"})

    assert rejected(sandbox) == ['Bad Request: unknown parameter "colour" for method sendMessage']
    assert sandbox.bot_messages(2002) == []


async def test_wrong_type(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2003, "Hà")

    with pytest.raises(BadRequest):
        await bot.send_message(2003, "x", api_kwargs={"disable_notification": "maybe"})
    with pytest.raises(BadRequest):
        await bot.send_message(2003, "x", api_kwargs={"reply_markup": "{not json"})
    with pytest.raises(BadRequest):
        await bot.send_message(
            2003, "x", api_kwargs={"reply_markup": {"inline_keyboard": [[{"text": 5, "url": "u"}]]}}
        )

    assert rejected(sandbox) == [
        'Bad Request: field "disable_notification" must be of type Boolean',
        "Bad Request: can't parse reply_markup JSON object",
        'Bad Request: can\'t parse reply_markup: field "inline_keyboard[0][0].text" must be of '
        "type String",
    ]


async def test_text_over_4096_characters(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2004, "Tú")

    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(2004, "ư" * 4097)
    await bot.send_message(2004, "ư" * 4096)

    assert rejected(sandbox) == ["Bad Request: message is too long"]


async def test_limit_counts_text_after_markup_is_removed(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.add_user(2005, "Quân")

    await bot.send_message(2005, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")

    stored = sandbox.last_bot_message(2005)
    assert stored is not None and stored.text == "a" * 4096


async def test_callback_data_over_64_bytes(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2006, "Vy")
    # 22 Vietnamese letters of 3 UTF-8 bytes each: 22 characters but 66 bytes.
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("Xong", callback_data="ữ" * 22)]])

    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(2006, "Chọn", reply_markup=too_long)

    assert rejected(sandbox) == ["Bad Request: BUTTON_DATA_INVALID"]


async def test_unbalanced_html_and_unescaped_markdown_v2(
    bot: telegram.Bot, sandbox: Sandbox
) -> None:
    sandbox.add_user(2007, "Bình")

    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(2007, "<b>Hạn chót: 30/09", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(2007, "Hạn chót: 30.09.2025", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(2007, "<b> </b>", parse_mode="HTML")

    assert rejected(sandbox) == [
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with "
        "the preceding '\\'",
        "Bad Request: message text is empty",
    ]


async def test_two_messages_to_one_chat_within_a_second_get_429(
    bot: telegram.Bot, sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.add_user(2008, "Châu")
    await bot.send_message(2008, "một")
    clock.advance(0.4)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(2008, "hai")

    assert seconds(raised.value) == 1
    assert [(r.chat_id, r.retry_after) for r in sandbox.flood_refusals] == [(2008, 1)]
    clock.advance(0.6)
    await bot.send_message(2008, "hai")
    assert [m.text for m in sandbox.bot_messages(2008)] == ["một", "hai"]
    sends = [c for c in sandbox.calls if c.method == "sendMessage"]
    assert [(c.error_code, c.at) for c in sends] == [(None, 0.0), (429, 0.4), (None, 1.0)]


async def test_thirty_messages_per_second_overall(
    bot: telegram.Bot, sandbox: Sandbox, clock: ManualClock
) -> None:
    for user_id in range(1, 32):
        sandbox.add_user(user_id, f"U{user_id}")
    for user_id in range(1, 31):
        await bot.send_message(user_id, "x")

    with pytest.raises(RetryAfter):
        await bot.send_message(31, "x")
    clock.advance(1)
    await bot.send_message(31, "x")


async def test_blocked_user_is_403_forbidden(bot: telegram.Bot, sandbox: Sandbox) -> None:
    user = sandbox.add_user(2009, "Đức")
    user.block_bot()

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(2009, "Nhắc việc")
    (update,) = await bot.get_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"

    user.unblock_bot()
    await bot.send_message(2009, "Nhắc việc")
    assert sandbox.rejections == []


async def test_user_who_never_started_the_bot(bot: telegram.Bot, sandbox: Sandbox) -> None:
    user = sandbox.add_user(2010, "Nga", started=False)

    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(2010, "Xin chào")
    user.send_message("/start")
    await bot.send_message(2010, "Xin chào")


async def test_chat_not_found(bot: telegram.Bot, sandbox: Sandbox) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(987654, "x")

    assert rejected(sandbox) == ["Bad Request: chat not found"]


async def test_injected_500_then_recovery(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2011, "Phúc")
    sandbox.faults.fail_next("sendMessage", times=2)

    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(2011, "x")
    await bot.send_message(2011, "x")

    assert [c.error_code for c in sandbox.calls if c.method == "sendMessage"] == [500, 500, None]
    assert len(sandbox.bot_messages(2011)) == 1


async def test_injected_429_carries_retry_after(bot: telegram.Bot, sandbox: Sandbox) -> None:
    sandbox.add_user(2012, "Khoa")
    sandbox.faults.fail_next("sendMessage", error_code=429, retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(2012, "x")

    assert seconds(raised.value) == 7
    assert sandbox.flood_refusals == []  # injected, not the platform's own limits


async def test_timeout_fault_with_and_without_execution(
    bot: telegram.Bot, sandbox: Sandbox, clock: ManualClock
) -> None:
    sandbox.add_user(2013, "Linh")
    sandbox.faults.time_out_next("sendMessage", hold_seconds=5)
    sandbox.faults.time_out_next("sendMessage", hold_seconds=5, executed=True)

    with pytest.raises(TimedOut):
        await bot.send_message(2013, "lost", read_timeout=0.2)
    assert sandbox.bot_messages(2013) == []
    with pytest.raises(TimedOut):
        await bot.send_message(2013, "delivered but unanswered", read_timeout=0.2)
    assert [m.text for m in sandbox.bot_messages(2013)] == ["delivered but unanswered"]


async def test_slow_answers(bot: telegram.Bot, sandbox: Sandbox) -> None:
    # One call is slowed by an hour: order, not a stopwatch, shows which was held. A second
    # Bot instance, because one Bot's requests share a single connection.
    async with telegram.Bot(sandbox.token, base_url=sandbox.base_url) as other:
        sandbox.faults.slow_down("getMe", 3600, times=1)
        answered_before = len(sandbox.calls)
        calls = {asyncio.create_task(b.get_me(read_timeout=3700)) for b in (bot, other)}
        done, held = await asyncio.wait(calls, return_when=asyncio.FIRST_COMPLETED)
        await asyncio.sleep(0.2)  # time for the held one to come back, were it not held

        assert [t.result().id for t in done] == [bot.id]
        assert len(held) == 1 and not next(iter(held)).done()
        assert (await bot.get_me()).id == bot.id  # the slow-down was used up by one call
        assert [c.method for c in list(sandbox.calls)[answered_before:]] == ["getMe", "getMe"]
        for task in calls:
            task.cancel()


async def test_wrong_token_is_unauthorized(sandbox: Sandbox) -> None:
    wrong = telegram.Bot("42:wrong", base_url=sandbox.base_url)
    with pytest.raises(telegram.error.InvalidToken):
        await wrong.get_me()
    assert [c.error_code for c in sandbox.take_rejections()] == [401]


async def test_rejections_fail_the_test_loudly(bot_api_spec) -> None:
    from sandbox import running_sandbox

    with pytest.raises(SandboxRejectionError, match="chat not found"):
        async with running_sandbox(spec=bot_api_spec) as sandbox:
            ptb_bot = telegram.Bot(TOKEN, base_url=sandbox.base_url)
            with pytest.raises(BadRequest):
                await ptb_bot.send_message(5, "x")
            await ptb_bot.shutdown()
