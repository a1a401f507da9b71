"""The console's web application: sign-in, sessions, CSRF and roles around every page."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from console.guard import COOKIE, SECURITY_HEADERS, Throttle, seal, unseal
from console.overview_cache import OverviewCache
from storage.console_auth import console_roles, redeem_login, signed_in_person
from storage.models import FocalPerson

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
PREFIX = "/console"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ConsoleConfig:
    """The console's knobs: signing key, cookie lifetime, clock, time zone."""

    secret: bytes
    tz: tzinfo
    session_for: timedelta = timedelta(hours=12)
    secure_cookie: bool = False
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    digest_every_weeks: int = 1
    fallback_year: Callable[[date], int] = lambda today: today.year
    invite_valid_for: timedelta = timedelta(days=7)
    # The Telegram deep link of an invite code (None until the bot's username is known).
    invite_link_for: Callable[[str], str | None] = lambda code: None
    # Focal persons may sign in too (their own agency's items: read and report).
    focal_persons: bool = False

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles that may open the console."""
        return console_roles(self.focal_persons)


def random_secret() -> bytes:
    """A signing key for this process only: sessions end when it restarts."""
    return secrets.token_bytes(32)


SESSIONS: web.AppKey[async_sessionmaker[AsyncSession]] = web.AppKey("sessions")
CONFIG: web.AppKey[ConsoleConfig] = web.AppKey("config")
THROTTLE: web.AppKey[Throttle] = web.AppKey("throttle")
OVERVIEW: web.AppKey[OverviewCache] = web.AppKey("overview")
PERSON: web.RequestKey[FocalPerson] = web.RequestKey("person")
CSRF: web.RequestKey[str] = web.RequestKey("csrf")
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                               autoescape=True, trim_blocks=True, lstrip_blocks=True)


def render(request: web.Request, name: str, status: int = 200, **values: Any) -> web.Response:
    """A page from its template, with who is signed in and the session's CSRF token."""
    person = request.get(PERSON)
    tz = request.app[CONFIG].tz
    html = TEMPLATES.get_template(name).render(
        prefix=PREFIX, person=person, csrf=request.get(CSRF, ""),
        local=lambda moment: moment.astimezone(tz),
        may_act=person is not None and person.role == "secretariat",
        may_report=person is not None and person.role in ("secretariat", "focal"), **values)
    return web.Response(text=html, content_type="text/html", status=status)


def today(request: web.Request) -> date:
    """Today in the committee's time zone."""
    config = request.app[CONFIG]
    return config.now().astimezone(config.tz).date()


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every console answer, errors included."""
    try:
        response = await handler(request)
    except web.HTTPException as answer:
        answer.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


OPEN_PATHS = (f"{PREFIX}/dangnhap", f"{PREFIX}/static/")
# What a focal person may reach: their agency's list, items, evidence; a status; sign-out.
FOCAL_PATHS = re.compile(rf"^{PREFIX}/(nhiemvu(/\d+)?|minhchung/\d+|phancong/\d+/tinhtrang"
                         r"|dangxuat)$")
FOCAL_ONLY = "Cán bộ đầu mối chỉ xem và báo cáo nhiệm vụ của cơ quan mình."
FOCAL_POSTS = re.compile(rf"^{PREFIX}/(phancong/\d+/tinhtrang|dangxuat)$")


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No page without a live session; no change without the secretariat role and CSRF token."""
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    config = request.app[CONFIG]
    cookie = unseal(config.secret, request.cookies.get(COOKIE), config.now().timestamp())
    async with request.app[SESSIONS]() as session:
        person = (await signed_in_person(cookie.person_id, cookie.generation, session=session,
                                         roles=config.roles) if cookie else None)
    if cookie is None or person is None:
        if request.method == "GET":
            raise web.HTTPSeeOther(f"{PREFIX}/dangnhap")
        raise web.HTTPForbidden(text="Phiên làm việc đã hết; hãy đăng nhập lại.")
    request[PERSON], request[CSRF] = person, cookie.csrf
    if person.role == "focal" and not FOCAL_PATHS.match(request.path):
        log.info("console: focal person %s refused %s", person.id, request.path)
        if request.path == f"{PREFIX}/" and request.method == "GET":
            raise web.HTTPSeeOther(f"{PREFIX}/nhiemvu")
        raise web.HTTPForbidden(text=FOCAL_ONLY)
    if request.method == "POST":
        form = await request.post()
        if not secrets.compare_digest(str(form.get("csrf", "")), cookie.csrf):
            log.info("console: POST %s refused, CSRF token missing or wrong", request.path)
            raise web.HTTPForbidden(text="Biểu mẫu đã hết hiệu lực; hãy tải lại trang.")
        if person.role != "secretariat" and not (
                request.path == f"{PREFIX}/dangxuat"
                or (person.role == "focal" and FOCAL_POSTS.match(request.path))):
            log.info("console: person %s (%s) refused %s", person.id, person.role, request.path)
            raise web.HTTPForbidden(text="Tài khoản lãnh đạo chỉ được xem, không được thay đổi.")
    return await handler(request)


async def login_page(request: web.Request) -> web.Response:
    """The sign-in page: the link's token rides in the fragment, never sent in a URL."""
    return render(request, "login.html")


async def login(request: web.Request) -> web.StreamResponse:
    """Redeem a single-use token and open a session."""
    throttle = request.app[THROTTLE]
    client = request.remote or "?"
    if throttle.blocked(client):
        return render(request, "login.html", status=429,
                      error="Quá nhiều lần đăng nhập không thành công; hãy thử lại sau 15 phút.")
    token = str((await request.post()).get("token", "")).strip()
    config = request.app[CONFIG]
    now = config.now()
    async with request.app[SESSIONS]() as session, session.begin():
        person = (await redeem_login(token, now, session=session, roles=config.roles)
                  if token else None)
    if person is None:
        throttle.failed(client)
        log.info("console: sign-in refused (unknown, used or expired link)")
        return render(request, "login.html", status=403,
                      error="Liên kết đăng nhập không hợp lệ, đã dùng hoặc đã hết hạn. "
                            "Gửi /dangnhap cho bot để nhận liên kết mới.")
    expires = now + config.session_for
    value, _ = seal(config.secret, person.id or 0, person.console_generation,
                    int(expires.timestamp()))
    log.info("console: person %s signed in", person.id)
    response = web.HTTPSeeOther(f"{PREFIX}/")
    response.set_cookie(COOKIE, value, path=PREFIX, httponly=True, samesite="Lax",
                        secure=config.secure_cookie,
                        max_age=int(config.session_for.total_seconds()))
    raise response


async def logout(request: web.Request) -> web.StreamResponse:
    """End this browser's session (/dangxuat in chat ends them all)."""
    response = web.HTTPSeeOther(f"{PREFIX}/dangnhap")
    response.del_cookie(COOKIE, path=PREFIX)
    raise response


def build_console(sessions: async_sessionmaker[AsyncSession],
                  config: ConsoleConfig) -> web.Application:
    """The console as a sub-application (mounted at /console/)."""
    from console import actions, agencies, downloads, editing, pages, transfer

    app = web.Application(middlewares=[headers, signed_in])
    app[SESSIONS], app[CONFIG], app[THROTTLE] = sessions, config, Throttle()
    app[OVERVIEW] = OverviewCache(sessions, config.tz, config.digest_every_weeks, config.now)

    async def stop_builds(app: web.Application) -> None:
        await app[OVERVIEW].close()

    app.on_cleanup.append(stop_builds)
    app.router.add_get("/dangnhap", login_page)
    app.router.add_post("/dangnhap", login)
    app.router.add_post("/dangxuat", logout)
    app.router.add_static("/static/", HERE / "static", append_version=False)
    pages.add_routes(app)
    agencies.add_routes(app)
    transfer.add_routes(app)
    actions.add_routes(app)
    downloads.add_routes(app)
    editing.add_routes(app)
    return app


def add_console(site: web.Application, sessions: async_sessionmaker[AsyncSession],
                config: ConsoleConfig) -> None:
    """Mount the console on dondoc's web server."""
    site.add_subapp(f"{PREFIX}/", build_console(sessions, config))
