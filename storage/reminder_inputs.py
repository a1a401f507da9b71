"""What the reminder policy reads from the database for one day: states, history, recipients."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.channels import LinkedChat, one_chat_per_person
from domain.deadlines import Deadline, decode_period_day
from domain.reminder_schedule import NextReminder
from domain.reminders import AssignmentState, Recipient, Role, ScanScope, SentReminder
from storage.committees import committee_of
from storage.models import FocalPerson
from storage.scan_sql import (
    agency_t,
    among,
    as_date,
    assignment_t,
    change_t,
    dialect_name,
    effective_due,
    is_open,
    is_reminder,
    item_t,
    little_table,
    log_t,
    report_t,
    request_t,
)


@dataclass(frozen=True)
class ReminderInputs:
    """Everything the policy needs for one day, read in one go."""

    states: list[AssignmentState]
    history: list[SentReminder]
    recipients: list[Recipient]
    # Each state's reminder_revision as read with it: a next day is stored against it.
    revisions: dict[int, int] = field(default_factory=dict)
    # The assignments whose stored exact next reminder is the scope's day (their history is
    # not read: the stored rules give their steps).
    known: dict[int, NextReminder] = field(default_factory=dict)


async def load_reminder_inputs(tz: tzinfo, *, session: AsyncSession,
                               assignment_ids: Sequence[int] | None = None,
                               scope: ScanScope | None = None,
                               use_stored: bool = False) -> ReminderInputs:
    """Open assignments (all, or those ids) with deadlines and history, and who can be reached.

    With a scope, only the history rows the policy reads that day are loaded: those anchored
    at the assignment's deadline or a current period, and those from its last reminder on;
    with use_stored, none for those whose stored next reminder is exactly that day.
    """
    a = assignment_t
    # Read as the driver gives them (SQLite's text, asyncpg's datetime): _aware reads both,
    # faster than SQLAlchemy's own timestamp parsing on SQLite.
    last_change = sa.type_coerce(select(func.max(change_t.c.at)).where(
        change_t.c.assignment_id == a.c.id).scalar_subquery(), sa.String)
    last_report = sa.type_coerce(select(func.max(report_t.c.at)).where(
        report_t.c.assignment_id == a.c.id).scalar_subquery(), sa.String)
    # A request for more time answers a reminder as a status update does.
    last_request = sa.type_coerce(select(func.max(request_t.c.requested_at)).where(
        request_t.c.assignment_id == a.c.id).scalar_subquery(), sa.String)
    final = sa.exists().where(report_t.c.assignment_id == a.c.id, report_t.c.final.is_(True))
    # Assignments narrow; their items and agencies once each (thousands of assignments share
    # an item: one copy of its text and deadline, not one per row).
    # The stored rules only where their day is the scope's: compared in SQL, no dates parsed.
    rules = (sa.case((a.c.next_reminder_on == scope.on, a.c.next_reminder_rules))
             if use_stored and scope is not None else sa.null())
    query = sa.select(a.c.id, a.c.item_id, a.c.agency_id, effective_due(), a.c.status,
                      last_change, last_report, final, a.c.reminder_revision,
                      rules, a.c.percent, a.c.blocker_handled_on, last_request,
                      a.c.expected_on).select_from(
        a.join(item_t, item_t.c.id == a.c.item_id)).where(is_open())
    if assignment_ids is not None:
        query = query.where(among(session, a.c.id, assignment_ids))
    rows = (await session.exec(query)).all()  # type: ignore[call-overload]
    reader = _StateReader(tz, await _items({row[1] for row in rows}, session),
                          await _agency_names({row[2] for row in rows}, session))
    states = [reader.state(row) for row in rows]
    revisions = {row[0]: row[8] for row in rows}
    known: dict[int, NextReminder] = {}
    if use_stored and scope is not None:
        for row in rows:
            if row[9] is not None:
                found = NextReminder.decoded(scope.on, row[9])
                if found.exact:
                    known[row[0]] = found
    del rows
    if scope is None:
        history_query = sa.select(*_history_columns(log_t)).where(
            log_t.c.assignment_id.in_(select(a.c.id).where(is_open())))
        if assignment_ids is not None:
            history_query = history_query.where(
                among(session, log_t.c.assignment_id, assignment_ids))
        history = _sent((await session.exec(history_query)).all(), _Dates())  # type: ignore[call-overload]
    else:
        history = await load_history([state for state in states
                                      if state.assignment_id not in known], scope,
                                     session=session)
    return ReminderInputs(states, history, await load_recipients(session=session), revisions,
                          known)


def _sent(rows: Iterable[Any], dates: _Dates) -> list[SentReminder]:
    """History rows as SentReminders."""
    return [SentReminder(aid, kind, dates[anchor], dates[day], bool(answered))
            for aid, kind, anchor, day, answered in rows]


def _history_columns(log: Any) -> tuple[Any, ...]:
    return (log.c.assignment_id, log.c.kind, log.c.anchor, log.c.day, log.c.answered)


async def load_history(states: Sequence[AssignmentState], scope: ScanScope, *,
                       session: AsyncSession) -> list[SentReminder]:
    """The history rows the policy reads on the scope's day, from indexes alone.

    Rows at the assignment's deadline (less the kinds a later step there supersedes), rows at
    a current period start, and rows from the assignment's last reminder on: three disjoint
    queries, each a range of one reminder_log index, instead of every row of every candidate.
    """
    if not states:
        return []
    log, recent = log_t, log_t.alias("recent")
    candidates = little_table(session, "candidates", [("id", sa.Integer), ("due", sa.Date)],
                              [(s.assignment_id, s.deadline.due) for s in states])
    superseded = [(kind, due) for due, kinds in sorted(scope.superseded.items())
                  for kind in sorted(kinds)]
    if dialect_name(session) == "postgresql":
        # A hash anti-join on (kind, anchor).
        pairs = little_table(session, "earlier", [("kind", sa.String), ("anchor", sa.Date)],
                             superseded)
        current: Any = ~sa.exists().where(pairs.c.kind == log.c.kind,
                                          pairs.c.anchor == log.c.anchor)
    else:
        # One text key, "kind@anchor": SQLite only indexes the little table on a plain text
        # match.
        keys = little_table(session, "earlier", [("key", sa.String)],
                            [(f"{kind}@{due.isoformat()}",) for kind, due in superseded])
        key = log.c.kind + "@" + sa.cast(log.c.anchor, sa.String)
        current = key.not_in(select(keys.c.key))
    starts = sorted(set(scope.period_starts.values()))
    joined = candidates.join(log, log.c.assignment_id == candidates.c.id)
    not_at_deadline = sa.or_(candidates.c.due.is_(None), log.c.anchor != candidates.c.due)
    at_deadline = sa.select(*_history_columns(log)).select_from(candidates.join(
        log, sa.and_(log.c.assignment_id == candidates.c.id, log.c.anchor == candidates.c.due))
    ).where(current)
    at_period = sa.select(*_history_columns(log)).select_from(joined).where(
        log.c.anchor.in_(starts), not_at_deadline)
    last_day = select(func.max(recent.c.day)).where(
        recent.c.assignment_id == candidates.c.id, is_reminder(recent),
        recent.c.day <= scope.on).scalar_subquery()
    # The last questions asked, wherever anchored (a superseded deadline step too: whether
    # anything was asked after a report is read from them); disjoint from the two above.
    since_last = sa.select(*_history_columns(log)).select_from(joined).where(
        log.c.day >= last_day, log.c.anchor.not_in(starts),
        sa.or_(not_at_deadline, sa.not_(current)))
    found: list[SentReminder] = []
    dates = _Dates()
    for query in (at_deadline, at_period, since_last):
        result = await session.stream(query)
        async for rows in result.partitions(20_000):
            found.extend(_sent(rows, dates))
    return found


class _Dates(dict[Any, date]):
    """Date column values as dates, one object per distinct value (history repeats a few)."""

    def __missing__(self, value: Any) -> date:
        self[value] = as_date(value)
        return self[value]


async def _items(ids: set[int], session: AsyncSession) -> dict[int, tuple[Any, ...]]:
    """Item id -> (code, kind, text, deadline wording, deadline kind, cadence, period day,
    committee)."""
    i = item_t
    query = sa.select(i.c.id, i.c.code, i.c.kind, i.c.text, i.c.deadline_raw, i.c.deadline_kind,
                      i.c.every, i.c.period_day, i.c.committee_id).where(
                          among(session, i.c.id, sorted(ids)))
    return {row[0]: tuple(row[1:]) for row in (await session.exec(query)).all()}  # type: ignore[call-overload]


async def _agency_names(ids: set[int], session: AsyncSession) -> dict[int, tuple[str, bool]]:
    """Agency id -> (name, whether it is a group of agencies)."""
    query = sa.select(agency_t.c.id, agency_t.c.name, agency_t.c.is_group).where(
        among(session, agency_t.c.id, sorted(ids)))
    return {row[0]: (row[1], bool(row[2]))
            for row in (await session.exec(query)).all()}  # type: ignore[call-overload]


class _StateReader:
    """Assignment rows into AssignmentStates, with their items' and agencies' details."""

    def __init__(self, tz: tzinfo, items: dict[int, tuple[Any, ...]],
                 names: dict[int, tuple[str, bool]]) -> None:
        self.tz = tz
        self.items = items
        self.names = names
        self.deadlines: dict[tuple[int, Any], Deadline] = {}
        self.statuses: dict[Any, Any] = {}

    def state(self, row: Any) -> AssignmentState:
        """One assignment's state from its row."""
        assignment_id, item_id, agency_id, due, status, last_change, last_report, final = row[:8]
        code, kind, text, raw, deadline_kind, every, period_day, committee = self.items[item_id]
        deadline = self.deadlines.get((item_id, due))
        if deadline is None:
            deadline = Deadline(raw, deadline_kind, as_date(due) if due is not None else None,
                                every, decode_period_day(period_day))
            self.deadlines[(item_id, due)] = deadline
        last_change = max((moment for moment in (last_change, last_report, row[12])
                           if moment is not None), default=None)
        return AssignmentState(
            assignment_id=assignment_id, item_code=code or "", item_kind=kind, item_text=text,
            agency_id=agency_id, agency_name=self.names[agency_id][0], deadline=deadline,
            status=self.statuses.setdefault(status, status),
            last_update_on=(_aware(last_change).astimezone(self.tz).date()
                            if last_change is not None else None),
            indicator_assessed_final=bool(final),
            percent=row[10],
            blocker_handled_on=as_date(row[11]) if row[11] is not None else None,
            expected_on=as_date(row[13]) if row[13] is not None else None,
            agency_is_group=self.names[agency_id][1],
            committee_id=committee,
        )


def _aware(moment: datetime | str) -> datetime:
    # max() over a timestamp column comes back untyped on SQLite: the stored UTC text.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def load_recipients(*, session: AsyncSession) -> list[Recipient]:
    """Every reachable chat: focal persons and leaders with their agency, and the secretariat.

    One chat per person: who linked Telegram and Zalo is reminded on one of them only.
    """
    person = cast(sa.Table, FocalPerson.__table__)  # type: ignore[attr-defined]
    c = person.c
    people = (await session.exec(sa.select(  # type: ignore[call-overload]
        c.id, c.role, c.channel, c.chat_id, c.agency_id, c.name, c.identity_id, c.preferred,
        c.last_seen_at, c.committee_id).where(c.active.is_(True), c.reachable.is_(True)))).all()
    chosen = {chat.person_id for chat in one_chat_per_person(
        LinkedChat(row[0] or 0, row[2], row[3], row[6], row[7], row[8]) for row in people)}
    return [
        Recipient(person_id=person_id or 0, role=cast(Role, role), chat_ref=f"{channel}:{chat}",
                  agency_id=agency_id, name=name,
                  committee_id=committee_of(role, row[9]))
        for row in people
        for person_id, role, channel, chat, agency_id, name, *_ in (row,)
        if person_id in chosen and (role == "secretariat" or agency_id is not None)
    ]
