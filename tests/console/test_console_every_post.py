"""Every POST route of the console, current and future: no session, no CSRF token, or a
read-only leader, and nothing is written."""

from __future__ import annotations

import re

from sqlmodel import select

from console.app import ConsoleConfig, build_console
from storage.models import (
    ConsoleAction,
    DeadlineChange,
    ExtensionRequest,
    ImportRun,
    Invite,
    Item,
    Outbox,
    StatusChange,
)
from tests.console.conftest import SECRET, TZ, Console

FORM = {"decision": "y", "deadline": "30/11/2025", "status": "done", "reason": "x",
        "agency": "1", "text": "x", "leads": "x", "kind": "task", "format": "sheet"}
OPEN = {"/dangnhap", "/dangxuat"}


def post_paths(console: Console) -> list[str]:
    """Every POST route, its {placeholders} filled with 1."""
    app = build_console(console.sessions, ConsoleConfig(secret=SECRET, tz=TZ))
    paths = {re.sub(r"\{[^}]+\}", "1", route.resource.canonical)
             for route in app.router.routes()
             if route.method == "POST" and route.resource is not None}
    found = sorted(paths - OPEN)
    assert len(found) >= 12, found  # the routes are read, not an empty list
    return [f"/console{path}" for path in found]


async def counts(console: Console) -> list[int]:
    async with console.sessions() as session:
        return [len((await session.exec(select(model))).all()) for model in (
            ConsoleAction, DeadlineChange, ImportRun, Invite, Item, Outbox, StatusChange)]


async def test_every_post_is_refused_without_a_session_a_token_or_the_role(console: Console):
    before = await counts(console)
    for path in post_paths(console):
        answer = await console.client.post(path, data=FORM)
        assert answer.status == 403, path
    await console.sign_in(console.secretariat)
    for path in post_paths(console):
        answer = await console.client.post(path, data=FORM)
        assert answer.status == 403, path
    await console.sign_in(console.leader)
    for path in post_paths(console):
        assert (await console.act(path, **FORM))[0] == 403, path
    assert await counts(console) == before
    async with console.sessions() as session:
        assert (await session.get(ExtensionRequest, console.request.id)).state == "pending"
