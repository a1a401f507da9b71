"""The role matrix with two committees (issue #22), in chat: every command, every button (a
forged one naming the other committee's assignment, blocker or request included), the scan's
messages and the digest's text, chart and workbook reach only their own committee's people."""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from bot.conversation import Conversation, ConversationConfig
from bot.keyboards import Choice, encode
from bot.turn import FileRef, Incoming
from domain.reminders import ReminderPolicy
from scheduler.digest_job import send_digest
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import scan
from storage.db import transaction
from storage.models import Assignment, Blocker, Evidence, ExtensionRequest, Invite, Item
from tests.fakes import FakeClock
from tests.storage.committee_pair import (
    SHARED_FOCAL,
    SHARED_LEADER,
    TZ,
    Pair,
    Side,
    at,
    leaked,
    make_pair,
    outbox_to,
)

CALENDAR = vietnam_calendar([2025, 2026])
_UPDATES = itertools.count(1)


@pytest.fixture
async def pair(seeded, tmp_path) -> Pair:
    return await make_pair(seeded, tmp_path)


def talk(pair: Pair) -> Conversation:
    clock = FakeClock(datetime(2025, 9, 22, 1, 30, tzinfo=UTC))  # 08:30 in Hà Nội, a Monday
    return Conversation(pair.sessions, ConversationConfig(tz=TZ, now=clock.now))


async def say(bot: Conversation, chat: str, text: str = "", *, callback: str | None = None,
              file: FileRef | None = None) -> str:
    """What the bot answers a chat's message (a command when it starts with /)."""
    command, args = None, ""
    if text.startswith("/"):
        command, _, args = text[1:].partition(" ")
    replies = await bot.handle(Incoming("telegram", chat, f"u{next(_UPDATES)}", text=text,
                                        command=command, args=args, callback=callback,
                                        file=file))
    return "\n".join(reply.text for reply in replies)


# Each committee's people and what they may type; every answer must carry none of the other
# committee's words, and (where it lists anything) some of its own.
READS = [("tongquan", True), ("quahan", True), ("coquan Công an tỉnh", True),
         ("vuongmac", True), ("duyet", True), ("nhiemvu", False), ("huongdan", False)]


@pytest.mark.parametrize("side_name", ["province", "commune"])
@pytest.mark.parametrize(("command", "lists"), READS)
async def test_commands_show_only_the_committees_items(pair, side_name, command, lists):
    side: Side = getattr(pair, side_name)
    bot = talk(pair)
    for chat in (side.secretariat, side.leader):
        answer = await say(bot, chat, f"/{command}")
        assert not leaked(answer, side.foreign), (chat, command, answer)
        if lists and chat == side.secretariat:
            assert any(word in answer for word in side.own), (chat, command, answer)


async def test_codes_of_the_other_committee_name_nothing(pair):
    bot = talk(pair)
    commune = pair.commune.secretariat
    # NV33 is only the province's (Công an tỉnh's): the commune's secretariat cannot reach it.
    for text in ("/capnhat NV33", "/minhchung NV33", "NV33 đã hoàn thành"):
        answer = await say(bot, commune, text)
        assert "Không tìm thấy nhiệm vụ NV33" in answer, (text, answer)
    answer = await say(bot, commune, "NV33", file=FileRef("f1", "bien-ban.pdf"))
    assert "Đã đính kèm" not in answer
    # NV1 is in both appendices: each secretariat reaches its own.
    for side in pair.sides():
        answer = await say(bot, side.secretariat, "/capnhat NV1")
        assert not leaked(answer, side.foreign) and "NV1" in answer
    async with pair.sessions() as session:
        assert (await session.get(Assignment, pair.province.assignment_id)).status == "blocked"
        assert not (await session.exec(select(Evidence))).all()


@pytest.mark.parametrize("action", ["status", "blocker", "extension_decision", "forward"])
async def test_forged_buttons_for_the_other_committee_are_refused(pair, action):
    bot = talk(pair)
    for mine, theirs in ((pair.commune, pair.province), (pair.province, pair.commune)):
        data = {"status": encode(Choice("status", theirs.assignment_id, "done")),
                "blocker": encode(Choice("blocker", theirs.blocker_id, "h")),
                "forward": encode(Choice("blocker", theirs.blocker_id, "f")),
                "extension_decision": encode(Choice("extension_decision", theirs.request_id,
                                                    "y"))}[action]
        for chat in (mine.secretariat, mine.leader):
            answer = await say(bot, chat, callback=data)
            assert "Đã ghi nhận" not in answer and "Đã đồng ý" not in answer, (chat, answer)
            assert not leaked(answer, mine.foreign), answer
        # Pressing their own committee's button works (the refusal is about the committee).
        answer = await say(bot, mine.secretariat, callback={
            "status": encode(Choice("status", mine.assignment_id, "done")),
            "blocker": encode(Choice("blocker", mine.blocker_id, "h")),
            "forward": encode(Choice("blocker", mine.blocker_id, "f")),
            "extension_decision": encode(Choice("extension_decision", mine.request_id,
                                                "y"))}[action])
        assert "không có quyền" not in answer.lower(), answer
    async with pair.sessions() as session:
        for side in pair.sides():
            # Each side's own press went through; the forged one changed nothing of the other.
            assignment = await session.get(Assignment, side.assignment_id)
            request = await session.get(ExtensionRequest, side.request_id)
            blocker = await session.get(Blocker, side.blocker_id)
            assert assignment is not None and request is not None and blocker is not None
            assert (assignment.status == "done") == (action == "status")
            assert (request.state == "approved") == (action == "extension_decision")
            assert (blocker.state == "handled") == (action == "blocker")
    # Nobody of either committee was told of the other's decisions.
    for side in pair.sides():
        for chat in (side.secretariat, side.leader):
            texts = "\n".join(m.text for m in await outbox_to(pair.sessions, chat))
            assert not leaked(texts, side.foreign), (chat, texts)


async def test_invites_name_nothing_of_the_other_committee(pair):
    bot = talk(pair)
    for side in pair.sides():
        answer = await say(bot, side.secretariat, "/moi Công an tỉnh")
        assert "Mã mời" in answer and not leaked(answer, side.foreign), answer
        assert "Mã mời" not in await say(bot, side.leader, "/moi Công an tỉnh")
    async with pair.sessions() as session:
        made = (await session.exec(select(Invite).order_by(Invite.id))).all()
    assert [invite.created_by is not None for invite in made] == [True, True]


async def test_the_scan_and_the_digest_reach_only_their_committee(pair):
    await scan(pair.sessions, at("2025-09-22"), TZ, CALENDAR, ReminderPolicy())
    await send_digest(pair.sessions, datetime(2025, 9, 26, 9, tzinfo=UTC), TZ)
    for side in pair.sides():
        for chat in (side.secretariat, side.leader):
            rows = await outbox_to(pair.sessions, chat)
            assert rows, chat
            for row in rows:
                if row.kind == "digest_rollup":  # the parent's view of its children
                    continue
                assert not leaked(row.text, side.foreign), (chat, row.kind, row.text)
                if row.attachment_name and row.attachment_name.endswith(".xlsx"):
                    cells = _cells(row.attachment)
                    assert not leaked(cells, side.foreign), (chat, row.attachment_name)
                    assert any(word in cells for word in side.own), chat
        secretariat_kinds = {row.kind for row in await outbox_to(pair.sessions,
                                                                 side.secretariat)}
        assert {"escalation", "digest"} <= secretariat_kinds, secretariat_kinds
    # The parent sees the child's figures, no names of its people; the child sees no roll-up.
    rollup = "\n".join(r.text for r in await outbox_to(pair.sessions, "900", ("digest_rollup",)))
    assert "BCĐ xã Hưng Nguyên" in rollup
    assert not any(name in rollup for name in ("VP xã", "Trưởng ban xã", "Trần Văn Nam",
                                               "Công an tỉnh"))
    for chat in ("901", "951", SHARED_FOCAL, SHARED_LEADER):
        assert not await outbox_to(pair.sessions, chat, ("digest_rollup",))


def _cells(data: bytes | None) -> str:
    """Every cell of a workbook, one per line."""
    assert data is not None
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(str(value) for sheet in book.worksheets
                     for row in sheet.iter_rows(values_only=True) for value in row
                     if value is not None)


async def test_a_shared_agencys_person_sees_each_item_marked_with_its_committee(pair):
    bot = talk(pair)
    listed = await say(bot, SHARED_FOCAL, "/nhiemvu")
    lines = [line for line in listed.splitlines() if line.startswith("• ")]
    assert lines and all(line.split(" – ", 1)[1].startswith(("[BCĐ] ", "[Xã] "))
                         for line in lines), listed
    assert {"[BCĐ]", "[Xã]"} <= {line.split(" – ", 1)[1].split()[0] for line in lines}
    # The commune's NV1 (the province's NV1 is another agency's): named with its committee.
    assert "NV1 – [Xã] Số hóa" in await say(bot, SHARED_FOCAL, "/capnhat NV1")
    assert "Đã ghi nhận NV1 [Xã]: Đang thực hiện 40%" in await say(
        bot, SHARED_FOCAL, "NV1 đang làm 40%")
    # Sở Y tế works for the province only: its person's lines carry no mark, nor do the
    # secretariat's (one committee's reads).
    for chat, text in (("101", "/nhiemvu"), (pair.commune.secretariat, "/coquan Công an tỉnh"),
                       (pair.province.secretariat, "/coquan Công an tỉnh")):
        answer = await say(bot, chat, text)
        assert "• " in answer and "[BCĐ]" not in answer and "[Xã]" not in answer, answer


async def test_a_shared_person_reminded_of_one_committees_items_still_sees_the_mark(pair):
    """On a day only the commune's items are due, the shared person's lines say "[Xã]"."""
    async with transaction(pair.sessions) as session:
        for assignment in (await session.exec(select(Assignment).join(
                Item, col(Item.id) == col(Assignment.item_id)).where(
                Item.committee_id == pair.province.committee_id))).all():
            assignment.status = "done"
            session.add(assignment)
        commune = await session.get(Assignment, pair.commune.assignment_id)
        assert commune is not None
        commune.status = "in_progress"
        session.add(commune)
    await scan(pair.sessions, at("2025-09-22"), TZ, CALENDAR, ReminderPolicy())
    [reminder] = await outbox_to(pair.sessions, SHARED_FOCAL, ("reminder",))
    lines = [line for line in reminder.text.splitlines() if line.startswith("• ")]
    assert lines and all(" – [Xã] " in line for line in lines), reminder.text
    # The shared agency's leader: escalated items marked too.
    [escalation] = await outbox_to(pair.sessions, SHARED_LEADER, ("escalation",))
    lines = [line for line in escalation.text.splitlines() if line.startswith("• ")]
    assert lines and all(" – [Xã] " in line or " – [BCĐ] " in line for line in lines), lines
    # Sở Nông nghiệp và Môi trường's person (103) serves the province only: no mark.
    for row in await outbox_to(pair.sessions, "103", ("reminder",)):
        assert "[BCĐ]" not in row.text and "[Xã]" not in row.text


async def test_notices_of_a_shared_persons_reports_go_to_the_items_committee(pair):
    """The shared focal person reports a blocker and asks for time on the commune's NV1: only
    the commune's secretariat is told, with buttons naming the commune's rows."""
    bot = talk(pair)
    before = {chat: len(await outbox_to(pair.sessions, chat)) for chat in ("900", "901")}
    await say(bot, SHARED_FOCAL, "NV1 đang làm 10%")  # the fixture's blocker is answered
    await say(bot, SHARED_FOCAL, "NV1 vướng mắc: chưa có máy quét")
    await say(bot, SHARED_FOCAL, "NV1 xin gia hạn đến 30/11/2025")
    province = (await outbox_to(pair.sessions, "900"))[before["900"]:]
    commune = (await outbox_to(pair.sessions, "901"))[before["901"]:]
    assert not province, [row.text for row in province]
    assert [row for row in commune if "máy quét" in row.text]
    async with pair.sessions() as session:
        blockers = (await session.exec(select(Blocker).where(
            Blocker.assignment_id == pair.commune.assignment_id))).all()
    for row in commune:
        assert not leaked(row.text, pair.commune.foreign)
        # Every button names a commune blocker or request, none of the province's.
        for data in json.dumps(row.buttons or []).split('"'):
            if data.startswith("k|"):
                assert int(data.split("|")[1]) in {b.id for b in blockers}, data


async def test_a_failed_update_is_told_to_its_committees_secretariat_only(pair):
    bot = talk(pair)
    assert await bot.report_error("telegram", "u-err", RuntimeError("x"),
                                  pair.commune.secretariat)
    assert not [row for row in await outbox_to(pair.sessions, pair.province.secretariat)
                if row.text.startswith("⚠️ Lỗi hệ thống")]
