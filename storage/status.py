"""Status updates, extension requests and indicator reports: every change appended to history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Assignment,
    Evidence,
    EvidenceFile,
    ExtensionRequest,
    IndicatorReport,
    StatusChange,
)

Status = Literal["not_started", "in_progress", "blocked", "done"]
STATUSES: tuple[Status, ...] = ("not_started", "in_progress", "blocked", "done")
Assessment = Literal["achieved", "not_achieved", "not_assessable"]


class StatusError(Exception):
    """A status change that cannot be made; the message is Vietnamese, for the person."""


@dataclass(frozen=True)
class Actor:
    """Who made a change: a linked person (focal, secretariat) or the system."""

    kind: Literal["focal", "secretariat", "leader", "system", "import"]
    person_id: int | None = None


@dataclass(frozen=True)
class EvidenceIn:
    """Evidence to attach: a document reference, or a file the platform holds."""

    reference: str | None = None
    file_id: str | None = None
    file_name: str | None = None
    file_size: int | None = None
    # The file's bytes when dondoc keeps them itself (a Zalo photo), with their type.
    data: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class Source:
    """The message a change came from."""

    ref: str | None = None
    text: str | None = None
    reply_to_outbox_id: int | None = None


_NOT_FOUND = "Không tìm thấy nhiệm vụ này (có thể đã được giao lại cho đơn vị khác)."


async def _assignment(assignment_id: int, session: AsyncSession) -> Assignment:
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None or not assignment.active:
        raise StatusError(_NOT_FOUND)
    return assignment


# A status is recorded with two table statements, not the ORM's get-and-flush (a select, an
# update, an insert, and the unit of work's bookkeeping): it runs for most messages people send.
_ASSIGNMENT = cast(sa.Table, Assignment.__table__)  # type: ignore[attr-defined]
_STATUS_CHANGE = cast(sa.Table, StatusChange.__table__)  # type: ignore[attr-defined]
_param = sa.bindparam
# The change row takes the old status from the assignment row in the same statement; no row
# means no active assignment, and nothing was written.
_INSERT_CHANGE = _STATUS_CHANGE.insert().from_select(
    ["assignment_id", "at", "actor", "focal_person_id", "message_ref", "message_text",
     "reply_to_outbox_id", "old_status", "new_status", "percent", "note", "expected_on"],
    sa.select(_ASSIGNMENT.c.id, _param("at", type_=_STATUS_CHANGE.c.at.type),
              _param("actor", type_=sa.String()), _param("person_id", type_=sa.Integer()),
              _param("ref", type_=sa.String()), _param("text", type_=sa.String()),
              _param("reply_to", type_=sa.Integer()), _ASSIGNMENT.c.status,
              _param("status", type_=sa.String()), _param("percent", type_=sa.Integer()),
              _param("note", type_=sa.String()), _param("expected_on", type_=sa.Date()))
    .where(_ASSIGNMENT.c.id == _param("assignment_id"), _ASSIGNMENT.c.active.is_(True)),
).returning(_STATUS_CHANGE.c.id, _STATUS_CHANGE.c.old_status)
_SET_FIELDS = ("status", "percent", "done_on", "status_changed_at", "expected_on")


@cache
def _update_assignment(with_note: bool) -> Any:
    fields = (*_SET_FIELDS, "note") if with_note else _SET_FIELDS
    return _ASSIGNMENT.update().where(_ASSIGNMENT.c.id == _param("assignment_id")).values(
        {name: _param(f"new_{name}", type_=_ASSIGNMENT.c[name].type) for name in fields})


async def record_status(
    assignment_id: int, status: Status, now: datetime, today: date, actor: Actor, *,
    session: AsyncSession, percent: int | None = None, note: str | None = None,
    source: Source | None = None, evidence: Sequence[EvidenceIn] = (),
    expected_on: date | None = None,
) -> StatusChange:
    """Set an assignment's status and append the change (with its evidence) to the history.

    expected_on: the completion date an in-progress report gives; any other status, or a
    report without one, clears the assignment's (the reminder policy checks in on it).
    """
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if percent is not None and not 0 <= percent <= 100:
        raise StatusError("Tỷ lệ hoàn thành phải từ 0 đến 100%.")
    source = source or Source()
    percent = 100 if status == "done" else percent
    expected_on = expected_on if status == "in_progress" else None
    result: Any = await session.exec(_INSERT_CHANGE, params={
        "assignment_id": assignment_id, "at": now, "actor": actor.kind,
        "person_id": actor.person_id, "ref": source.ref, "text": source.text,
        "reply_to": source.reply_to_outbox_id, "status": status, "percent": percent,
        "note": note, "expected_on": expected_on})
    inserted = result.first()
    if inserted is None:
        raise StatusError(_NOT_FOUND)
    change_id, old = inserted
    values: dict[str, Any] = {"status": status, "percent": percent,
                              "done_on": today if status == "done" else None,
                              "status_changed_at": now, "expected_on": expected_on}
    if note:
        values["note"] = note
    await session.exec(_update_assignment(bool(note)), params={
        "assignment_id": assignment_id, **{f"new_{k}": v for k, v in values.items()}})
    # An Assignment this session already holds must read what the row now says.
    held = session.identity_map.get(identity_key(Assignment, assignment_id))
    if held is not None:
        for name, value in values.items():
            set_committed_value(held, name, value)
    change = StatusChange(
        id=change_id, assignment_id=assignment_id, at=now, actor=actor.kind,
        focal_person_id=actor.person_id, message_ref=source.ref, message_text=source.text,
        reply_to_outbox_id=source.reply_to_outbox_id, old_status=old, new_status=status,
        percent=percent, note=note, expected_on=expected_on)
    if evidence:
        await attach_evidence(change_id, evidence, session=session)
    return change


async def latest_change(assignment_id: int, *, session: AsyncSession) -> StatusChange | None:
    """The newest status change of an assignment."""
    return (await session.exec(select(StatusChange).where(
        StatusChange.assignment_id == assignment_id).order_by(col(StatusChange.id).desc()))
    ).first()


async def attach_evidence(change_id: int, evidence: Sequence[EvidenceIn], *,
                          session: AsyncSession) -> None:
    """Attach evidence sent after the update it belongs to."""
    for proof in evidence:
        row = Evidence(status_change_id=change_id, reference=proof.reference,
                       file_id=proof.file_id, file_name=proof.file_name,
                       file_size=proof.file_size)
        session.add(row)
        if proof.data is not None:
            await session.flush()
            assert row.id is not None
            session.add(EvidenceFile(evidence_id=row.id, data=proof.data,
                                     content_type=proof.content_type
                                     or "application/octet-stream"))
    await session.flush()


async def request_extension(
    assignment_id: int, new_due: date | None, reason: str | None, now: datetime, actor: Actor, *,
    session: AsyncSession,
) -> ExtensionRequest:
    """Record a request for more time; the deadline stays until the secretariat decides."""
    await _assignment(assignment_id, session)
    pending = await session.exec(select(ExtensionRequest).where(
        ExtensionRequest.assignment_id == assignment_id, ExtensionRequest.state == "pending"))
    for earlier in pending.all():
        earlier.state = "superseded"
        session.add(earlier)
    request = ExtensionRequest(assignment_id=assignment_id, requested_by=actor.person_id,
                               requested_at=now, new_due=new_due, reason=reason)
    session.add(request)
    await session.flush()
    return request


async def decide_extension(request_id: int, approve: bool, now: datetime, actor: Actor, *,
                           session: AsyncSession) -> ExtensionRequest:
    """Approve or refuse a pending request; approval moves the reminders, not the deadline."""
    request = await session.get(ExtensionRequest, request_id)
    if request is None or request.state != "pending":
        raise StatusError("Đề nghị gia hạn này không còn chờ duyệt.")
    if approve and request.new_due is None:
        raise StatusError("Đề nghị chưa ghi ngày gia hạn; hãy hỏi lại đơn vị ngày đề xuất.")
    request.state = "approved" if approve else "refused"
    request.decided_by = actor.person_id
    request.decided_at = now
    session.add(request)
    if approve:
        assignment = await _assignment(request.assignment_id, session)
        assignment.extended_due = request.new_due
        session.add(assignment)
    await session.flush()
    return request


async def pending_extensions(*, session: AsyncSession) -> list[ExtensionRequest]:
    """Requests waiting for the secretariat, oldest first."""
    rows = await session.exec(select(ExtensionRequest).where(ExtensionRequest.state == "pending")
                              .order_by(col(ExtensionRequest.requested_at)))
    return list(rows.all())


async def record_indicator(
    assignment_id: int, assessment: Assessment, now: datetime, actor: Actor, *,
    session: AsyncSession, value_text: str | None = None, value: float | None = None,
    unit: str | None = None, final: bool = False,
) -> IndicatorReport:
    """Keep an indicator's assessment and reported value with its date."""
    await _assignment(assignment_id, session)
    report = IndicatorReport(assignment_id=assignment_id, at=now, reported_by=actor.person_id,
                             assessment=assessment, value_text=value_text, value=value,
                             unit=unit, final=final)
    session.add(report)
    await session.flush()
    return report
