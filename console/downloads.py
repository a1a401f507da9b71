"""Tổng quan's files: the weekly digest's own chart, workbook and text, built for today."""

from __future__ import annotations

import asyncio

from aiohttp import web

from console.app import CONFIG, PERSON, SESSIONS, today
from domain.digest import Digest
from domain.digest_inputs import digest_period
from domain.digest_text import render_digest
from storage.console_queries import scope_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _digest(request: web.Request) -> Digest:
    """The signed-in person's committee's digest as the weekly job builds it, for the period
    containing today."""
    from scheduler.digest_job import build_for  # matplotlib and openpyxl load only when asked

    config = request.app[CONFIG]
    async with request.app[SESSIONS]() as session:
        return await build_for(digest_period(today(request), config.digest_every_weeks),
                               config.tz, scope_for(request[PERSON]), session=session)


def _file(body: bytes, content_type: str, name: str, attachment: bool,
          charset: str | None = None) -> web.Response:
    disposition = "attachment" if attachment else "inline"
    return web.Response(body=body, content_type=content_type, charset=charset, headers={
        "Content-Disposition": f'{disposition}; filename="{name}"'})


async def chart(request: web.Request) -> web.Response:
    """The digest's chart (province, the last 8 weeks, agencies) as a PNG."""
    from scheduler.charts import render_chart
    from scheduler.digest_job import DigestFiles

    digest = await _digest(request)
    png = await asyncio.to_thread(render_chart, digest)
    name = DigestFiles(digest, b"", b"").chart_name
    return _file(png, "image/png", name, "tai" in request.query)


async def workbook(request: web.Request) -> web.Response:
    """The digest's workbook, the same XLSX the weekly digest attaches."""
    from scheduler.digest_job import DigestFiles
    from storage.digest_workbook import build_workbook

    digest = await _digest(request)
    data = await asyncio.to_thread(build_workbook, digest)
    return _file(data, XLSX, DigestFiles(digest, b"", data).workbook_name, True)


async def digest_text(request: web.Request) -> web.Response:
    """The digest's text, as the weekly message says it, to keep or forward."""
    digest = await _digest(request)
    name = f"tong-hop-{digest.period.key}.txt"
    return _file(render_digest(digest).encode(), "text/plain", name, True, "utf-8")


def add_routes(app: web.Application) -> None:
    """The downloads, on the console's sub-application (reads: every role may)."""
    app.router.add_get("/tai/bieudo.png", chart)
    app.router.add_get("/tai/bangtinh.xlsx", workbook)
    app.router.add_get("/tai/tonghop.txt", digest_text)
