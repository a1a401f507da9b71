"""The bot end to end: PTB against the sandbox, from invite to recorded status."""

from __future__ import annotations

from sqlmodel import select

from bot import texts
from bot.turn import Incoming
from storage.models import (
    Assignment,
    Evidence,
    ExtensionRequest,
    IndicatorReport,
    Item,
    ProcessedUpdate,
    StatusChange,
)
from tests.appendix_files import seed_layout, write_xlsx
from tests.bot.conftest import World
from tests.conftest import SEED

HEALTH_CHAT, POLICE_CHAT, SECRETARIAT_CHAT = 101, 102, 900


async def link(world: World, chat_id: int, name: str, agency: str | None,
               role: str = "focal") -> None:
    user = world.sandbox.add_user(chat_id, name)
    code = await world.invite(agency, role)
    before = user.messages_from_bot()
    user.send_message(f"/start {code}")
    welcome = await user.wait_for_bot_message(after=before[-1] if before else None)
    assert welcome.text.startswith("Đã liên kết tài khoản")


async def message_starting(world: World, user, prefix: str, after=None):
    """The first bot message to this user, newer than `after`, that starts with `prefix`."""
    floor = after.sequence if after is not None else 0

    def found():
        return [m for m in user.messages_from_bot()
                if m.sequence > floor and m.text.startswith(prefix)]

    await world.sandbox.wait_until(lambda: bool(found()))
    return found()[0]


async def assignment_of(world: World, text: str, agency_chat: int) -> Assignment:
    person = await world.person(agency_chat)
    async with world.sessions() as session:
        return (await session.exec(select(Assignment).join(Item).where(
            Item.text == text, Assignment.agency_id == person.agency_id))).one()


async def item_code(world: World, text: str) -> str:
    async with world.sessions() as session:
        return (await session.exec(select(Item.code).where(Item.text == text))).one() or ""


async def test_invite_start_reminder_button_percent_recorded(world: World):
    await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    user = world.sandbox.user(HEALTH_CHAT)
    last = user.messages_from_bot()[-1]
    await world.remind()
    reminder = await user.wait_for_bot_message(after=last)
    assert reminder.text.startswith("Kính gửi đồng chí Lê Thị Hoa, cán bộ đầu mối của Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    assert code in reminder.text and "30/09/2025" in reminder.text
    query = user.press_button(reminder, text=f"🔄 {code}")
    await world.sandbox.wait_for_callback_answer(query)
    question = await user.wait_for_bot_message(after=reminder)
    assert "bao nhiêu phần trăm" in question.text
    user.send_message("60%, đang trình UBND tỉnh phê duyệt")
    confirmation = await user.wait_for_bot_message(after=question)
    assert confirmation.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện 60%")
    recorded = await assignment_of(world, "Triển khai bệnh án điện tử", HEALTH_CHAT)
    assert (recorded.status, recorded.percent) == ("in_progress", 60)


async def test_free_text_reply_to_a_reminder_is_recorded_with_evidence(world: World):
    await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    user = world.sandbox.user(HEALTH_CHAT)
    last = user.messages_from_bot()[-1]
    code = await item_code(world, "Triển khai bệnh án điện tử")
    await world.remind()
    reminder = await user.wait_for_bot_message(after=last)
    user.reply_to(reminder, f"{code} da hoan thanh, Quyết định số 2345/QĐ-UBND ngày 12/9/2025")
    confirmation = await user.wait_for_bot_message(after=reminder)
    assert confirmation.text.startswith(f"Đã ghi nhận {code}: Hoàn thành")
    user.send_document(b"%PDF-1.4 quyet dinh", "QD-2345.pdf")
    attached = await user.wait_for_bot_message(after=confirmation)
    assert attached.text == "Đã đính kèm minh chứng: QD-2345.pdf."
    async with world.sessions() as session:
        proofs = (await session.exec(select(Evidence))).all()
        change = (await session.exec(select(StatusChange))).one()
    assert {(p.reference, p.file_name) for p in proofs} == {
        ("Quyết định số 2345/QĐ-UBND", None), (None, "QD-2345.pdf")}
    assert change.reply_to_outbox_id is None  # the code named the item, not the reply
    assert change.message_text.startswith(code)


async def test_an_unclear_reply_gets_the_buttons_and_records_nothing(world: World):
    await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    user = world.sandbox.user(HEALTH_CHAT)
    code = await item_code(world, "Triển khai bệnh án điện tử")
    last = user.messages_from_bot()[-1]
    user.send_message(f"{code} ok, đã nhận")
    asked = await user.wait_for_bot_message(after=last)
    assert "chưa hiểu rõ" in asked.text
    assert [b.text for b in asked.buttons] == ["✅ Hoàn thành", "🔄 Đang thực hiện",
                                                "⚠️ Vướng mắc", "📅 Xin gia hạn"]
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []


async def test_an_extension_is_requested_and_approved_in_chat(world: World):
    await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    user = world.sandbox.user(HEALTH_CHAT)
    secretariat = world.sandbox.user(SECRETARIAT_CHAT)
    code = await item_code(world, "Triển khai bệnh án điện tử")
    last = user.messages_from_bot()[-1]
    user.send_message(f"{code} xin gia hạn đến 30/11/2025 do chờ kinh phí")
    told = await user.wait_for_bot_message(after=last)
    assert told.text.startswith(f"Đã gửi đề nghị gia hạn {code} đến 30/11/2025")
    seen = secretariat.messages_from_bot()[-1]
    await world.remind()  # the notice goes out through the outbox
    notice = await message_starting(world, secretariat, "📅 Đề nghị gia hạn", after=seen)
    assert "Đề nghị gia hạn từ Lê Thị Hoa (Sở Y tế)" in notice.text
    query = secretariat.press_button(notice, text="✅ Đồng ý")
    await world.sandbox.wait_for_callback_answer(query)
    done = await message_starting(world, secretariat, "Đã đồng ý", after=notice)
    assert done.text == f"Đã đồng ý đề nghị gia hạn {code} của Sở Y tế."
    last = user.messages_from_bot()[-1]
    await world.remind()
    decision = await message_starting(world, user, "✅ Cơ quan thường trực", after=last)
    assert decision.text.startswith(f"✅ Cơ quan thường trực đã đồng ý gia hạn {code} đến "
                                    "30/11/2025")
    async with world.sessions() as session:
        request = (await session.exec(select(ExtensionRequest))).one()
        assignment = await session.get(Assignment, request.assignment_id)
        item = await session.get(Item, assignment.item_id)
    assert request.state == "approved" and assignment.extended_due.isoformat() == "2025-11-30"
    assert item.due.isoformat() == "2025-09-30"


async def test_a_stranger_learns_nothing(world: World):
    stranger = world.sandbox.add_user(555, "Người lạ")
    stranger.send_message("/nhiemvu")
    refusal = await stranger.wait_for_bot_message()
    assert "chưa được đăng ký" in refusal.text
    assert "NV" not in refusal.text and "Sở" not in refusal.text
    stranger.send_message("/start SAIMA12345")
    wrong = await stranger.wait_for_bot_message(after=refusal)
    assert wrong.text.startswith("Mã mời không đúng")


async def test_another_agencys_item_is_refused(world: World):
    await link(world, POLICE_CHAT, "Trần Văn Nam", "Công an tỉnh")
    police = world.sandbox.user(POLICE_CHAT)
    health_code = await item_code(world, "Triển khai bệnh án điện tử")
    last = police.messages_from_bot()[-1]
    police.send_message(f"{health_code} đã hoàn thành")
    refusal = await police.wait_for_bot_message(after=last)
    assert refusal.text.startswith(f"Không tìm thấy nhiệm vụ {health_code}")
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []


async def test_wrong_codes_are_throttled(world: World):
    user = world.sandbox.add_user(556, "Thử mã")
    last = None
    for attempt in range(6):
        user.send_message(f"/start SAI{attempt:07d}")
        last = await user.wait_for_bot_message(after=last)
    assert last.text.startswith("Đồng chí đã nhập sai mã quá nhiều lần")


async def test_a_redelivered_update_changes_nothing(world: World):
    await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    incoming = Incoming("telegram", str(HEALTH_CHAT), "99001", "Lê Thị Hoa",
                        text=f"{code} đang thực hiện 40%", message_id="77")
    first = await world.conversation.handle(incoming)
    again = await world.conversation.handle(incoming)
    assert first and again == []
    async with world.sessions() as session:
        changes = (await session.exec(select(StatusChange))).all()
        seen = (await session.exec(select(ProcessedUpdate).where(
            ProcessedUpdate.update_id == "99001"))).all()
    assert len(changes) == 1 and len(seen) == 1


async def test_secretariat_commands(world: World):
    await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    secretariat = world.sandbox.user(SECRETARIAT_CHAT)
    last = secretariat.messages_from_bot()[-1]
    secretariat.send_message("/quahan")
    overdue = await secretariat.wait_for_bot_message(after=last)
    assert overdue.text.startswith("Nhiệm vụ quá hạn (")
    secretariat.send_message("/tongquan")
    report = await message_starting(world, secretariat, "Báo cáo tiến độ", after=overdue)
    assert report.text.startswith("Báo cáo tiến độ thực hiện Nghị quyết 57-NQ/TW tuần 39 ")
    secretariat.send_message("/moi Sở Y tế")
    invite = await message_starting(world, secretariat, "Mã mời", after=overdue)
    assert invite.text.startswith("Mã mời cho cán bộ đầu mối của Sở Y tế: ")
    assert "https://t.me/dondoc_bot?start=" in invite.text
    code = invite.text.split(": ", 1)[1].split("\n", 1)[0]
    nurse = world.sandbox.add_user(103, "Phạm Thu")
    nurse.send_message(f"/start {code}")
    welcome = await nurse.wait_for_bot_message()
    assert welcome.text.startswith("Đã liên kết tài khoản: cán bộ đầu mối của Sở Y tế")


async def test_a_configured_admin_chat_is_the_secretariat(world: World):
    admin = world.sandbox.add_user(SECRETARIAT_CHAT, "Chánh Văn phòng")
    admin.send_message("/duyet")
    answer = await admin.wait_for_bot_message()
    assert answer.text == "Không có đề nghị gia hạn nào chờ duyệt."
    person = await world.person(SECRETARIAT_CHAT)
    assert person.role == "secretariat"


async def test_the_bot_registers_its_commands(world: World):
    await world.sandbox.wait_until(lambda: bool(world.sandbox.commands()))
    names = [c["command"] for c in world.sandbox.commands()]
    assert {"nhiemvu", "capnhat", "huongdan", "tongquan", "quahan", "duyet"} <= set(names)


async def test_an_indicator_is_assessed_with_its_value(world: World):
    await link(world, 104, "Ngô Minh", "Sở Khoa học và Công nghệ")
    user = world.sandbox.user(104)
    code = await item_code(world, "Tỷ lệ phủ sóng 5G trên địa bàn")
    last = user.messages_from_bot()[-1]
    user.send_message(f"/capnhat {code}")
    card = await user.wait_for_bot_message(after=last)
    assert [b.text for b in card.buttons] == ["✅ Đạt/vượt", "❌ Chưa đạt", "❓ Chưa đánh giá được"]
    query = user.press_button(card, text="❌ Chưa đạt")
    await world.sandbox.wait_for_callback_answer(query)
    asked = await user.wait_for_bot_message(after=card)
    assert "Giá trị hiện tại" in asked.text
    user.send_message("5G phủ khoảng 20% dân số")
    done = await user.wait_for_bot_message(after=asked)
    assert done.text == f"Đã ghi nhận chỉ tiêu {code}: Chưa đạt, giá trị: 5G phủ khoảng 20% dân số."
    async with world.sessions() as session:
        report = (await session.exec(select(IndicatorReport))).one()
    assert (report.assessment, report.value, report.unit) == ("not_achieved", 20, "%")


async def test_a_reply_that_could_mean_several_items_asks_which(world: World):
    await link(world, POLICE_CHAT, "Trần Văn Nam", "Công an tỉnh")
    police = world.sandbox.user(POLICE_CHAT)
    last = police.messages_from_bot()[-1]
    police.send_message("đang thực hiện 80%")
    asked = await police.wait_for_bot_message(after=last)
    assert asked.text.startswith("Tin nhắn này áp dụng cho nhiệm vụ nào?")
    target = await item_code(world, "Triển khai hiệu quả định danh điện tử cho cơ quan, tổ chức")
    query = police.press_button(asked, text=next(b.text for b in asked.buttons
                                                 if b.text.startswith(target + " ")))
    await world.sandbox.wait_for_callback_answer(query)
    done = await police.wait_for_bot_message(after=asked)
    assert done.text.startswith(f"Đã ghi nhận {target}: Đang thực hiện 80%")


async def test_a_leader_reads_but_does_not_update(world: World):
    await link(world, 202, "Lãnh đạo Công an", "Công an tỉnh", role="leader")
    leader = world.sandbox.user(202)
    last = leader.messages_from_bot()[-1]
    leader.send_message("/nhiemvu")
    listing = await leader.wait_for_bot_message(after=last)
    assert listing.text.startswith("Nhiệm vụ đang mở của Công an tỉnh:")
    leader.send_message("đã hoàn thành hết")
    refused = await leader.wait_for_bot_message(after=listing)
    assert refused.text == texts.LEADER_READ_ONLY
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []


async def test_the_secretariat_imports_an_appendix_sent_in_chat(world: World, tmp_path):
    await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    secretariat = world.sandbox.user(SECRETARIAT_CHAT)
    path = tmp_path / "phu-luc.xlsx"
    write_xlsx(seed_layout(SEED), path)
    last = secretariat.messages_from_bot()[-1]
    secretariat.send_document(path.read_bytes(), "phu-luc.xlsx")
    summary = await secretariat.wait_for_bot_message(after=last)
    assert summary.text.startswith("Đã nhập: phu-luc.xlsx")
    assert "Mới: 0 · Cập nhật: 0 · Không đổi: 93" in summary.text
    secretariat.send_document(b"PK\x03\x04 broken", "hong.docx")
    refused = await secretariat.wait_for_bot_message(after=summary)
    assert refused.text == "Không nhập được: hong.docx: tệp .docx bị hỏng hoặc không phải tệp Word"
