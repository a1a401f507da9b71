"""One-off messages to an agency's focal persons, and an invite for one agency."""

from __future__ import annotations

from sqlmodel import col, select

from storage.invites import hash_code
from storage.models import Agency, Assignment, ConsoleAction, Invite, Item, Outbox
from tests.console.conftest import Console


async def messages(console: Console) -> list[Outbox]:
    async with console.sessions() as session:
        return list((await session.exec(select(Outbox).where(
            col(Outbox.key).like("console-message:%")))).all())


async def test_a_message_goes_through_the_outbox_to_the_focal_person_and_is_audited(
        console: Console):
    await console.sign_in(console.secretariat)
    status, page = await console.act("/console/nhantin", agency=str(console.focal.agency_id),
                                     text="Đề nghị gửi báo cáo trước thứ Sáu.")
    assert status == 200 and "Đã đưa tin nhắn vào hàng gửi." in page
    [sent] = await messages(console)
    async with console.sessions() as session:
        [action] = (await session.exec(select(ConsoleAction))).all()
    assert (sent.channel, sent.chat_id, sent.focal_person_id, sent.status) == (
        "telegram", console.focal.chat_id, console.focal.id, "queued")
    assert sent.key == f"console-message:{action.id}:{console.focal.id}"
    assert sent.text == ("📩 Tin nhắn của Cơ quan thường trực (Văn phòng BCĐ):\n"
                         "Đề nghị gửi báo cáo trước thứ Sáu.")
    assert (action.kind, action.person_id, action.agency_id, action.item_id) == (
        "message", console.secretariat.id, console.focal.agency_id, None)
    page = await (await console.client.get("/console/nhatky")).text()
    assert "Tin nhắn tới đầu mối:" in page and "Đề nghị gửi báo cáo trước thứ Sáu." in page


async def test_a_message_from_the_item_page_names_the_item(console: Console):
    async with console.sessions() as session:
        assignment = await session.get(Assignment, console.request.assignment_id)
        item = await session.get(Item, assignment.item_id)
    await console.sign_in(console.secretariat)
    status, page = await console.act("/console/nhantin", agency=str(assignment.agency_id),
                                     item=str(item.id), text="Xin cập nhật tiến độ.")
    assert status == 200 and "Đã đưa tin nhắn vào hàng gửi." in page
    [sent] = await messages(console)
    assert f"về nhiệm vụ {item.code}:\nXin cập nhật tiến độ." in sent.text


async def test_no_message_to_an_agency_nobody_can_be_reached_at(console: Console):
    async with console.sessions() as session:
        nobody = (await session.exec(select(Agency).where(
            Agency.id != console.focal.agency_id, col(Agency.is_group).is_(False)))).first()
    await console.sign_in(console.secretariat)
    status, page = await console.act("/console/nhantin", agency=str(nobody.id), text="Chào")
    assert status == 409 and "chưa có cán bộ đầu mối liên lạc được" in page
    status, _ = await console.act("/console/nhantin", agency=str(nobody.id), text=" ")
    assert status == 400
    async with console.sessions() as session:
        assert (await session.exec(select(ConsoleAction))).all() == []
    assert await messages(console) == []


async def test_a_leader_cannot_send_a_message(console: Console):
    await console.sign_in(console.leader)
    status, _ = await console.act("/console/nhantin", agency=str(console.focal.agency_id),
                                  text="Chào")
    assert status == 403 and await messages(console) == []


async def test_an_invite_for_one_agency(console: Console):
    async with console.sessions() as session:
        agency = (await session.exec(select(Agency).where(col(Agency.is_group).is_(False))
                                     .order_by(col(Agency.name)))).first()
    await console.sign_in(console.leader)
    page = await (await console.client.get("/console/coquan")).text()
    assert "Mã mời cho một cơ quan" not in page
    status, _ = await console.act("/console/coquan/moi-mot", agency=str(agency.id))
    assert status == 403
    await console.sign_in(console.secretariat)
    status, page = await console.act("/console/coquan/moi-mot", agency=str(agency.id),
                                     format="sheet")
    assert status == 200 and "Mã mời cán bộ đầu mối (1 cơ quan)" in page
    code = page.split('<code class="code">')[1].split("<")[0]
    async with console.sessions() as session:
        [invite] = (await session.exec(select(Invite))).all()
    assert (invite.code_hash, invite.agency_id, invite.role, invite.created_by) == (
        hash_code(code), agency.id, "focal", console.secretariat.id)
    status, page = await console.act("/console/coquan/moi-mot", agency="")
    assert status == 400 and "Hãy chọn một cơ quan" in page
    async with console.sessions() as session:
        assert len((await session.exec(select(Invite))).all()) == 1
