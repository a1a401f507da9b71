"""`dondoc demo --web`'s console: served on a free port, with a signed-in link that works once."""

from __future__ import annotations

import aiohttp

from cli.demo.console_web import console_server, secretariat_link
from tests.console.conftest import TZ, Console


async def test_the_demo_console_signs_the_secretariat_in_once(console: Console):
    async with console_server(console.sessions, TZ, console.clock.now) as root:
        link = await secretariat_link(console.sessions, root, console.clock.now())
        assert link is not None and link.startswith(f"{root}/dangnhap#")
        token = link.split("#", 1)[1]
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as http:
            opened = await http.post(f"{root}/dangnhap", data={"token": token},
                                     allow_redirects=False)
            assert opened.status == 303
            page = await (await http.get(f"{root}/")).text()
            assert "Văn phòng BCĐ · Thường trực" in page
        async with aiohttp.ClientSession() as http:
            again = await http.post(f"{root}/dangnhap", data={"token": token})
            assert again.status == 403
