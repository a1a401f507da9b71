"""/thoihan end to end on Telegram and Zalo: the secretariat sets a deadline, others may not."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from bot import texts
from storage.models import DeadlineChange, Item
from tests.bot.conftest import SECRETARIAT_CHAT, World
from tests.bot.test_e2e import link


async def first_task(world: World) -> Item:
    async with world.sessions() as session:
        found = (await session.exec(select(Item).where(col(Item.kind) == "task")
                                    .order_by(col(Item.id)))).first()
    assert found is not None
    return found


async def test_the_secretariat_sets_a_deadline_in_chat(world: World):
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    item = await first_task(world)
    last = secretariat.messages()[-1]
    secretariat.say(f"/thoihan {item.code.lower()} 30/11/2025")
    answer = await secretariat.next(after=last)
    assert answer.text.startswith(f"Đã đặt thời hạn {item.code}: 30/11/2025 (trước đây: “")
    secretariat.say(f"/thoihan {item.code} sớm nhất có thể")
    refused = await secretariat.next(after=answer)
    assert refused.text.startswith("Chưa hiểu thời hạn “sớm nhất có thể”. Cú pháp: /thoihan")
    async with world.sessions() as session:
        stored = await session.get(Item, item.id)
        [change] = (await session.exec(select(DeadlineChange))).all()
    person = await world.person(SECRETARIAT_CHAT)
    assert (stored.due, stored.deadline_kind, stored.deadline_raw) == (
        date(2025, 11, 30), "date", "30/11/2025")
    assert (change.changed_by, change.by, change.via, change.old_raw) == (
        person.id, "Văn phòng BCĐ", "chat", item.deadline_raw)


async def test_a_focal_person_may_not_set_a_deadline(world: World):
    user = await link(world, 101, "Lê Thị Hoa", "Sở Y tế")
    item = await first_task(world)
    last = user.messages()[-1]
    user.say(f"/thoihan {item.code} 30/11/2025")
    answer = await user.next(after=last)
    assert answer.text == texts.NOT_ALLOWED
    async with world.sessions() as session:
        assert (await session.get(Item, item.id)).deadline_raw == item.deadline_raw
        assert (await session.exec(select(DeadlineChange))).all() == []
