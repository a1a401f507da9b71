"""Evidence photos are kept by dondoc itself, and the secretariat can have them sent back."""

from __future__ import annotations

import pytest
from aiohttp import web
from sqlmodel import select

from bot import texts
from bot.messenger import Rejected
from bot.zalo_app import PHOTO_REFUSED
from bot.zalo_client import ZaloClient
from storage.models import Evidence, EvidenceFile
from tests.bot.conftest import SECRETARIAT_CHAT, World
from tests.bot.drivers import tiny_png, web_server
from tests.bot.test_e2e import HEALTH_CHAT, item_code, link, message_starting


async def test_a_photo_sent_as_evidence_is_kept_and_the_secretariat_gets_it(world: World):
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    user.say(f"{code} đã hoàn thành")
    done = await user.next(after=user.messages()[-1])
    user.send_image()
    attached = await user.next(after=done)
    assert attached.text.startswith("Đã đính kèm minh chứng: anh-")
    async with world.sessions() as session:
        [proof] = (await session.exec(select(Evidence))).all()
        kept = (await session.exec(select(EvidenceFile))).all()
    if world.channel == "zalo":
        # Zalo's links may expire: the picture itself was downloaded and kept.
        assert [(f.evidence_id, f.data, f.content_type) for f in kept] == [
            (proof.id, tiny_png(), "image/png")]
        world.zalo.sandbox.expire_media()
    last = secretariat.messages()[-1]
    secretariat.say(f"/minhchung {code}")
    listing = await secretariat.next(after=last)
    assert listing.text.startswith(f"Minh chứng của {code} – Sở Y tế:")
    assert f"Ảnh {proof.file_name}" in listing.text
    await world.drain()
    photo = await message_starting(world, secretariat, f"Minh chứng {code}", after=listing)
    assert photo.file is not None and photo.file.data == tiny_png()


async def test_only_the_secretariat_asks_for_evidence(world: World):
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    user.say(f"/minhchung {code}")
    refused = await user.next(after=user.messages()[-1])
    assert refused.text == texts.NOT_ALLOWED


async def test_a_photo_too_large_or_not_an_image_is_refused_with_a_reason():
    async def serve(request: web.Request) -> web.Response:
        kind = request.match_info["kind"]
        if kind == "page":
            return web.Response(text="<html>login</html>", content_type="text/html")
        if kind == "lying":
            return web.Response(body=b"<html>" * 10, content_type="image/jpeg")
        return web.Response(body=tiny_png() * 40, content_type="image/png")

    app = web.Application()
    app.router.add_get("/{kind}", serve)
    async with web_server(app) as root, ZaloClient("1:secret", root) as client:
        with pytest.raises(Rejected, match="quá"):
            await client.download_photo(f"{root}/big", max_bytes=len(tiny_png()) * 10)
        data, mime = await client.download_photo(f"{root}/big", max_bytes=10**6)
        assert data == tiny_png() * 40 and mime == "image/png"
        for kind in ("page", "lying"):
            with pytest.raises(Rejected, match="không phải ảnh"):
                await client.download_photo(f"{root}/{kind}", max_bytes=10**6)
        with pytest.raises(Rejected):
            await client.download_photo("file:///etc/passwd", max_bytes=10**6)


async def test_a_photo_that_cannot_be_fetched_is_not_recorded_and_the_person_is_told(
        zalo_world: World):
    world = zalo_world
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    user.say(f"{code} đã hoàn thành")
    done = await user.next(after=user.messages()[-1])
    world.zalo.sandbox.expire_media()  # the link is dead before dondoc reads it
    user.send_image()
    told = await user.next(after=done)
    assert told.text.startswith(PHOTO_REFUSED.split("{", 1)[0])
    async with world.sessions() as session:
        assert [e.file_id for e in (await session.exec(select(Evidence))).all()] == []
