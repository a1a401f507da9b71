"""Editing and adding items in the console: assignments re-derived, deadlines audited."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from storage.models import Agency, Assignment, ConsoleAction, DeadlineChange, Item
from tests.console.conftest import Console


async def the_item(console: Console) -> Item:
    async with console.sessions() as session:
        assignment = await session.get(Assignment, console.request.assignment_id)
        assert assignment is not None
        item = await session.get(Item, assignment.item_id)
    assert item is not None
    return item


async def active_agencies(console: Console, item_id: int) -> set[int]:
    async with console.sessions() as session:
        return set((await session.exec(select(Assignment.agency_id).where(
            Assignment.item_id == item_id, col(Assignment.active)))).all())


async def two_agencies(console: Console) -> list[Agency]:
    async with console.sessions() as session:
        return list((await session.exec(select(Agency).where(
            col(Agency.is_group).is_(False), Agency.id != console.focal.agency_id)
            .order_by(col(Agency.name)).limit(2))).all())


async def test_an_edit_changes_text_leads_and_deadline_and_reassigns(console: Console):
    item = await the_item(console)
    other, _ = await two_agencies(console)
    await console.sign_in(console.secretariat)
    page = await (await console.client.get(f"/console/nhiemvu/{item.id}/sua")).text()
    assert item.text in page and "Lưu thay đổi" in page
    status, page = await console.act(
        f"/console/nhiemvu/{item.id}/sua", text="Nội dung đã sửa cho rõ.",
        leads=f"{item.lead_agencies[0]}; {other.name}", deadline="31/12/2025")
    assert status == 200 and "Đã sửa nhiệm vụ." in page, page
    async with console.sessions() as session:
        stored = await session.get(Item, item.id)
        [action] = (await session.exec(select(ConsoleAction))).all()
        [change] = (await session.exec(select(DeadlineChange))).all()
        kept = await session.get(Assignment, console.request.assignment_id)
    assert (stored.text, stored.due, stored.deadline_kind) == (
        "Nội dung đã sửa cho rõ.", date(2025, 12, 31), "date")
    assert stored.lead_agencies == [item.lead_agencies[0], other.name]
    assert other.id in await active_agencies(console, item.id) and kept.active
    assert (change.via, change.changed_by, change.typed) == (
        "console", console.secretariat.id, "31/12/2025")
    assert (action.kind, action.person_id, action.item_id) == (
        "item_edit", console.secretariat.id, item.id)
    assert "nội dung đã sửa" in action.detail and other.name in action.detail
    # Back to the single lead: the other agency's assignment closes, its row stays.
    status, _ = await console.act(f"/console/nhiemvu/{item.id}/sua", text=stored.text,
                                  leads=item.lead_agencies[0], deadline="31/12/2025")
    assert status == 200
    assert other.id not in await active_agencies(console, item.id)
    page = await (await console.client.get("/console/nhatky")).text()
    assert "Sửa nhiệm vụ:" in page


async def test_a_refused_edit_writes_nothing(console: Console):
    item = await the_item(console)
    await console.sign_in(console.secretariat)
    status, page = await console.act(f"/console/nhiemvu/{item.id}/sua", text="Nội dung mới",
                                     leads="Sở Không Có Thật", deadline=item.deadline_raw)
    assert status == 400 and "Chưa có trong danh sách cơ quan: Sở Không Có Thật" in page
    # The text changes before the deadline is refused: the whole edit rolls back.
    status, page = await console.act(f"/console/nhiemvu/{item.id}/sua", text="Nội dung mới",
                                     leads=item.lead_agencies[0], deadline="theo tiến độ")
    assert status == 400 and "Chưa hiểu thời hạn" in page
    async with console.sessions() as session:
        stored = await session.get(Item, item.id)
        assert (await session.exec(select(ConsoleAction))).all() == []
        assert (await session.exec(select(DeadlineChange))).all() == []
    assert stored.text == item.text


async def test_an_added_item_is_coded_assigned_and_audited(console: Console):
    first, second = await two_agencies(console)
    await console.sign_in(console.secretariat)
    answer = await console.client.post("/console/nhiemvu/them", data={
        "csrf": console.csrf, "kind": "task", "number": "", "doc": "",
        "text": "Tổ chức hội nghị sơ kết chuyển đổi số",
        "leads": f"{first.name}; {second.name}", "deadline": "Quý IV/2025"})
    page = await answer.text()
    assert answer.status == 200 and "Đã thêm nhiệm vụ." in page, page
    async with console.sessions() as session:
        [item] = (await session.exec(select(Item).where(Item.source == "console"))).all()
        [action] = (await session.exec(select(ConsoleAction))).all()
    assert answer.url.path == f"/console/nhiemvu/{item.id}"
    assert (item.code, item.kind, item.deadline_kind, item.due) == (
        "NV9001", "task", "date", date(2025, 12, 31))
    assert await active_agencies(console, item.id) == {first.id, second.id}
    assert (action.kind, action.item_id, action.detail) == (
        "item_add", item.id, "NV9001: Tổ chức hội nghị sơ kết chuyển đổi số")
    status, page = await console.act("/console/nhiemvu/them", kind="task",
                                     text="Tổ chức hội nghị sơ kết chuyển đổi số.",
                                     leads=first.name, deadline="")
    assert status == 400 and "Đã có nhiệm vụ cùng nội dung" in page


async def test_a_leader_can_neither_edit_nor_add(console: Console):
    item = await the_item(console)
    await console.sign_in(console.leader)
    page = await (await console.client.get(f"/console/nhiemvu/{item.id}")).text()
    assert "/sua" not in page
    status, _ = await console.act(f"/console/nhiemvu/{item.id}/sua", text="x",
                                  leads=item.lead_agencies[0], deadline="")
    assert status == 403
    status, _ = await console.act("/console/nhiemvu/them", kind="task", text="x",
                                  leads=item.lead_agencies[0], deadline="")
    assert status == 403
    async with console.sessions() as session:
        assert (await session.get(Item, item.id)).text == item.text
        assert (await session.exec(select(Item).where(Item.source == "console"))).all() == []
