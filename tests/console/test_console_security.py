"""The console refuses what it must: no session, a leader's change, a bad link, no CSRF token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from console.guard import COOKIE, seal
from storage.console_auth import sign_out_everywhere
from storage.db import transaction
from storage.models import DeadlineChange, ExtensionRequest, FocalPerson, StatusChange
from tests.console.conftest import Console

PAGES = ["/console/", "/console/nhiemvu", "/console/nhiemvu/1"]


def actions(console: Console) -> list[str]:
    return [f"/console/giahan/{console.request.id}", "/console/nhiemvu/1/thoihan",
            f"/console/phancong/{console.request.assignment_id}/tinhtrang"]


async def nothing_changed(console: Console) -> None:
    async with console.sessions() as session:
        request = await session.get(ExtensionRequest, console.request.id)
        assert request.state == "pending"
        assert (await session.exec(select(DeadlineChange))).all() == []
        assert [c.actor for c in (await session.exec(select(StatusChange))).all()] == []


async def test_no_page_or_action_without_a_session(console: Console):
    for path in PAGES:
        answer = await console.client.get(path, allow_redirects=False)
        assert (answer.status, answer.headers["Location"]) == (303, "/console/dangnhap"), path
    for path in actions(console):
        answer = await console.client.post(path, data={"decision": "y", "deadline": "30/11/2025",
                                                       "status": "done", "reason": "x"})
        assert answer.status == 403, path
    await nothing_changed(console)


async def test_every_answer_carries_the_security_headers(console: Console):
    for path in ["/console/dangnhap", "/console/", "/console/static/htmx.min.js"]:
        answer = await console.client.get(path, allow_redirects=False)
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert "default-src 'self'" in answer.headers["Content-Security-Policy"]


async def test_a_sign_in_link_works_once_and_sets_a_safe_cookie(console: Console):
    token = await console.link_token(console.secretariat)
    first = await console.client.post("/console/dangnhap", data={"token": token},
                                      allow_redirects=False)
    assert first.status == 303
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    assert "Max-Age=43200" in cookie
    console.client.session.cookie_jar.clear()
    again = await console.client.post("/console/dangnhap", data={"token": token},
                                      allow_redirects=False)
    assert again.status == 403
    assert "không hợp lệ, đã dùng hoặc đã hết hạn" in await again.text()
    assert (await console.client.get("/console/", allow_redirects=False)).status == 303


@pytest.mark.parametrize("forged", ["", "x" * 43, "not-a-token"])
async def test_a_forged_link_is_refused(console: Console, forged: str):
    answer = await console.client.post("/console/dangnhap", data={"token": forged},
                                       allow_redirects=False)
    assert answer.status == 403
    assert COOKIE not in answer.cookies


async def test_an_expired_link_is_refused(console: Console):
    token = await console.link_token(console.secretariat)
    console.clock.advance(timedelta(minutes=11).total_seconds())
    answer = await console.client.post("/console/dangnhap", data={"token": token},
                                       allow_redirects=False)
    assert answer.status == 403


async def test_a_focal_persons_link_signs_nobody_in(console: Console):
    token = await console.link_token(console.focal)
    answer = await console.client.post("/console/dangnhap", data={"token": token},
                                       allow_redirects=False)
    assert answer.status == 403


async def test_sign_in_attempts_are_throttled(console: Console):
    for _ in range(10):
        assert (await console.client.post("/console/dangnhap", data={"token": "bad"})).status \
            == 403
    token = await console.link_token(console.secretariat)
    answer = await console.client.post("/console/dangnhap", data={"token": token},
                                       allow_redirects=False)
    assert answer.status == 429


async def test_a_cookie_signed_with_another_key_is_refused(console: Console):
    value, _ = seal(b"another key entirely, not ours!", console.secretariat.id, 0,
                    int(console.clock.now().timestamp()) + 3600)
    console.client.session.cookie_jar.update_cookies({COOKIE: value})
    answer = await console.client.get("/console/", allow_redirects=False)
    assert answer.status == 303


async def test_a_leader_reads_but_cannot_change_anything(console: Console):
    csrf = await console.sign_in(console.leader)
    assert (await console.client.get("/console/nhiemvu")).status == 200
    page = await (await console.client.get("/console/nhiemvu/1")).text()
    assert "Đồng ý gia hạn" not in page and "Lưu thời hạn" not in page
    for path in actions(console):
        answer = await console.client.post(path, data={
            "csrf": csrf, "decision": "y", "deadline": "30/11/2025", "status": "done",
            "reason": "x"})
        assert answer.status == 403, path
    await nothing_changed(console)


async def test_a_post_without_the_csrf_token_is_refused(console: Console):
    csrf = await console.sign_in(console.secretariat)
    wrong = csrf[:-1] + ("B" if csrf.endswith("A") else "A")
    for data in ({"decision": "y"}, {"decision": "y", "csrf": wrong}):
        answer = await console.client.post(f"/console/giahan/{console.request.id}", data=data)
        assert answer.status == 403
    await nothing_changed(console)


async def test_sign_out_everywhere_ends_every_session(console: Console):
    await console.sign_in(console.secretariat)
    assert (await console.client.get("/console/", allow_redirects=False)).status == 200
    async with transaction(console.sessions) as session:
        person = await session.get(FocalPerson, console.secretariat.id)
        await sign_out_everywhere(person, session=session)
    assert (await console.client.get("/console/", allow_redirects=False)).status == 303


async def test_signing_out_in_the_browser_drops_the_cookie(console: Console):
    csrf = await console.sign_in(console.secretariat)
    answer = await console.client.post("/console/dangxuat", data={"csrf": csrf},
                                       allow_redirects=False)
    assert answer.status == 303
    assert (await console.client.get("/console/", allow_redirects=False)).status == 303
