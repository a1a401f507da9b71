"""The web chat page: a person acts as any simulated user through the /sandbox/ endpoints."""

from importlib import resources

from aiohttp import web

# Everything the page needs comes from the sandbox itself: no CDN, nothing from the internet.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
ASSETS = {
    "chat.html": "text/html",
    "chat.js": "text/javascript",
    "format.js": "text/javascript",
    "chat.css": "text/css",
}


def asset_text(name: str) -> str:
    """The text of one page asset, read afresh so edits show on reload."""
    return resources.files("sandbox").joinpath("web", name).read_text(encoding="utf-8")


def _asset_response(name: str) -> web.Response:
    return web.Response(
        text=asset_text(name),
        content_type=ASSETS[name],
        charset="utf-8",
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )


async def chat_page(request: web.Request) -> web.Response:
    """GET /chat: the page."""
    return _asset_response("chat.html")


async def chat_asset(request: web.Request) -> web.Response:
    """GET /chat/<asset>: the page's scripts and style sheet."""
    name = request.match_info["name"]
    if name not in ASSETS or name == "chat.html":
        raise web.HTTPNotFound()
    return _asset_response(name)


async def to_chat(request: web.Request) -> web.Response:
    """GET /: the page is the only thing a person opens by hand."""
    raise web.HTTPFound("/chat")


def add_webchat_routes(app: web.Application) -> None:
    """Mount /chat, its assets, and / pointing at it."""
    app.router.add_get("/", to_chat)
    app.router.add_get("/chat", chat_page)
    app.router.add_get("/chat/{name}", chat_asset)
