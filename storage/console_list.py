"""The console's list of items: filters, counts and pages in SQL; class and search over ids."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.digest_inputs import INDICATOR_CLASSES, TASK_CLASSES
from domain.text import fold, strip_diacritics
from storage.console_queries import Scope
from storage.models import Agency, Assignment, Document, Item

PAGE_SIZE = 50


@dataclass(frozen=True)
class ItemFilter:
    """The list's search and filters; empty fields filter nothing."""

    q: str = ""
    agency_id: int | None = None
    cls: str = ""
    document_id: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    kind: str = ""
    page: int = 1


@dataclass(frozen=True)
class ListedItem:
    """One row of the list."""

    item_id: int
    code: str
    kind: str
    text: str
    document: str
    lead_agencies: list[str]
    deadline_raw: str
    due: date | None


@dataclass(frozen=True)
class ItemPage:
    """One page of the filtered list, and how many matched in all."""

    rows: list[ListedItem]
    total: int
    page: int
    pages: int


def search_key(text: str) -> str:
    """Folded and without diacritics: "Sở Y tế" and "so y te" meet."""
    return strip_diacritics(fold(text))


def _conditions(scope: Scope, wanted: ItemFilter) -> list[Any]:
    """The filters SQL can apply (all but the class and the search)."""
    conditions: list[Any] = []
    if wanted.agency_id is not None:
        conditions.append(col(Item.id).in_(
            select(Assignment.item_id).where(Assignment.agency_id == wanted.agency_id,
                                             col(Assignment.active))))
    if wanted.document_id is not None:
        conditions.append(col(Item.document_id) == wanted.document_id)
    if wanted.kind:
        conditions.append(col(Item.kind) == wanted.kind)
    if wanted.due_from is not None:
        conditions.append(col(Item.due) >= wanted.due_from)
    if wanted.due_to is not None:
        conditions.append(col(Item.due) <= wanted.due_to)
    return conditions


async def search_keys(ids: Iterable[int] | None, scope: Scope, *,
                      session: AsyncSession) -> dict[int, str]:
    """The search key of these items (None: of every item in scope), from code, text, leads."""
    query = sa.select(col(Item.id), col(Item.code), col(Item.text),
                      col(Item.lead_agencies)).where(scope.items())
    wanted = None if ids is None else list(ids)
    keys: dict[int, str] = {}
    for start in range(0, 1 if wanted is None else len(wanted), 500):
        chunk = query if wanted is None else query.where(
            col(Item.id).in_(wanted[start:start + 500]))
        for item_id, code, text, leads in (
                await session.exec(chunk)).all():  # type: ignore[call-overload]
            keys[item_id] = search_key(f"{code or ''} {text} {' '.join(leads or ())}")
    return keys


def _page_of(total: int, wanted: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(1, wanted), pages), pages


def _kind_fits(wanted: ItemFilter) -> bool:
    # A class is a task class or an indicator class: it implies the kind.
    return not wanted.kind or wanted.cls in (
        TASK_CLASSES if wanted.kind == "task" else INDICATOR_CLASSES)


async def _candidates(scope: Scope, wanted: ItemFilter, classes: Mapping[int, str],
                      keys: Mapping[int, str] | None, session: AsyncSession) -> list[int]:
    """Item ids the class and search are then applied to, in id order."""
    if wanted.cls and not _kind_fits(wanted):
        return []
    # With a class, the kind it implies is no filter; with no filter left for SQL, the ids
    # come from the kept class or keys (a national store's 46,000 ids cost SQL ~100 ms).
    narrowing = _conditions(scope, replace(wanted, kind="") if wanted.cls else wanted)
    if not narrowing and wanted.cls:
        return sorted(i for i, cls in classes.items() if cls == wanted.cls)
    if not narrowing and keys is not None:
        return sorted(keys)
    return [i for i in (await session.exec(
        select(Item.id).where(scope.items(), *narrowing).order_by(col(Item.id)))).all()
        if i is not None]


async def list_items(scope: Scope, wanted: ItemFilter, classes: Mapping[int, str], *,
                     session: AsyncSession, keys: Mapping[int, str] | None = None) -> ItemPage:
    """Items matching the filter, by id; `classes` (item id -> digest class) for the class.

    SQL filters, counts and pages; only the class and the search are applied here, over item
    ids: `keys` (every item's `search_key`, kept by the console) saves recomputing them (ids
    SQL finds that it lacks are read); with no SQL filter, `classes` and `keys` are the ids —
    so both must be the scope's own (the console keeps them per scope).
    """
    conditions = [scope.items(), *_conditions(scope, wanted)]
    needle = search_key(wanted.q) if wanted.q.strip() else ""
    if not wanted.cls and not needle:
        total = (await session.exec(select(sa.func.count()).select_from(Item)
                                    .where(*conditions))).one()
        page, pages = _page_of(total, wanted.page)
        ids = [i for i in (await session.exec(
            select(Item.id).where(*conditions).order_by(col(Item.id))
            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))).all() if i is not None]
    else:
        found = await _candidates(scope, wanted, classes, keys, session)
        if wanted.cls:
            found = [i for i in found if classes.get(i) == wanted.cls]
        if needle:
            kept = keys or {}
            more = await search_keys([i for i in found if i not in kept], scope,
                                     session=session)
            found = [i for i in found if needle in (kept[i] if i in kept else more[i])]
        total = len(found)
        page, pages = _page_of(total, wanted.page)
        ids = found[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    rows = []
    if ids:
        for item, title in (await session.exec(
                select(Item, Document.title)
                .join(Document, col(Document.id) == col(Item.document_id), isouter=True)
                .where(col(Item.id).in_(ids)).order_by(col(Item.id)))).all():
            rows.append(ListedItem(item.id or 0, item.code or "", item.kind, item.text,
                                   title or "", list(item.lead_agencies), item.deadline_raw,
                                   item.due))
    return ItemPage(rows, total, page, pages)


class AgencyChoice(NamedTuple):
    """An agency the list's filter offers."""

    id: int
    name: str
    is_group: bool = False


class DocumentChoice(NamedTuple):
    """A document the list's filter offers."""

    id: int
    code: str | None
    title: str


async def filter_choices(scope: Scope, *, session: AsyncSession
                         ) -> tuple[list[AgencyChoice], list[DocumentChoice]]:
    """The agencies (by name) and documents the list's filters offer, as plain rows."""
    # Plain columns: a national registry has thousands of agencies, on every list page.
    agencies = (await session.exec(select(Agency.id, Agency.name, Agency.is_group)
                                   .order_by(col(Agency.name)))).all()
    documents = (await session.exec(select(Document.id, Document.code, Document.title)
                                    .where(col(Document.committee_id) == scope.committee_id)
                                    .order_by(col(Document.id)))).all()
    return ([AgencyChoice(i or 0, name, is_group) for i, name, is_group in agencies],
            [DocumentChoice(i or 0, code, title) for i, code, title in documents])
