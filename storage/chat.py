"""What the chat conversation reads and keeps: people, their items, chat state, updates seen."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import cache
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.committees import CommitteeScope, agencies_serving_several, committee_labels
from storage.item_lookup import resolve_codes
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
    # Someone has recorded a status (or an extension was approved): else "chưa báo cáo".
    reported: bool = True
    # The deadline's kind ("date", "recurring" …): an ongoing task is never "done".
    deadline_kind: str = ""
    committee_id: int | None = None
    # The committee's short name, for the people of an agency that serves several (else "").
    committee_label: str = ""

    @property
    def mark(self) -> str:
        """"[Xã] " before the item's text when its committee must be named, else ""."""
        return f"[{self.committee_label}] " if self.committee_label else ""

    @property
    def deadline(self) -> date | None:
        """The date reminders work to: an approved extension, else the original deadline."""
        return self.extended_due or self.due

    def overdue(self, today: date) -> bool:
        """Not done and past its working deadline."""
        return self.status != "done" and self.deadline is not None and self.deadline < today


# The per-update statements below are built once, with bound parameters, and go to the tables
# rather than through the ORM where they can: building a statement and its cache key, or
# loading and flushing an entity, costs several times the statement itself (measured in
# docs/BENCHMARKS.md), and they run for every message a person sends.
_PROCESSED = cast(sa.Table, ProcessedUpdate.__table__)  # type: ignore[attr-defined]
_CHAT_STATE = cast(sa.Table, ChatState.__table__)  # type: ignore[attr-defined]
_param = sa.bindparam


def _insert(dialect: str, table: sa.Table) -> Any:
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


@cache
def _first_time_sql(dialect: str) -> Any:
    return _insert(dialect, _PROCESSED).values(
        channel=_param("channel"), update_id=_param("update_id"),
        at=_param("at", type_=_PROCESSED.c.at.type),
    ).on_conflict_do_nothing(index_elements=["channel", "update_id"])


@cache
def _save_state_sql(dialect: str) -> Any:
    statement = _insert(dialect, _CHAT_STATE).values(
        channel=_param("channel"), chat_id=_param("chat_id"),
        state=_param("state", type_=_CHAT_STATE.c.state.type),
        expires_at=_param("expires_at", type_=_CHAT_STATE.c.expires_at.type))
    return statement.on_conflict_do_update(
        index_elements=["channel", "chat_id"],
        set_={"state": statement.excluded.state, "expires_at": statement.excluded.expires_at})


_LOAD_STATE = sa.select(_CHAT_STATE.c.state, _CHAT_STATE.c.expires_at).where(
    _CHAT_STATE.c.channel == _param("channel"), _CHAT_STATE.c.chat_id == _param("chat_id"))
# The person and the chat's pending step in one round trip: most messages need both.
_FIND_PERSON_AND_STATE = (
    select(FocalPerson, _CHAT_STATE.c.state, _CHAT_STATE.c.expires_at)
    .outerjoin(_CHAT_STATE, sa.and_(_CHAT_STATE.c.channel == col(FocalPerson.channel),
                                    _CHAT_STATE.c.chat_id == col(FocalPerson.chat_id)))
    .where(col(FocalPerson.channel) == _param("channel"),
           col(FocalPerson.chat_id) == _param("chat_id"), col(FocalPerson.active).is_(True)))


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def first_time(channel: str, update_id: str, now: datetime, *,
                     session: AsyncSession) -> bool:
    """Remember an update; False if it was handled before (a redelivery)."""
    result: Any = await session.exec(_first_time_sql(_dialect(session)), params={
        "channel": channel, "update_id": update_id, "at": now})
    return bool(result.rowcount == 1)


async def find_person_and_state(channel: str, chat_id: str, now: datetime, *,
                                session: AsyncSession
                                ) -> tuple[FocalPerson | None, dict[str, Any]]:
    """The chat's active person, if any, and its pending step as `load_state` reads it."""
    row = (await session.exec(_FIND_PERSON_AND_STATE, params={
        "channel": channel, "chat_id": chat_id})).first()
    if row is None:
        return None, {}
    person, state, expires_at = row
    return person, _live(state, expires_at, now)


def _live(state: Any, expires_at: datetime | None, now: datetime) -> dict[str, Any]:
    return {} if state is None or expires_at is None or expires_at <= now else dict(state)


async def agency_name(agency_id: int | None, *, session: AsyncSession) -> str | None:
    """An agency's name."""
    agency = await session.get(Agency, agency_id) if agency_id is not None else None
    return agency.name if agency else None


@cache
def _cards_query(by_agency: bool, by_ids: bool, by_codes: bool, open_only: bool,
                 by_committee: bool = False) -> Any:
    # Columns only: loading whole entities (an Item with its JSON lists, an Assignment) costs
    # more than the query, and the session would not keep them anyway (its map is weak).
    columns: tuple[Any, ...] = (
        col(Assignment.id).label("assignment_id"), col(Assignment.agency_id),
        col(Agency.name).label("agency_name"), col(Item.code), col(Item.kind), col(Item.text),
        col(Item.deadline_raw), col(Item.due), col(Assignment.extended_due),
        col(Assignment.status), col(Assignment.percent), col(Assignment.note),
        sa.or_(col(Assignment.status_changed_at).is_not(None),
               col(Assignment.extended_due).is_not(None)).label("reported"),
        col(Item.deadline_kind), col(Item.committee_id))
    query: Any = (sa.select(*columns)
                  .join(Item, col(Item.id) == col(Assignment.item_id))
                  .join(Agency, col(Agency.id) == col(Assignment.agency_id))
                  .where(col(Assignment.active).is_(True)))
    if by_agency:
        query = query.where(col(Assignment.agency_id) == _param("agency_id"))
    if by_ids:
        query = query.where(col(Assignment.id).in_(_param("ids", expanding=True)))
    if by_codes:
        query = query.where(col(Item.id).in_(_param("item_ids", expanding=True)))
    if open_only:
        query = query.where(col(Assignment.status) != "done")
    if by_committee:
        query = query.where(col(Item.committee_id) == _param("committee_id"))
    return query


async def cards(*, session: AsyncSession, agency_id: int | None = None,
                assignment_ids: list[int] | None = None, codes: list[str] | None = None,
                open_only: bool = False,
                committee: CommitteeScope | None = None) -> list[AssignmentCard]:
    """Assignments as cards, filtered (to one committee's items with `committee`), most urgent
    (earliest deadline) first."""
    query = _cards_query(agency_id is not None, assignment_ids is not None, codes is not None,
                         open_only, committee is not None)
    item_ids = (list((await resolve_codes(codes, committee, session=session,
                                          agency_id=agency_id)).values())
                if codes is not None else None)
    params = {"agency_id": agency_id, "ids": assignment_ids, "item_ids": item_ids,
              "committee_id": committee.committee_id if committee is not None else None}
    rows = (await session.exec(query, params={k: v for k, v in params.items()
                                              if v is not None})).all()
    found = [AssignmentCard(**{**row._mapping, "code": row.code or ""}) for row in rows]
    if committee is None and found:
        found = await _marked(found, session=session)
    return sorted(found, key=lambda c: (c.due is None, c.due or date.max, c.code))


async def _marked(found: list[AssignmentCard], *,
                  session: AsyncSession) -> list[AssignmentCard]:
    """Cards read for an agency's people, each marked with its committee when the agency serves
    several (a committee's own reads are of one committee: nothing to mark)."""
    labels = await committee_labels(session=session)
    if not labels:
        return found
    several = await agencies_serving_several(
        session=session, among=sorted({card.agency_id for card in found}))
    return [replace(card, committee_label=labels.get(card.committee_id or 0, ""))
            if card.agency_id in several else card for card in found]


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
    row = (await session.exec(_LOAD_STATE, params={  # type: ignore[call-overload]
        "channel": channel, "chat_id": chat_id})).first()
    if row is None:
        return {}
    state, expires_at = row
    return _live(state, expires_at, now)


async def save_state(channel: str, chat_id: str, state: dict[str, Any], expires_at: datetime, *,
                     session: AsyncSession) -> None:
    """Set (or clear, with {}) the chat's pending conversation step."""
    await session.exec(_save_state_sql(_dialect(session)), params={
        "channel": channel, "chat_id": chat_id, "state": state, "expires_at": expires_at})


async def forget_updates(before: datetime, keep: int, *, session: AsyncSession) -> int:
    """Forget handled updates older than `before`, and all but the newest `keep`; how many.

    The de-duplication window: Telegram redelivers within a day, so older keys only cost
    space (and, without the content digest in the key, would take new updates for old ones).
    """
    newest = (await session.exec(  # type: ignore[call-overload]
        sa.select(sa.func.max(_PROCESSED.c.id)))).scalar()
    condition = _PROCESSED.c.at < before
    if newest is not None:
        condition = sa.or_(condition, _PROCESSED.c.id <= newest - keep)
    result: Any = await session.exec(sa.delete(_PROCESSED).where(condition))
    return int(result.rowcount or 0)
