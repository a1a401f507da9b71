"""What the reminder policy reads from the database, and the history it leaves there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import cast

from sqlalchemy import func, union_all, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.deadlines import Deadline, DeadlineKind, Every
from domain.reminder_steps import ItemKind, Status
from domain.reminders import AssignmentState, DueReminder, Recipient, Role, SentReminder
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


@dataclass(frozen=True)
class ReminderInputs:
    """Everything the policy needs for one day, read in one go."""

    states: list[AssignmentState]
    history: list[SentReminder]
    recipients: list[Recipient]


async def load_reminder_inputs(tz: tzinfo, *, session: AsyncSession) -> ReminderInputs:
    """Open assignments with their deadlines, their reminder history, and who can be reached."""
    updates = union_all(
        select(StatusChange.assignment_id, StatusChange.at),
        select(IndicatorReport.assignment_id, IndicatorReport.at),
    ).subquery()
    last_update = (
        select(updates.c.assignment_id, func.max(updates.c.at).label("at"))
        .group_by(updates.c.assignment_id).subquery()
    )
    final = set((await session.exec(
        select(IndicatorReport.assignment_id).where(col(IndicatorReport.final).is_(True)))).all())
    rows = await session.exec(
        select(Assignment, Item, Agency.name, last_update.c.at)
        .join(Item, col(Item.id) == col(Assignment.item_id))
        .join(Agency, col(Agency.id) == col(Assignment.agency_id))
        .join(last_update, last_update.c.assignment_id == col(Assignment.id), isouter=True)
        .where(col(Assignment.active).is_(True), col(Assignment.status) != "done")
    )
    states = [
        AssignmentState(
            assignment_id=assignment.id or 0, item_code=item.code or "",
            agency_id=assignment.agency_id, agency_name=agency_name,
            item_kind=cast(ItemKind, item.kind), item_text=item.text,
            # An approved extension moves the reminders; the digest still judges by item.due.
            deadline=Deadline(item.deadline_raw, cast(DeadlineKind, item.deadline_kind),
                              assignment.extended_due or item.due, cast(Every | None, item.every)),
            status=cast(Status, assignment.status),
            last_update_on=updated_at.astimezone(tz).date() if updated_at else None,
            indicator_assessed_final=assignment.id in final,
        )
        for assignment, item, agency_name, updated_at in rows.all()
    ]
    open_ids = select(Assignment.id).where(col(Assignment.active).is_(True),
                                           col(Assignment.status) != "done")
    logs = await session.exec(select(ReminderLog).where(col(ReminderLog.assignment_id)
                                                        .in_(open_ids)))
    history = [SentReminder(log.assignment_id, log.kind, log.anchor, log.day, log.answered)
               for log in logs.all()]
    people = await session.exec(select(FocalPerson).where(
        col(FocalPerson.active).is_(True), col(FocalPerson.reachable).is_(True)))
    recipients = [
        Recipient(person_id=p.id or 0, role=cast(Role, p.role), chat_ref=f"{p.channel}:{p.chat_id}",
                  agency_id=p.agency_id, name=p.name)
        for p in people.all()
        if p.role == "secretariat" or p.agency_id is not None
    ]
    return ReminderInputs(states, history, recipients)


async def record_steps(steps: Iterable[DueReminder], day: date, *, answered: bool,
                       session: AsyncSession) -> list[DueReminder]:
    """Write the steps to the history; return those that were new.

    A step another scanner recorded first is left out, so it is never sent twice.
    """
    taken = []
    for step in steps:
        statement = insert_ignoring_duplicates(session, ReminderLog).values(
            assignment_id=step.assignment.assignment_id, kind=step.kind, anchor=step.anchor,
            day=day, answered=answered,
        ).on_conflict_do_nothing(index_elements=["assignment_id", "kind", "anchor"])
        if (await session.exec(statement)).rowcount == 1:
            taken.append(step)
    return taken


async def link_steps(steps: Iterable[DueReminder], outbox_id: int, *,
                     session: AsyncSession) -> None:
    """Remember which outbox message carried the steps (a reply to it names them)."""
    for step in steps:
        await session.exec(update(ReminderLog).where(
            col(ReminderLog.assignment_id) == step.assignment.assignment_id,
            col(ReminderLog.kind) == step.kind, col(ReminderLog.anchor) == step.anchor,
        ).values(outbox_id=outbox_id))
