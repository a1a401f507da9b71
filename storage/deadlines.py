"""Deadlines set by hand by the secretariat (/thoihan, `dondoc thoihan`), with their audit trail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import cast, get_args

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.deadline_model import Deadline, DeadlineKind, Every, decode_period_day
from domain.deadline_text import describe_deadline
from domain.deadlines import parse_deadline
from storage.models import DeadlineChange, Document, Item

_CODE = re.compile(r"\s*((?:NV|CT)\s*-?\s*\d+)\s*[:,-]?\s*", re.IGNORECASE)
_KINDS = get_args(DeadlineKind)
_CADENCES = get_args(Every)
USAGE = "Cú pháp: /thoihan NV12 30/11/2025 (hoặc “Quý IV/2025”, “hằng tháng, trước ngày 25”…)"


class DeadlineRefused(Exception):
    """A deadline could not be set; the message is the Vietnamese sentence to show."""


@dataclass(frozen=True)
class DeadlineSet:
    """What a hand-set deadline changed, for the confirmation."""

    code: str
    before: Deadline
    after: Deadline

    def confirmation(self) -> str:
        """The Vietnamese confirmation sent back."""
        return (f"Đã đặt thời hạn {self.code}: {describe_deadline(self.after)}"
                f" (trước đây: “{self.before.raw or 'không ghi'}”). Nhắc việc theo thời hạn mới.")


def split_code(words: str) -> tuple[str, str] | None:
    """ "NV12 30/11/2025" -> ("NV12", "30/11/2025"); None without a leading item code."""
    found = _CODE.match(words)
    if found is None:
        return None
    code = re.sub(r"[\s-]", "", found.group(1)).upper()
    return code, words[found.end() :].strip()


def stored_deadline(item: Item) -> Deadline:
    """The item's deadline as stored."""
    kind = cast(DeadlineKind, item.deadline_kind if item.deadline_kind in _KINDS else "unknown")
    every = cast(Every | None, item.every if item.every in _CADENCES else None)
    return Deadline(item.deadline_raw, kind, item.due, every, decode_period_day(item.period_day))


async def deadline_year(document_id: int | None, fallback_year: int, *,
                        session: AsyncSession) -> int:
    """The year a yearless deadline means: its assigning document's, else `fallback_year`."""
    document = await session.get(Document, document_id) if document_id is not None else None
    if document is not None and document.issued_on is not None:
        return document.issued_on.year
    return fallback_year


async def set_deadline(code: str, text: str, now: datetime, fallback_year: int, *,
                       session: AsyncSession, by: str, via: str,
                       person_id: int | None = None,
                       committee_id: int | None = None) -> DeadlineSet:
    """Give item `code` the deadline `text` says (any text the grammar reads), audited.

    A yearless text takes the year of the item's assigning document, else `fallback_year`,
    as an import does. Raises DeadlineRefused (a Vietnamese sentence) for an unknown item or
    a text the grammar does not read; nothing is written then.
    """
    query = select(Item).where(col(Item.code) == code.upper())
    if committee_id is not None:
        query = query.where(col(Item.committee_id) == committee_id)
    found = (await session.exec(query.limit(2))).all()
    if not found:
        raise DeadlineRefused(f"Không có nhiệm vụ hay chỉ tiêu mã {code}.")
    if len(found) > 1:  # codes repeat across committees: never guess whose item to change
        raise DeadlineRefused(f"Mã {code} có ở nhiều Ban Chỉ đạo; hãy đặt thời hạn trong phạm vi"
                              " Ban Chỉ đạo của nhiệm vụ (dòng lệnh: --committee).")
    item = found[0]
    if not text.strip():
        raise DeadlineRefused(USAGE)
    year = await deadline_year(item.document_id, fallback_year, session=session)
    after = parse_deadline(text.strip(), year)
    if after.kind == "unknown":
        why = f" ({after.reason})" if after.reason else ""
        raise DeadlineRefused(f"Chưa hiểu thời hạn “{text.strip()[:80]}”{why}. {USAGE}")
    before = stored_deadline(item)
    session.add(DeadlineChange(
        item_id=item.id or 0, at=now, changed_by=person_id, by=by, via=via, typed=text,
        old_raw=before.raw, old_kind=before.kind, old_due=before.due, old_every=before.every,
        new_kind=after.kind, new_due=after.due, new_every=after.every,
        new_period_day=after.on.encoded() if after.on else None))
    if item.appendix_deadline is None:
        item.appendix_deadline = item.deadline_raw
    item.deadline_raw, item.deadline_kind, item.due = after.raw, after.kind, after.due
    item.every = after.every
    item.period_day = after.on.encoded() if after.on else None
    item.updated_at = now
    session.add(item)
    await session.flush()
    return DeadlineSet(item.code or code, before, after)


async def deadline_changes(code: str, *, session: AsyncSession) -> list[DeadlineChange]:
    """The hand-set deadlines of one item, oldest first."""
    query = (select(DeadlineChange).join(Item, col(Item.id) == col(DeadlineChange.item_id))
             .where(col(Item.code) == code.upper()).order_by(col(DeadlineChange.id)))
    return list((await session.exec(query)).all())
