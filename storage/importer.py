"""Import an appendix into the database: items, documents, agencies, assignments, in place."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime
from difflib import SequenceMatcher
from functools import partial
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.agencies import canonical_name
from domain.appendix import AppendixItem
from domain.appendix_heading import AppendixHeading
from domain.import_report import ImportReport, UnknownDeadline
from domain.item_codes import item_code, section_series
from domain.text import fold
from storage.agencies import AgencyBook, load_agency_book, resolve_agency, sync_assignments
from storage.appendix_reading import (
    ImportFailed,
    ParsedAppendix,
    read_appendix,
    read_appendix_checked,
)
from storage.models import DEFAULT_COMMITTEE_ID, Document, ImportRun, Item

__all__ = ["ImportFailed", "ParsedAppendix", "import_appendix", "import_items", "read_appendix"]

# How alike an edited task's wording must be to its stored version to count as the same task.
SIMILAR_TEXT = 0.8


@dataclass(frozen=True)
class _Fields:
    """The columns of an item an import sets, to compare and to copy."""

    kind: str
    number: str
    section: str
    text: str
    document_id: int | None
    lead_agencies: list[str]
    support_agencies: list[str]
    deadline_raw: str
    deadline_kind: str
    due: date | None
    every: str | None
    period_day: str | None
    assessment: str | None
    note: str | None


_LABELS = {"kind": "loại", "number": "STT", "section": "mục", "text": "nội dung",
           "document_id": "văn bản giao", "lead_agencies": "cơ quan chủ trì",
           "support_agencies": "cơ quan phối hợp", "deadline_raw": "thời hạn",
           "assessment": "đánh giá", "note": "ghi chú"}


def _support_name(written: str, book: AgencyBook) -> str:
    known = book.find(written)
    return known.name if known is not None else canonical_name(written)


def _identity_hash(item: AppendixItem) -> str:
    return hashlib.sha256(item.identity.encode()).hexdigest()


async def _document(item: AppendixItem, cache: dict[str, Document], committee_id: int, *,
                    session: AsyncSession) -> int | None:
    ref = item.document
    if ref is None:
        return None
    document = cache.get(ref.key)
    if document is None:
        found = await session.exec(select(Document).where(
            Document.committee_id == committee_id, Document.key == ref.key))
        document = found.first() or Document(committee_id=committee_id, key=ref.key,
                                             code=ref.code, title=ref.title,
                                             issued_on=ref.issued_on)
        if document.issued_on is None and ref.issued_on is not None:
            document.issued_on = ref.issued_on
        session.add(document)
        await session.flush()
        cache[ref.key] = document
    return document.id


async def _existing_item(identity: str, text: str, document_id: int | None,
                         unmatched: set[int], committee_id: int, *,
                         session: AsyncSession) -> Item | None:
    found = (await session.exec(select(Item).where(Item.committee_id == committee_id,
                                                   Item.identity == identity))).first()
    if found is not None:
        return found
    # The wording was edited: the closest unmatched item of the same document is this one.
    candidates = await session.exec(select(Item).where(Item.committee_id == committee_id,
                                                       Item.document_id == document_id))
    best, best_ratio = None, SIMILAR_TEXT
    for candidate in candidates.all():
        if candidate.id in unmatched:
            ratio = SequenceMatcher(None, fold(candidate.text), fold(text)).ratio()
            if ratio >= best_ratio:
                best, best_ratio = candidate, ratio
    return best


def _keeps_hand_set_deadline(row: Item | None, parsed: AppendixItem) -> bool:
    """True when the secretariat set this item's deadline by hand and the file still says
    what it said then: the hand-set deadline stays."""
    return (row is not None and row.appendix_deadline is not None
            and row.appendix_deadline == parsed.deadline.raw)


def _with_stored_deadline(fields: _Fields, row: Item | None) -> _Fields:
    assert row is not None
    return replace(fields, deadline_raw=row.deadline_raw, deadline_kind=row.deadline_kind,
                   due=row.due, every=row.every, period_day=row.period_day)


def _free_for(held: dict[str, tuple[str, str]], mine: tuple[str, str], code: str) -> bool:
    """A code is free for a section if nobody holds it, or this section of this file does."""
    return held.get(code, mine) == mine


def _describe_change(code: str, field: str, old: object, new: object) -> str:
    label = _LABELS.get(field, field)
    if field in ("text",):
        return f"{code}: {label} đã sửa"
    return f"{code}: {label} “{old or ''}” → “{new or ''}”"


async def import_items(
    items: list[AppendixItem], source: str, sha256: str, now: datetime, *,
    session: AsyncSession, dry_run: bool = False, heading: AppendixHeading | None = None,
    committee_id: int = DEFAULT_COMMITTEE_ID,
) -> ImportReport:
    """Upsert parsed items into a committee; the caller owns the transaction (and rolls back a
    dry run). Codes, identities and documents are the committee's own."""
    report = ImportReport(source=source, dry_run=dry_run)
    held = {code: (held_source, section) for code, held_source, section in (await session.exec(
        select(Item.code, Item.source, Item.section).where(
            Item.committee_id == committee_id))).all() if code}
    taken = set(held)
    series: dict[tuple[str, str], int] = {}
    book: AgencyBook = await load_agency_book(session=session)
    documents: dict[str, Document] = {}
    lead_names: set[str] = set()
    identities = [_identity_hash(parsed) for parsed in items]
    known = await session.exec(select(Item.id, Item.identity).where(
        Item.committee_id == committee_id))
    # Stored items this file does not name verbatim: candidates for an edited wording.
    in_file = set(identities)
    unmatched = {item_id for item_id, identity in known.all()
                 if item_id is not None and identity not in in_file}
    for parsed, identity in zip(items, identities, strict=True):
        leads = [await resolve_agency(name, book, session=session)
                 for name in parsed.lead_agencies]
        lead_names.update(agency.name for agency in leads)
        support = [_support_name(name, book) for name in parsed.support_agencies]
        fields = _Fields(
            kind=parsed.kind, number=parsed.number, section=parsed.section, text=parsed.text,
            document_id=await _document(parsed, documents, committee_id, session=session),
            lead_agencies=[agency.name for agency in leads], support_agencies=support,
            deadline_raw=parsed.deadline.raw, deadline_kind=parsed.deadline.kind,
            due=parsed.deadline.due, every=parsed.deadline.every,
            period_day=parsed.deadline.on.encoded() if parsed.deadline.on else None,
            assessment=parsed.assessment, note=parsed.note,
        )
        row = await _existing_item(identity, parsed.text, fields.document_id, unmatched,
                                   committee_id, session=session)
        hand_set = _keeps_hand_set_deadline(row, parsed)
        if hand_set:
            fields = _with_stored_deadline(fields, row)
        if row is None:
            row = Item(committee_id=committee_id, identity=identity, source=source,
                       created_at=now, updated_at=now, **vars(fields))
            block = (parsed.section, parsed.kind)
            if block not in series:
                # A section's rows share one series: the first where none of them collides
                # with another section's or appendix's code.
                mine = (source, parsed.section)
                series[block] = section_series(parsed.kind, (
                    other.number for other in items if (other.section, other.kind) == block),
                    partial(_free_for, held, mine))
            row.code = item_code(parsed.kind, parsed.number, taken, series[block])
            taken.add(row.code)
            held[row.code] = (source, parsed.section)
            session.add(row)
            await session.flush()
            report.created += 1
        else:
            changed = [name for name, value in vars(fields).items()
                       if getattr(row, name) != value]
            report.changes.extend(
                _describe_change(row.code or "?", name, getattr(row, name), getattr(fields, name))
                for name in changed if name in _LABELS)
            for name in changed:
                setattr(row, name, getattr(fields, name))
            if not hand_set and row.appendix_deadline is not None:
                row.appendix_deadline = None  # the file has a new deadline: it wins
            if changed:
                row.identity, row.updated_at = identity, now
                report.updated += 1
            else:
                report.unchanged += 1
        row.source_lines = ",".join(str(line) for line in parsed.lines)
        session.add(row)
        await session.flush()
        assert row.id is not None and row.code is not None
        unmatched.discard(row.id)
        created, closed = await sync_assignments(row, leads, book, session=session)
        report.unexpanded_groups += [(row.code, lead.name) for lead in leads
                                     if lead.is_group and not book.members.get(lead.id or 0)]
        report.assignments_created += created
        report.assignments_closed += closed
        if parsed.kind == "task":
            report.tasks += 1
        else:
            report.indicators += 1
        if parsed.deadline.kind == "unknown" and not hand_set:
            if parsed.deadline.raw:
                report.unknown_deadlines.append(
                    UnknownDeadline(row.code, parsed.number, parsed.section, parsed.deadline.raw,
                                    parsed.deadline.reason))
            else:
                report.without_deadline += 1
    report.agencies = len(lead_names)
    report.new_agencies = [agency.name for agency in book.created]
    if not dry_run:
        session.add(ImportRun(committee_id=committee_id, at=now, source=source, sha256=sha256,
                              items_created=report.created, items_updated=report.updated,
                              items_unchanged=report.unchanged,
                              title=heading.title if heading else None,
                              attached_to=(heading.attached_to or None) if heading else None))
    await session.flush()
    return report


async def import_appendix(path: Path, fallback_year: int, now: datetime, *,
                          session: AsyncSession, dry_run: bool = False,
                          committee_id: int = DEFAULT_COMMITTEE_ID) -> ImportReport:
    """Read and import one appendix file into a committee inside the caller's transaction."""
    parsed = read_appendix_checked(path, fallback_year)
    report = await import_items(parsed.items, path.name, parsed.sha256, now, session=session,
                                dry_run=dry_run, heading=parsed.heading,
                                committee_id=committee_id)
    report.warnings.extend(parsed.warnings)
    return report
