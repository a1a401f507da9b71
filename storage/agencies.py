"""Agencies in the database: resolve written names, load a registry, expand groups."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.agencies import AgencyEntry, agency_key, canonical_name, is_group_name, split_agencies
from domain.text import fold, strip_diacritics, tidy
from storage.models import (
    Agency,
    AgencyAlias,
    AgencyMembership,
    Assignment,
    FocalPerson,
    Item,
    StatusChange,
)


class RegistryError(Exception):
    """The agency registry file cannot be loaded; the message is Vietnamese."""


@dataclass
class AgencyBook:
    """Every agency by key and alias key, loaded once per unit of work."""

    by_key: dict[str, Agency]
    members: dict[int, list[int]]
    created: list[Agency]

    def expand(self, group_id: int) -> list[int]:
        """A group's member agencies, nested groups expanded; a group with no members stays."""
        found: list[int] = []
        seen = {group_id}
        pending = list(self.members.get(group_id, []))
        while pending:
            agency_id = pending.pop(0)
            if agency_id in seen:
                continue
            seen.add(agency_id)
            nested = self.members.get(agency_id)
            if nested:
                pending.extend(nested)
            else:
                found.append(agency_id)
        return found

    def find(self, written: str) -> Agency | None:
        """The agency a written name means, if it is known."""
        return self.by_key.get(agency_key(written))


async def load_agency_book(*, session: AsyncSession) -> AgencyBook:
    """All agencies, aliases and group memberships."""
    agencies = {a.id: a for a in (await session.exec(select(Agency))).all()}
    by_key = {a.key: a for a in agencies.values()}
    for alias in (await session.exec(select(AgencyAlias))).all():
        by_key.setdefault(alias.key, agencies[alias.agency_id])
    members: dict[int, list[int]] = {}
    for link in (await session.exec(select(AgencyMembership))).all():
        members.setdefault(link.group_id, []).append(link.member_id)
    return AgencyBook(by_key=by_key, members=members, created=[])


async def resolve_agency(written: str, book: AgencyBook, *, session: AsyncSession) -> Agency:
    """The agency for a written name, created (and remembered as new) when unknown."""
    found = book.find(written)
    if found is not None:
        return found
    agency = Agency(key=agency_key(written), name=canonical_name(written),
                    is_group=is_group_name(written))
    session.add(agency)
    await session.flush()
    book.by_key[agency.key] = agency
    book.created.append(agency)
    return agency


async def sync_assignments(
    item: Item, leads: Sequence[Agency], book: AgencyBook, *, session: AsyncSession
) -> tuple[int, int]:
    """Make the item's active assignments match its leads, groups expanded to their members.

    Returns (created, closed). Assignments are never deleted: their history stays.
    """
    wanted: dict[int, int | None] = {}
    for lead in leads:
        assert lead.id is not None
        if lead.is_group and book.members.get(lead.id):
            for member_id in book.expand(lead.id):
                wanted.setdefault(member_id, lead.id)
        else:
            wanted[lead.id] = None
    existing = {
        a.agency_id: a
        for a in (await session.exec(select(Assignment).where(Assignment.item_id == item.id))).all()
    }
    created = closed = 0
    for agency_id, via_group_id in wanted.items():
        assignment = existing.get(agency_id)
        if assignment is None:
            assert item.id is not None
            session.add(Assignment(item_id=item.id, agency_id=agency_id,
                                   via_group_id=via_group_id))
            created += 1
        elif not assignment.active or assignment.via_group_id != via_group_id:
            created += 0 if assignment.active else 1
            assignment.active = True
            assignment.via_group_id = via_group_id
            session.add(assignment)
    for agency_id, assignment in existing.items():
        if agency_id not in wanted and assignment.active:
            assignment.active = False
            session.add(assignment)
            closed += 1
    return created, closed


_REGISTRY_COLUMNS = {"name": ("name", "ten", "ten co quan", "co quan"),
                     "type": ("type", "loai"),
                     "aliases": ("aliases", "ten khac", "viet tat"),
                     "groups": ("groups", "nhom", "thuoc nhom")}


def parse_registry(text: str) -> list[AgencyEntry]:
    """Registry rows (name, type, aliases, groups; lists split on ";") from CSV text."""
    reader = csv.reader(io.StringIO(text))
    header = [strip_diacritics(fold(cell)) for cell in next(reader, [])]
    index: dict[str, int] = {}
    for column, names in _REGISTRY_COLUMNS.items():
        for position, heading in enumerate(header):
            if heading in names:
                index[column] = position
    if "name" not in index:
        raise RegistryError("tệp danh mục cơ quan thiếu cột 'name' (tên cơ quan)")
    entries = []
    for row in reader:
        def cell(column: str, row: list[str] = row) -> str:
            position = index.get(column)
            return tidy(row[position]) if position is not None and position < len(row) else ""

        if not cell("name"):
            continue
        kind = strip_diacritics(fold(cell("type")))
        entries.append(AgencyEntry(
            name=cell("name"),
            aliases=tuple(a for a in (tidy(x) for x in cell("aliases").split(";")) if a),
            groups=tuple(split_agencies(cell("groups"))),
            is_group=kind in ("group", "nhom") or (not kind and is_group_name(cell("name"))),
        ))
    return entries


def read_registry(path: Path) -> list[AgencyEntry]:
    """Read a registry CSV file; unreadable files raise RegistryError in Vietnamese."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise RegistryError(f"{path}: không mở được tệp ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: tệp không ở mã UTF-8") from exc
    return parse_registry(text)


async def import_registry(entries: Iterable[AgencyEntry], *, session: AsyncSession) -> int:
    """Load registry entries: names, aliases, group members; then re-expand every item."""
    entries = list(entries)
    book = await load_agency_book(session=session)
    saved: dict[str, Agency] = {}
    for entry in entries:
        keys = {agency_key(entry.name), *(agency_key(a) for a in entry.aliases)}
        matches = {id(a): a for k in keys if (a := book.by_key.get(k)) is not None}
        found = sorted(matches.values(), key=lambda a: a.id or 0)
        agency = found[0] if found else None
        for duplicate in found[1:]:
            # Two spellings imported before the registry said they are one agency.
            assert agency is not None
            await merge_agency(duplicate, into=agency, session=session)
            book.by_key = {k: agency if a is duplicate else a for k, a in book.by_key.items()}
        if agency is None:
            agency = Agency(key=agency_key(entry.name), name=canonical_name(entry.name),
                            is_group=entry.is_group)
        else:
            agency.name = canonical_name(entry.name)
            agency.is_group = entry.is_group
        session.add(agency)
        await session.flush()
        assert agency.id is not None
        for key in keys - {agency.key}:
            if (await session.exec(select(AgencyAlias).where(AgencyAlias.key == key))).first():
                continue
            session.add(AgencyAlias(key=key, agency_id=agency.id))
            book.by_key[key] = agency
        book.by_key[agency.key] = agency
        saved[fold(entry.name)] = agency
    for entry in entries:
        member = saved[fold(entry.name)]
        for group_name in entry.groups:
            group = await resolve_agency(group_name, book, session=session)
            group.is_group = True
            session.add(group)
            assert group.id is not None and member.id is not None
            if await session.get(AgencyMembership, (group.id, member.id)) is None:
                session.add(AgencyMembership(group_id=group.id, member_id=member.id))
    await session.flush()
    await reexpand_all_items(session=session)
    return len(entries)


async def reexpand_all_items(*, session: AsyncSession) -> None:
    """Re-derive every item's leads and assignments after the registry changed."""
    book = await load_agency_book(session=session)
    for item in (await session.exec(select(Item))).all():
        leads = [await resolve_agency(name, book, session=session) for name in item.lead_agencies]
        names = list(dict.fromkeys(lead.name for lead in leads))
        if names != item.lead_agencies:
            item.lead_agencies = names
            session.add(item)
        await sync_assignments(item, leads, book, session=session)


async def merge_agency(duplicate: Agency, *, into: Agency, session: AsyncSession) -> None:
    """Fold one agency into another: assignments, history, chats, aliases, memberships."""
    assert duplicate.id is not None and into.id is not None
    kept = {a.item_id: a for a in (await session.exec(
        select(Assignment).where(Assignment.agency_id == into.id))).all()}
    for assignment in (await session.exec(
            select(Assignment).where(Assignment.agency_id == duplicate.id))).all():
        twin = kept.get(assignment.item_id)
        if twin is None:
            assignment.agency_id = into.id
            session.add(assignment)
            continue
        await session.exec(update(StatusChange)
                           .where(col(StatusChange.assignment_id) == assignment.id)
                           .values(assignment_id=twin.id))
        if twin.status == "not_started" and assignment.status != "not_started":
            twin.status, twin.percent, twin.note = (assignment.status, assignment.percent,
                                                    assignment.note)
            twin.done_on, twin.status_changed_at = assignment.done_on, assignment.status_changed_at
            session.add(twin)
        await session.delete(assignment)
    await session.flush()
    for model, column in ((Assignment, "via_group_id"), (FocalPerson, "agency_id"),
                          (AgencyAlias, "agency_id")):
        await session.exec(update(model).where(getattr(model, column) == duplicate.id)
                           .values({column: into.id}))
    links = (await session.exec(select(AgencyMembership).where(or_(
        col(AgencyMembership.group_id) == duplicate.id,
        col(AgencyMembership.member_id) == duplicate.id)))).all()
    for link in links:
        group_id = into.id if link.group_id == duplicate.id else link.group_id
        member_id = into.id if link.member_id == duplicate.id else link.member_id
        await session.delete(link)
        await session.flush()
        if group_id != member_id and await session.get(AgencyMembership,
                                                       (group_id, member_id)) is None:
            session.add(AgencyMembership(group_id=group_id, member_id=member_id))
    session.add(AgencyAlias(key=duplicate.key, agency_id=into.id))
    await session.delete(duplicate)
    await session.flush()

