"""What the weekly digest reads, and the per-period record of its figures (DigestRun)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, tzinfo
from typing import cast

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
from storage.models import (
    Agency,
    Assignment,
    DigestRun,
    Document,
    Evidence,
    ExtensionRequest,
    FocalPerson,
    IndicatorReport,
    Item,
    Outbox,
    ReminderLog,
    StatusChange,
)
from storage.outbox import insert_ignoring_duplicates


def _local(moment: datetime | None, tz: tzinfo) -> date | None:
    return moment.astimezone(tz).date() if moment is not None else None


async def _items(session: AsyncSession) -> list[ItemIn]:
    rows = await session.exec(select(Item, Document.title).join(Document, isouter=True)
                              .order_by(col(Item.id)))
    return [
        ItemIn(item_id=item.id or 0, code=item.code or item.number, number=item.number,
               kind=cast(ItemKind, item.kind), text=item.text, document=title or "",
               lead_agencies=tuple(item.lead_agencies), deadline_raw=item.deadline_raw,
               deadline_kind=cast(DeadlineKind, item.deadline_kind), due=item.due,
               assessment=item.assessment)
        for item, title in rows.all()
    ]


async def _indicator_reports(session: AsyncSession) -> dict[int, IndicatorIn]:
    rows = await session.exec(
        select(IndicatorReport.assignment_id, IndicatorReport.at, IndicatorReport.assessment,
               IndicatorReport.value_text)
        .order_by(col(IndicatorReport.at), col(IndicatorReport.id)))
    # Ordered by time, so the last one written per assignment is its latest.
    return {assignment_id: IndicatorIn(cast(Assessment, assessment), at, value_text)
            for assignment_id, at, assessment, value_text in rows.all()}


async def _evidence(session: AsyncSession) -> dict[int, tuple[str, ...]]:
    rows = await session.exec(
        select(StatusChange.assignment_id, Evidence.reference, Evidence.file_name)
        .join(StatusChange, col(StatusChange.id) == col(Evidence.status_change_id))
        .order_by(col(Evidence.id)))
    found: dict[int, dict[str, None]] = defaultdict(dict)
    for assignment_id, reference, file_name in rows.all():
        for proof in (reference, file_name):
            if proof:
                found[assignment_id][proof] = None
    return {assignment_id: tuple(proofs) for assignment_id, proofs in found.items()}


async def _assignments(tz: tzinfo, session: AsyncSession) -> list[AssignmentIn]:
    updates = union_all(
        select(StatusChange.assignment_id, StatusChange.at),
        select(IndicatorReport.assignment_id, IndicatorReport.at),
    ).subquery()
    last_update = (
        select(updates.c.assignment_id, func.max(updates.c.at).label("at"))
        .group_by(updates.c.assignment_id).subquery()
    )
    indicators = await _indicator_reports(session)
    evidence = await _evidence(session)
    rows = await session.exec(
        select(Assignment, Agency.name, last_update.c.at)
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .join(last_update, last_update.c.assignment_id == col(Assignment.id), isouter=True)
        .where(col(Assignment.active).is_(True)).order_by(col(Assignment.id)))
    return [
        AssignmentIn(
            assignment_id=a.id or 0, item_id=a.item_id, agency_id=a.agency_id,
            agency_name=agency_name, status=cast(Status, a.status), percent=a.percent,
            note=a.note, done_on=a.done_on, extended_due=a.extended_due,
            status_since=_local(a.status_changed_at, tz), last_update=_local(updated_at, tz),
            indicator=indicators.get(a.id or 0), evidence=evidence.get(a.id or 0, ()),
        )
        for a, agency_name, updated_at in rows.all()
    ]


async def _extensions(tz: tzinfo, session: AsyncSession) -> list[ExtensionIn]:
    rows = await session.exec(select(ExtensionRequest).where(ExtensionRequest.state == "pending")
                              .order_by(col(ExtensionRequest.requested_at)))
    return [ExtensionIn(r.assignment_id, r.requested_at.astimezone(tz).date(), r.new_due,
                        r.reason) for r in rows.all()]


async def _reminders(period: Period, session: AsyncSession) -> list[ReminderIn]:
    rows = await session.exec(select(ReminderLog).where(
        col(ReminderLog.day) >= period.start, col(ReminderLog.day) <= period.end))
    return [ReminderIn(log.assignment_id, log.day, log.answered) for log in rows.all()
            if not is_escalation(log.kind)]


async def _people(session: AsyncSession) -> list[PersonIn]:
    rows = await session.exec(
        select(FocalPerson, Agency.name)
        .join(Agency, col(Agency.id) == col(FocalPerson.agency_id))
        .where(col(FocalPerson.active).is_(True), col(FocalPerson.role).in_(("focal", "leader")))
        .order_by(col(FocalPerson.id)))
    return [PersonIn(p.id or 0, p.agency_id or 0, agency_name, cast(Role, p.role), p.name,
                     p.reachable, p.unreachable_reason) for p, agency_name in rows.all()]


async def previous_digest(period: Period, *, session: AsyncSession) -> PreviousDigest | None:
    """The latest digest of a period that ended before this one began."""
    row = (await session.exec(select(DigestRun).where(col(DigestRun.period_end) < period.start)
                              .order_by(col(DigestRun.period_end).desc()).limit(1))).first()
    if row is None:
        return None
    return PreviousDigest(row.period_start, row.period_end, Figures.from_json(row.figures))


async def load_digest_inputs(period: Period, tz: tzinfo, *,
                             session: AsyncSession) -> DigestInputs:
    """Everything the digest of `period` needs, as of `period.today`, dates in `tz`."""
    return DigestInputs(
        period=period, items=await _items(session), assignments=await _assignments(tz, session),
        extensions=await _extensions(tz, session), reminders=await _reminders(period, session),
        people=await _people(session), previous=await previous_digest(period, session=session),
    )


async def claim_digest_run(period: Period, now: datetime, *, session: AsyncSession) -> bool:
    """Record the period's digest; False if another run (or instance) recorded it first.

    Written first in its transaction: on PostgreSQL a second instance waits here until the
    first commits, on SQLite the transaction takes the write lock before reading anything.
    """
    statement = insert_ignoring_duplicates(session, DigestRun).values(
        period_start=period.start, period_end=period.end, built_at=now, figures={},
    ).on_conflict_do_nothing(index_elements=["period_start", "period_end"])
    return bool((await session.exec(statement)).rowcount == 1)


async def save_digest_figures(period: Period, figures: Figures, *,
                              session: AsyncSession) -> None:
    """Keep the period's figures for the next digest's comparison."""
    await session.exec(update(DigestRun).where(
        col(DigestRun.period_start) == period.start, col(DigestRun.period_end) == period.end,
    ).values(figures=figures.as_json()))


async def queued_keys(keys: list[str], *, session: AsyncSession) -> set[str]:
    """Which of these outbox keys are already queued (or sent)."""
    if not keys:
        return set()
    rows = await session.exec(select(Outbox.key).where(col(Outbox.key).in_(keys)))
    return set(rows.all())
