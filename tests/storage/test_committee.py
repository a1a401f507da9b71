"""A committee leader (Trưởng/Phó Trưởng ban): one screen with the digest, read-only commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from scheduler.digest_job import send_digest
from storage.db import transaction
from storage.invites import create_invite
from storage.models import FocalPerson, Outbox

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = datetime(2025, 10, 3, 9, tzinfo=UTC)  # 16:00 in Hanoi


async def test_the_committee_gets_one_screen_with_chart_and_workbook(example):
    async with transaction(example) as session:
        invite = await create_invite(None, "committee", FRIDAY, timedelta(days=7),
                                     session=session)
        assert invite.agency_name is None and invite.role == "committee"
        session.add_all([
            FocalPerson(role="secretariat", channel="telegram", chat_id="900", name="VP BCĐ",
                        linked_at=FRIDAY),
            FocalPerson(role="committee", channel="telegram", chat_id="950",
                        name="Trưởng ban", linked_at=FRIDAY)])
    report = await send_digest(example, FRIDAY, TZ)
    assert report.chats == 2
    async with example() as session:
        rows = list((await session.exec(select(Outbox).where(Outbox.kind == "digest")
                                        .order_by(col(Outbox.id)))).all())
    leader = [r for r in rows if r.chat_id == "950"]
    secretariat = [r for r in rows if r.chat_id == "900"]
    assert [r.attachment_name is not None for r in leader] == [False, True, True]
    summary = leader[0].text
    assert len(summary) < 1500 and summary.count("\n") < 16
    assert "Nhiệm vụ: 73. Hoàn thành 0/73 (0%)." in summary
    assert "• Quá hạn chưa hoàn thành: 19 nhiệm vụ (chưa báo cáo: 17)" in summary
    assert "/tongquan" in summary and "chưa thực hiện" not in summary.lower()
    # The secretariat still gets the whole digest.
    assert sum(1 for r in secretariat if r.attachment is None) >= 1
    assert "IV. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH" in "\n".join(r.text for r in secretariat)
