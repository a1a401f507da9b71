"""The console's actions beside an item's status: blockers and one-off messages."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.blocker_decision import forward_and_tell, handle_and_tell
from bot.turn import notify
from console.app import CONFIG, PERSON, PREFIX, SESSIONS, today
from console.pages import _actor_name, _int, item_page
from storage import console_reads as reads
from storage.blockers import blocker_item, focal_people
from storage.committees import works_only_for_others
from storage.console_queries import scope_for
from storage.models import Agency, ConsoleAction, Item
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
        item_id = await blocker_item(blocker_id, scope_for(request[PERSON]), session=session)
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
        item_id = await blocker_item(blocker_id, scope_for(request[PERSON]), session=session)
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


MESSAGE_LIMIT = 2000  # well under Telegram's 4,096 and Zalo's 2,000 with the heading


def message_text(sender: str, text: str, code: str | None) -> str:
    """What the focal person reads: who writes, about which item, and the message."""
    about = f" về nhiệm vụ {code}" if code else ""
    return f"📩 Tin nhắn của Cơ quan thường trực ({sender}){about}:\n{text}"


async def send_message(request: web.Request) -> web.StreamResponse:
    """A one-off message to an agency's reachable focal persons, through the outbox, audited."""
    from console.agencies import agencies_page

    person = request[PERSON]
    form = await request.post()
    agency_id = _int(str(form.get("agency", ""))) or 0
    text = str(form.get("text", "")).strip()
    item_id = _int(str(form.get("item", "")))
    config = request.app[CONFIG]
    now = config.now()

    async def refuse(error: str, status: int) -> web.Response:
        if item_id:
            return await item_page(request, item_id, error, status)
        return await agencies_page(request, error, status)

    if not agency_id:
        return await refuse("Hãy chọn cơ quan nhận tin nhắn.", 400)
    if not text or len(text) > MESSAGE_LIMIT:
        return await refuse(f"Hãy viết nội dung tin nhắn (tối đa {MESSAGE_LIMIT} ký tự).", 400)
    async with request.app[SESSIONS]() as session, session.begin():
        agency = await session.get(Agency, agency_id)
        if agency is None or await works_only_for_others(agency_id, scope_for(person),
                                                         session=session):
            raise web.HTTPNotFound(text="Không có cơ quan này.")
        item = await session.get(Item, item_id) if item_id else None
        if item_id and (item is None or not await reads.agency_of_item(
                scope_for(request[PERSON]), item_id, agency_id, session=session)):
            raise web.HTTPNotFound(text="Cơ quan này không được giao nhiệm vụ này.")
        told = await focal_people(agency_id, session=session)
        if not told:
            return await refuse(f"{agency.name} chưa có cán bộ đầu mối liên lạc được; "
                                "tin nhắn chưa được gửi.", 409)
        action = ConsoleAction(at=now, person_id=person.id or 0, kind="message",
                               item_id=item_id, agency_id=agency_id,
                               detail=f"{agency.name} ({len(told)} người): {text}")
        session.add(action)
        await session.flush()
        body = message_text(_actor_name(person), text, item.code if item else None)
        for someone in told:
            await notify(session, someone, f"console-message:{action.id}:{someone.id}", body,
                         now)
    log.info("console: person %s sent a message to agency %s (%d people)", person.id,
             agency_id, len(told))
    if item_id:
        raise web.HTTPSeeOther(f"{PREFIX}/nhiemvu/{item_id}?xong=nhantin")
    raise web.HTTPSeeOther(f"{PREFIX}/coquan?xong=nhantin")


def add_routes(app: web.Application) -> None:
    """The blocker and message actions, on the console's sub-application."""
    app.router.add_post("/nhantin", send_message)
    app.router.add_post("/vuongmac/{blocker_id:\\d+}/xuly", blocker_handled)
    app.router.add_post("/vuongmac/{blocker_id:\\d+}/chuyen", blocker_forward)
