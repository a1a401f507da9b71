"""Nhập phụ lục: upload an appendix, see the importer's dry run, then apply the same file."""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.web_request import FileField

from console.app import CONFIG, PERSON, SESSIONS, render, today
from domain.import_report import render_import_summary
from storage.committees import person_scope
from storage.importer import ImportFailed, import_appendix

log = logging.getLogger(__name__)
SUFFIXES = (".docx", ".xlsx", ".csv", ".txt")
KEEP_SECONDS = 1800  # an upload previewed waits this long to be applied
MAX_BYTES = 900_000  # under aiohttp's 1 MiB request limit


@dataclass(frozen=True)
class Upload:
    """A file previewed and waiting for the same person to apply it."""

    name: str
    data: bytes
    person_id: int
    at: float


UPLOADS: web.AppKey[dict[str, Upload]] = web.AppKey("uploads")


async def _run(request: web.Request, upload: Upload, dry_run: bool) -> str:
    """The importer on the uploaded bytes; a dry run writes nothing."""
    config = request.app[CONFIG]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.data)
        async with request.app[SESSIONS]() as session:
            await session.begin()
            try:
                # Into the signed-in person's own committee.
                report = await import_appendix(
                    path, config.fallback_year(today(request)), config.now(), session=session,
                    dry_run=dry_run, committee_id=person_scope(request[PERSON]).committee_id)
            except ImportFailed:
                await session.rollback()
                raise
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
    return render_import_summary(report)


async def import_page(request: web.Request) -> web.Response:
    """The upload form."""
    return render(request, "import.html")


def _forget_old(uploads: dict[str, Upload]) -> None:
    for key in [k for k, u in uploads.items() if u.at < time.monotonic() - KEEP_SECONDS]:
        del uploads[key]


async def preview(request: web.Request) -> web.Response:
    """Upload a file and show what importing it would change."""
    form = await request.post()
    file = form.get("file")
    if not isinstance(file, FileField) or not file.filename.lower().endswith(SUFFIXES):
        return render(request, "import.html", status=400,
                      error="Hãy chọn tệp phụ lục .docx, .xlsx, .csv hoặc .txt.")
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return render(request, "import.html", status=400, error="Tệp quá lớn (tối đa 900 KB).")
    upload = Upload(Path(file.filename).name, data, request[PERSON].id or 0, time.monotonic())
    try:
        summary = await _run(request, upload, dry_run=True)
    except ImportFailed as failure:
        return render(request, "import.html", status=400, error=f"Không nhập được: {failure}")
    uploads = request.app[UPLOADS]
    _forget_old(uploads)
    key = secrets.token_urlsafe(16)
    uploads[key] = upload
    return render(request, "import.html", summary=summary, upload_key=key, file_name=upload.name)


async def apply(request: web.Request) -> web.Response:
    """Import the previewed file for real."""
    key = str((await request.post()).get("upload", ""))
    uploads = request.app[UPLOADS]
    _forget_old(uploads)
    upload = uploads.get(key)
    if upload is None or upload.person_id != request[PERSON].id:
        return render(request, "import.html", status=410,
                      error="Bản xem trước đã hết hạn; hãy tải tệp lên lại.")
    try:
        summary = await _run(request, upload, dry_run=False)
    except ImportFailed as failure:
        return render(request, "import.html", status=400, error=f"Không nhập được: {failure}")
    del uploads[key]
    log.info("console: person %s imported an appendix", request[PERSON].id)
    return render(request, "import.html", summary=summary, applied=True)


def add_routes(app: web.Application) -> None:
    """Nhập phụ lục on the console's sub-application."""
    app[UPLOADS] = {}
    app.router.add_get("/nhap", import_page)
    app.router.add_post("/nhap", preview)
    app.router.add_post("/nhap/apdung", apply)
