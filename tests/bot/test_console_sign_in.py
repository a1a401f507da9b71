"""/dangnhap and /dangxuat in chat (Telegram and Zalo sandboxes), then the console's door."""

from __future__ import annotations

import dataclasses
import re
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.console_commands import NOT_FOR_YOU
from console.app import ConsoleConfig, add_console
from storage.models import FocalPerson
from tests.bot.conftest import SECRETARIAT_CHAT, World
from tests.bot.test_e2e import link

LINK = re.compile(r"http://console\.test/console/dangnhap#([A-Za-z0-9_-]+)")


def with_console(world: World) -> None:
    world.conversation.config = dataclasses.replace(
        world.conversation.config,
        console_link_for=lambda token: f"http://console.test/console/dangnhap#{token}")


async def test_a_chat_sign_in_link_opens_the_console_once_and_dangxuat_ends_it(world: World):
    with_console(world)
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    last = secretariat.messages()[-1]
    secretariat.say("/dangnhap")
    answer = await secretariat.next(after=last)
    assert "dùng một lần, hết hạn sau 10 phút" in answer.text
    found = LINK.search(answer.text)
    assert found is not None
    site = web.Application()
    add_console(site, world.sessions, ConsoleConfig(secret=b"k" * 32,
                                                    tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                                                    now=world.clock.now))
    async with TestClient(TestServer(site)) as client:
        opened = await client.post("/console/dangnhap", data={"token": found.group(1)},
                                   allow_redirects=False)
        assert opened.status == 303
        assert (await client.get("/console/", allow_redirects=False)).status == 200
        secretariat.say("/dangxuat")
        signed_out = await secretariat.next(after=answer)
        assert signed_out.text == "Đã đăng xuất bảng điều khiển trên mọi trình duyệt."
        assert (await client.get("/console/", allow_redirects=False)).status == 303
        client.session.cookie_jar.clear()
        replayed = await client.post("/console/dangnhap", data={"token": found.group(1)},
                                     allow_redirects=False)
        assert replayed.status == 403
    person = await world.person(SECRETARIAT_CHAT)
    assert isinstance(person, FocalPerson) and person.console_generation == 1


async def test_a_focal_person_gets_no_console_link(world: World):
    with_console(world)
    focal = await link(world, 101, "Lê Thị Hoa", "Sở Y tế")
    last = focal.messages()[-1]
    focal.say("/dangnhap")
    answer = await focal.next(after=last)
    assert answer.text == NOT_FOR_YOU


async def test_an_agency_leader_gets_no_console_link(world: World):
    # The console shows every agency, as /tongquan does: only the committee's own people.
    with_console(world)
    leader = await link(world, 102, "Trần Văn Nam", "Sở Y tế", "leader")
    last = leader.messages()[-1]
    leader.say("/dangnhap")
    answer = await leader.next(after=last)
    assert answer.text == NOT_FOR_YOU


async def test_with_the_setting_a_focal_person_signs_in_to_their_agencys_items(world: World):
    with_console(world)
    world.conversation.config = dataclasses.replace(world.conversation.config,
                                                    console_focal_persons=True)
    focal = await link(world, 101, "Lê Thị Hoa", "Sở Y tế")
    last = focal.messages()[-1]
    focal.say("/dangnhap")
    answer = await focal.next(after=last)
    found = LINK.search(answer.text)
    assert found is not None, answer.text
    site = web.Application()
    add_console(site, world.sessions, ConsoleConfig(secret=b"k" * 32,
                                                    tz=ZoneInfo("Asia/Ho_Chi_Minh"),
                                                    now=world.clock.now, focal_persons=True))
    async with TestClient(TestServer(site)) as client:
        opened = await client.post("/console/dangnhap", data={"token": found.group(1)},
                                   allow_redirects=False)
        assert opened.status == 303
        home = await client.get("/console/", allow_redirects=False)
        assert (home.status, home.headers["Location"]) == (303, "/console/nhiemvu")
        page = await (await client.get("/console/nhiemvu")).text()
        assert "Cán bộ đầu mối" in page and "Nhiệm vụ của cơ quan" in page
        assert (await client.get("/console/coquan")).status == 403
