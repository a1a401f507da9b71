"""/vuongmac: open blockers listed again with fresh choices, on Telegram and Zalo (issue #15).

A Zalo number expires after 7 days (bot/choices.py), so a blocker handled later needs its
choices offered again; the listing gives them, and they act exactly as the first notice's.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import texts
from storage.models import Blocker
from tests.bot.conftest import SECRETARIAT_CHAT, World
from tests.bot.test_e2e import HEALTH_CHAT, assignment_of, item_code, link, message_starting

EHR = "Triển khai bệnh án điện tử"
ACTIONS = ["✅ Đã xử lý", "➡️ Chuyển cơ quan phối hợp"]


async def _blocked_a_week_ago(world: World):
    """Hoa reports a blocker; eight days pass (the first notice's Zalo numbers have expired)."""
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    hoa = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, EHR)
    last = hoa.messages()[-1]
    hoa.say(f"{code} vướng mắc: chưa được cấp kinh phí")
    await hoa.next(after=last)
    await world.drain()
    await message_starting(world, secretariat, "⚠️ Vướng mắc cần xử lý")
    world.clock.advance(timedelta(days=8).total_seconds())
    return secretariat, hoa, code


async def _listed(world: World, secretariat):
    """/vuongmac's heading and the blocker's own message."""
    last = secretariat.messages()[-1]
    secretariat.say("/vuongmac")
    heading = await message_starting(world, secretariat, "Vướng mắc chưa được xử lý", after=last)
    return heading, await message_starting(world, secretariat, "⚠️ Vướng mắc cần xử lý",
                                           after=heading)


async def test_a_blocker_is_handled_from_the_list_a_week_later(world: World):
    secretariat, _, code = await _blocked_a_week_ago(world)
    heading, listed = await _listed(world, secretariat)
    assert heading.text == "Vướng mắc chưa được xử lý: 1 lượt phân công (báo sớm nhất trước):"
    assert "Lê Thị Hoa (Sở Y tế) báo ngày 22/09/2025" in listed.text
    assert f"{code} – {EHR}" in listed.text
    assert "chưa được cấp kinh phí”" in listed.text
    assert secretariat.choices(listed) == ACTIONS
    await secretariat.choose(listed, "✅ Đã xử lý")
    done = await message_starting(world, secretariat, "Đã ghi nhận: vướng mắc", after=listed)
    assert done.text.startswith(f"Đã ghi nhận: vướng mắc {code} của Sở Y tế đã được xử lý.")
    async with world.sessions() as session:
        assert [b.state for b in (await session.exec(select(Blocker))).all()] == ["handled"]
    assert (await assignment_of(world, EHR, HEALTH_CHAT)).blocker_handled_on is not None
    last = secretariat.messages()[-1]
    secretariat.say("/vuongmac")
    assert (await secretariat.next(after=last)).text == texts.NO_OPEN_BLOCKERS


async def test_a_blocker_is_forwarded_from_the_list_and_stays_listed(world: World):
    secretariat, _, code = await _blocked_a_week_ago(world)
    _, listed = await _listed(world, secretariat)
    await secretariat.choose(listed, "➡️ Chuyển cơ quan phối hợp")
    asked = await secretariat.next(after=listed)
    assert asked.text == texts.ASK_FORWARD_AGENCY
    secretariat.say("Sở Tài chính")
    forwarded = await message_starting(world, secretariat, "Đã chuyển vướng mắc", after=asked)
    assert forwarded.text.startswith(f"Đã chuyển vướng mắc {code} tới Sở Tài chính")
    # Forwarded is not handled: it is listed again, saying where it went.
    _, again = await _listed(world, secretariat)
    assert "Đã chuyển tới Sở Tài chính ngày 30/09/2025" in again.text
    assert secretariat.choices(again) == ACTIONS


async def test_an_item_no_longer_blocked_is_not_listed_and_focal_persons_may_not_ask(
        world: World):
    secretariat, hoa, code = await _blocked_a_week_ago(world)
    last = hoa.messages()[-1]
    hoa.say("/vuongmac")
    assert (await hoa.next(after=last)).text == texts.NOT_ALLOWED
    hoa.say(f"{code} đang thực hiện 40%")
    await message_starting(world, hoa, f"Đã ghi nhận {code}: Đang thực hiện 40%", after=last)
    last = secretariat.messages()[-1]
    secretariat.say("/vuongmac")
    assert (await secretariat.next(after=last)).text == texts.NO_OPEN_BLOCKERS


def test_vuongmac_is_in_the_secretariat_s_help():
    assert "/vuongmac" in texts.help_text("secretariat")
    assert "/vuongmac" not in texts.help_text("focal")
