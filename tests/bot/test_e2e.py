"""The bot end to end, written once and run on Telegram and on Zalo against their sandboxes.

Every test taking `world` runs twice: through python-telegram-bot against the Telegram
sandbox (buttons pressed), and through dondoc's Zalo adapter against the Zalo sandbox
(numbered choices typed). Tests of what only Telegram has take `telegram_world`.
"""

from __future__ import annotations

from sqlmodel import select

from bot import texts
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
from tests.bot.conftest import SECRETARIAT_CHAT, World
from tests.bot.drivers import Person
from tests.conftest import SEED

HEALTH_CHAT, POLICE_CHAT = 101, 102
STATUS_CHOICES = ["✅ Hoàn thành", "🔄 Đang thực hiện", "⚠️ Vướng mắc", "📅 Xin gia hạn"]


async def link(world: World, number: int, name: str, agency: str | None,
               role: str = "focal", channel: str | None = None) -> Person:
    person = world.add_person(number, name, channel)
    code = await world.invite(agency, role)
    before = person.messages()
    person.say(f"/start {code}")
    welcome = await person.next(after=before[-1] if before else None)
    assert welcome.text.startswith("Đã liên kết tài khoản")
    return person


async def message_starting(world: World, person: Person, prefix: str, after=None):
    """The first bot message to this person, newer than `after`, that starts with `prefix`."""
    floor = after.sequence if after is not None else 0

    def found():
        return [m for m in person.messages() if m.sequence > floor and m.text.startswith(prefix)]

    await world.on().wait_until(lambda: bool(found()))
    return found()[0]


async def assignment_of(world: World, text: str, number: int) -> Assignment:
    person = await world.person(number)
    async with world.sessions() as session:
        return (await session.exec(select(Assignment).join(Item).where(
            Item.text == text, Assignment.agency_id == person.agency_id))).one()


async def item_code(world: World, text: str) -> str:
    async with world.sessions() as session:
        return (await session.exec(select(Item.code).where(Item.text == text))).one() or ""


async def test_invite_start_reminder_choice_percent_recorded(world: World):
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    last = user.messages()[-1]
    await world.remind()
    reminder = await user.next(after=last)
    assert reminder.text.startswith("Kính gửi đồng chí Lê Thị Hoa, cán bộ đầu mối của Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    assert code in reminder.text and "30/09/2025" in reminder.text
    await user.choose(reminder, f"🔄 Đang làm {code}")
    question = await user.next(after=reminder)
    assert "bao nhiêu phần trăm" in question.text
    user.say("60%, đang trình UBND tỉnh phê duyệt")
    confirmation = await user.next(after=question)
    assert confirmation.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện 60%")
    recorded = await assignment_of(world, "Triển khai bệnh án điện tử", HEALTH_CHAT)
    assert (recorded.status, recorded.percent) == ("in_progress", 60)


async def test_free_text_reply_to_a_reminder_is_recorded_with_an_evidence_image(world: World):
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    last = user.messages()[-1]
    code = await item_code(world, "Triển khai bệnh án điện tử")
    await world.remind()
    reminder = await user.next(after=last)
    user.reply(reminder, f"{code} da hoan thanh, Quyết định số 2345/QĐ-UBND ngày 12/9/2025")
    confirmation = await user.next(after=reminder)
    assert confirmation.text.startswith(f"Đã ghi nhận {code}: Hoàn thành")
    user.send_image()
    attached = await user.next(after=confirmation)
    assert attached.text.startswith("Đã đính kèm minh chứng: anh-")
    async with world.sessions() as session:
        proofs = (await session.exec(select(Evidence))).all()
        change = (await session.exec(select(StatusChange))).one()
    assert {p.reference for p in proofs} == {"Quyết định số 2345/QĐ-UBND", None}
    [photo] = [p for p in proofs if p.file_id]
    assert photo.file_name.startswith("anh-") and photo.status_change_id == change.id
    assert change.reply_to_outbox_id is None  # the code named the item, not the reply
    assert change.message_text.startswith(code)


async def test_an_unclear_reply_gets_the_choices_and_records_nothing(world: World):
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    last = user.messages()[-1]
    user.say(f"{code} ok, đã nhận")
    asked = await user.next(after=last)
    assert "chưa hiểu rõ" in asked.text
    assert user.choices(asked) == STATUS_CHOICES
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []
    await user.choose(asked, "✅ Hoàn thành")
    done = await user.next(after=asked)
    assert done.text.startswith(f"Đã ghi nhận {code}: Hoàn thành")


async def test_an_extension_is_requested_and_approved_in_chat(world: World):
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    last = user.messages()[-1]
    user.say(f"{code} xin gia hạn đến 30/11/2025 do chờ kinh phí")
    told = await user.next(after=last)
    assert told.text.startswith(f"Đã gửi đề nghị gia hạn {code} đến 30/11/2025")
    seen = secretariat.messages()[-1]
    await world.remind()  # the notice goes out through the outbox
    notice = await message_starting(world, secretariat, "📅 Đề nghị gia hạn", after=seen)
    assert "Đề nghị gia hạn từ Lê Thị Hoa (Sở Y tế)" in notice.text
    assert secretariat.choices(notice) == ["✅ Đồng ý", "❌ Không đồng ý"]
    await secretariat.choose(notice, "✅ Đồng ý")
    done = await message_starting(world, secretariat, "Đã đồng ý", after=notice)
    assert done.text == f"Đã đồng ý đề nghị gia hạn {code} của Sở Y tế."
    last = user.messages()[-1]
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
    stranger = world.add_person(555, "Người lạ")
    stranger.say("/nhiemvu")
    refusal = await stranger.next()
    assert "chưa được đăng ký" in refusal.text
    assert "NV" not in refusal.text and "Sở" not in refusal.text
    stranger.say("1")
    again = await stranger.next(after=refusal)
    assert "chưa được đăng ký" in again.text
    stranger.say("/start SAIMA12345")
    wrong = await stranger.next(after=again)
    assert wrong.text.startswith("Mã mời không đúng")


async def test_another_agencys_item_is_refused(world: World):
    police = await link(world, POLICE_CHAT, "Trần Văn Nam", "Công an tỉnh")
    health_code = await item_code(world, "Triển khai bệnh án điện tử")
    last = police.messages()[-1]
    police.say(f"{health_code} đã hoàn thành")
    refusal = await police.next(after=last)
    assert refusal.text.startswith(f"Không tìm thấy nhiệm vụ {health_code}")
    police.say(f"/capnhat {health_code}")
    again = await police.next(after=refusal)
    assert again.text.startswith(f"Không tìm thấy nhiệm vụ {health_code}")
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []


async def test_wrong_codes_are_throttled(world: World):
    user = world.add_person(556, "Thử mã")
    last = None
    for attempt in range(6):
        user.say(f"/start SAI{attempt:07d}")
        last = await user.next(after=last)
    assert last.text.startswith("Đồng chí đã nhập sai mã quá nhiều lần")


async def test_a_redelivered_update_changes_nothing(world: World):
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    last = user.messages()[-1]
    sent = user.say(f"{code} đang thực hiện 40%")
    first = await user.next(after=last)
    assert first.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện 40%")
    await user.redeliver(sent)
    user.say("/huongdan")  # one chat's updates are handled in order: this one comes after
    answer = await user.next(after=first)
    assert answer.text.startswith("Cách cập nhật tiến độ")
    async with world.sessions() as session:
        changes = (await session.exec(select(StatusChange))).all()
        seen = (await session.exec(select(ProcessedUpdate).where(
            ProcessedUpdate.channel == world.channel))).all()
    assert len(changes) == 1
    assert len(seen) == len({row.update_id for row in seen}) == 3  # /start, the reply, /huongdan


async def test_secretariat_commands(world: World):
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    last = secretariat.messages()[-1]
    secretariat.say("/quahan")
    overdue = await secretariat.next(after=last)
    assert overdue.text.startswith("Nhiệm vụ quá hạn: ")
    assert " lượt phân công:" in overdue.text.split("\n")[0]
    secretariat.say("/moi Sở Y tế")
    invite = await message_starting(world, secretariat, "Mã mời", after=overdue)
    assert invite.text.startswith("Mã mời cho cán bộ đầu mối của Sở Y tế: ")
    assert "https://t.me/dondoc_bot?start=" in invite.text
    code = invite.text.split(": ", 1)[1].split("\n", 1)[0]
    nurse = world.add_person(103, "Phạm Thu")
    nurse.say(f"/start {code}")
    welcome = await nurse.next()
    assert welcome.text.startswith("Đã liên kết tài khoản: cán bộ đầu mối của Sở Y tế")


async def test_invites_for_a_leader_and_the_mistakes_a_secretary_can_make(world: World):
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    last = secretariat.messages()[-1]
    secretariat.say("/moi")
    bare = await secretariat.next(after=last)
    assert bare.text == ("Gõ kèm tên cơ quan, ví dụ: /moi Sở Y tế (thêm “lanhdao” để mời "
                         "lãnh đạo)")
    secretariat.say("/moi Sở Du hành Vũ trụ")
    unknown = await secretariat.next(after=bare)
    assert unknown.text == "Không tìm thấy cơ quan “Sở Du hành Vũ trụ”."
    secretariat.say("/moi Sở Y tế lãnh đạo")
    invite = await message_starting(world, secretariat, "Mã mời", after=unknown)
    assert invite.text.startswith("Mã mời cho lãnh đạo của Sở Y tế: ")
    code = invite.text.split(": ", 1)[1].split("\n", 1)[0]
    director = world.add_person(105, "Giám đốc Sở")
    director.say(f"/start {code}")
    welcome = await director.next()
    assert welcome.text.startswith("Đã liên kết tài khoản: lãnh đạo của Sở Y tế")
    person = await world.person(105)
    assert person.role == "leader"


async def test_a_configured_admin_chat_is_the_secretariat(world: World):
    admin = world.add_person(SECRETARIAT_CHAT, "Chánh Văn phòng")
    admin.say("/duyet")
    answer = await admin.next()
    assert answer.text == "Không có đề nghị gia hạn nào chờ duyệt."
    person = await world.person(SECRETARIAT_CHAT)
    assert person.role == "secretariat"


async def test_an_indicator_is_assessed_with_its_value(world: World):
    user = await link(world, 104, "Ngô Minh", "Sở Khoa học và Công nghệ")
    code = await item_code(world, "Tỷ lệ phủ sóng 5G trên địa bàn")
    last = user.messages()[-1]
    user.say(f"/capnhat {code}")
    card = await user.next(after=last)
    assert user.choices(card) == ["✅ Đạt/vượt", "❌ Chưa đạt", "❓ Chưa đánh giá được"]
    await user.choose(card, "❌ Chưa đạt")
    asked = await user.next(after=card)
    assert "Giá trị hiện tại" in asked.text
    user.say("5G phủ khoảng 20% dân số")
    done = await user.next(after=asked)
    assert done.text == f"Đã ghi nhận chỉ tiêu {code}: Chưa đạt, giá trị: 5G phủ khoảng 20% dân số."
    async with world.sessions() as session:
        report = (await session.exec(select(IndicatorReport))).one()
    assert (report.assessment, report.value, report.unit) == ("not_achieved", 20, "%")


async def test_a_reply_that_could_mean_several_items_asks_which(world: World):
    police = await link(world, POLICE_CHAT, "Trần Văn Nam", "Công an tỉnh")
    last = police.messages()[-1]
    police.say("đang thực hiện 80%")
    asked = await police.next(after=last)
    assert asked.text.startswith("Tin nhắn này áp dụng cho nhiệm vụ nào?")
    target = await item_code(world, "Triển khai hiệu quả định danh điện tử cho cơ quan, tổ chức")
    await police.choose(asked, next(label for label in police.choices(asked)
                                    if label.startswith(target + " ")))
    done = await police.next(after=asked)
    assert done.text.startswith(f"Đã ghi nhận {target}: Đang thực hiện 80%")


async def test_a_leader_reads_but_does_not_update(world: World):
    leader = await link(world, 202, "Lãnh đạo Công an", "Công an tỉnh", role="leader")
    last = leader.messages()[-1]
    leader.say("/nhiemvu")
    listing = await leader.next(after=last)
    assert listing.text.startswith("Nhiệm vụ đang mở của Công an tỉnh:")
    leader.say("đã hoàn thành hết")
    refused = await leader.next(after=listing)
    assert refused.text == texts.LEADER_READ_ONLY
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []


async def test_a_committee_leader_reads_everything_and_changes_nothing(world: World):
    chief = await link(world, 250, "Trưởng ban", None, role="committee")
    last = chief.messages()[-1]
    chief.say("/tongquan")
    first = await chief.next(after=last)
    assert first.text.startswith("Báo cáo tiến độ thực hiện Nghị quyết 57-NQ/TW")
    # The whole digest comes in several messages; the ranking closes it.
    await world.on().wait_until(lambda: any("IX. XẾP HẠNG CƠ QUAN" in m.text
                                            for m in chief.messages()))
    overview = chief.messages()[-1]
    chief.say("/coquan Sở Y tế")
    agency = await message_starting(world, chief, "Nhiệm vụ của Sở Y tế:", after=overview)
    chief.say("/quahan")
    overdue = await message_starting(world, chief, "Nhiệm vụ quá hạn", after=agency)
    code = await item_code(world, "Triển khai bệnh án điện tử")
    chief.say(f"{code} đã hoàn thành")
    refused = await message_starting(world, chief, texts.LEADER_READ_ONLY, after=overdue)
    chief.say("/moi Sở Y tế")
    await message_starting(world, chief, texts.NOT_ALLOWED, after=refused)
    async with world.sessions() as session:
        assert (await session.exec(select(StatusChange))).all() == []


async def test_the_bot_registers_its_commands(telegram_world: World):
    sandbox = telegram_world.telegram.sandbox
    await sandbox.wait_until(lambda: bool(sandbox.commands()))
    names = [c["command"] for c in sandbox.commands()]
    assert {"nhiemvu", "capnhat", "huongdan", "tongquan", "quahan", "duyet"} <= set(names)


async def test_a_document_is_kept_as_evidence(telegram_world: World):
    world = telegram_world
    await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    user = world.telegram.sandbox.user(HEALTH_CHAT)
    code = await item_code(world, "Triển khai bệnh án điện tử")
    last = user.messages_from_bot()[-1]
    user.send_message(f"{code} đã hoàn thành")
    confirmation = await user.wait_for_bot_message(after=last)
    user.send_document(b"%PDF-1.4 quyet dinh", "QD-2345.pdf")
    attached = await user.wait_for_bot_message(after=confirmation)
    assert attached.text == "Đã đính kèm minh chứng: QD-2345.pdf."
    async with world.sessions() as session:
        proof = (await session.exec(select(Evidence))).one()
    assert (proof.file_name, proof.file_size) == ("QD-2345.pdf", 19)


async def test_the_secretariat_imports_an_appendix_sent_in_chat(telegram_world: World, tmp_path):
    world = telegram_world
    await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    secretariat = world.telegram.sandbox.user(SECRETARIAT_CHAT)
    path = tmp_path / "phu-luc.xlsx"
    write_xlsx(seed_layout(SEED), path)
    last = secretariat.messages_from_bot()[-1]
    secretariat.send_document(path.read_bytes(), "phu-luc.xlsx")
    # Read in a child process: the first one starts the fork server (seconds on a busy CPU).
    summary = await secretariat.wait_for_bot_message(after=last, timeout=60)
    assert summary.text.startswith("Đã nhập: phu-luc.xlsx")
    assert "Mới: 0 · Cập nhật: 0 · Không đổi: 93" in summary.text
    secretariat.send_document(b"PK\x03\x04 broken", "hong.docx")
    refused = await secretariat.wait_for_bot_message(after=summary, timeout=30)
    assert refused.text == "Không nhập được: hong.docx: tệp .docx bị hỏng hoặc không phải tệp Word"
