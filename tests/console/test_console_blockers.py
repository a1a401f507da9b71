"""Blockers from the console: handled or forwarded through the chat buttons' own functions."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from storage.blockers import open_blocker
from storage.db import transaction
from storage.models import Agency, Assignment, Blocker, Item, Outbox
from storage.status import Actor, record_status
from tests.console.conftest import Console


async def blocked(console: Console) -> Blocker:
    """The focal person reports the requested assignment blocked, as the chat does."""
    async with transaction(console.sessions) as session:
        change = await record_status(console.request.assignment_id, "blocked",
                                     console.clock.now(), date(2025, 9, 22),
                                     Actor("focal", console.focal.id), session=session,
                                     note="Chưa có mặt bằng")
        return await open_blocker(console.request.assignment_id, change.id, console.clock.now(),
                                  console.focal.id, "Chưa có mặt bằng", session=session)


async def outbox_keys(console: Console) -> list[str]:
    async with console.sessions() as session:
        return sorted(m.key for m in (await session.exec(select(Outbox).where(
            col(Outbox.key).like("blocker-%")))).all())


async def test_the_overview_lists_open_blockers_with_their_buttons(console: Console):
    blocker = await blocked(console)
    await console.sign_in(console.secretariat)
    page = await (await console.client.get("/console/")).text()
    assert "Vướng mắc đang mở (1)" in page and "Chưa có mặt bằng" in page
    assert f"/console/vuongmac/{blocker.id}/xuly" in page
    assert f"/console/vuongmac/{blocker.id}/chuyen" in page
    await console.sign_in(console.leader)
    page = await (await console.client.get("/console/")).text()
    assert "Chưa có mặt bằng" in page and "/xuly" not in page  # read-only: no buttons


async def test_the_secretariat_marks_a_blocker_handled_from_the_overview(console: Console):
    blocker = await blocked(console)
    await console.sign_in(console.secretariat)
    answer = await console.client.post(f"/console/vuongmac/{blocker.id}/xuly",
                                       data={"csrf": console.csrf, "back": "overview"})
    page = await answer.text()
    assert answer.status == 200 and answer.url.path == "/console/"
    assert "Đã đánh dấu vướng mắc đã xử lý." in page
    async with console.sessions() as session:
        stored = await session.get(Blocker, blocker.id)
        assignment = await session.get(Assignment, console.request.assignment_id)
    assert (stored.state, stored.decided_by) == ("handled", console.secretariat.id)
    assert assignment.blocker_handled_on == date(2025, 9, 22)
    assert await outbox_keys(console) == [f"blocker-handled:{blocker.id}"]
    status, page = await console.act(f"/console/vuongmac/{blocker.id}/xuly")
    assert status == 409 and "đã được đánh dấu đã xử lý" in page
    assert await outbox_keys(console) == [f"blocker-handled:{blocker.id}"]


async def test_the_secretariat_forwards_a_blocker_from_the_item_page(console: Console):
    blocker = await blocked(console)
    async with transaction(console.sessions) as session:
        assignment = await session.get(Assignment, console.request.assignment_id)
        item = await session.get(Item, assignment.item_id)
        other = (await session.exec(select(Agency).where(
            Agency.id != assignment.agency_id, col(Agency.is_group).is_(False))
            .order_by(col(Agency.name)))).first()
    await console.sign_in(console.secretariat)
    page = await (await console.client.get(f"/console/nhiemvu/{item.id}")).text()
    assert "Vướng mắc báo 22/09/2025: Chưa có mặt bằng" in page and "chưa xử lý" in page
    status, page = await console.act(f"/console/vuongmac/{blocker.id}/chuyen", agency="")
    assert status == 400 and "Hãy chọn cơ quan phối hợp." in page
    status, page = await console.act(f"/console/vuongmac/{blocker.id}/chuyen",
                                     agency=str(other.id))
    assert status == 200 and "Đã chuyển vướng mắc tới cơ quan phối hợp." in page
    assert f"đã chuyển {other.name}" in page
    async with console.sessions() as session:
        stored = await session.get(Blocker, blocker.id)
    assert (stored.state, stored.forwarded_to, stored.decided_by) == (
        "forwarded", other.name, console.secretariat.id)
    # The reporter is told; the other agency has no focal person yet, so nobody else is.
    assert await outbox_keys(console) == [f"blocker-forwarded:{blocker.id}"]
    page = await (await console.client.get("/console/nhatky")).text()
    assert "đã chuyển cơ quan phối hợp" in page and f"→ {other.name}" in page


async def test_a_leader_and_a_missing_token_cannot_decide_a_blocker(console: Console):
    blocker = await blocked(console)
    await console.sign_in(console.leader)
    status, _ = await console.act(f"/console/vuongmac/{blocker.id}/xuly")
    assert status == 403
    await console.sign_in(console.secretariat)
    answer = await console.client.post(f"/console/vuongmac/{blocker.id}/xuly", data={})
    assert answer.status == 403
    async with console.sessions() as session:
        stored = await session.get(Blocker, blocker.id)
    assert stored.state == "open" and await outbox_keys(console) == []
