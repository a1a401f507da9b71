"""Two committees for the role matrix (issue #22): the seed's province committee and a commune
under it, sharing one agency (Công an tỉnh) and its focal person, each with its own secretariat
member and leader, each with a blocker and a pending request for more time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.blockers import open_blocker
from storage.db import transaction
from storage.models import Assignment, FocalPerson, Item, Outbox
from storage.status import Actor, request_extension
from tests.commune import add_commune, commune_appendix

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Only the commune's items name Hưng Nguyên; the province's NV33 (Công an tỉnh too) names
# "giấy tờ điện tử", and only the province has Văn phòng Tỉnh ủy's items.
COMMUNE_APPENDIX = commune_appendix("Sở Xây dựng")
COMMUNE_WORD, PROVINCE_WORD = "Hưng Nguyên", "giấy tờ điện tử"
PROVINCE_ONLY = ("giấy tờ điện tử", "Văn phòng Tỉnh ủy", "Chương trình 01-CTr/BCĐ")
COMMUNE_ONLY = ("Hưng Nguyên", "5-KH/UBND", "BCĐ xã")
SHARED_FOCAL, SHARED_LEADER = "102", "202"


@dataclass(frozen=True)
class Side:
    """One committee's ids: its people's chats, a blocker, a request, an assignment."""

    committee_id: int
    secretariat: str
    leader: str
    assignment_id: int  # its Công an tỉnh assignment (the shared agency's)
    item_id: int
    blocker_id: int
    request_id: int
    own: tuple[str, ...]  # words only its items carry
    foreign: tuple[str, ...]  # words only the other committee's items carry


@dataclass(frozen=True)
class Pair:
    """The database and both committees."""

    sessions: async_sessionmaker[AsyncSession]
    province: Side
    commune: Side

    def sides(self) -> tuple[Side, Side]:
        return self.province, self.commune


def at(day: str, hour: int = 8) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=TZ)


async def _shared_assignment(committee_id: int, code: str, *,
                             session: AsyncSession) -> Assignment:
    return (await session.exec(select(Assignment).join(
        Item, col(Item.id) == col(Assignment.item_id)).where(
        Item.committee_id == committee_id, Item.code == code))).one()


async def _blocked_and_asked(assignment: Assignment, focal: FocalPerson, reason: str, *,
                             session: AsyncSession) -> tuple[int, int]:
    assert assignment.id is not None
    assignment.status = "blocked"
    session.add(assignment)
    blocker = await open_blocker(assignment.id, None, at("2025-09-17"), focal.id, reason,
                                 session=session)
    request = await request_extension(assignment.id, date(2025, 12, 31), reason,
                                      at("2025-09-17"), Actor("focal", focal.id),
                                      session=session)
    assert blocker.id is not None and request.id is not None
    return blocker.id, request.id


async def make_pair(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> Pair:
    """On the `seeded` database: the commune, both committees' leaders, blockers, requests."""
    linked = datetime(2025, 9, 1, tzinfo=UTC)
    async with transaction(sessions) as session:
        commune_id = await add_commune(session, tmp_path, COMMUNE_APPENDIX, linked)
        session.add_all([
            FocalPerson(role="committee", channel="telegram", chat_id="950",
                        name="Trưởng ban tỉnh", linked_at=linked, committee_id=1),
            FocalPerson(role="secretariat", channel="telegram", chat_id="901", name="VP xã",
                        linked_at=linked, committee_id=commune_id),
            FocalPerson(role="committee", channel="telegram", chat_id="951",
                        name="Trưởng ban xã", linked_at=linked, committee_id=commune_id)])
        focal = (await session.exec(select(FocalPerson).where(
            FocalPerson.chat_id == SHARED_FOCAL))).one()
        sides = []
        for committee_id, code, reason in ((1, "NV33", "Chờ hướng dẫn tỉnh"),
                                           (commune_id, "NV1", "Chờ kinh phí xã")):
            assignment = await _shared_assignment(committee_id, code, session=session)
            blocker_id, request_id = await _blocked_and_asked(assignment, focal, reason,
                                                              session=session)
            sides.append((committee_id, assignment.id or 0, assignment.item_id, blocker_id,
                          request_id))
    (p_id, p_assignment, p_item, p_blocker, p_request) = sides[0]
    (c_id, c_assignment, c_item, c_blocker, c_request) = sides[1]
    return Pair(sessions,
                Side(p_id, "900", "950", p_assignment, p_item, p_blocker, p_request,
                     PROVINCE_ONLY, COMMUNE_ONLY),
                Side(c_id, "901", "951", c_assignment, c_item, c_blocker, c_request,
                     COMMUNE_ONLY, PROVINCE_ONLY))


async def outbox_to(sessions: async_sessionmaker[AsyncSession], chat_id: str,
                    kinds: tuple[str, ...] = ()) -> list[Outbox]:
    """Everything queued for a chat (of these kinds, if given)."""
    async with sessions() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.chat_id == chat_id)
                                   .order_by(col(Outbox.id)))).all()
    return [row for row in rows if not kinds or row.kind in kinds]


def leaked(text: str, foreign: tuple[str, ...]) -> list[str]:
    """The lines of a text that carry another committee's words."""
    return [line for line in text.splitlines() if any(word in line for word in foreign)]
