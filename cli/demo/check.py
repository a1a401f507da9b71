"""The demo's closing evidence: what the database recorded, and the digest checked against it.

The task classes are counted here straight from the item and assignment rows, by the rules the
digest states (domain.digest_classes), so a reader can see the digest's figures are the
database's and not something the demo made up.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.keyboards import decode
from bot.texts import STATUS_LABELS
from domain.digest_classes import document_status
from domain.digest_inputs import TASK_CLASSES
from domain.digest_text import INDICATOR_LABELS, TASK_LABELS
from domain.reminder_text import shorten
from storage.models import (
    DEFAULT_COMMITTEE_ID,
    Agency,
    Assignment,
    Evidence,
    ExtensionRequest,
    IndicatorReport,
    Item,
    StatusChange,
)

_ONGOING = ("recurring", "dependent")
NAMED_CODES = 5
_EXTENSION_STATES = {"pending": "chờ duyệt", "approved": "đã đồng ý", "rejected": "không đồng ý"}


@dataclass(frozen=True)
class Comparison:
    """One task class: the digest's count and the database's."""

    label: str
    digest: int | None
    database: int
    codes: tuple[str, ...] = ()  # the items, when few enough to name

    @property
    def matches(self) -> bool:
        """Both say the same."""
        return self.digest == self.database


async def task_classes(sessions: async_sessionmaker[AsyncSession],
                       today: date) -> dict[str, list[str]]:
    """Task codes by class as of `today`, classed from the rows themselves."""
    async with sessions() as session:
        # The province's digest counts the province's items (a commune's are its own).
        items = (await session.exec(select(Item).where(
            Item.kind == "task", Item.committee_id == DEFAULT_COMMITTEE_ID))).all()
        rows = (await session.exec(select(Assignment).where(
            col(Assignment.active).is_(True)))).all()
    by_item: dict[int, list[Assignment]] = {}
    for row in rows:
        by_item.setdefault(row.item_id, []).append(row)
    reported = set(await _reported(sessions))
    classed: dict[str, list[str]] = {name: [] for name in TASK_CLASSES}
    for item in items:
        parts = by_item.get(item.id or 0, [])
        # The appendix's own assessment is the starting state of a part nobody reported on.
        written = document_status(item.assessment)
        statuses = [part.status if part.id in reported or part.status != "not_started"
                    else written or "not_started" for part in parts]
        # An approved extension is the deadline a part is judged by.
        dues = [part.extended_due or item.due for part in parts]
        if item.deadline_kind in _ONGOING:
            name = "recurring"
        elif parts and all(status == "done" for status in statuses):
            late = any(part.done_on is not None and due is not None and part.done_on > due
                       for part, due in zip(parts, dues, strict=True))
            name = "done_late" if late else "done_on_time"
        elif any(status != "done" and due is not None and due < today
                 for status, due in zip(statuses, dues, strict=True)) or (
                not parts and item.due is not None and item.due < today):
            name = "overdue"
        elif any(status != "not_started" for status in statuses):
            name = "in_progress_on_time"
        else:
            name = "not_due"
        classed[name].append(item.code or "")
    return classed


async def _reported(sessions: async_sessionmaker[AsyncSession]) -> list[int]:
    async with sessions() as session:
        changed = (await session.exec(select(StatusChange.assignment_id))).all()
        valued = (await session.exec(select(IndicatorReport.assignment_id))).all()
    return [*changed, *valued]


def digest_task_figures(text: str) -> dict[str, int]:
    """The task counts the digest's text states ("- Hoàn thành đúng hạn: 2/73 (3%)")."""
    found: dict[str, int] = {}
    for name, label in TASK_LABELS.items():
        match = re.search(rf"^- {re.escape(label)}: (\d+)/\d+", text, re.MULTILINE)
        if match:
            found[name] = int(match.group(1))
    return found


def compare(digest_text: str, classed: dict[str, list[str]]) -> list[Comparison]:
    """Each task class side by side."""
    stated = digest_task_figures(digest_text)
    return [Comparison(TASK_LABELS[name], stated.get(name), len(classed[name]),
                       tuple(sorted(classed[name], key=_code_order))
                       if len(classed[name]) <= NAMED_CODES else ())
            for name in TASK_CLASSES]


def _code_order(code: str) -> tuple[str, int]:
    letters = code.rstrip("0123456789")
    return letters, int(code[len(letters):] or 0)


async def recorded_replies(sessions: async_sessionmaker[AsyncSession],
                           tz: tzinfo) -> list[str]:
    """Every update the people made, as the database holds it, in time order."""
    async with sessions() as session:
        changes = (await session.exec(
            select(StatusChange, Item.code, Agency.name)
            .join(Assignment, col(Assignment.id) == col(StatusChange.assignment_id))
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .join(Agency, col(Agency.id) == col(Assignment.agency_id))
            .where(col(StatusChange.actor).in_(["focal", "secretariat"])))).all()
        proofs = Counter((await session.exec(select(Evidence.status_change_id))).all())
        requests = (await session.exec(
            select(ExtensionRequest, Item.code, Agency.name)
            .join(Assignment, col(Assignment.id) == col(ExtensionRequest.assignment_id))
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .join(Agency, col(Agency.id) == col(Assignment.agency_id)))).all()
        reports = (await session.exec(
            select(IndicatorReport, Item.code, Agency.name)
            .join(Assignment, col(Assignment.id) == col(IndicatorReport.assignment_id))
            .join(Item, col(Item.id) == col(Assignment.item_id))
            .join(Agency, col(Agency.id) == col(Assignment.agency_id)))).all()
    lines: list[tuple[datetime, str]] = []
    for change, code, agency in changes:
        label = STATUS_LABELS.get(change.new_status, change.new_status)
        if change.percent is not None:
            label += f" {change.percent}%"
        proof_count = proofs.get(change.id or 0, 0)
        extra = f", {proof_count} minh chứng" if proof_count else ""
        said = change.message_text or ""
        # A button press is stored with its callback data, which means nothing to a reader.
        how = "bấm nút" if decode(said) is not None else f"“{shorten(said, 60)}”"
        lines.append((change.at, f"{change.at.astimezone(tz):%d/%m %H:%M}  {agency} {code}: "
                                 f"{label}{extra} — {how}"))
    for request, code, agency in requests:
        state = _EXTENSION_STATES.get(request.state, request.state)
        new_due = f" đến {request.new_due:%d/%m/%Y}" if request.new_due else ""
        lines.append((request.requested_at,
                      f"{request.requested_at.astimezone(tz):%d/%m %H:%M}  {agency} {code}: "
                      f"xin gia hạn{new_due} — {state}"))
    for report, code, agency in reports:
        label = INDICATOR_LABELS.get(report.assessment, report.assessment)
        value = f", giá trị: {report.value_text}" if report.value_text else ""
        lines.append((report.at, f"{report.at.astimezone(tz):%d/%m %H:%M}  {agency} {code}: "
                                 f"{label}{value}"))
    return [line for _, line in sorted(lines, key=lambda pair: pair[0])]


def all_match(comparisons: Sequence[Comparison]) -> bool:
    """Every class agrees."""
    return all(c.matches for c in comparisons)
