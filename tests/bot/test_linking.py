"""One person on Telegram and Zalo: linked by a personal code, reminded on one channel only."""

from __future__ import annotations

from sqlmodel import select

from storage.models import FocalPerson, Outbox
from tests.bot.conftest import World
from tests.bot.drivers import Person
from tests.bot.test_e2e import HEALTH_CHAT, link

REMINDER = "Kính gửi đồng chí "  # then her name as that channel knows it


async def both_channels(world: World) -> tuple[Person, Person]:
    """Hoa on Telegram by invite, then on Zalo with the code /lienket gave her on Telegram."""
    telegram = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế", channel="telegram")
    telegram.say("/lienket")
    given = await telegram.next(after=telegram.messages()[-1])
    assert given.text.startswith("Mã liên kết của đồng chí: ")
    code = given.text.split(": ", 1)[1].split("\n", 1)[0]
    assert f"Mở dondoc trên Zalo và gửi: /start {code}" in given.text
    zalo = world.add_person(HEALTH_CHAT, "Hoa Lê", "zalo")
    zalo.say(f"/start {code}")
    welcome = await zalo.next()
    assert welcome.text.startswith("Đã liên kết tài khoản: cán bộ đầu mối của Sở Y tế")
    assert "chỉ gửi tới một kênh" in welcome.text
    return telegram, zalo


def reminders(person: Person) -> int:
    return len([m for m in person.messages() if m.text.startswith(REMINDER)])


async def test_a_person_with_both_channels_gets_one_reminder_not_two(both_worlds: World):
    world = both_worlds
    telegram, zalo = await both_channels(world)
    await world.remind()
    await world.on("zalo").wait_until(lambda: reminders(zalo) == 1)
    assert (reminders(telegram), reminders(zalo)) == (0, 1)  # Zalo: the channel used last
    async with world.sessions() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.kind == "reminder"))).all()
    assert {row.channel for row in rows} == {"zalo"}


async def test_the_channel_written_from_last_gets_the_reminder(both_worlds: World):
    world = both_worlds
    telegram, zalo = await both_channels(world)
    telegram.say("/nhiemvu")
    await telegram.next(after=telegram.messages()[-1])
    await world.remind()
    await world.on("telegram").wait_until(lambda: reminders(telegram) == 1)
    assert (reminders(telegram), reminders(zalo)) == (1, 0)


async def test_a_chosen_channel_wins_over_the_last_used(both_worlds: World):
    world = both_worlds
    telegram, zalo = await both_channels(world)
    zalo.say("/kenh telegram")
    chosen = await zalo.next(after=zalo.messages()[-1])
    assert "Nhắc việc gửi qua: Telegram (đã chọn)" in chosen.text
    zalo.say("/nhiemvu")  # Zalo is now the last used, but Telegram was chosen
    await zalo.next(after=chosen)
    await world.remind()
    await world.on("telegram").wait_until(lambda: reminders(telegram) == 1)
    assert (reminders(telegram), reminders(zalo)) == (1, 0)
    zalo.say("/kenh tudong")
    automatic = await zalo.next(after=zalo.messages()[-1])
    assert "Nhắc việc gửi qua: Zalo (kênh dùng gần nhất)" in automatic.text


async def test_a_blocked_channel_hands_the_reminder_to_the_other(both_worlds: World):
    world = both_worlds
    telegram, zalo = await both_channels(world)
    world.zalo.sandbox.user(HEALTH_CHAT).block_bot()
    await world.remind()
    await world.on("telegram").wait_until(lambda: reminders(telegram) == 1)
    assert reminders(zalo) == 0
    async with world.sessions() as session:
        people = (await session.exec(select(FocalPerson).order_by(FocalPerson.id))).all()
    assert [(p.channel, p.reachable) for p in people] == [("telegram", True), ("zalo", False)]
    assert people[0].identity_id == people[1].identity_id == people[0].id


async def test_a_link_code_is_for_the_other_channel_and_used_once(both_worlds: World):
    world = both_worlds
    telegram = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế", channel="telegram")
    telegram.say("/lienket")
    given = await telegram.next(after=telegram.messages()[-1])
    code = given.text.split(": ", 1)[1].split("\n", 1)[0]
    telegram.say(f"/start {code}")
    same = await telegram.next(after=given)
    assert same.text.startswith("Mã liên kết dùng để thêm một kênh khác")
    zalo = world.add_person(HEALTH_CHAT, "Hoa Lê", "zalo")
    zalo.say(f"/start {code}")
    await zalo.next()
    stranger = world.add_person(777, "Người khác", "zalo")
    stranger.say(f"/start {code}")
    refused = await stranger.next()
    assert refused.text.startswith("Mã mời này đã được sử dụng")
    stranger.say("/kenh")
    assert "chưa được đăng ký" in (await stranger.next(after=refused)).text
