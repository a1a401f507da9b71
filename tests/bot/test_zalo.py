"""What only Zalo has: numbered choices typed back, webhook pushes, files sent as links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import select

from bot.choices import ChoiceBook
from bot.zalo_app import SECRET_HEADER, UNSUPPORTED, ZaloBot, to_incoming
from bot.zalo_messenger import NO_FILES, ZaloMessenger
from storage.db import transaction
from storage.models import (
    Assignment,
    FocalPerson,
    Item,
    Outbox,
    ProcessedUpdate,
    SharedFile,
    StatusChange,
)
from storage.outbox import NewMessage, enqueue
from tests.bot.conftest import SECRETARIAT_CHAT, World, running_world
from tests.bot.drivers import Person, tiny_png
from tests.bot.test_e2e import HEALTH_CHAT, item_code, link

WORKBOOK = b"PK\x03\x04 bang tong hop"


async def test_a_reminder_names_its_items_codes_with_the_numbers(zalo_world: World):
    world = zalo_world
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    last = user.messages()[-1]
    await world.remind()
    reminder = await user.next(after=last)
    whole = user._whole(reminder)  # type: ignore[attr-defined]
    assert ("Trả lời mã nhiệm vụ kèm số: 1 = ✅ Hoàn thành · 2 = 🔄 Đang thực hiện · "
            "3 = ⚠️ Vướng mắc · 4 = 📅 Xin gia hạn (ví dụ: “NV") in whole
    assert all(len(m.text) <= 2000 for m in user.messages())
    code = await item_code(world, "Triển khai bệnh án điện tử")
    user.say(f"{code.lower()}-1")  # any case, any separator
    done = await user.next(after=reminder)
    assert done.text.startswith(f"Đã ghi nhận {code}: Hoàn thành")


async def test_a_bare_number_asked_for_is_an_answer_not_a_choice(zalo_world: World):
    world = zalo_world
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    code = await item_code(world, "Triển khai bệnh án điện tử")
    user.say(f"/capnhat {code}")
    card = await user.next(after=user.messages()[-1])
    assert card.text.endswith("Trả lời 1 = ✅ Hoàn thành, 2 = 🔄 Đang thực hiện, "
                              "3 = ⚠️ Vướng mắc, 4 = 📅 Xin gia hạn")
    user.say("2")
    asked = await user.next(after=card)
    assert "bao nhiêu phần trăm" in asked.text
    user.say("4")  # "4" is still offered (Xin gia hạn), but a percent was asked for
    recorded = await user.next(after=asked)
    assert recorded.text.startswith(f"Đã ghi nhận {code}: Đang thực hiện")
    async with world.sessions() as session:
        assert [c.new_status for c in (await session.exec(select(StatusChange))).all()] == [
            "in_progress"]


async def test_numbers_are_not_reused_while_they_are_valid(zalo_world: World):
    world = zalo_world
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    first = await item_code(world, "Triển khai bệnh án điện tử")
    user.say(f"/capnhat {first}")
    card = await user.next(after=user.messages()[-1])
    agency_id = (await world.person(HEALTH_CHAT)).agency_id
    async with world.sessions() as session:
        second = (await session.exec(select(Item.code).join(Assignment).where(
            Assignment.agency_id == agency_id, Item.kind == "task", Item.code != first))).first()
    user.say(f"/capnhat {second}")
    later = await user.next(after=card)
    assert "Trả lời 5 = ✅ Hoàn thành, 6 = 🔄 Đang thực hiện" in later.text
    user.say("1")  # the first card's "Hoàn thành", as its text still says
    done = await user.next(after=later)
    assert done.text.startswith(f"Đã ghi nhận {first}: Hoàn thành")
    world.clock.advance(timedelta(days=8).total_seconds())
    user.say("5")  # expired: read as words, which say nothing clear
    unclear = await user.next(after=done)
    assert not unclear.text.startswith("Đã ghi nhận")


async def test_a_sticker_gets_told_what_the_bot_reads(zalo_world: World):
    user = zalo_world.add_person(HEALTH_CHAT, "Lê Thị Hoa")
    user.user.send_sticker()  # type: ignore[attr-defined]
    answer = await user.next()
    assert answer.text == UNSUPPORTED


async def test_the_webhook_mode_runs_the_same_conversation(sessions, seed_path):
    async with running_world(["zalo"], sessions, seed_path, zalo_webhook=True) as world:
        sandbox = world.zalo.sandbox
        assert sandbox.webhook_url.endswith("/zalo")
        user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
        code = await item_code(world, "Triển khai bệnh án điện tử")
        sent = user.say(f"{code} đã hoàn thành")
        done = await user.next(after=user.messages()[-1])
        assert done.text.startswith(f"Đã ghi nhận {code}: Hoàn thành")
        await user.redeliver(sent)
        user.say("/huongdan")
        answer = await user.next(after=done)
        assert answer.text.startswith("Cách cập nhật tiến độ")
        assert sandbox.state.webhook.delivered_count == 4  # /start, reply, again, /huongdan
        async with world.sessions() as session:
            assert len((await session.exec(select(StatusChange))).all()) == 1


class _Recorder:
    """Stands in for the bot's dispatch: what the webhook let through."""

    def __init__(self) -> None:
        self.updates: list[dict] = []

    def dispatch(self, update: dict) -> None:
        self.updates.append(update)


@pytest.fixture
async def webhook_client():
    from aiohttp import web

    recorder = _Recorder()
    app = web.Application()
    ZaloBot.add_webhook(recorder, app, "s3cret-zalo-token", "/zalo")
    async with TestClient(TestServer(app)) as client:
        client.recorder = recorder  # type: ignore[attr-defined]
        yield client


UPDATE = {"ok": True, "result": {"event_name": "message.text.received", "message": {
    "from": {"id": "a1", "display_name": "Hoa"}, "chat": {"id": "a1", "chat_type": "PRIVATE"},
    "text": "NV12 đã hoàn thành", "message_id": "m1", "date": 1758500000000}}}


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong-secret"},
                                     {SECRET_HEADER: "S3CRET-ZALO-TOKEN"},
                                     {"X-Telegram-Bot-Api-Secret-Token": "s3cret-zalo-token"}])
async def test_the_webhook_refuses_a_request_without_the_right_secret(webhook_client, headers):
    response = await webhook_client.post("/zalo", json=UPDATE, headers=headers)
    assert response.status == 403
    assert webhook_client.recorder.updates == []


async def test_the_webhook_takes_a_verified_update(webhook_client):
    response = await webhook_client.post("/zalo", json=UPDATE,
                                         headers={SECRET_HEADER: "s3cret-zalo-token"})
    assert response.status == 200
    assert webhook_client.recorder.updates == [UPDATE["result"]]
    bad = await webhook_client.post("/zalo", data=b"[1, 2]",
                                    headers={SECRET_HEADER: "s3cret-zalo-token"})
    assert bad.status == 400 and len(webhook_client.recorder.updates) == 1


async def test_the_digest_chart_goes_as_a_photo_and_the_workbook_as_a_link(zalo_world: World):
    world = zalo_world
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    chart = tiny_png()
    async with transaction(world.sessions) as session:
        for name, data, text in (("bieu-do.png", chart, "Biểu đồ tiến độ"),
                                 ("tien-do.xlsx", WORKBOOK, "Bảng tổng hợp (Excel)")):
            await enqueue(NewMessage(key=f"digest:test:{name}", kind="digest", channel="zalo",
                                     chat_id=secretariat.chat_id, text=text,
                                     attachment_name=name, attachment=data),
                          world.clock.now(), session=session)
    last = secretariat.messages()[-1]
    await world.drain()
    photo = await secretariat.next(after=last)
    assert photo.payload["caption"] == "Biểu đồ tiến độ" and photo.file.data == chart
    text = secretariat.messages()[-1].text or ""
    assert text.startswith("Bảng tổng hợp (Excel)\n📎 Tải tệp tien-do.xlsx: http://127.0.0.1:")
    url = text.split(": ", 1)[1].split("\n", 1)[0]
    async with httpx.AsyncClient() as client:
        fetched = await client.get(url)
        guessed = await client.get(url.replace("/files/", "/files/x"))
    assert fetched.content == WORKBOOK and "attachment" in fetched.headers["content-disposition"]
    assert guessed.status_code == 404


async def test_without_a_public_url_a_file_is_refused_and_says_why(zalo_world: World):
    world = zalo_world
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    driver = world.zalo
    bare = ZaloMessenger(driver.messenger.client, ChoiceBook(world.sessions, "zalo",
                                                             world.clock.now))
    async with transaction(world.sessions) as session:
        await enqueue(NewMessage(key="file:1", kind="digest", channel="zalo",
                                 chat_id=user.chat_id, text="Bảng", attachment_name="a.xlsx",
                                 attachment=WORKBOOK), world.clock.now(), session=session)
    driver.messenger = bare
    await world.drain()
    async with world.sessions() as session:
        row = (await session.exec(select(Outbox).where(Outbox.key == "file:1"))).one()
        person = (await session.exec(select(FocalPerson).where(
            FocalPerson.chat_id == user.chat_id))).one()
    assert (row.status, row.last_error) == ("failed", NO_FILES)
    assert person.reachable  # our configuration, not the person, is at fault


async def test_choices_sent_together_never_share_a_number(zalo_world: World):
    world = zalo_world
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    user = await link(world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    agency_id = (await world.person(HEALTH_CHAT)).agency_id
    async with world.sessions() as session:
        first, second = (await session.exec(select(Item.code).join(Assignment).where(
            Assignment.agency_id == agency_id, Item.kind == "task").order_by(Item.id))).all()[:2]
    for code, day in ((first, "30/11/2025"), (second, "15/12/2025")):
        user.say(f"{code} xin gia hạn đến {day}")
        await user.next(after=user.messages()[-1])
    secretariat.say("/duyet")
    listed = await secretariat.next(after=secretariat.messages()[-1])
    assert listed.text == "Có 2 đề nghị gia hạn chờ duyệt:"
    notices = secretariat.messages()[-2:]
    assert notices[0].text.endswith("Trả lời 1 = ✅ Đồng ý, 2 = ❌ Không đồng ý")
    assert notices[1].text.endswith("Trả lời 3 = ✅ Đồng ý, 4 = ❌ Không đồng ý")
    assert second in notices[1].text
    secretariat.say("4")
    refused = await secretariat.next(after=notices[1])
    assert refused.text == f"Đã không đồng ý đề nghị gia hạn {second} của Sở Y tế."


async def test_a_reply_told_to_slow_down_waits_and_goes_out(zalo_world: World):
    user = await link(zalo_world, HEALTH_CHAT, "Lê Thị Hoa", "Sở Y tế")
    sandbox = zalo_world.zalo.sandbox
    sandbox.faults.fail_next("sendMessage", error_code=429, retry_after=1)
    user.say("/huongdan")
    answer = await user.next(after=user.messages()[-1])
    assert answer.text.startswith("Cách cập nhật tiến độ")
    assert [c.http_status for c in sandbox.calls if c.method == "sendMessage"][-2:] == [429, 200]


def _image_update(**fields: str) -> dict:
    return {"event_name": "message.image.received", "message": {
        "from": {"id": "a1", "display_name": "Hoa"}, "chat": {"id": "a1", "chat_type": "PRIVATE"},
        "message_id": "m2", "date": 1758500000000, **fields}}


def test_a_photo_is_read_from_photo_url_and_from_the_older_fields():
    # Live updates carry photo_url (python-zalo-bot's Message, openclaw, goclaw).
    for field in ("photo_url", "photo", "url"):
        incoming = to_incoming(_image_update(**{field: "https://zalo.example/a.jpg"}))
        assert incoming is not None and incoming.file is not None, field
        assert incoming.file.file_id == "https://zalo.example/a.jpg"
    both = to_incoming(_image_update(photo_url="https://new/a.jpg", photo="https://old/a.jpg"))
    assert both is not None and both.file is not None
    assert both.file.file_id == "https://new/a.jpg"


def test_what_a_zalo_update_becomes_and_what_is_left_unread():
    image = _image_update(photo_url="https://zalo.example/" + "a" * 300 + ".jpg")
    incoming = to_incoming(image)
    # A link longer than the evidence column is kept as its digest: the same link, the same id.
    assert incoming is not None and incoming.file is not None
    assert incoming.file.file_id.startswith("zalo-sha256:") and len(incoming.file.file_id) == 76
    same = to_incoming(image)
    assert same is not None and same.file is not None
    assert incoming.file.file_id == same.file.file_id
    assert (incoming.file.name, incoming.update_id) == ("anh-m2.jpg", "m:m2")
    assert to_incoming(_image_update()) is None  # a picture without a link cannot be kept
    said: dict[str, Any] = {"from": {"id": "a1", "name": "Hoa"}, "chat": {"id": "a1"},
                            "text": "/NhiemVu  NV12 "}
    text: dict[str, Any] = {"event_name": "message.text.received", "message": said}
    read = to_incoming(text)
    assert read is not None
    assert (read.command, read.args, read.sender_name, read.message_id) == (
        "nhiemvu", "NV12", "Hoa", None)
    # No message id: the update's digest is its key, stable across deliveries.
    again = to_incoming(text)
    assert read.update_id.startswith("h:") and again is not None
    assert read.update_id == again.update_id
    unread = [
        {**text, "message": {**said, "chat": {"id": ""}}},  # no chat id
        {**text, "message": {**said, "chat": {"id": "g1", "chat_type": "GROUP"}}},
        {**text, "message": {**said, "from": {"id": "b", "is_bot": True}}},
        {**text, "message": {**said, "from": {"id": "oa-1"}}},  # our own echo
        {**text, "event_name": "message.sticker.received"},
        {"event_name": "message.text.received", "message": "xin chào"},
    ]
    assert [to_incoming(u, bot_id="oa-1") for u in unread] == [None] * len(unread)
    assert to_incoming({**text, "message": {**said, "from": "a1"}}) is not None


async def test_the_sandbox_sends_photos_as_photo_url(zalo_world: World):
    user = zalo_world.add_person(HEALTH_CHAT, "Lê Thị Hoa")
    sandbox = zalo_world.zalo.sandbox
    user.user.send_photo(tiny_png())  # type: ignore[attr-defined]
    update = sandbox.state.queue.delivered[-1] if sandbox.state.queue.delivered else \
        sandbox.pending_updates[-1]
    assert "photo_url" in update["message"] and "photo" not in update["message"]


async def test_an_echo_of_the_bots_own_message_is_ignored(zalo_world: World):
    user = zalo_world.add_person(HEALTH_CHAT, "Lê Thị Hoa")
    sandbox = zalo_world.zalo.sandbox
    assert zalo_world.zalo.bot.bot_id == sandbox.bot_id  # read from getMe
    sandbox.echo(user.user, "Kính gửi đồng chí …")  # type: ignore[attr-defined]
    user.say("/huongdan")
    await user.next()
    assert len(user.messages()) == 1  # the answer to /huongdan; the echo got none
    async with zalo_world.sessions() as session:
        assert len((await session.exec(select(ProcessedUpdate))).all()) == 1


async def test_voice_files_and_stickers_are_told_what_zalo_carries(zalo_world: World):
    user = zalo_world.add_person(HEALTH_CHAT, "Lê Thị Hoa")
    user.user.send_unsupported("voice")  # type: ignore[attr-defined]
    answer = await user.next()
    assert answer.text == UNSUPPORTED
    assert "ảnh" in UNSUPPORTED and "số hiệu văn bản" in UNSUPPORTED
    assert "tin nhắn thoại" in UNSUPPORTED and "tệp" in UNSUPPORTED


async def test_typing_shows_while_a_long_answer_is_prepared(zalo_world: World):
    world = zalo_world
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    last = secretariat.messages()[-1]
    assert world.zalo.sandbox.chat_actions == []  # not for an ordinary message
    secretariat.say("/tongquan")
    await secretariat.next(after=last)
    assert world.zalo.sandbox.chat_actions == [(secretariat.chat_id, "typing")]


async def _chart_timing_out(world: World, *, executed: bool) -> Person:
    """The secretariat, and a chart whose sendPhoto times out (once), drained once."""
    secretariat = await link(world, SECRETARIAT_CHAT, "Văn phòng BCĐ", None, "secretariat")
    world.zalo.messenger.client.photo_timeout = 0.5
    world.zalo.sandbox.faults.time_out_next("sendPhoto", hold_seconds=2, executed=executed)
    async with transaction(world.sessions) as session:
        await enqueue(NewMessage(key="digest:chart", kind="digest", channel="zalo",
                                 chat_id=secretariat.chat_id, text="Biểu đồ tiến độ",
                                 attachment_name="bieu-do.png", attachment=tiny_png()),
                      world.clock.now(), session=session)
    await world.drain()
    return secretariat


async def _outbox_row(world: World) -> Outbox:
    async with world.sessions() as session:
        return (await session.exec(select(Outbox).where(Outbox.key == "digest:chart"))).one()


async def test_a_photo_that_timed_out_after_zalo_fetched_it_is_not_sent_again(
        zalo_world: World):
    secretariat = await _chart_timing_out(zalo_world, executed=True)
    zalo_world.clock.advance(3600)
    await zalo_world.drain()
    photos = [m for m in secretariat.messages() if m.file is not None]
    assert len(photos) == 1  # Zalo fetched the link, so it had the photo: no second copy
    assert (await _outbox_row(zalo_world)).status == "sent"


async def test_a_photo_that_timed_out_before_zalo_fetched_it_goes_again_by_the_same_link(
        zalo_world: World):
    secretariat = await _chart_timing_out(zalo_world, executed=False)  # never took effect
    assert (await _outbox_row(zalo_world)).status == "queued"
    zalo_world.clock.advance(3600)
    await zalo_world.drain()
    assert (await _outbox_row(zalo_world)).status == "sent"
    assert len([m for m in secretariat.messages() if m.file is not None]) == 1
    async with zalo_world.sessions() as session:
        # Published once, not once a try: the retry sent the same link.
        assert len((await session.exec(select(SharedFile))).all()) == 1
