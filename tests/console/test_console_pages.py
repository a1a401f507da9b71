"""The console's pages and actions, asserting what the database holds afterwards."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select

from domain.text import strip_diacritics
from storage.console_list import ItemFilter, list_items
from storage.console_queries import WHOLE, overview
from storage.db import transaction
from storage.models import (
    Assignment,
    DeadlineChange,
    Evidence,
    ExtensionRequest,
    Item,
    Outbox,
    StatusChange,
)
from storage.status import Actor, EvidenceIn, record_status
from tests.console.conftest import TZ, Console


async def requested_item(console: Console) -> Item:
    async with console.sessions() as session:
        assignment = await session.get(Assignment, console.request.assignment_id)
        item = await session.get(Item, assignment.item_id)
    assert item is not None
    return item


async def test_the_overview_shows_the_digest_figures_as_links(console: Console):
    await console.sign_in(console.leader)
    page = await (await console.client.get("/console/")).text()
    assert "Nhiệm vụ theo phân loại" in page
    assert "/console/nhiemvu?kind=task&amp;cls=not_due" in page
    assert "Đề nghị gia hạn chờ duyệt (1)" in page
    item = await requested_item(console)
    assert f'/console/nhiemvu/{item.id}">{item.code}</a>' in page


async def test_a_class_link_lists_as_many_items_as_its_figure_says(console: Console):
    await console.sign_in(console.secretariat)
    async with console.sessions() as session:
        view = await overview(WHOLE, date(2025, 9, 22), TZ, 1, session=session)
    counts = {name: n for name, n in view.digest.figures.tasks.items() if n}
    assert len(counts) >= 2  # the example appendix has tasks of several classes
    for name, count in counts.items():
        page = await (await console.client.get(
            "/console/nhiemvu", params={"kind": "task", "cls": name})).text()
        assert f"{count} kết quả" in page, name


async def test_search_finds_an_item_without_diacritics(console: Console):
    await console.sign_in(console.secretariat)
    item = await requested_item(console)
    words = [w for w in item.text.split() if strip_diacritics(w) != w and len(w) > 3][:3]
    plain = strip_diacritics(" ".join(words)).upper()
    answer = await console.client.get("/console/nhiemvu", params={"q": plain})
    page = await answer.text()
    assert f'/console/nhiemvu/{item.id}"' in page
    async with console.sessions() as session:
        none = await list_items(WHOLE, ItemFilter(q="khong co nhiem vu nao nhu the"), {},
                                session=session)
        assert none.total == 0
        by_agency = await list_items(WHOLE, ItemFilter(agency_id=console.focal.agency_id), {},
                                     session=session)
        assert item.id in [row.item_id for row in by_agency.rows]


async def test_htmx_asks_for_the_table_alone(console: Console):
    await console.sign_in(console.secretariat)
    answer = await console.client.get("/console/nhiemvu", headers={"HX-Request": "true"})
    page = await answer.text()
    assert "<table" in page and "<html" not in page


async def test_the_item_page_shows_deadline_assignments_and_requests(console: Console):
    await console.sign_in(console.secretariat)
    item = await requested_item(console)
    page = await (await console.client.get(f"/console/nhiemvu/{item.id}")).text()
    assert item.code in page and "dondoc hiểu là" in page
    assert "Chờ kinh phí" in page and "chờ duyệt" in page and "Đồng ý gia hạn" in page
    assert (await console.client.get("/console/nhiemvu/999999")).status == 404


async def test_the_secretariat_approves_an_extension(console: Console):
    await console.sign_in(console.secretariat)
    status, page = await console.act(f"/console/giahan/{console.request.id}", decision="y")
    assert status == 200 and "Đã ghi quyết định gia hạn." in page
    async with console.sessions() as session:
        request = await session.get(ExtensionRequest, console.request.id)
        assignment = await session.get(Assignment, console.request.assignment_id)
        told = (await session.exec(select(Outbox).where(
            Outbox.focal_person_id == console.focal.id))).all()
    assert (request.state, request.decided_by) == ("approved", console.secretariat.id)
    assert assignment.extended_due == date(2025, 12, 31)
    assert [m.key for m in told] == [f"extension-decision:{request.id}"]
    status, page = await console.act(f"/console/giahan/{console.request.id}", decision="n")
    assert status == 409 and "không còn chờ duyệt" in page


async def test_the_secretariat_fixes_a_deadline(console: Console):
    await console.sign_in(console.secretariat)
    item = await requested_item(console)
    status, page = await console.act(f"/console/nhiemvu/{item.id}/thoihan", deadline="30/11/2025")
    assert status == 200 and "Đã đặt thời hạn mới." in page
    status, page = await console.act(f"/console/nhiemvu/{item.id}/thoihan",
                                     deadline="sớm nhất có thể")
    assert status == 400 and "Chưa hiểu thời hạn" in page
    async with console.sessions() as session:
        stored = await session.get(Item, item.id)
        [change] = (await session.exec(select(DeadlineChange))).all()
    assert (stored.due, stored.deadline_kind) == (date(2025, 11, 30), "date")
    assert (change.changed_by, change.by, change.via) == (
        console.secretariat.id, "Văn phòng BCĐ", "console")


async def test_the_secretariat_sets_a_status_for_an_agency_with_a_reason(console: Console):
    await console.sign_in(console.secretariat)
    path = f"/console/phancong/{console.request.assignment_id}/tinhtrang"
    status, _ = await console.act(path, status="done")
    assert status == 400
    status, page = await console.act(path, status="in_progress", percent="40",
                                     reason="Sở báo qua điện thoại ngày 22/9")
    assert status == 200
    assert "Qua bảng điều khiển, bởi Văn phòng BCĐ: Sở báo qua điện thoại ngày 22/9" in page
    async with console.sessions() as session:
        [change] = (await session.exec(select(StatusChange))).all()
        assignment = await session.get(Assignment, console.request.assignment_id)
    assert (change.actor, change.focal_person_id, change.message_ref, change.new_status,
            change.percent) == ("secretariat", console.secretariat.id, "console", "in_progress",
                                40)
    assert (assignment.status, assignment.percent) == ("in_progress", 40)


async def test_the_audit_log_shows_console_changes_with_who_and_how(console: Console):
    await console.sign_in(console.secretariat)
    item = await requested_item(console)
    await console.act(f"/console/giahan/{console.request.id}", decision="n")
    await console.act(f"/console/nhiemvu/{item.id}/thoihan", deadline="30/11/2025")
    await console.act(f"/console/phancong/{console.request.assignment_id}/tinhtrang",
                      status="blocked", reason="Thiếu kinh phí")
    page = await (await console.client.get("/console/nhatky")).text()
    assert "Tình trạng: Chưa thực hiện → Gặp vướng mắc" in page
    assert "Qua bảng điều khiển, bởi Văn phòng BCĐ: Thiếu kinh phí" in page
    assert "→ “30/11/2025”" in page
    assert "Gia hạn 31/12/2025: không đồng ý" in page
    assert "Nhập phụ lục phu-luc-4362-CV-TU.txt" in page
    assert page.count("<td>bảng điều khiển</td>") == 2  # the status and the deadline
    assert "22/09/2025 08:30" in page and "01:30" not in page  # local time, not UTC


async def test_kept_evidence_files_download_from_the_item_page(console: Console):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    async with transaction(console.sessions) as session:
        change = await record_status(
            console.request.assignment_id, "done", console.clock.now(), date(2025, 9, 22),
            Actor("focal", console.focal.id), session=session,
            evidence=[EvidenceIn(file_id="zalo-photo-1", file_name="anh.png", data=png,
                                 content_type="image/png"),
                      EvidenceIn(reference="QĐ số 12/QĐ-UBND")])
        [kept] = (await session.exec(select(Evidence).where(
            Evidence.status_change_id == change.id, col(Evidence.file_id).is_not(None)))).all()
    item = await requested_item(console)
    assert (await console.client.get(f"/console/minhchung/{kept.id}",
                                     allow_redirects=False)).status == 303
    await console.sign_in(console.leader)
    page = await (await console.client.get(f"/console/nhiemvu/{item.id}")).text()
    assert f'/console/minhchung/{kept.id}">anh.png (tải về)</a>' in page
    assert "QĐ số 12/QĐ-UBND" in page
    answer = await console.client.get(f"/console/minhchung/{kept.id}")
    assert answer.status == 200 and await answer.read() == png
    assert answer.headers["Content-Disposition"] == 'attachment; filename="minh-chung-' \
        f'{kept.id}.png"'
    assert (await console.client.get(f"/console/minhchung/{kept.id + 1}")).status == 404
