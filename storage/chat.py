"""What the chat conversation reads and keeps: people, their items, chat state, updates seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Agency,
    Assignment,
    ChatState,
    FocalPerson,
    Item,
    Outbox,
    ProcessedUpdate,
    ReminderLog,
)
from storage.outbox import insert_ignoring_duplicates


@dataclass(frozen=True)
class AssignmentCard:
    """One assignment as a chat shows it."""

    assignment_id: int
    agency_id: int
    agency_name: str
    code: str
    kind: str
    text: str
    deadline_raw: str
    due: date | None
    extended_due: date | None
    status: str
    percent: int | None
    note: str | None

    @property
    def deadline(self) -> date | None:
        """The date reminders work to: an approved extension, else the original deadline."""
        return self.extended_due or self.due

    def overdue(self, today: date) -> bool:
        """Not done and past its working deadline."""
        return self.status != "done" and self.deadline is not None and self.deadline < today


async def first_time(channel: str, update_id: str, now: datetime, *,
                     session: AsyncSession) -> bool:
    """Remember an update; False if it was handled before (a redelivery)."""
    statement = insert_ignoring_duplicates(session, ProcessedUpdate).values(
        channel=channel, update_id=update_id, at=now,
    ).on_conflict_do_nothing(index_elements=["channel", "update_id"])
    return bool((await session.exec(statement)).rowcount == 1)


async def find_person(channel: str, chat_id: str, *, session: AsyncSession
                      ) -> FocalPerson | None:
    """The active person linked to this chat, if any."""
    return (await session.exec(select(FocalPerson).where(
        FocalPerson.channel == channel, FocalPerson.chat_id == chat_id,
        col(FocalPerson.active).is_(True)))).first()


async def agency_name(agency_id: int | None, *, session: AsyncSession) -> str | None:
    """An agency's name."""
    agency = await session.get(Agency, agency_id) if agency_id is not None else None
    return agency.name if agency else None


def _cards_query() -> Any:
    return (select(Assignment, Item, Agency.name)
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .join(Agency, col(Agency.id) == col(Assignment.agency_id))
            .where(col(Assignment.active).is_(True)))


def _card(assignment: Assignment, item: Item, name: str) -> AssignmentCard:
    return AssignmentCard(
        assignment_id=assignment.id or 0, agency_id=assignment.agency_id, agency_name=name,
        code=item.code or "", kind=item.kind, text=item.text, deadline_raw=item.deadline_raw,
        due=item.due, extended_due=assignment.extended_due, status=assignment.status,
        percent=assignment.percent, note=assignment.note)


async def cards(*, session: AsyncSession, agency_id: int | None = None,
                assignment_ids: list[int] | None = None, codes: list[str] | None = None,
                open_only: bool = False) -> list[AssignmentCard]:
    """Assignments as cards, filtered, most urgent (earliest deadline) first."""
    query = _cards_query()
    if agency_id is not None:
        query = query.where(col(Assignment.agency_id) == agency_id)
    if assignment_ids is not None:
        query = query.where(col(Assignment.id).in_(assignment_ids))
    if codes is not None:
        query = query.where(col(Item.code).in_(codes))
    if open_only:
        query = query.where(col(Assignment.status) != "done")
    rows = (await session.exec(query)).all()
    found = [_card(*row) for row in rows]
    return sorted(found, key=lambda c: (c.due is None, c.due or date.max, c.code))


async def reminded_in(channel: str, chat_id: str, platform_message_id: str, *,
                      session: AsyncSession) -> tuple[int | None, list[int]]:
    """The outbox row a bot message came from and the assignments its reminder listed."""
    outbox = (await session.exec(select(Outbox).where(
        Outbox.channel == channel, Outbox.chat_id == chat_id,
        Outbox.platform_message_id == platform_message_id))).first()
    if outbox is None:
        return None, []
    logs = await session.exec(select(ReminderLog.assignment_id).where(
        ReminderLog.outbox_id == outbox.id))
    return outbox.id, sorted(set(logs.all()))


async def load_state(channel: str, chat_id: str, now: datetime, *,
                     session: AsyncSession) -> dict[str, Any]:
    """The chat's pending conversation step, or {} when none (or it expired)."""
    row = (await session.exec(select(ChatState).where(
        ChatState.channel == channel, ChatState.chat_id == chat_id))).first()
    if row is None or row.expires_at <= now:
        return {}
    return dict(row.state)


async def save_state(channel: str, chat_id: str, state: dict[str, Any], expires_at: datetime, *,
                     session: AsyncSession) -> None:
    """Set (or clear, with {}) the chat's pending conversation step."""
    row = (await session.exec(select(ChatState).where(
        ChatState.channel == channel, ChatState.chat_id == chat_id))).first()
    if row is None:
        row = ChatState(channel=channel, chat_id=chat_id, state=state, expires_at=expires_at)
    else:
        row.state, row.expires_at = state, expires_at
    session.add(row)
    await session.flush()
