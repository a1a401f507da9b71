"""The console's actions beside an item's status: blockers and one-off messages."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.blocker_decision import forward_and_tell, handle_and_tell
from console.app import CONFIG, PERSON, PREFIX, SESSIONS, today
from console.pages import _int, item_page
from storage import console_reads as reads
from storage.console_queries import WHOLE
from storage.models import Agency
from storage.status import StatusError

log = logging.getLogger(__name__)


def _after(item_id: int, done: str, back: str) -> web.HTTPSeeOther:
    """Back where the button was: the overview, or the item's page."""
    if back == "overview":
        return web.HTTPSeeOther(f"{PREFIX}/?xong={done}")
    return web.HTTPSeeOther(f"{PREFIX}/nhiemvu/{item_id}?xong={done}")


async def blocker_handled(request: web.Request) -> web.StreamResponse:
    """Mark a blocker handled, as the chat's "✅ Đã xử lý" button does."""
    person = request[PERSON]
    blocker_id = int(request.match_info["blocker_id"])
    back = str((await request.post()).get("back", ""))
    config = request.app[CONFIG]
    async with request.app[SESSIONS]() as session, session.begin():
        item_id = await reads.blocker_item(WHOLE, blocker_id, session=session)
        if item_id is None:
            raise web.HTTPNotFound(text="Không có vướng mắc này.")
        try:
            await handle_and_tell(blocker_id, config.now(), today(request), person.id,
                                  session=session)
        except StatusError as refusal:
            return await item_page(request, item_id, str(refusal), 409)
    log.info("console: person %s marked blocker %s handled", person.id, blocker_id)
    raise _after(item_id, "vuongmac", back)


async def blocker_forward(request: web.Request) -> web.StreamResponse:
    """Forward a blocker to a coordinating agency, as the chat's "➡️" button does."""
    person = request[PERSON]
    blocker_id = int(request.match_info["blocker_id"])
    form = await request.post()
    back, agency_id = str(form.get("back", "")), _int(str(form.get("agency", "")))
    config = request.app[CONFIG]
    async with request.app[SESSIONS]() as session, session.begin():
        item_id = await reads.blocker_item(WHOLE, blocker_id, session=session)
        if item_id is None:
            raise web.HTTPNotFound(text="Không có vướng mắc này.")
        agency = await session.get(Agency, agency_id) if agency_id else None
        if agency is None:
            return await item_page(request, item_id, "Hãy chọn cơ quan phối hợp.", 400)
        try:
            await forward_and_tell(blocker_id, agency, config.now(), config.tz, person.id,
                                   session=session)
        except StatusError as refusal:
            return await item_page(request, item_id, str(refusal), 409)
    log.info("console: person %s forwarded blocker %s", person.id, blocker_id)
    raise _after(item_id, "chuyen", back)


def add_routes(app: web.Application) -> None:
    """The blocker and message actions, on the console's sub-application."""
    app.router.add_post("/vuongmac/{blocker_id:\\d+}/xuly", blocker_handled)
    app.router.add_post("/vuongmac/{blocker_id:\\d+}/chuyen", blocker_forward)
