"""The console's pages (Tổng quan, Nhiệm vụ, an item) and its actions on an item."""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import replace
from datetime import date
from typing import Any, cast

from aiohttp import web
from markupsafe import Markup, escape

from bot.blocker_decision import open_and_notify
from bot.extension_decision import decide_and_tell
from console.app import CONFIG, FOCAL_ONLY, OVERVIEW, PERSON, PREFIX, SESSIONS, render, today
from domain.deadline_text import describe_deadline
from domain.digest_inputs import TASK_CLASSES
from domain.digest_text import INDICATOR_LABELS, TASK_LABELS
from domain.digest_trend import trend_weeks
from domain.permissions import may_update
from storage import console_queries as queries
from storage import console_reads as reads
from storage.chat import cards
from storage.console_list import AgencyChoice, ItemFilter, list_items
from storage.console_queries import scope_for
from storage.deadlines import DeadlineRefused, set_deadline
from storage.models import FocalPerson
from storage.status import STATUSES, Actor, Source, StatusError, record_status

log = logging.getLogger(__name__)
CLASS_LABELS = {**TASK_LABELS, **INDICATOR_LABELS}
STATUS_LABELS = {"not_started": "Chưa thực hiện", "in_progress": "Đang thực hiện",
                 "blocked": "Gặp vướng mắc", "done": "Đã hoàn thành"}
KIND_LABELS = {"task": "Nhiệm vụ", "indicator": "Chỉ tiêu"}
DONE_TEXTS = {"giahan": "Đã ghi quyết định gia hạn.", "thoihan": "Đã đặt thời hạn mới.",
              "tinhtrang": "Đã ghi tình trạng.", "vuongmac": "Đã đánh dấu vướng mắc đã xử lý.",
              "chuyen": "Đã chuyển vướng mắc tới cơ quan phối hợp.",
              "nhantin": "Đã đưa tin nhắn vào hàng gửi.", "sua": "Đã sửa nhiệm vụ.",
              "them": "Đã thêm nhiệm vụ."}
# Lines of each list the overview shows (a national digest has tens of thousands).
OVERVIEW_LINES = 30
LABELS: dict[str, Any] = {"classes": CLASS_LABELS, "statuses": STATUS_LABELS, "kinds": KIND_LABELS,
          "task_classes": TASK_CLASSES, "describe": describe_deadline, "done_texts": DONE_TEXTS}


def _scope(request: web.Request) -> queries.Scope:
    """The signed-in person's committee: every read below goes through its filters."""
    return scope_for(request[PERSON])


async def overview(request: web.Request) -> web.Response:
    """Tổng quan: the digest's figures today, each a link to the list behind it."""
    cache = request.app[OVERVIEW]
    scope = _scope(request)
    mark = await cache.mark()
    snapshot, refreshing = await cache.digest(scope, today(request), mark)
    agencies, documents = await cache.choices(scope, mark)
    async with request.app[SESSIONS]() as session:
        blockers = await reads.open_blockers(scope, session=session)
    digest = snapshot.view.digest
    shown = {b.assignment.assignment_id for b in digest.blocked}
    return render(request, "overview.html", view=snapshot.view, digest=digest,
                  taken=snapshot.taken, refreshing=refreshing, limit=OVERVIEW_LINES,
                  agency_ids={a.name: a.id for a in agencies},
                  document_ids={d.title: d.id for d in documents},
                  blockers={line.blocker.assignment_id: line.blocker for line in blockers},
                  other_blockers=[line for line in blockers
                                  if line.blocker.assignment_id not in shown],
                  forward_to=[a for a in agencies if not a.is_group],
                  trend=trend_weeks(digest),
                  done=request.query.get("xong"), **LABELS)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_filter(query: Any) -> ItemFilter:
    """The list's filter from the query string (bad values filter nothing)."""
    return ItemFilter(q=query.get("q", "")[:200], agency_id=_int(query.get("agency")),
                      cls=query.get("cls", "") if query.get("cls") in CLASS_LABELS else "",
                      document_id=_int(query.get("doc")), due_from=_day(query.get("from")),
                      due_to=_day(query.get("to")),
                      kind=query.get("kind", "") if query.get("kind") in KIND_LABELS else "",
                      page=_int(query.get("page")) or 1)


async def items(request: web.Request) -> web.Response:
    """Nhiệm vụ: search (with or without diacritics) and filters, paginated."""
    wanted = read_filter(request.query)
    person = request[PERSON]
    if person.role == "focal":  # their own agency's items only, whatever the address says
        wanted = replace(wanted, agency_id=person.agency_id or 0)
    scope = _scope(request)
    cache = request.app[OVERVIEW]
    mark = await cache.mark()
    # The class is the digest's (the overview's snapshot); the search uses the kept keys.
    classes = (await cache.digest(scope, today(request), mark))[0].classes if wanted.cls else {}
    keys = await cache.search_keys(scope, mark) if wanted.q.strip() else None
    async with request.app[SESSIONS]() as session:
        page = await list_items(scope, wanted, classes, session=session, keys=keys)
    args = {k: v for k, v in request.query.items() if k != "page" and v}
    if request.headers.get("HX-Request"):
        return render(request, "items_table.html", page=page, wanted=wanted, args=args,
                      **LABELS)
    agencies, documents = await cache.choices(scope, mark)
    if person.role == "focal":
        agencies = [agency for agency in agencies if agency.id == person.agency_id]
    return render(request, "items.html", page=page, wanted=wanted, documents=documents,
                  agency_options=_agency_options(agencies, wanted.agency_id), args=args,
                  **LABELS)


_OPTIONS: list[tuple[list[AgencyChoice], str]] = []


def _agency_options(agencies: list[AgencyChoice], selected: int | None) -> Markup:
    """The agency filter's options, rendered once per list of agencies (thousands of them)."""
    if not _OPTIONS or _OPTIONS[0][0] is not agencies:
        _OPTIONS[:] = [(agencies, "".join(
            f'<option value="{a.id}">{escape(a.name)}</option>' for a in agencies))]
    html = _OPTIONS[0][1]
    if selected is not None:
        html = html.replace(f'<option value="{selected}">',
                            f'<option value="{selected}" selected>', 1)
    return Markup(html)


async def item(request: web.Request) -> web.Response:
    """An item: text, deadline raw and understood, assignments, history, evidence, reminders."""
    return await item_page(request, int(request.match_info["item_id"]))


async def item_page(request: web.Request, item_id: int, error: str | None = None,
                    status: int = 200) -> web.Response:
    """The item page, with a refusal to show when an action could not be done."""
    async with request.app[SESSIONS]() as session:
        person = request[PERSON]
        if person.role == "focal" and not await reads.agency_of_item(
                _scope(request), item_id, person.agency_id or 0, session=session):
            log.info("console: focal person %s refused item %s", person.id, item_id)
            raise web.HTTPForbidden(text=FOCAL_ONLY)
        detail = await queries.item_detail(_scope(request), item_id, session=session)
        if detail is None:
            raise web.HTTPNotFound(text="Không có nhiệm vụ này.")
        if person.role == "focal":  # another lead agency's part is not theirs to read
            detail = replace(detail, assignments=[
                a for a in detail.assignments if a.agency.id == person.agency_id])
        blockers = await reads.item_blockers(_scope(request), item_id, session=session)
        agencies = await queries.forward_agencies(session=session)
    return render(request, "item.html", status=status, detail=detail, error=error,
                  blockers=blockers, forward_to=agencies,
                  done=request.query.get("xong"), **LABELS)


def _back(item_id: int, done: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{PREFIX}/nhiemvu/{item_id}?xong={done}")


def _actor_name(person: FocalPerson) -> str:
    return person.name or f"{person.channel} #{person.id}"


async def decide(request: web.Request) -> web.StreamResponse:
    """Approve or refuse an extension request, as /duyet's buttons do."""
    person = request[PERSON]
    request_id = int(request.match_info["request_id"])
    approve = (await request.post()).get("decision") == "y"
    async with request.app[SESSIONS]() as session, session.begin():
        item_id = await queries.extension_item(_scope(request), request_id, session=session)
        if item_id is None:
            raise web.HTTPNotFound(text="Không có đề nghị gia hạn này.")
        try:
            await decide_and_tell(request_id, approve, request.app[CONFIG].now(),
                                  Actor("secretariat", person.id), session=session)
        except StatusError as refusal:
            return await item_page(request, item_id, str(refusal), 409)
    log.info("console: person %s decided extension %s", person.id, request_id)
    raise _back(item_id, "giahan")


async def fix_deadline(request: web.Request) -> web.StreamResponse:
    """Set an item's deadline by hand, audited as /thoihan is."""
    person = request[PERSON]
    item_id = int(request.match_info["item_id"])
    text = str((await request.post()).get("deadline", ""))[:300]
    config = request.app[CONFIG]
    async with request.app[SESSIONS]() as session, session.begin():
        detail = await queries.item_detail(_scope(request), item_id, session=session)
        if detail is None or not detail.item.code:
            raise web.HTTPNotFound(text="Không có nhiệm vụ này.")
        try:
            await set_deadline(detail.item.code, text, config.now(),
                               config.fallback_year(today(request)), session=session,
                               by=_actor_name(person), via="console", person_id=person.id,
                               committee_id=detail.item.committee_id)
        except DeadlineRefused as refused:
            return await item_page(request, item_id, str(refused), 400)
    log.info("console: person %s set the deadline of item %s", person.id, item_id)
    raise _back(item_id, "thoihan")


async def set_status(request: web.Request) -> web.StreamResponse:
    """Set an assignment's status on its agency's behalf, with a reason, in its history."""
    person = request[PERSON]
    assignment_id = int(request.match_info["assignment_id"])
    form = await request.post()
    status, reason = str(form.get("status", "")), str(form.get("reason", "")).strip()[:500]
    percent = _int(str(form.get("percent", "")))
    async with request.app[SESSIONS]() as session, session.begin():
        assignment = await reads.assignment(_scope(request), assignment_id, session=session)
        if assignment is None:
            raise web.HTTPNotFound(text="Không có phân công này.")
        item_id = assignment.item_id
        if not may_update(person.role, person.agency_id, assignment.agency_id):
            log.info("console: person %s refused assignment %s", person.id, assignment_id)
            raise web.HTTPForbidden(text=FOCAL_ONLY)
        if status not in STATUSES or not reason:
            return await item_page(request, item_id, "Hãy chọn tình trạng và ghi lý do.", 400)
        config = request.app[CONFIG]
        actor = Actor("focal" if person.role == "focal" else "secretariat", person.id)
        note = reason if status == "blocked" else None
        try:
            change = await record_status(
                assignment_id, cast(Any, status), config.now(), today(request), actor,
                session=session, percent=percent, note=note,
                source=Source("console", f"Qua bảng điều khiển, bởi {_actor_name(person)}: "
                                         f"{reason}"))
        except StatusError as refusal:
            return await item_page(request, item_id, str(refusal), 400)
        if status == "blocked":  # an action item for the secretariat, as a chat report is
            [card] = await cards(session=session, assignment_ids=[assignment_id])
            await open_and_notify(card, change.id, note, config.now(), today(request),
                                  person.id, _actor_name(person), session=session)
    log.info("console: person %s set assignment %s to %s", person.id, assignment_id, status)
    raise _back(item_id, "tinhtrang")


def add_routes(app: web.Application) -> None:
    """The pages and actions, on the console's sub-application."""
    app.router.add_get("/", overview)
    app.router.add_get("/nhiemvu", items)
    app.router.add_get("/nhiemvu/{item_id:\\d+}", item)
    app.router.add_post("/nhiemvu/{item_id:\\d+}/thoihan", fix_deadline)
    app.router.add_post("/giahan/{request_id:\\d+}", decide)
    app.router.add_post("/phancong/{assignment_id:\\d+}/tinhtrang", set_status)
    app.router.add_get("/nhatky", audit)
    app.router.add_get("/minhchung/{evidence_id:\\d+}", evidence_file)


async def evidence_file(request: web.Request) -> web.Response:
    """An evidence file dondoc keeps, as a download (never shown inline)."""
    person = request[PERSON]
    evidence_id = int(request.match_info["evidence_id"])
    async with request.app[SESSIONS]() as session:
        if person.role == "focal" and await reads.evidence_agency(
                _scope(request), evidence_id, session=session) != person.agency_id:
            raise web.HTTPForbidden(text=FOCAL_ONLY)
        found = await queries.kept_evidence(_scope(request), evidence_id, session=session)
    if found is None:
        raise web.HTTPNotFound(text="Không có tệp minh chứng này.")
    evidence, kept = found
    name = f"minh-chung-{evidence.id}{mimetypes.guess_extension(kept.content_type) or ''}"
    return web.Response(body=kept.data, content_type=kept.content_type, headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


async def audit(request: web.Request) -> web.Response:
    """Nhật ký: the latest changes from the console, the chat and the command line."""
    async with request.app[SESSIONS]() as session:
        lines = await queries.audit_log(_scope(request), 300, session=session)
        lines += await reads.console_audit(_scope(request), 300, session=session)
    lines = sorted(lines, key=lambda line: line.at, reverse=True)[:300]
    return render(request, "audit.html", lines=lines, **LABELS)
