"""The chat flow of issue #17 end to end, on Telegram and on Zalo against their sandboxes.

After 📅 a bare date is the requested date; after 🔄 a bare number is the percent; after ✅
a status reply is a status, not evidence, and a text that names no document is kept as
evidence only when the person agrees; a disputed assignment reaches the secretariat; a message
too long to read gets a clear answer; a question records nothing.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from domain.replies import MAX_REPLY_CHARS
from storage.models import (
    Assignment,
    Blocker,
    Evidence,
    ExtensionRequest,
    Item,
    StatusChange,
)
from tests.bot.conftest import SECRETARIAT_CHAT, World
from tests.bot.test_e2e import (
    HEALTH_CHAT,
    STATUS_CHOICES,
    assignment_of,
    item_code,
    link,
    message_starting,
)

EHR = "Triển khai bệnh án điện tử"


async def _pressed(world: World, label: str):
    """The health focal person, their item's code, and the question after pressing `label`."""
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, EHR)
    last = user.messages()[-1]
    user.say(f"/capnhat {code}")
    card = await user.next(after=last)
    assert user.choices(card) == STATUS_CHOICES
    await user.choose(card, label)
    return user, code, await user.next(after=card)


async def test_an_ongoing_item_offers_no_done_in_capnhat(world: World):
    # "Thường xuyên" is reported on periodically, never finished: as in the reminders.
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    async with world.sessions() as session:
        code = (await session.exec(select(Item.code).where(
            Item.kind == "task", Item.deadline_kind == "recurring"))).first()
    assert code
    last = secretariat.messages()[-1]
    secretariat.say(f"/capnhat {code}")
    card = await secretariat.next(after=last)
    assert secretariat.choices(card) == [c for c in STATUS_CHOICES if c != "✅ Hoàn thành"]


@pytest.mark.parametrize(("typed", "due"), [("30/11/2025", "2025-11-30"),
                                            ("đến 15/01/2026", "2026-01-15")])
async def test_a_bare_date_answers_the_extension_question(world: World, typed, due):
    user, code, asked = await _pressed(world, "📅 Xin gia hạn")
    assert "(vd: 30/11/2025)" in asked.text
    user.say(typed)
    told = await user.next(after=asked)
    day, month, year = due.split("-")[::-1]
    assert told.text.startswith(f"Đã gửi đề nghị gia hạn {code} đến {day}/{month}/{year}")
    async with world.sessions() as session:
        request = (await session.exec(select(ExtensionRequest))).one()
    assert request.new_due.isoformat() == due


async def test_a_date_that_is_not_one_is_asked_again(world: World):
    user, _, asked = await _pressed(world, "📅 Xin gia hạn")
    user.say("sớm nhất có thể")
    again = await user.next(after=asked)
    assert again.text.startswith("Chưa đọc được ngày đề nghị")
    async with world.sessions() as session:
        assert (await session.exec(select(ExtensionRequest))).all() == []


async def test_a_bare_number_answers_the_percent_question(world: World):
    user, code, asked = await _pressed(world, "🔄 Đang thực hiện")
    assert "bao nhiêu phần trăm" in asked.text
    user.say("45")
    confirmation = await user.next(after=asked)
    assert confirmation.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện 45%")
    recorded = await assignment_of(world, EHR, HEALTH_CHAT)
    assert (recorded.status, recorded.percent) == ("in_progress", 45)


async def test_a_status_after_done_is_a_status_not_evidence(world: World):
    user, code, done = await _pressed(world, "✅ Hoàn thành")
    assert done.text.startswith(f"Đã ghi nhận {code}: Hoàn thành")
    user.say("đang triển khai 60%")
    corrected = await user.next(after=done)
    assert corrected.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện 60%")
    recorded = await assignment_of(world, EHR, HEALTH_CHAT)
    assert (recorded.status, recorded.percent) == ("in_progress", 60)
    async with world.sessions() as session:
        assert (await session.exec(select(Evidence))).all() == []


async def test_a_text_naming_no_document_is_kept_as_evidence_only_when_confirmed(world: World):
    user, code, done = await _pressed(world, "✅ Hoàn thành")
    user.say("đã gửi bản cứng về Văn phòng")
    asked = await user.next(after=done)
    assert asked.text.startswith("Đồng chí muốn lưu nội dung “đã gửi bản cứng về Văn phòng”")
    assert f"làm minh chứng cho {code}?" in asked.text
    assert user.choices(asked) == ["📎 Lưu làm minh chứng", "Không lưu"]
    async with world.sessions() as session:
        assert (await session.exec(select(Evidence))).all() == []
    await user.choose(asked, "📎 Lưu làm minh chứng")
    kept = await user.next(after=asked)
    assert kept.text == "Đã đính kèm minh chứng: đã gửi bản cứng về Văn phòng."
    async with world.sessions() as session:
        proofs = (await session.exec(select(Evidence))).all()
    assert [p.reference for p in proofs] == ["đã gửi bản cứng về Văn phòng"]


async def test_a_link_after_done_is_evidence_and_a_refusal_keeps_nothing(world: World):
    user, code, done = await _pressed(world, "✅ Hoàn thành")
    user.say("https://vbdh.nghean.gov.vn/qd-2345")
    attached = await user.next(after=done)
    assert attached.text == "Đã đính kèm minh chứng: https://vbdh.nghean.gov.vn/qd-2345."
    last = user.messages()[-1]
    user.say(f"/capnhat {code}")
    card = await user.next(after=last)
    await user.choose(card, "✅ Hoàn thành")
    again = await user.next(after=card)
    user.say("em gửi sau")
    asked = await user.next(after=again)
    await user.choose(asked, "Không lưu")
    refused = await user.next(after=asked)
    assert refused.text == "Đã bỏ qua, không lưu làm minh chứng."
    async with world.sessions() as session:
        proofs = (await session.exec(select(Evidence))).all()
    assert [p.reference for p in proofs] == ["https://vbdh.nghean.gov.vn/qd-2345"]


async def _typed(world: World, words: str):
    """The health focal person writes `words` after their item's code; the bot's answer."""
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, EHR)
    last = user.messages()[-1]
    user.say(f"{code}{words}")
    return user, code, await user.next(after=last)


async def test_a_disputed_assignment_reaches_the_secretariat(world: World):
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    _, code, told = await _typed(world, ": nhiệm vụ này không thuộc chức năng của Sở, Sở chỉ "
                                        "phối hợp")
    assert told.text.startswith(f"Đã chuyển ý kiến của đồng chí về phân công {code}")
    seen = secretariat.messages()[-1]
    await world.drain()
    notice = await message_starting(world, secretariat, "❗ Ý kiến về phân công", after=seen)
    assert "từ Lê Thị Hoa (Sở Y tế)" in notice.text
    assert "không thuộc chức năng của Sở, Sở chỉ phối hợp" in notice.text
    recorded = await assignment_of(world, EHR, HEALTH_CHAT)
    assert recorded.status == "blocked"
    # An action item like any blocker: one open blocker row, handled or forwarded from there.
    async with world.sessions() as session:
        blockers = (await session.exec(select(Blocker))).all()
    assert [(b.assignment_id, b.state) for b in blockers] == [(recorded.id, "open")]


async def test_an_expected_completion_date_is_stored_for_the_check_in(world: World):
    # Today is 22/09/2025 (the world's clock): the item is asked about again on 15/10.
    _, code, told = await _typed(world, " đang thực hiện 70%, dự kiến hoàn thành 15/10")
    assert told.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện 70%")
    assert "dự kiến hoàn thành 15/10/2025" in told.text
    recorded = await assignment_of(world, EHR, HEALTH_CHAT)
    assert (recorded.status, recorded.expected_on) == ("in_progress", date(2025, 10, 15))
    async with world.sessions() as session:
        change = (await session.exec(select(StatusChange))).one()
    assert change.expected_on == date(2025, 10, 15)


async def test_reported_not_started_is_recorded(world: World):
    _, code, told = await _typed(world, " chưa triển khai")
    assert told.text.startswith(f"Đã ghi nhận {code}: Chưa thực hiện")
    recorded = await assignment_of(world, EHR, HEALTH_CHAT)
    assert recorded.status == "not_started"


async def test_a_question_and_a_too_long_message_record_nothing(world: World):
    user, code, asked = await _typed(world, " xong rồi chưa ạ?")
    assert "chưa hiểu rõ" in asked.text
    user.say(f"{code} đã hoàn thành. " + "Báo cáo chi tiết: … " * 200)
    refused = await user.next(after=asked)
    assert refused.text.startswith("Tin nhắn quá dài")
    assert f"tối đa {MAX_REPLY_CHARS:,}".replace(",", ".") in refused.text
    assert "NV12 đã hoàn thành" in refused.text
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []
        assignment = await session.get(Assignment, (await assignment_of(world, EHR,
                                                                        HEALTH_CHAT)).id)
    assert assignment.status == "not_started"
