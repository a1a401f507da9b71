"""Cơ quan & đầu mối: agencies and who is linked, and invites for every agency at once."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass

import segno
from aiohttp import web
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Alignment, Font

from console.app import CONFIG, PERSON, SESSIONS, render, today
from console.pages import _int
from storage import console_queries as queries
from storage.console_queries import scope_for
from storage.invites import create_invite

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class InviteLine:
    """One agency's new invite as the sheet shows it."""

    agency: str
    code: str
    link: str | None

    @property
    def qr_text(self) -> str:
        """What the QR code holds: the deep link, else what to type to the bot."""
        return self.link or f"/start {self.code}"

    def qr_png(self, scale: int = 4) -> bytes:
        """The QR code as a PNG."""
        out = io.BytesIO()
        segno.make(self.qr_text, error="m").save(out, kind="png", scale=scale, border=2)
        return out.getvalue()

    @property
    def qr_data_uri(self) -> str:
        """The QR code inline in the printable page (the console's CSP allows data: images)."""
        return "data:image/png;base64," + base64.b64encode(self.qr_png()).decode()


def invite_workbook(lines: list[InviteLine], expires: str) -> bytes:
    """The XLSX: one row per agency with its code, link and QR code."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Mã mời"
    sheet.append(["Cơ quan", "Mã mời", "Liên kết Telegram", "Cách dùng", "Hết hạn", "Mã QR"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for width, column in zip((45, 14, 45, 30, 12, 18), "ABCDEF", strict=True):
        sheet.column_dimensions[column].width = width
    for row, line in enumerate(lines, start=2):
        sheet.append([line.agency, line.code, line.link or "", f"Gửi cho bot: /start {line.code}",
                      expires])
        sheet.row_dimensions[row].height = 100
        for cell in sheet[row]:
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        image = SheetImage(io.BytesIO(line.qr_png(scale=3)))
        sheet.add_image(image, f"F{row}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def agencies_page(request: web.Request, error: str | None = None,
                        status: int = 200) -> web.Response:
    """Agencies, aliases, groups; who is linked on which channel, last seen, unreachable."""
    async with request.app[SESSIONS]() as session:
        lines = await queries.agency_lines(scope_for(request[PERSON]), session=session)
    return render(request, "agencies.html", status=status, lines=lines, error=error,
                  done=request.query.get("xong"),
                  invitable=[line.agency for line in lines if not line.agency.is_group])


async def invite_all(request: web.Request) -> web.StreamResponse:
    """A focal-person invite for every agency: a printable sheet, or the XLSX."""
    return await _invites(request, None)


async def invite_one(request: web.Request) -> web.StreamResponse:
    """A focal-person invite for the one agency chosen: a printable sheet, or the XLSX."""
    return await _invites(request, _int(str((await request.post()).get("agency", ""))) or 0)


async def _invites(request: web.Request, agency_id: int | None) -> web.StreamResponse:
    """Invites for every agency (None) or one; the sheet or the XLSX."""
    person = request[PERSON]
    as_xlsx = (await request.post()).get("format") == "xlsx"
    config = request.app[CONFIG]
    now = config.now()
    async with request.app[SESSIONS]() as session, session.begin():
        agencies = await queries.invitable_agencies(scope_for(request[PERSON]), session=session)
        if agency_id is not None:
            agencies = [agency for agency in agencies if agency.id == agency_id]
            if not agencies:
                return await agencies_page(request, "Hãy chọn một cơ quan (không phải nhóm).",
                                           400)
        lines = []
        for agency in agencies:
            invite = await create_invite(agency, "focal", now, config.invite_valid_for,
                                         session=session, created_by=person.id)
            lines.append(InviteLine(agency.name, invite.code, config.invite_link_for(invite.code)))
    expires = (now + config.invite_valid_for).astimezone(config.tz).strftime("%d/%m/%Y")
    log.info("console: person %s made %d invites", person.id, len(lines))
    if as_xlsx:
        name = f"ma-moi-{today(request).isoformat()}.xlsx"
        return web.Response(body=invite_workbook(lines, expires), content_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    return render(request, "invites.html", lines=lines, expires=expires)


def add_routes(app: web.Application) -> None:
    """Cơ quan & đầu mối on the console's sub-application."""
    app.router.add_get("/coquan", agencies_page)
    app.router.add_post("/coquan/moi", invite_all)
    app.router.add_post("/coquan/moi-mot", invite_one)
