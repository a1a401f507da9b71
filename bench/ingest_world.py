"""The ingest benchmark's world: a fresh database, the seed appendix, registry and linked chats."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.agencies import AgencyEntry
from storage.agencies import import_registry, read_registry
from storage.db import make_engine, session_factory, transaction
from storage.importer import import_appendix
from storage.migrate import upgrade_async
from storage.models import (
    Agency,
    Assignment,
    Evidence,
    ExtensionRequest,
    FocalPerson,
    IndicatorReport,
    Item,
    Outbox,
    ProcessedUpdate,
    StatusChange,
)

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "004_675a63b04eadefce.txt"
EXAMPLE_APPENDIX = REPO / "examples" / "phu-luc-4362-CV-TU.txt"
REGISTRY = REPO / "examples" / "agencies.csv"
SECRETARIAT_CHAT = 900
FIRST_CHAT = 10_000
# Communes are members of "Địa phương", so the appendix's items for "Các sở, ban, ngành, địa
# phương" and "Địa phương" become their assignments, as the importer expands any group.
COMMUNE_GROUP = "Địa phương"
SYLLABLES = ("An", "Bình", "Hòa", "Phú", "Thạnh", "Long", "Tân", "Hưng", "Đông", "Tây", "Nam",
             "Bắc", "Minh", "Quang", "Yên", "Thành", "Sơn", "Hà", "Lộc", "Phước", "Trung",
             "Vĩnh", "Diễn", "Nghĩa", "Đức", "Xuân", "Thịnh", "Hải", "Lâm", "Châu")
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Thanh")
GIVEN = ("Hoa", "Nam", "Lan", "Hùng", "Mai", "Tuấn", "Hương", "Dũng", "Hà", "Sơn", "Linh")


@dataclass(frozen=True)
class ChatPlan:
    """One linked focal person's chat and the assignments it may report on."""

    chat_id: int
    name: str
    agency: str
    tasks: tuple[tuple[int, str], ...]  # (assignment id, item code)
    indicators: tuple[tuple[int, str], ...]


@dataclass
class Outcome:
    """What the database holds after a run (rows made by the bot's update path)."""

    processed_updates: int = 0
    status_changes: int = 0
    evidence: int = 0
    extension_requests: int = 0
    indicator_reports: int = 0
    outbox_notices: int = 0


def seed_appendix() -> Path:
    """The canonical seed appendix, or the bundled copy of the same document."""
    return SEED if SEED.exists() else EXAMPLE_APPENDIX


def _communes(count: int) -> list[str]:
    pairs = itertools.permutations(SYLLABLES, 2)
    return [f"Ủy ban nhân dân xã {a} {b}" for a, b in itertools.islice(pairs, count)]


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


async def _assignments(session: AsyncSession) -> dict[int, list[tuple[int, str, str]]]:
    rows = await session.exec(
        select(Assignment.agency_id, Assignment.id, Item.code, Item.kind)
        .join(Item, col(Item.id) == col(Assignment.item_id))
        .where(col(Assignment.active).is_(True), col(Item.code).is_not(None))
        .order_by(col(Assignment.id)))
    found: dict[int, list[tuple[int, str, str]]] = {}
    for agency_id, assignment_id, code, kind in rows.all():
        found.setdefault(agency_id, []).append((assignment_id or 0, code or "", kind))
    return found


async def build_world(url: str, chats: int, rng: random.Random) -> list[ChatPlan]:
    """Migrate, import registry (+ synthetic communes) and appendix, link one person per agency."""
    await upgrade_async(url)
    now = datetime.now(UTC)
    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        registry = read_registry(REGISTRY)
        communes = [AgencyEntry(name, groups=(COMMUNE_GROUP,)) for name in _communes(chats)]
        async with transaction(sessions) as session:
            await import_registry([*registry, *communes], session=session)
            await import_appendix(seed_appendix(), 2025, now, session=session)
        async with transaction(sessions) as session:
            by_agency = await _assignments(session)
            agencies = (await session.exec(select(Agency).where(
                col(Agency.id).in_(list(by_agency))).order_by(col(Agency.id)))).all()
            plans = []
            for number, agency in enumerate(agencies[:chats]):
                assert agency.id is not None
                chat_id = FIRST_CHAT + number
                name = _person_name(rng)
                session.add(FocalPerson(agency_id=agency.id, role="focal", channel="telegram",
                                        chat_id=str(chat_id), name=name, linked_at=now))
                owned = by_agency[agency.id]
                plans.append(ChatPlan(
                    chat_id, name, agency.name,
                    tuple((a, c) for a, c, kind in owned if kind != "indicator"),
                    tuple((a, c) for a, c, kind in owned if kind == "indicator")))
            session.add(FocalPerson(role="secretariat", channel="telegram",
                                    chat_id=str(SECRETARIAT_CHAT), name="Văn phòng BCĐ",
                                    linked_at=now))
        return plans
    finally:
        await engine.dispose()


async def _count(session: AsyncSession, model: type) -> int:
    return int((await session.exec(select(func.count()).select_from(model))).one())


async def outcome(sessions: async_sessionmaker[AsyncSession]) -> Outcome:
    """Count the rows the update path wrote."""
    async with sessions() as session:
        return Outcome(
            processed_updates=await _count(session, ProcessedUpdate),
            status_changes=await _count(session, StatusChange),
            evidence=await _count(session, Evidence),
            extension_requests=await _count(session, ExtensionRequest),
            indicator_reports=await _count(session, IndicatorReport),
            outbox_notices=await _count(session, Outbox),
        )
