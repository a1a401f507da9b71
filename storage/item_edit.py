"""Editing an item, or adding one, by hand: the importer's agency, code and deadline rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.agencies import split_agencies
from domain.appendix import item_identity
from domain.deadlines import parse_deadline
from domain.item_codes import item_code
from storage.agencies import AgencyBook, load_agency_book, sync_assignments
from storage.deadlines import DeadlineRefused, deadline_year, set_deadline
from storage.importer import _describe_change
from storage.models import Agency, ConsoleAction, Document, Item

SOURCE = "console"  # Item.source of an item added by hand


class EditRefused(ValueError):
    """An edit that cannot be made, with the Vietnamese sentence to show."""


@dataclass(frozen=True)
class Edited:
    """The item after the edit, what changed, and the assignments opened and closed."""

    item: Item
    changes: list[str]
    opened: int
    closed: int


def _leads(written: str, book: AgencyBook) -> list[Agency]:
    """The lead agencies a cell names; EditRefused for a name the registry does not know."""
    names = split_agencies(written)
    if not names:
        raise EditRefused("Hãy ghi ít nhất một cơ quan chủ trì.")
    unknown = [name for name in names if book.find(name) is None]
    if unknown:
        raise EditRefused("Chưa có trong danh sách cơ quan: " + "; ".join(unknown)
                          + ". Hãy ghi đúng tên (hoặc tên khác) đã đăng ký.")
    unique: dict[int, Agency] = {}
    for name in names:
        agency = book.find(name)
        if agency is not None and agency.id is not None:
            unique.setdefault(agency.id, agency)
    return list(unique.values())


async def _identity(document_id: int | None, text: str, item_id: int | None,
                    committee_id: int, *, session: AsyncSession) -> str:
    """The identity hash an import would give this wording; EditRefused if another item has it."""
    document = await session.get(Document, document_id) if document_id is not None else None
    identity = hashlib.sha256(
        item_identity(document.key if document else "", text).encode()).hexdigest()
    other = (await session.exec(select(Item).where(Item.identity == identity,
                                                   col(Item.committee_id) == committee_id,
                                                   col(Item.id) != item_id))).first()
    if other is not None:
        raise EditRefused(f"Đã có nhiệm vụ cùng nội dung trong văn bản này: {other.code}.")
    return identity


async def edit_item(item_id: int, text: str, leads: str, deadline: str, now: datetime,
                    fallback_year: int, *, session: AsyncSession, by: str,
                    person_id: int, committee_id: int) -> Edited:
    """Change an item's wording, lead agencies (assignments re-derived) and deadline, audited."""
    item = await session.get(Item, item_id)
    if item is None or item.code is None or item.committee_id != committee_id:
        raise EditRefused("Không có nhiệm vụ này.")
    text, deadline = " ".join(text.split()), deadline.strip()
    if not text:
        raise EditRefused("Nội dung nhiệm vụ không được để trống.")
    book = await load_agency_book(session=session)
    agencies = _leads(leads, book)
    names = [agency.name for agency in agencies]
    changes = []
    opened = closed = 0
    if text != item.text:
        item.identity = await _identity(item.document_id, text, item.id, committee_id,
                                        session=session)
        changes.append(_describe_change(item.code, "text", item.text, text))
        item.text = text
    if names != item.lead_agencies:
        changes.append(_describe_change(item.code, "lead_agencies", item.lead_agencies, names))
        item.lead_agencies = names
    if deadline != item.deadline_raw:
        old_deadline = item.deadline_raw
        try:
            await set_deadline(item.code, deadline, now, fallback_year, session=session, by=by,
                               committee_id=item.committee_id,
                               via="console", person_id=person_id)
        except DeadlineRefused as refused:
            raise EditRefused(str(refused)) from refused
        changes.append(_describe_change(item.code, "deadline_raw", old_deadline, deadline))
    if changes:
        item.updated_at = now
        session.add(item)
        await session.flush()
        opened, closed = await sync_assignments(item, agencies, book, session=session)
        session.add(ConsoleAction(at=now, person_id=person_id, kind="item_edit",
                                  item_id=item.id, detail="; ".join(changes)))
        await session.flush()
    return Edited(item, changes, opened, closed)


async def add_item(kind: str, number: str, text: str, leads: str, deadline: str,
                   document_id: int | None, now: datetime, fallback_year: int, *,
                   session: AsyncSession, person_id: int, committee_id: int) -> Edited:
    """A new item typed in the console: coded, assigned and parsed as an import would."""
    if kind not in ("task", "indicator"):
        raise EditRefused("Hãy chọn loại: nhiệm vụ hoặc chỉ tiêu.")
    text, number = " ".join(text.split()), number.strip()[:20]
    if not text:
        raise EditRefused("Nội dung nhiệm vụ không được để trống.")
    book = await load_agency_book(session=session)
    agencies = _leads(leads, book)
    document = await session.get(Document, document_id) if document_id is not None else None
    if document_id is not None and (document is None or document.committee_id != committee_id):
        raise EditRefused("Không có văn bản giao này.")
    identity = await _identity(document_id, text, None, committee_id, session=session)
    parsed = parse_deadline(deadline.strip(),
                            await deadline_year(document_id, fallback_year, session=session))
    taken = {code for code in (await session.exec(
        select(Item.code).where(col(Item.committee_id) == committee_id))).all() if code}
    item = Item(identity=identity, kind=kind, number=number, section="", text=text,
                document_id=document_id, lead_agencies=[a.name for a in agencies],
                deadline_raw=parsed.raw, deadline_kind=parsed.kind, due=parsed.due,
                every=parsed.every, period_day=parsed.on.encoded() if parsed.on else None,
                source=SOURCE, created_at=now, updated_at=now,
                code=item_code(kind, number, taken), committee_id=committee_id)
    session.add(item)
    await session.flush()
    opened, closed = await sync_assignments(item, agencies, book, session=session)
    session.add(ConsoleAction(at=now, person_id=person_id, kind="item_add", item_id=item.id,
                              detail=f"{item.code}: {text}"))
    await session.flush()
    return Edited(item, [], opened, closed)
