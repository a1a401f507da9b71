"""Files behind unguessable, expiring links, served by dondoc's own web server.

Zalo's Bot API takes a photo only as a URL and has no way to send any other file, so a chart
or a workbook for a Zalo chat is published here and the chat gets its link.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import transaction
from storage.shared_files import find_file, mark_fetched, purge_expired, put_file, was_fetched

FILES_PATH = "/files"
LINK_VALID_FOR = timedelta(days=7)


@dataclass(frozen=True)
class PublishedFile:
    """Where a published file can be fetched, and until when."""

    url: str
    expires_at: datetime
    token: str = ""


def content_type(name: str) -> str:
    """The MIME type a file name suggests (octet-stream when unknown)."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class FileShelf:
    """Publishes files under a public base URL and serves them back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], public_url: str,
                 now: Callable[[], datetime], valid_for: timedelta = LINK_VALID_FOR) -> None:
        self.sessions = sessions
        self.public_url = public_url.rstrip("/")
        self.now = now
        self.valid_for = valid_for

    async def publish(self, name: str, data: bytes) -> PublishedFile:
        """Keep a file and return its link; expired files are cleared on the way."""
        now = self.now()
        async with transaction(self.sessions) as session:
            await purge_expired(now, session=session)
            token = await put_file(name, data, content_type(name), now, self.valid_for,
                                   session=session)
        return PublishedFile(f"{self.public_url}{FILES_PATH}/{token}/{quote(name)}",
                             now + self.valid_for, token)

    async def fetched(self, published: PublishedFile) -> bool:
        """Whether the file's link has been read (by Zalo, for a photo being sent)."""
        async with self.sessions() as session:
            return await was_fetched(published.token, session=session)

    async def serve(self, request: web.Request) -> web.Response:
        """GET /files/{token}/{name}: the file, or 404 (unknown or expired alike)."""
        token = request.match_info["token"]
        async with transaction(self.sessions) as session:
            found = await find_file(token, self.now(), session=session)
            if found is not None and found.fetched_at is None:
                await mark_fetched(token, self.now(), session=session)
        if found is None:
            return web.Response(status=404, text="not found")
        disposition = "inline" if found.content_type.startswith("image/") else "attachment"
        return web.Response(body=found.data, content_type=found.content_type, headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(found.name)}",
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        })

    def add_routes(self, app: web.Application) -> None:
        """Mount GET /files/{token}/{name} on a web app."""
        app.router.add_get(f"{FILES_PATH}/{{token}}/{{name}}", self.serve)
