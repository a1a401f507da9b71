"""HTTP endpoints under /sandbox/ that let a page or a script act as simulated users."""

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from aiohttp import web

from sandbox.core import Sandbox
from sandbox.errors import SandboxUsageError
from sandbox.world import Chat, StoredMessage

JsonDict = dict[str, Any]
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _json(body: object, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )


def _failure(description: str, status: int = 400) -> web.Response:
    return _json({"ok": False, "description": description}, status)


def message_json(message: StoredMessage) -> JsonDict:
    """A chat message for a client of the control API."""
    return {
        "message_id": message.message_id,
        "chat_id": message.chat_id,
        "from_bot": message.from_bot,
        "sender_id": message.sender_id,
        "edited": bool(message.history),
        "deleted": message.deleted,
        "file_id": message.file.file_id if message.file else None,
        "message": message.payload,
    }


def chat_json(chat: Chat) -> JsonDict:
    """A chat's summary for a client of the control API."""
    return {**chat.to_json(), "blocked": chat.blocked, "started": chat.started}


class ControlApi:
    """The /sandbox/ endpoints bound to one sandbox."""

    def __init__(self, key: web.AppKey[Sandbox]) -> None:
        self._key = key

    def _sandbox(self, request: web.Request) -> Sandbox:
        return request.app[self._key]

    async def state(self, request: web.Request) -> web.Response:
        """GET /sandbox/state: bot, users, chats, webhook and rejections."""
        sandbox = self._sandbox(request)
        return _json(
            {
                "bot": sandbox.bot.to_json(),
                "users": [u.profile.to_json() for u in sandbox.users],
                "chats": [chat_json(c) for c in sandbox.state.world.chats.values()],
                "pending_updates": len(sandbox.pending_updates),
                "webhook": sandbox.state.webhook.info(),
                "rejections": [asdict(r) for r in sandbox.rejections],
            }
        )

    async def add_user(self, request: web.Request) -> web.Response:
        """POST /sandbox/users {id, first_name, username?, last_name?, started?}."""
        body = await request.json()
        user = self._sandbox(request).add_user(
            int(body["id"]),
            str(body["first_name"]),
            body.get("username"),
            last_name=body.get("last_name"),
            started=bool(body.get("started", True)),
        )
        return _json(user.profile.to_json(), 201)

    async def chat_messages(self, request: web.Request) -> web.Response:
        """GET /sandbox/chats/{chat_id}/messages: both sides of a chat, oldest first."""
        chat = self._sandbox(request).chat(int(request.match_info["chat_id"]))
        return _json([message_json(m) for m in chat.messages])

    async def send_message(self, request: web.Request) -> web.Response:
        """POST /sandbox/chats/{chat_id}/messages {user_id, text, reply_to_message_id?}."""
        sandbox = self._sandbox(request)
        body = await request.json()
        user = sandbox.user(int(body["user_id"]))
        message = user.send_message(
            str(body["text"]),
            reply_to=body.get("reply_to_message_id"),
            chat_id=int(request.match_info["chat_id"]),
        )
        return _json(message_json(message), 201)

    async def press_button(self, request: web.Request) -> web.Response:
        """POST /sandbox/chats/{chat_id}/callbacks {user_id, message_id, data?, text?}."""
        sandbox = self._sandbox(request)
        body = await request.json()
        query = sandbox.user(int(body["user_id"])).press_button(
            body.get("message_id"),
            text=body.get("text"),
            data=body.get("data"),
            chat_id=int(request.match_info["chat_id"]),
        )
        return _json({"callback_query_id": query.id, "data": query.data}, 201)

    async def send_file(self, request: web.Request) -> web.Response:
        """POST /sandbox/chats/{chat_id}/files, multipart: user_id, file, caption?, as_photo?."""
        sandbox = self._sandbox(request)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return _failure("a multipart part named file is required")
        user = sandbox.user(int(str(form["user_id"])))
        caption = str(form["caption"]) if form.get("caption") else None
        chat_id = int(request.match_info["chat_id"])
        data = upload.file.read()
        if str(form.get("as_photo", "")).lower() in ("1", "true"):
            message = user.send_photo(data, caption=caption, chat_id=chat_id)
        else:
            message = user.send_document(
                data,
                upload.filename,
                mime_type=upload.content_type,
                caption=caption,
                chat_id=chat_id,
            )
        return _json(message_json(message), 201)

    async def callback_answer(self, request: web.Request) -> web.Response:
        """GET /sandbox/callbacks/{query_id}: whether and how the bot answered a button press."""
        query = self._sandbox(request).state.callback_queries[request.match_info["query_id"]]
        return _json(
            {
                "callback_query_id": query.id,
                "data": query.data,
                "answered": query.answered,
                "answer": query.answer,
            }
        )

    async def block(self, request: web.Request) -> web.Response:
        """POST /sandbox/users/{user_id}/block."""
        self._sandbox(request).user(int(request.match_info["user_id"])).block_bot()
        return _json({"ok": True})

    async def unblock(self, request: web.Request) -> web.Response:
        """POST /sandbox/users/{user_id}/unblock."""
        self._sandbox(request).user(int(request.match_info["user_id"])).unblock_bot()
        return _json({"ok": True})

    async def quirks(self, request: web.Request) -> web.Response:
        """POST /sandbox/quirks {dates_in_milliseconds?, missing_methods?, ...}: act odd."""
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("a JSON object of quirks is expected")
        quirks = self._sandbox(request).quirks
        quirks.update(body)
        return _json({**asdict(quirks), "missing_methods": sorted(quirks.missing_methods)})

    async def file_content(self, request: web.Request) -> web.StreamResponse:
        """GET /sandbox/files/{file_id}: the bytes of any file in the sandbox."""
        stored = self._sandbox(request).state.files.get(request.match_info["file_id"])
        if stored is None:
            return _failure("file not found", 404)
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f'inline; filename="{stored.file_name}"'
        return web.Response(
            body=stored.data,
            content_type=stored.mime_type or "application/octet-stream",
            headers=headers,
        )


def _guarded(handler: _Handler) -> _Handler:
    """Turn misuse (unknown user or chat, impossible action, bad body) into a 4xx answer."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except KeyError as error:
            return _failure(f"not found: {error}", 404)
        except (SandboxUsageError, ValueError, TypeError) as error:
            return _failure(str(error))

    return guarded


def add_control_routes(app: web.Application, key: web.AppKey[Sandbox]) -> None:
    """Mount the /sandbox/ endpoints."""
    api = ControlApi(key)
    routes = [
        ("GET", "/sandbox/state", api.state),
        ("POST", "/sandbox/users", api.add_user),
        ("POST", "/sandbox/users/{user_id}/block", api.block),
        ("POST", "/sandbox/users/{user_id}/unblock", api.unblock),
        ("GET", "/sandbox/chats/{chat_id}/messages", api.chat_messages),
        ("POST", "/sandbox/chats/{chat_id}/messages", api.send_message),
        ("POST", "/sandbox/chats/{chat_id}/callbacks", api.press_button),
        ("POST", "/sandbox/chats/{chat_id}/files", api.send_file),
        ("GET", "/sandbox/callbacks/{query_id}", api.callback_answer),
        ("GET", "/sandbox/files/{file_id}", api.file_content),
        ("POST", "/sandbox/quirks", api.quirks),
    ]
    for method, path, handler in routes:
        app.router.add_route(method, path, _guarded(handler))
