"""Every read of the web console (the list: storage.console_list): each takes a Scope."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.deadline_model import Deadline
from domain.digest import Digest, build_digest
from domain.digest_inputs import DigestInputs, digest_period
from storage.committees import COMMITTEE_ROLES, CommitteeScope, person_scope
from storage.deadlines import stored_deadline
from storage.digest import load_digest_inputs
from storage.models import (
    Agency,
    AgencyAlias,
    AgencyMembership,
    Assignment,
    DeadlineChange,
    Document,
    Evidence,
    EvidenceFile,
    ExtensionRequest,
    FocalPerson,
    ImportRun,
    Invite,
    Item,
    Outbox,
    ReminderLog,
    StatusChange,
)


@dataclass(frozen=True)
class Scope(CommitteeScope):
    """What a console user sees: their committee's items (storage.committees), read through
    its base filters here."""


# The default committee's scope (a single-committee deployment's whole database).
WHOLE = Scope()


def scope_for(person: FocalPerson) -> Scope:
    """The console scope of a signed-in person."""
    return Scope(person_scope(person).committee_id)


@dataclass(frozen=True)
class Overview:
    """The digest's figures for today, and the per-document table built from its classes."""

    digest: Digest
    by_document: dict[str, Counter[str]]


def overview_of(inputs: DigestInputs) -> Overview:
    """The digest built from its inputs, and the per-document table of its task classes."""
    digest = build_digest(inputs)
    by_document: dict[str, Counter[str]] = defaultdict(Counter)
    for status in digest.items:
        if status.item.kind == "task":
            by_document[status.item.document or ""][status.cls] += 1
    return Overview(digest, dict(by_document))


async def overview(scope: Scope, today: date, tz: tzinfo, every_weeks: int, *,
                   session: AsyncSession) -> Overview:
    """The digest as it would be built today (same classes, same lists)."""
    period = digest_period(today, every_weeks)
    return overview_of(await load_digest_inputs(period, tz, scope, session=session))


@dataclass(frozen=True)
class HistoryLine:
    """A status change with who made it and its evidence."""

    change: StatusChange
    who: str
    evidence: list[Evidence]
    # The evidence ids whose bytes dondoc keeps (downloadable from the console).
    kept: frozenset[int] = frozenset()


@dataclass(frozen=True)
class ReminderLine:
    """A reminder step and where its message stands."""

    log: ReminderLog
    delivery: str
    sent_at: datetime | None
    error: str | None


@dataclass
class AssignmentDetail:
    """One agency's part of an item."""

    assignment: Assignment
    agency: Agency
    people: list[FocalPerson] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)
    reminders: list[ReminderLine] = field(default_factory=list)
    extensions: list[ExtensionRequest] = field(default_factory=list)


@dataclass(frozen=True)
class ItemDetail:
    """Everything the item page shows."""

    item: Item
    document: Document | None
    deadline: Deadline
    assignments: list[AssignmentDetail]
    deadline_changes: list[DeadlineChange]


def _who(person: FocalPerson | None, actor: str) -> str:
    if person is None:
        return {"system": "hệ thống", "import": "nhập phụ lục"}.get(actor, actor)
    return person.name or f"{person.channel} #{person.id}"


async def item_detail(scope: Scope, item_id: int, *, session: AsyncSession) -> ItemDetail | None:
    """The item, its deadline, its assignments with history, evidence and reminders."""
    item = await session.get(Item, item_id)
    if item is None or not scope.owns_item(item):
        return None
    document = await session.get(Document, item.document_id) if item.document_id else None
    rows = (await session.exec(select(Assignment, Agency)
                               .join(Agency, col(Agency.id) == col(Assignment.agency_id))
                               .where(Assignment.item_id == item_id, col(Assignment.active))
                               .order_by(col(Agency.name)))).all()
    details = {a.id or 0: AssignmentDetail(a, agency) for a, agency in rows}
    ids = list(details)
    agency_ids = [d.agency.id for d in details.values()]
    people = (await session.exec(select(FocalPerson).where(
        col(FocalPerson.agency_id).in_(agency_ids), col(FocalPerson.active)))).all()
    for detail in details.values():
        detail.people = [p for p in people if p.agency_id == detail.agency.id]
    changes = (await session.exec(select(StatusChange).where(
        col(StatusChange.assignment_id).in_(ids)).order_by(col(StatusChange.at),
                                                           col(StatusChange.id)))).all()
    evidence = (await session.exec(select(Evidence).where(col(Evidence.status_change_id).in_(
        [c.id for c in changes])))).all()
    kept = frozenset((await session.exec(select(EvidenceFile.evidence_id).where(
        col(EvidenceFile.evidence_id).in_([e.id for e in evidence])))).all())
    authors = {p.id: p for p in (await session.exec(select(FocalPerson).where(
        col(FocalPerson.id).in_({c.focal_person_id for c in changes})))).all()}
    for change in changes:
        details[change.assignment_id].history.append(HistoryLine(
            change, _who(authors.get(change.focal_person_id), change.actor),
            [e for e in evidence if e.status_change_id == change.id], kept))
    reminders = (await session.exec(
        select(ReminderLog, Outbox)
        .join(Outbox, col(Outbox.id) == col(ReminderLog.outbox_id), isouter=True)
        .where(col(ReminderLog.assignment_id).in_(ids)).order_by(col(ReminderLog.day)))).all()
    for log, outbox in reminders:
        details[log.assignment_id].reminders.append(ReminderLine(
            log, outbox.status if outbox else "-", outbox.sent_at if outbox else None,
            outbox.last_error if outbox else None))
    for request in (await session.exec(select(ExtensionRequest).where(
            col(ExtensionRequest.assignment_id).in_(ids))
            .order_by(col(ExtensionRequest.requested_at)))).all():
        details[request.assignment_id].extensions.append(request)
    changed = (await session.exec(select(DeadlineChange).where(DeadlineChange.item_id == item_id)
                                  .order_by(col(DeadlineChange.at)))).all()
    return ItemDetail(item, document, stored_deadline(item), list(details.values()),
                      list(changed))


async def extension_item(scope: Scope, request_id: int, *, session: AsyncSession) -> int | None:
    """The item an extension request is about (to go back to its page)."""
    row = (await session.exec(select(Assignment.item_id).join(
        ExtensionRequest, col(ExtensionRequest.assignment_id) == col(Assignment.id))
        .where(ExtensionRequest.id == request_id, scope.assignments()))).first()
    return row


async def assignment_item(scope: Scope, assignment_id: int, *,
                          session: AsyncSession) -> int | None:
    """The item of an assignment."""
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None or not scope.owns_item(await session.get(Item, assignment.item_id)):
        return None
    return assignment.item_id


@dataclass
class AgencyLine:
    """An agency with its aliases, groups and linked people."""

    agency: Agency
    aliases: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    people: list[FocalPerson] = field(default_factory=list)
    open_assignments: int = 0


async def agency_lines(scope: Scope, *, session: AsyncSession) -> list[AgencyLine]:
    """The committee's agencies (`CommitteeScope.agencies`), by name, with who is linked on
    which channel and how many open items; groups and members only among them."""
    agencies = (await session.exec(select(Agency).where(scope.agencies())
                                   .order_by(col(Agency.name)))).all()
    lines = {a.id or 0: AgencyLine(a) for a in agencies}
    names = {a.id: a.name for a in agencies}
    for alias in (await session.exec(select(AgencyAlias))).all():
        if alias.agency_id in lines:
            lines[alias.agency_id].aliases.append(alias.key)
    for link in (await session.exec(select(AgencyMembership))).all():
        if link.member_id in lines and link.group_id in lines:
            lines[link.member_id].groups.append(names[link.group_id])
            lines[link.group_id].members.append(names[link.member_id])
    # An agency's people serve every committee that assigns it: those of the agencies above.
    for person in (await session.exec(select(FocalPerson).where(
            col(FocalPerson.active), col(FocalPerson.agency_id).in_(list(lines)))
            .order_by(col(FocalPerson.id)))).all():
        lines[person.agency_id or 0].people.append(person)
    counts = (await session.exec(
        select(Assignment.agency_id, sa.func.count())
        .where(col(Assignment.active), col(Assignment.status) != "done", scope.assignments())
        .group_by(col(Assignment.agency_id)))).all()
    for agency_id, count in counts:
        if agency_id in lines:
            lines[agency_id].open_assignments = count
    return list(lines.values())


async def invitable_agencies(scope: Scope, *, session: AsyncSession) -> list[Agency]:
    """The agencies a committee's invite sheet covers: each of its own that is not a group."""
    return list((await session.exec(select(Agency).where(
        col(Agency.is_group).is_(False), scope.agencies()).order_by(col(Agency.name)))).all())


async def scoped_agency(scope: Scope, agency_id: int, *, session: AsyncSession) -> Agency | None:
    """One of the committee's agencies (`CommitteeScope.agencies`), None for any other."""
    return (await session.exec(select(Agency).where(Agency.id == agency_id,
                                                    scope.agencies()))).first()


async def forward_agencies(*, session: AsyncSession) -> list[Agency]:
    """Where a blocker may be forwarded: any agency of the shared registry but a group (the
    one that can unblock it may not be assigned in this committee yet)."""
    return list((await session.exec(select(Agency).where(col(Agency.is_group).is_(False))
                                    .order_by(col(Agency.name)))).all())


@dataclass(frozen=True)
class AuditLine:
    """One change in the audit log: when, who, through what, which kind, its details."""

    at: datetime
    who: str
    via: str
    kind: str
    old: str | None = None
    new: str | None = None
    detail: str | None = None
    item_id: int | None = None
    item_code: str | None = None


def _via(ref: str | None, actor: str) -> str:
    if ref == "console":
        return "console"
    if ref and ref.split(":")[0] in ("telegram", "zalo"):
        return "chat"
    return {"system": "system", "import": "import"}.get(actor, "cli")


async def audit_log(scope: Scope, limit: int, *, session: AsyncSession) -> list[AuditLine]:
    """The latest changes from the console, the chat and the command line, newest first."""
    everyone = (await session.exec(select(FocalPerson))).all()
    names = {p.id: _who(p, p.role) for p in everyone}
    people = [p.id for p in everyone if p.id is not None
              and person_scope(p).committee_id == scope.committee_id
              and p.role in COMMITTEE_ROLES]
    lines: list[AuditLine] = []
    for change, item in (await session.exec(
            select(StatusChange, Item)
            .join(Assignment, col(Assignment.id) == col(StatusChange.assignment_id))
            .join(Item, col(Item.id) == col(Assignment.item_id)).where(scope.items())
            .order_by(col(StatusChange.at).desc()).limit(limit))).all():
        lines.append(AuditLine(
            change.at, names.get(change.focal_person_id) or _who(None, change.actor),
            _via(change.message_ref, change.actor), "status", change.old_status,
            change.new_status, change.message_text, item.id, item.code))
    for deadline, item in (await session.exec(
            select(DeadlineChange, Item).join(Item, col(Item.id) == col(DeadlineChange.item_id))
            .where(scope.items()).order_by(col(DeadlineChange.at).desc()).limit(limit))).all():
        lines.append(AuditLine(deadline.at, deadline.by, deadline.via, "deadline",
                               deadline.old_raw, deadline.typed, None, item.id, item.code))
    for request, item in (await session.exec(
            select(ExtensionRequest, Item)
            .join(Assignment, col(Assignment.id) == col(ExtensionRequest.assignment_id))
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .where(col(ExtensionRequest.decided_at).is_not(None), scope.items())
            .order_by(col(ExtensionRequest.decided_at).desc()).limit(limit))).all():
        assert request.decided_at is not None
        lines.append(AuditLine(request.decided_at, names.get(request.decided_by, "-"), "-",
                               "extension", None, request.state,
                               request.new_due.strftime("%d/%m/%Y") if request.new_due else None,
                               item.id, item.code))
    for run in (await session.exec(select(ImportRun).where(
            ImportRun.committee_id == scope.committee_id).order_by(col(ImportRun.at).desc())
            .limit(limit))).all():
        lines.append(AuditLine(run.at, "-", "import", "import", None, None,
                               f"{run.source}: +{run.items_created}, ~{run.items_updated}"))
    for invite, agency in (await session.exec(
            select(Invite, Agency).join(Agency, col(Agency.id) == col(Invite.agency_id),
                                        isouter=True).where(_invites_of(scope, people))
            .order_by(col(Invite.created_at).desc()).limit(limit))).all():
        lines.append(AuditLine(invite.created_at, names.get(invite.created_by, "-"), "-",
                               "invite", None, invite.role, agency.name if agency else None))
    return sorted(lines, key=lambda line: line.at, reverse=True)[:limit]


def _invites_of(scope: Scope, people: list[int]) -> sa.ColumnElement[bool]:
    """A committee's codes, and agency codes its people (or the command line) made."""
    made_here = sa.or_(col(Invite.created_by).in_(people), col(Invite.created_by).is_(None))
    return sa.or_(col(Invite.committee_id) == scope.committee_id,
                  sa.and_(col(Invite.agency_id).is_not(None), made_here))


async def kept_evidence(scope: Scope, evidence_id: int, *,
                        session: AsyncSession) -> tuple[Evidence, EvidenceFile] | None:
    """An evidence file whose bytes dondoc keeps, to download (of the scope's items only)."""
    row = (await session.exec(select(Evidence, EvidenceFile).join(
        EvidenceFile, col(EvidenceFile.evidence_id) == col(Evidence.id))
        .join(StatusChange, col(StatusChange.id) == col(Evidence.status_change_id))
        .where(Evidence.id == evidence_id, col(StatusChange.assignment_id).in_(
            select(Assignment.id).where(scope.assignments()))))).first()
    return (row[0], row[1]) if row else None
