"""What the reminder policy reads from the database, and the history it leaves there."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import bindparam, func, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.channels import LinkedChat, one_chat_per_person
from domain.deadlines import Deadline, DeadlineKind, Every
from domain.reminder_steps import CHECKIN_KINDS, FOLLOW_UP, ItemKind, Status
from domain.reminders import (
    AssignmentState,
    DueReminder,
    Recipient,
    Role,
    ScanScope,
    SentReminder,
)
from storage.models import (
    Agency,
    Assignment,
    FocalPerson,
    IndicatorReport,
    Item,
    ReminderLog,
    StatusChange,
)
from storage.outbox import insert_ignoring_duplicates

_assignment = cast(sa.Table, Assignment.__table__)  # type: ignore[attr-defined]
_item = cast(sa.Table, Item.__table__)  # type: ignore[attr-defined]
_agency = cast(sa.Table, Agency.__table__)  # type: ignore[attr-defined]
_log = cast(sa.Table, ReminderLog.__table__)  # type: ignore[attr-defined]
_change = cast(sa.Table, StatusChange.__table__)  # type: ignore[attr-defined]
_report = cast(sa.Table, IndicatorReport.__table__)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ReminderInputs:
    """Everything the policy needs for one day, read in one go."""

    states: list[AssignmentState]
    history: list[SentReminder]
    recipients: list[Recipient]


def _is_open() -> Any:
    return sa.and_(_assignment.c.active.is_(True), _assignment.c.status != "done")


def _due() -> Any:
    # An approved extension moves the reminders; the digest still judges by item.due.
    return func.coalesce(_assignment.c.extended_due, _item.c.due)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _rows(session: AsyncSession, name: str, columns: Sequence[tuple[str, Any]],
          rows: Sequence[tuple[Any, ...]]) -> Any:
    """A little table passed as one parameter: unnest() arrays, or json_each() on SQLite."""
    if _dialect(session) == "postgresql":
        arrays = [bindparam(f"{name}_{column}", [row[index] for row in rows], type_=ARRAY(kind))
                  for index, (column, kind) in enumerate(columns)]
        return func.unnest(*arrays).table_valued(
            *(sa.column(column, kind) for column, kind in columns)).render_derived(name)
    cells = json.dumps([[v.isoformat() if isinstance(v, date) else v for v in row]
                        for row in rows])
    each = func.json_each(bindparam(f"{name}_json", cells)).table_valued("value")
    # Materialised, so SQLite reads the JSON once and indexes it instead of per joined row.
    return select(*(func.json_extract(each.c.value, f"$[{index}]").label(column)
                    for index, (column, _) in enumerate(columns))).select_from(each).cte(
        name).prefix_with("MATERIALIZED")


def _id_set(session: AsyncSession, ids: Sequence[int]) -> Any:
    table = _rows(session, "ids", [("id", sa.Integer)], [(i,) for i in ids])
    return select(table.c.id)


def _local_midnight(session: AsyncSession, day: Any, tz: tzinfo) -> Any:
    """The UTC instant a local day starts; on SQLite, with the zone's smallest offset."""
    if _dialect(session) == "postgresql" and isinstance(tz, ZoneInfo):
        return sa.cast(day, sa.DateTime).op("AT TIME ZONE")(tz.key)
    seconds = _smallest_offset(tz)
    if _dialect(session) == "postgresql":
        return (sa.cast(day, sa.DateTime).op("AT TIME ZONE")("UTC")
                - sa.text(f"interval '{seconds} seconds'"))
    return func.datetime(day, f"{-seconds:+d} seconds")


@lru_cache(maxsize=16)
def _smallest_offset(tz: tzinfo) -> int:
    # A later bound only keeps more candidates (and marks fewer reminders answered): the
    # zone's smallest UTC offset errs on the safe side, and is exact for a zone without DST.
    offset = min(datetime(year, month, 1, tzinfo=UTC).astimezone(tz).utcoffset() or timedelta()
                 for year in range(1970, 2101) for month in range(1, 13))
    return int(offset.total_seconds())


async def due_dates(*, session: AsyncSession) -> list[date]:
    """Every deadline an assignment can have: its item's, or an approved extension."""
    rows = await session.exec(union_all(  # type: ignore[call-overload]
        select(_item.c.due).where(_item.c.due.is_not(None)).distinct(),
        select(_assignment.c.extended_due).where(_assignment.c.extended_due.is_not(None))
        .distinct()))
    return sorted({_day(row[0]) for row in rows.all()})


async def _extensions(session: AsyncSession) -> list[tuple[int, date]]:
    rows = await session.exec(select(_assignment.c.id, _assignment.c.extended_due).where(
        _assignment.c.extended_due.is_not(None), _is_open()))
    return [(assignment_id, _day(due)) for assignment_id, due in rows.all()]


async def candidate_ids(scope: ScanScope, tz: tzinfo, *, session: AsyncSession) -> list[int]:
    """The open assignments the policy could remind on the scope's day: a superset, no more."""
    found: set[int] = set()
    extended = await _extensions(session)
    for query in (*_dated(scope, extended, session), _checkins(scope, session),
                  _follow_ups(scope, tz, session)):
        found.update((await session.exec(query)).all())  # single-column selects: scalars
    return sorted(found)


def _dated(scope: ScanScope, extended: Sequence[tuple[int, date]],
           session: AsyncSession) -> tuple[Any, Any]:
    """Dated tasks whose deadline has a step or escalation today that their history lacks."""
    a, i, log = _assignment, _item, _log
    dues = sorted({*scope.deadline_kinds, *scope.escalation_kinds})
    steps = _rows(session, "steps", [("due", sa.Date), ("focal", sa.String),
                                     ("escalation", sa.String)],
                  [(due, scope.deadline_kinds.get(due), scope.escalation_kinds.get(due))
                   for due in dues])
    moved = _rows(session, "moved", [("id", sa.Integer), ("due", sa.Date)],
                  [(aid, due) for aid, due in extended if due in set(dues)])

    def missing(kind: Any) -> Any:
        return sa.and_(kind.is_not(None), ~sa.exists().where(
            log.c.assignment_id == a.c.id, log.c.kind == kind, log.c.anchor == steps.c.due))

    wanted = sa.and_(_is_open(), i.c.kind != "indicator", i.c.deadline_kind == "date",
                     sa.or_(missing(steps.c.focal), missing(steps.c.escalation)))
    # From the few step dates to their items (ix_item_due) to their assignments: the
    # assignments of deadlines far ahead are never read. Extensions are few: scanned apart.
    by_item = select(a.c.id).select_from(
        steps.join(i, i.c.due == steps.c.due).join(a, a.c.item_id == i.c.id)
    ).where(a.c.extended_due.is_(None), wanted)
    by_extension = select(a.c.id).select_from(
        moved.join(a, a.c.id == moved.c.id).join(i, i.c.id == a.c.item_id)
        .join(steps, steps.c.due == moved.c.due)
    ).where(a.c.extended_due.is_not(None), wanted)
    return by_item, by_extension


def _checkins(scope: ScanScope, session: AsyncSession) -> Any:
    """Undated items and indicators with no check-in yet for their current period."""
    a, i, log = _assignment, _item, _log
    policy = scope.policy
    cadence = sa.case(
        (i.c.kind == "indicator", sa.literal(policy.indicator_every)),
        (sa.and_(i.c.deadline_kind == "date", _due().is_not(None)), sa.null()),
        (i.c.deadline_kind == "recurring", func.coalesce(i.c.every, policy.recurring_default)),
        (i.c.deadline_kind == "dependent", sa.literal(policy.dependent_every)),
        else_=sa.literal(policy.undated_every))
    starts = _rows(session, "starts", [("every", sa.String), ("start", sa.Date)],
                   sorted(scope.period_starts.items()))
    # Items first (everything but a dated task with its date), then their assignments.
    undated = select(i.c.id).where(
        sa.or_(i.c.kind == "indicator", i.c.deadline_kind != "date", i.c.due.is_(None)))
    return select(a.c.id).select_from(
        a.join(i, i.c.id == a.c.item_id).outerjoin(starts, starts.c.every == cadence)
    ).where(
        a.c.item_id.in_(undated), _is_open(), cadence.is_not(None), sa.or_(
            starts.c.start.is_(None),  # a cadence the scope does not know: let the policy judge
            ~sa.exists().where(log.c.assignment_id == a.c.id,
                               log.c.kind.in_(sorted(CHECKIN_KINDS)),
                               log.c.anchor == starts.c.start)))


def _follow_ups(scope: ScanScope, tz: tzinfo, session: AsyncSession) -> Any:
    """Assignments whose last reminder waited long enough, unanswered and not followed up."""
    a, log = _assignment, _log
    last, newer, follow = log.alias("last"), log.alias("newer"), log.alias("follow")
    reminder = _is_reminder
    since = _local_midnight(session, last.c.day, tz)
    # Only reminders still waiting for an answer (settle_answered marks the others), so after
    # the first scan this reads one column of the history and looks closer at a few rows.
    return select(last.c.assignment_id).select_from(
        last.join(a, a.c.id == last.c.assignment_id)
    ).where(
        last.c.answered.is_(False), reminder(last), last.c.day <= scope.follow_up_cutoff,
        ~sa.exists().where(follow.c.assignment_id == last.c.assignment_id,
                           follow.c.kind == FOLLOW_UP, follow.c.anchor == last.c.day),
        ~sa.exists().where(_change.c.assignment_id == last.c.assignment_id,
                           _change.c.at >= since),
        ~sa.exists().where(_report.c.assignment_id == last.c.assignment_id,
                           _report.c.at >= since),
        ~sa.exists().where(newer.c.assignment_id == last.c.assignment_id, reminder(newer),
                           newer.c.day > last.c.day, newer.c.day <= scope.on),
        _is_open(),
    )


async def load_reminder_inputs(tz: tzinfo, *, session: AsyncSession,
                               assignment_ids: Sequence[int] | None = None,
                               scope: ScanScope | None = None) -> ReminderInputs:
    """Open assignments (all, or those ids) with deadlines and history, and who can be reached.

    With a scope, only the history rows the policy reads that day are loaded: those anchored
    at the assignment's deadline or a current period, and those from its last reminder on.
    """
    a, i, log = _assignment, _item, _log
    last_change = select(func.max(_change.c.at)).where(
        _change.c.assignment_id == a.c.id).scalar_subquery()
    last_report = select(func.max(_report.c.at)).where(
        _report.c.assignment_id == a.c.id).scalar_subquery()
    final = sa.exists().where(_report.c.assignment_id == a.c.id, _report.c.final.is_(True))
    query = sa.select(
        a.c.id, i.c.code, i.c.kind, i.c.text, a.c.agency_id, _agency.c.name, i.c.deadline_raw,
        i.c.deadline_kind, _due().label("due"), i.c.every, a.c.status, last_change,
        last_report, final,
    ).select_from(a.join(i, i.c.id == a.c.item_id).join(_agency, _agency.c.id == a.c.agency_id)
                  ).where(_is_open())
    history_query = sa.select(log.c.assignment_id, log.c.kind, log.c.anchor, log.c.day,
                           log.c.answered)
    if assignment_ids is None:
        history_query = history_query.where(log.c.assignment_id.in_(select(a.c.id).where(
            _is_open())))
    else:
        wanted = _id_set(session, assignment_ids)
        query = query.where(a.c.id.in_(wanted))
        history_query = history_query.where(log.c.assignment_id.in_(wanted))
        if scope is not None:
            history_query = _relevant(history_query, scope, wanted, session)
    states = [_state(row, tz) for row in (await session.exec(query)).all()]  # type: ignore[call-overload]
    history = [SentReminder(aid, kind, _day(anchor), _day(day), bool(answered))
               for aid, kind, anchor, day, answered
               in (await session.exec(history_query)).all()]  # type: ignore[call-overload]
    return ReminderInputs(states, history, await load_recipients(session=session))


def _relevant(query: Any, scope: ScanScope, wanted: Any, session: AsyncSession) -> Any:
    a, i, log = _assignment, _item, _log
    recent = log.alias("recent")
    last = select(recent.c.assignment_id, func.max(recent.c.day).label("day")).where(
        recent.c.assignment_id.in_(wanted), _is_reminder(recent),
        recent.c.day <= scope.on).group_by(recent.c.assignment_id).subquery("last")
    # One text key, "kind@anchor": SQLite only indexes the little table on a plain text match.
    earlier = _rows(session, "earlier", [("key", sa.String)],
                    [(f"{kind}@{due.isoformat()}",) for due, kinds
                     in sorted(scope.superseded.items()) for kind in sorted(kinds)])
    key = log.c.kind + "@" + sa.cast(log.c.anchor, sa.String)
    return query.select_from(
        log.join(a, a.c.id == log.c.assignment_id).join(i, i.c.id == a.c.item_id)
        .outerjoin(last, last.c.assignment_id == log.c.assignment_id)
        .outerjoin(earlier, earlier.c.key == key)
    ).where(sa.or_(sa.and_(log.c.anchor == _due(), earlier.c.key.is_(None)),
                   log.c.anchor.in_(sorted(scope.period_starts.values())),
                   log.c.day >= last.c.day))


def _is_reminder(row: Any) -> Any:
    """A reminder a follow-up can answer: not a follow-up itself, nor an escalation."""
    return sa.and_(row.c.kind != FOLLOW_UP, ~row.c.kind.startswith("escalation_"))


def _day(value: date | str) -> date:
    # Columns read through json/unnest helpers keep their type; plain ones come back as dates.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _state(row: Any, tz: tzinfo) -> AssignmentState:
    (assignment_id, code, kind, text, agency_id, agency_name, raw, deadline_kind, due, every,
     status, last_change, last_report, final) = row
    updated = max((moment for moment in (last_change, last_report) if moment is not None),
                  default=None)
    return AssignmentState(
        assignment_id=assignment_id, item_code=code or "", item_kind=cast(ItemKind, kind),
        item_text=text, agency_id=agency_id, agency_name=agency_name,
        deadline=Deadline(raw, cast(DeadlineKind, deadline_kind),
                          _day(due) if due is not None else None, cast(Every | None, every)),
        status=cast(Status, status),
        last_update_on=_aware(updated).astimezone(tz).date() if updated else None,
        indicator_assessed_final=bool(final),
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
    people = (await session.exec(select(  # type: ignore[call-overload]
        FocalPerson.id, FocalPerson.role, FocalPerson.channel, FocalPerson.chat_id,
        FocalPerson.agency_id, FocalPerson.name, FocalPerson.identity_id,
        FocalPerson.preferred, FocalPerson.last_seen_at).where(
        col(FocalPerson.active).is_(True), col(FocalPerson.reachable).is_(True)))).all()
    chosen = {chat.person_id for chat in one_chat_per_person(
        LinkedChat(row[0] or 0, row[2], row[3], row[6], row[7], row[8]) for row in people)}
    return [
        Recipient(person_id=person_id or 0, role=cast(Role, role), chat_ref=f"{channel}:{chat}",
                  agency_id=agency_id, name=name)
        for person_id, role, channel, chat, agency_id, name, *_ in people
        if person_id in chosen and (role == "secretariat" or agency_id is not None)
    ]


async def settle_answered(today: date, tz: tzinfo, *, session: AsyncSession) -> int:
    """Mark reminders answered once the focal person reported after them; how many were marked.

    The policy already treats such a reminder as answered (an update on or after the day it
    was sent), and updates are never removed: marking it changes no decision, but it leaves
    only the reminders still waiting for an answer for the follow-up search to look at.
    """
    since = _local_midnight(session, _log.c.day, tz)
    result = await session.exec(sa.update(_log).where(
        _log.c.answered.is_(False), _is_reminder(_log), _log.c.day <= today,
        sa.or_(sa.exists().where(_change.c.assignment_id == _log.c.assignment_id,
                                 _change.c.at >= since),
               sa.exists().where(_report.c.assignment_id == _log.c.assignment_id,
                                 _report.c.at >= since)),
    ).values(answered=True))
    return int(result.rowcount or 0)


async def record_steps(steps: Iterable[DueReminder], day: date, *, answered: bool,
                       session: AsyncSession) -> list[tuple[DueReminder, int]]:
    """Write the steps to the history; return those that were new, with their row ids.

    A step another scanner recorded first is left out, so it is never sent twice.
    """
    wanted = {(s.assignment_id, s.kind, s.anchor): s for s in steps}
    if not wanted:
        return []
    # One statement, many rows: SQLAlchemy batches it ("insertmanyvalues") and keeps RETURNING.
    statement = insert_ignoring_duplicates(session, ReminderLog).on_conflict_do_nothing(
        index_elements=["assignment_id", "kind", "anchor"]).returning(
        _log.c.id, _log.c.assignment_id, _log.c.kind, _log.c.anchor)
    rows = await session.exec(statement, params=[
        {"assignment_id": aid, "kind": kind, "anchor": anchor, "day": day, "answered": answered}
        for aid, kind, anchor in wanted])
    taken = {(aid, kind, _day(anchor)): row_id for row_id, aid, kind, anchor in rows.all()}
    return [(wanted[key], taken[key]) for key in wanted if key in taken]


async def link_steps(links: Sequence[tuple[int, int]], *, session: AsyncSession) -> None:
    """Remember which outbox message carried each history row: (row id, outbox id) pairs."""
    if not links:
        return
    await session.exec(
        sa.update(_log).where(_log.c.id == bindparam("row_id"))
        .values(outbox_id=bindparam("outbox_id")),
        params=[{"row_id": row_id, "outbox_id": outbox_id} for row_id, outbox_id in links])
