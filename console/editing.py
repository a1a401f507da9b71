"""Editing an item (wording, lead agencies, deadline) or adding one, from the console."""

from __future__ import annotations

import logging

from aiohttp import web

from console.app import CONFIG, PERSON, PREFIX, SESSIONS, render, today
from console.pages import LABELS, _actor_name, _int
from storage.console_list import filter_choices
from storage.console_queries import scope_for
from storage.item_edit import EditRefused, add_item, edit_item
from storage.models import Item

log = logging.getLogger(__name__)


async def _form(request: web.Request, item: Item | None, values: dict[str, str],
                error: str | None = None, status: int = 200) -> web.Response:
    async with request.app[SESSIONS]() as session:
        agencies, documents = await filter_choices(scope_for(request[PERSON]), session=session)
    return render(request, "edit.html", status=status, item=item, values=values, error=error,
                  agencies=agencies, documents=documents, **LABELS)


async def edit_form(request: web.Request) -> web.Response:
    """The edit form, filled with the item as stored."""
    async with request.app[SESSIONS]() as session:
        item = await session.get(Item, int(request.match_info["item_id"]))
    if item is None or item.committee_id != scope_for(request[PERSON]).committee_id:
        raise web.HTTPNotFound(text="Không có nhiệm vụ này.")
    return await _form(request, item, {"text": item.text, "leads": "; ".join(item.lead_agencies),
                                       "deadline": item.deadline_raw})


async def edit(request: web.Request) -> web.StreamResponse:
    """Save an edit; assignments follow the lead agencies; audited."""
    person = request[PERSON]
    item_id = int(request.match_info["item_id"])
    form = await request.post()
    values = {name: str(form.get(name, ""))[:3000] for name in ("text", "leads", "deadline")}
    config = request.app[CONFIG]
    try:
        async with request.app[SESSIONS]() as session, session.begin():
            edited = await edit_item(item_id, values["text"], values["leads"],
                                     values["deadline"], config.now(),
                                     config.fallback_year(today(request)), session=session,
                                     by=_actor_name(person), person_id=person.id or 0,
                                     committee_id=scope_for(person).committee_id)
    except EditRefused as refused:  # raised inside the transaction: nothing was written
        async with request.app[SESSIONS]() as session:
            item = await session.get(Item, item_id)
        if item is None or item.committee_id != scope_for(person).committee_id:
            raise web.HTTPNotFound(text="Không có nhiệm vụ này.") from refused
        return await _form(request, item, values, str(refused), 400)
    log.info("console: person %s edited item %s (%d changes)", person.id, item_id,
             len(edited.changes))
    raise web.HTTPSeeOther(f"{PREFIX}/nhiemvu/{item_id}?xong=sua")


async def add_form(request: web.Request) -> web.Response:
    """The form for a new item."""
    return await _form(request, None, {"kind": "task"})


async def add(request: web.Request) -> web.StreamResponse:
    """Add an item typed in the console: coded and assigned as an import would; audited."""
    person = request[PERSON]
    form = await request.post()
    values = {name: str(form.get(name, ""))[:3000]
              for name in ("kind", "number", "text", "leads", "deadline", "doc")}
    config = request.app[CONFIG]
    try:
        async with request.app[SESSIONS]() as session, session.begin():
            added = await add_item(values["kind"], values["number"], values["text"],
                                   values["leads"], values["deadline"], _int(values["doc"]),
                                   config.now(), config.fallback_year(today(request)),
                                   session=session, person_id=person.id or 0,
                                   committee_id=scope_for(person).committee_id)
    except EditRefused as refused:
        return await _form(request, None, values, str(refused), 400)
    log.info("console: person %s added item %s", person.id, added.item.id)
    raise web.HTTPSeeOther(f"{PREFIX}/nhiemvu/{added.item.id}?xong=them")


def add_routes(app: web.Application) -> None:
    """Editing and adding items, on the console's sub-application."""
    app.router.add_get("/nhiemvu/{item_id:\\d+}/sua", edit_form)
    app.router.add_post("/nhiemvu/{item_id:\\d+}/sua", edit)
    app.router.add_get("/nhiemvu/them", add_form)
    app.router.add_post("/nhiemvu/them", add)
