"""Write the digest benchmark's synthetic inputs into a dondoc database, with bulk inserts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.digest_inputs import DigestInputs
from storage.models import (
    Agency,
    Assignment,
    Document,
    Evidence,
    ExtensionRequest,
    FocalPerson,
    IndicatorReport,
    Item,
    ReminderLog,
    StatusChange,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2025, 11, 21, 9, tzinfo=UTC)
BATCH = 20_000


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=TZ)


async def _insert(engine: AsyncEngine, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), BATCH):
            await connection.execute(insert(model.__table__), list(rows[start:start + BATCH]))


async def store(engine: AsyncEngine, inputs: DigestInputs) -> None:
    """Insert documents, agencies, items, assignments and everything the digest reads."""
    documents = sorted({item.document for item in inputs.items})
    document_ids = {title: n for n, title in enumerate(documents, start=1)}
    await _insert(engine, Document, [{"id": n, "key": title, "title": title}
                                     for title, n in document_ids.items()])
    agencies = {a.agency_id: a.agency_name for a in inputs.assignments}
    await _insert(engine, Agency, [{"id": agency_id, "key": f"a{agency_id}", "name": name,
                                    "is_group": False} for agency_id, name in agencies.items()])
    await _insert(engine, Item, [{
        "id": i.item_id, "code": i.code, "identity": f"bench-{i.item_id}", "kind": i.kind,
        "number": i.number, "section": "", "text": i.text, "document_id": document_ids[i.document],
        "lead_agencies": list(i.lead_agencies), "support_agencies": [],
        "deadline_raw": i.deadline_raw, "deadline_kind": i.deadline_kind, "due": i.due,
        "assessment": i.assessment, "source": "bench", "source_lines": "", "created_at": NOW,
        "updated_at": NOW} for i in inputs.items])
    await _insert(engine, Assignment, [{
        "id": a.assignment_id, "item_id": a.item_id, "agency_id": a.agency_id, "active": True,
        "status": a.status, "percent": a.percent, "note": a.note, "done_on": a.done_on,
        "extended_due": a.extended_due,
        "status_changed_at": _noon(a.status_since) if a.status_since else None,
    } for a in inputs.assignments])
    updated = [a for a in inputs.assignments if a.last_update is not None]
    await _insert(engine, StatusChange, [{
        "id": a.assignment_id, "assignment_id": a.assignment_id, "at": _noon(a.last_update),
        "actor": "focal", "new_status": a.status, "percent": a.percent, "note": a.note,
    } for a in updated if a.last_update is not None])
    await _insert(engine, Evidence, [{"status_change_id": a.assignment_id, "reference": proof}
                                     for a in updated for proof in a.evidence])
    await _insert(engine, IndicatorReport, [{
        "assignment_id": a.assignment_id, "at": a.indicator.at,
        "assessment": a.indicator.assessment, "final": False,
    } for a in inputs.assignments if a.indicator is not None])
    await _insert(engine, FocalPerson, [{
        "agency_id": p.agency_id, "role": p.role, "channel": "telegram",
        "chat_id": str(p.person_id), "name": p.name, "active": True, "reachable": p.reachable,
        "unreachable_reason": None if p.reachable else p.reason, "linked_at": NOW,
    } for p in inputs.people])
    await _insert(engine, ExtensionRequest, [{
        "assignment_id": e.assignment_id, "requested_at": _noon(e.requested_on),
        "new_due": e.new_due, "reason": e.reason, "state": "pending",
    } for e in inputs.extensions])
    # One reminder step per assignment and day: the history's unique key.
    steps = {(r.assignment_id, r.day): r for r in inputs.reminders}
    await _insert(engine, ReminderLog, [{
        "assignment_id": r.assignment_id, "kind": "overdue_4", "anchor": r.day, "day": r.day,
        "answered": r.answered} for r in steps.values()])
