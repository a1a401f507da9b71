"""Read models: items with their document and assignments, for listings and exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.agencies import agency_key
from domain.digest_words import status_label
from domain.item_codes import appendix_number
from domain.text import strip_diacritics
from storage.committees import CommitteeScope
from storage.models import (
    Agency,
    AgencyAlias,
    Assignment,
    Document,
    IndicatorReport,
    Item,
    StatusChange,
)


@dataclass(frozen=True)
class AssignmentView:
    """One lead agency's part of an item, with its status."""

    agency: str
    status: str
    percent: int | None
    # Someone reported on it (a status change or an indicator value): else "chưa báo cáo".
    reported: bool = False
    status_label: str = ""


@dataclass(frozen=True)
class ItemView:
    """An item as listings and exports show it."""

    code: str
    number: str
    kind: str
    section: str
    text: str
    document: str | None
    lead_agencies: list[str]
    support_agencies: list[str]
    deadline_raw: str
    deadline_kind: str
    due: date | None
    every: str | None
    assessment: str | None
    note: str | None
    assignments: list[AssignmentView]
    # The day of the period of a recurrence (PeriodDay.encoded: "d25", "m3d10"), if said.
    period_day: str | None = None

    def as_json(self) -> dict[str, object]:
        """The export's JSON object for this item."""
        return {
            "code": self.code, "number": self.number, "kind": self.kind,
            "appendix_number": appendix_number(self.code),
            "section": self.section, "text": self.text, "document": self.document,
            "lead_agencies": self.lead_agencies, "support_agencies": self.support_agencies,
            "deadline": {"raw": self.deadline_raw, "kind": self.deadline_kind,
                         "due": self.due.isoformat() if self.due else None,
                         "every": self.every, "period_day": self.period_day},
            "assessment": self.assessment, "note": self.note,
            "assignments": [vars(a) for a in self.assignments],
        }


async def find_agency(name: str, *, session: AsyncSession) -> Agency | None:
    """The agency a written name means (by name or alias, with or without diacritics), if known.

    A name typed without diacritics ("so y te") means the one agency whose name or alias reads
    the same once diacritics are dropped; when several do, none is guessed.
    """
    key = agency_key(name)
    agency = (await session.exec(select(Agency).where(Agency.key == key))).first()
    if agency is not None:
        return agency
    alias = (await session.exec(select(AgencyAlias).where(AgencyAlias.key == key))).first()
    if alias is not None:
        return await session.get(Agency, alias.agency_id)
    bare = strip_diacritics(key)
    keys = [(a.key, a.id) for a in (await session.exec(select(Agency))).all()]
    keys += [(a.key, a.agency_id) for a in (await session.exec(select(AgencyAlias))).all()]
    matching = {agency_id for written, agency_id in keys if strip_diacritics(written) == bare}
    return await session.get(Agency, matching.pop()) if len(matching) == 1 else None


async def list_items(*, session: AsyncSession, agency_id: int | None = None,
                     scope: CommitteeScope | None = None) -> list[ItemView]:
    """Every item in appendix order (by id), optionally only one committee's (`scope`) and
    only those one agency leads."""
    query = select(Item, Document).join(Document, isouter=True).order_by(col(Item.id))
    if scope is not None:
        query = query.where(scope.items())
    if agency_id is not None:
        led = select(Assignment.item_id).where(Assignment.agency_id == agency_id,
                                               col(Assignment.active).is_(True))
        query = query.where(col(Item.id).in_(led))
    rows = (await session.exec(query)).all()
    names = {a.id: a.name for a in (await session.exec(select(Agency))).all()}
    by_item: dict[int, list[AssignmentView]] = {}
    wanted = select(Assignment).where(col(Assignment.active).is_(True))
    if scope is not None:
        wanted = wanted.where(scope.assignments())
    assignments = await session.exec(wanted.order_by(col(Assignment.id)))
    reported = set((await session.exec(select(StatusChange.assignment_id).distinct())).all())
    reported |= set((await session.exec(select(IndicatorReport.assignment_id).distinct())).all())
    for assignment in assignments.all():
        was_reported = assignment.id in reported or assignment.status != "not_started"
        by_item.setdefault(assignment.item_id, []).append(AssignmentView(
            names[assignment.agency_id], assignment.status, assignment.percent, was_reported,
            status_label(assignment.status, was_reported)))
    return [
        ItemView(
            code=item.code or "", number=item.number, kind=item.kind, section=item.section,
            text=item.text, document=document.title if document else None,
            lead_agencies=list(item.lead_agencies), support_agencies=list(item.support_agencies),
            deadline_raw=item.deadline_raw, deadline_kind=item.deadline_kind, due=item.due,
            every=item.every, assessment=item.assessment, note=item.note,
            assignments=by_item.get(item.id or 0, []), period_day=item.period_day,
        )
        for item, document in rows
    ]
