"""What the weekly digest reads, and the per-period record of its figures (DigestRun)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, tzinfo
from typing import cast

import sqlalchemy as sa
from sqlalchemy import func, union_all, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.appendix import ItemKind
from domain.deadlines import DeadlineKind
from domain.digest_inputs import (
    Assessment,
    AssignmentIn,
    DigestInputs,
    ExtensionIn,
    Figures,
    IndicatorIn,
    ItemIn,
    Period,
    PersonIn,
    PreviousDigest,
    ReminderIn,
    Role,
)
from domain.reminder_steps import Status, is_escalation
from storage.committees import DEFAULT_SCOPE, CommitteeScope
from storage.models import (
    DEFAULT_COMMITTEE_ID,
    Agency,
    Assignment,
    DigestRun,
    Document,
    Evidence,
    ExtensionRequest,
    FocalPerson,
    ImportRun,
    IndicatorReport,
    Item,
    Outbox,
    ReminderLog,
    StatusChange,
)
from storage.outbox import insert_ignoring_duplicates


def _of_scope(assignment_id: object, scope: CommitteeScope) -> sa.ColumnElement[bool]:
    """An assignment_id column's rows of the scope's assignments."""
    return col(assignment_id).in_(select(Assignment.id).where(scope.assignments()))


def _local(moment: datetime | str | None, tz: tzinfo) -> date | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        # An aggregate over a timestamp can come back as SQLite's stored UTC text.
        moment = datetime.fromisoformat(moment)
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).date()


async def attached_documents(scope: CommitteeScope = DEFAULT_SCOPE, *,
                             session: AsyncSession) -> dict[str, str]:
    """Per appendix file, the document its latest import said it is attached to."""
    rows = await session.exec(select(ImportRun.source, ImportRun.attached_to)
                              .where(ImportRun.committee_id == scope.committee_id)
                              .order_by(col(ImportRun.at), col(ImportRun.id)))
    return {source: attached for source, attached in rows.all() if attached}


async def _items(scope: CommitteeScope, session: AsyncSession) -> list[ItemIn]:
    attached = await attached_documents(scope, session=session)
    query = (
        sa.select(col(Item.id), col(Item.code), col(Item.number), col(Item.kind),
                  col(Item.text), col(Document.title), col(Item.lead_agencies),
                  col(Item.deadline_raw), col(Item.deadline_kind), col(Item.due),
                  col(Item.assessment), col(Document.code), col(Item.section), col(Item.source))
        .join(Document, col(Document.id) == col(Item.document_id), isouter=True)
        .where(scope.items()).order_by(col(Item.id)))
    rows = await session.exec(query)  # type: ignore[call-overload]
    return [
        ItemIn(item_id=item_id or 0, code=code or number, number=number,
               kind=cast(ItemKind, kind), text=text, document=title or "",
               lead_agencies=tuple(leads or ()), deadline_raw=raw,
               deadline_kind=cast(DeadlineKind, deadline_kind), due=due, assessment=assessment,
               document_code=document_code or title or "", section=section or "",
               attached_to=attached.get(source, ""))
        for (item_id, code, number, kind, text, title, leads, raw, deadline_kind, due,
             assessment, document_code, section, source) in rows.all()
    ]


async def _indicator_reports(scope: CommitteeScope,
                             session: AsyncSession) -> dict[int, IndicatorIn]:
    rows = await session.exec(
        select(IndicatorReport.assignment_id, IndicatorReport.at, IndicatorReport.assessment,
               IndicatorReport.value_text)
        .where(_of_scope(IndicatorReport.assignment_id, scope))
        .order_by(col(IndicatorReport.at), col(IndicatorReport.id)))
    # Ordered by time, so the last one written per assignment is its latest.
    return {assignment_id: IndicatorIn(cast(Assessment, assessment), at, value_text)
            for assignment_id, at, assessment, value_text in rows.all()}


async def _evidence(scope: CommitteeScope, session: AsyncSession) -> dict[int, tuple[str, ...]]:
    rows = await session.exec(
        select(StatusChange.assignment_id, Evidence.reference, Evidence.file_name)
        .join(StatusChange, col(StatusChange.id) == col(Evidence.status_change_id))
        .where(_of_scope(StatusChange.assignment_id, scope))
        .order_by(col(Evidence.id)))
    found: dict[int, dict[str, None]] = defaultdict(dict)
    for assignment_id, reference, file_name in rows.all():
        for proof in (reference, file_name):
            if proof:
                found[assignment_id][proof] = None
    return {assignment_id: tuple(proofs) for assignment_id, proofs in found.items()}


async def _assignments(tz: tzinfo, scope: CommitteeScope,
                       session: AsyncSession) -> list[AssignmentIn]:
    updates = union_all(
        select(StatusChange.assignment_id, StatusChange.at).where(
            _of_scope(StatusChange.assignment_id, scope)),
        select(IndicatorReport.assignment_id, IndicatorReport.at).where(
            _of_scope(IndicatorReport.assignment_id, scope)),
    ).subquery()
    last_update = (
        select(updates.c.assignment_id, func.max(updates.c.at).label("at"))
        .group_by(updates.c.assignment_id).subquery()
    )
    indicators = await _indicator_reports(scope, session)
    evidence = await _evidence(scope, session)
    groups = {agency_id: name for agency_id, name in (await session.exec(
        select(Agency.id, Agency.name).where(col(Agency.id).in_(
            select(Assignment.via_group_id).where(scope.assignments()).distinct())))).all()}
    # Plain columns, not ORM objects: this reads every assignment, 100,000 of them at scale.
    query = (
        sa.select(col(Assignment.id), col(Assignment.item_id), col(Assignment.agency_id),
                  col(Agency.name), col(Assignment.status), col(Assignment.percent),
                  col(Assignment.note), col(Assignment.done_on), col(Assignment.extended_due),
                  col(Assignment.status_changed_at), last_update.c.at,
                  col(Assignment.via_group_id), col(Agency.is_group),
                  col(Assignment.blocker_handled_on))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .join(last_update, last_update.c.assignment_id == col(Assignment.id), isouter=True)
        .where(col(Assignment.active).is_(True), scope.assignments())
        .order_by(col(Assignment.id)))
    rows = await session.exec(query)  # type: ignore[call-overload]
    return [
        AssignmentIn(
            assignment_id=assignment_id, item_id=item_id, agency_id=agency_id,
            agency_name=agency_name, status=cast(Status, status), percent=percent, note=note,
            done_on=done_on, extended_due=extended_due, status_since=_local(changed_at, tz),
            last_update=_local(updated_at, tz), indicator=indicators.get(assignment_id),
            evidence=evidence.get(assignment_id, ()),
            via_group=groups.get(via_group_id) if via_group_id is not None else None,
            agency_is_group=bool(is_group), blocker_handled_on=handled_on,
        )
        for (assignment_id, item_id, agency_id, agency_name, status, percent, note, done_on,
             extended_due, changed_at, updated_at, via_group_id, is_group,
             handled_on) in rows.all()
    ]


async def _extensions(tz: tzinfo, scope: CommitteeScope,
                      session: AsyncSession) -> list[ExtensionIn]:
    rows = await session.exec(select(ExtensionRequest).where(
        ExtensionRequest.state == "pending", _of_scope(ExtensionRequest.assignment_id, scope))
                              .order_by(col(ExtensionRequest.requested_at)))
    return [ExtensionIn(r.assignment_id, r.requested_at.astimezone(tz).date(), r.new_due,
                        r.reason) for r in rows.all()]


async def _reminders(period: Period, scope: CommitteeScope,
                     session: AsyncSession) -> list[ReminderIn]:
    # Plain columns, not ORM objects: a national week has hundreds of thousands of reminders.
    rows = await session.exec(
        select(col(ReminderLog.assignment_id), col(ReminderLog.day), col(ReminderLog.answered),
               col(ReminderLog.kind))
        .where(col(ReminderLog.day) >= period.start, col(ReminderLog.day) <= period.end,
               _of_scope(ReminderLog.assignment_id, scope)))
    return [ReminderIn(assignment_id, day, answered)
            for assignment_id, day, answered, kind in rows.all() if not is_escalation(kind)]


async def _people(scope: CommitteeScope, session: AsyncSession) -> list[PersonIn]:
    # The people of the agencies this committee assigns work to; the default committee also
    # keeps those of agencies nobody assigns anything (as a single committee always did).
    serving: sa.ColumnElement[bool] = col(FocalPerson.agency_id).in_(
        select(Assignment.agency_id).where(scope.assignments()))
    if scope.committee_id == DEFAULT_COMMITTEE_ID:
        serving = sa.or_(serving, col(FocalPerson.agency_id).not_in(
            select(Assignment.agency_id).distinct()))
    rows = await session.exec(
        select(FocalPerson, Agency.name)
        .join(Agency, col(Agency.id) == col(FocalPerson.agency_id))
        .where(col(FocalPerson.active).is_(True), col(FocalPerson.role).in_(("focal", "leader")),
               serving)
        .order_by(col(FocalPerson.id)))
    return [PersonIn(p.id or 0, p.agency_id or 0, agency_name, cast(Role, p.role), p.name,
                     p.reachable, p.unreachable_reason) for p, agency_name in rows.all()]


async def _heading(scope: CommitteeScope, session: AsyncSession) -> str:
    row = (await session.exec(select(ImportRun.title).where(
        col(ImportRun.title).is_not(None), ImportRun.committee_id == scope.committee_id)
                              .order_by(col(ImportRun.at).desc(), col(ImportRun.id).desc())
                              .limit(1))).first()
    return row or ""


async def previous_digest(period: Period, scope: CommitteeScope = DEFAULT_SCOPE, *,
                          session: AsyncSession) -> PreviousDigest | None:
    """The latest digest of a period that ended before this one began."""
    row = (await session.exec(select(DigestRun).where(col(DigestRun.period_end) < period.start,
                                                      _runs_of(scope))
                              .order_by(col(DigestRun.period_end).desc()).limit(1))).first()
    if row is None:
        return None
    return PreviousDigest(row.period_start, row.period_end, Figures.from_json(row.figures))


def _runs_of(scope: CommitteeScope) -> sa.ColumnElement[bool]:
    return col(DigestRun.committee_id) == scope.committee_id


async def recent_digests(period: Period, weeks: int = 7, scope: CommitteeScope = DEFAULT_SCOPE,
                         *, session: AsyncSession) -> list[PreviousDigest]:
    """The figures of the digests of up to `weeks` periods before this one, oldest first."""
    rows = (await session.exec(select(DigestRun).where(col(DigestRun.period_end) < period.start,
                                                       _runs_of(scope))
                               .order_by(col(DigestRun.period_end).desc()).limit(weeks))).all()
    return [PreviousDigest(r.period_start, r.period_end, Figures.from_json(r.figures))
            for r in reversed(rows) if r.figures]


async def load_digest_inputs(period: Period, tz: tzinfo, scope: CommitteeScope = DEFAULT_SCOPE,
                             *, session: AsyncSession) -> DigestInputs:
    """Everything one committee's digest of `period` needs, as of `period.today`, dates in
    `tz`: its items, their assignments and what hangs on them, the people of their agencies."""
    return DigestInputs(
        period=period, items=await _items(scope, session),
        assignments=await _assignments(tz, scope, session),
        extensions=await _extensions(tz, scope, session),
        reminders=await _reminders(period, scope, session),
        people=await _people(scope, session),
        previous=await previous_digest(period, scope, session=session),
        heading=await _heading(scope, session),
        history=await recent_digests(period, scope=scope, session=session),
    )


async def claim_digest_run(period: Period, now: datetime, scope: CommitteeScope = DEFAULT_SCOPE,
                           *, session: AsyncSession) -> bool:
    """Record the period's digest; False if another run (or instance) recorded it first.

    Written first in its transaction: on PostgreSQL a second instance waits here until the
    first commits, on SQLite the transaction takes the write lock before reading anything.
    """
    statement = insert_ignoring_duplicates(session, DigestRun).values(
        committee_id=scope.committee_id, period_start=period.start, period_end=period.end,
        built_at=now, figures={},
    ).on_conflict_do_nothing(index_elements=["committee_id", "period_start", "period_end"])
    return bool((await session.exec(statement)).rowcount == 1)


async def save_digest_figures(period: Period, figures: Figures,
                              scope: CommitteeScope = DEFAULT_SCOPE, *,
                              session: AsyncSession) -> None:
    """Keep the period's figures for the next digest's comparison."""
    await session.exec(update(DigestRun).where(_runs_of(scope),
        col(DigestRun.period_start) == period.start, col(DigestRun.period_end) == period.end,
    ).values(figures=figures.as_json()))


async def queued_keys(keys: list[str], *, session: AsyncSession) -> set[str]:
    """Which of these outbox keys are already queued (or sent)."""
    if not keys:
        return set()
    rows = await session.exec(select(Outbox.key).where(col(Outbox.key).in_(keys)))
    return set(rows.all())
