"""The list's SQL filters against the plain reading, and the overview's kept digest."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import col, select

from console.overview_cache import MAX_AGE, SLOW_BUILD, OverviewCache
from domain.text import strip_diacritics
from storage.console_list import PAGE_SIZE, ItemFilter, list_items, search_key, search_keys
from storage.console_queries import WHOLE, overview
from storage.db import transaction
from storage.models import Assignment, Item
from storage.status import Actor, record_status
from tests.console.conftest import TZ, Console

TODAY = date(2025, 9, 22)


class Ticks:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def reference(console: Console, wanted: ItemFilter, classes: dict[int, str]) -> list[int]:
    """The ids the list should show, read the plain way: every item, filtered in Python."""
    async with console.sessions() as session:
        items = (await session.exec(select(Item).order_by(col(Item.id)))).all()
        led = set((await session.exec(select(Assignment.item_id).where(
            Assignment.agency_id == wanted.agency_id, col(Assignment.active)))).all())
    needle = search_key(wanted.q) if wanted.q.strip() else ""
    return [item.id for item in items if item.id is not None
            and (wanted.agency_id is None or item.id in led)
            and (wanted.document_id is None or item.document_id == wanted.document_id)
            and (not wanted.kind or item.kind == wanted.kind)
            and (wanted.due_from is None or (item.due is not None and item.due >= wanted.due_from))
            and (wanted.due_to is None or (item.due is not None and item.due <= wanted.due_to))
            and (not wanted.cls or classes.get(item.id) == wanted.cls)
            and (not needle or needle in search_key(
                f"{item.code or ''} {item.text} {' '.join(item.lead_agencies)}"))]


async def test_the_sql_list_finds_what_the_plain_reading_finds(console: Console):
    async with console.sessions() as session:
        view = await overview(WHOLE, TODAY, TZ, 1, session=session)
        some = (await session.exec(select(Item).where(col(Item.due).is_not(None))
                                   .order_by(col(Item.id)))).first()
    assert some is not None and some.due is not None
    classes = {status.item.item_id: status.cls for status in view.digest.items}
    word = strip_diacritics(some.text.split()[1]).upper()
    filters = [
        ItemFilter(), ItemFilter(page=2), ItemFilter(page=99),
        ItemFilter(agency_id=console.focal.agency_id), ItemFilter(document_id=some.document_id),
        ItemFilter(kind="indicator"), ItemFilter(due_from=some.due),
        ItemFilter(due_from=date(2025, 7, 1), due_to=date(2025, 12, 31), kind="task"),
        ItemFilter(q=word), ItemFilter(q=word, page=2), ItemFilter(q="  "),
        ItemFilter(q="100%_"),
        *[ItemFilter(kind="task", cls=name) for name in set(classes.values())],
        ItemFilter(cls="overdue", q=word), ItemFilter(cls="not_due", page=2),
    ]
    async with console.sessions() as session:
        keys = await search_keys(None, WHOLE, session=session)
        found = 0
        for wanted in filters:
            expected = await reference(console, wanted, classes)
            found += bool(expected)
            page = await list_items(WHOLE, wanted, classes, session=session)
            pages = max(1, -(-len(expected) // PAGE_SIZE))
            number = min(max(1, wanted.page), pages)
            assert (page.total, page.pages, page.page) == (len(expected), pages, number), wanted
            start = (number - 1) * PAGE_SIZE
            assert [row.item_id for row in page.rows] == expected[start:start + PAGE_SIZE], wanted
            kept = await list_items(WHOLE, wanted, classes, session=session, keys=keys)
            assert kept == page, wanted
    assert found >= len(filters) // 2  # most filters match something: the test compares rows


async def test_page_two_of_the_whole_list(console: Console):
    async with console.sessions() as session:
        page = await list_items(WHOLE, ItemFilter(page=2), {}, session=session)
    assert page.total == 93 and page.pages == 2 and len(page.rows) == 93 - PAGE_SIZE


async def _cache(console: Console, ticks: Ticks) -> OverviewCache:
    return OverviewCache(console.sessions, TZ, 1, console.clock.now, ticks)


async def test_the_kept_digest_is_the_domain_digest_until_something_changes(console: Console):
    ticks = Ticks()
    cache = await _cache(console, ticks)
    first, refreshing = await cache.digest(WHOLE, TODAY)
    async with console.sessions() as session:
        fresh = await overview(WHOLE, TODAY, TZ, 1, session=session)
    assert not refreshing and first.view.digest.figures == fresh.digest.figures
    assert first.view.by_document == fresh.by_document
    assert first.classes == {s.item.item_id: s.cls for s in fresh.digest.items}
    assert (await cache.digest(WHOLE, TODAY))[0] is first  # nothing changed: kept
    async with transaction(console.sessions) as session:
        await record_status(console.request.assignment_id, "blocked", console.clock.now(), TODAY,
                            Actor("secretariat", console.secretariat.id), session=session,
                            note="Thiếu kinh phí")
    second, refreshing = await cache.digest(WHOLE, TODAY)
    assert not refreshing and second is not first  # a quick build is waited for
    assert [b.assignment.assignment_id for b in second.view.digest.blocked] == [
        console.request.assignment_id]
    assert (await cache.digest(WHOLE, date(2025, 9, 23)))[0].today == date(2025, 9, 23)


async def test_a_slow_build_is_redone_in_the_background_showing_the_last(console: Console):
    ticks = Ticks()
    cache = await _cache(console, ticks)
    first, _ = await cache.digest(WHOLE, TODAY)
    # As if that build had taken long: the next one is not waited for.
    cache._snapshots[WHOLE] = replace(first, seconds=SLOW_BUILD + 1)
    slow = cache._snapshots[WHOLE]
    async with transaction(console.sessions) as session:
        await record_status(console.request.assignment_id, "done", console.clock.now(), TODAY,
                            Actor("secretariat", console.secretariat.id), session=session)
    shown, refreshing = await cache.digest(WHOLE, TODAY)
    assert shown is slow and refreshing
    await cache._building[WHOLE]
    newer, refreshing = await cache.digest(WHOLE, TODAY)
    assert not refreshing and newer is not slow
    assert newer.view.digest.figures != slow.view.digest.figures


async def test_the_digest_is_rebuilt_after_max_age_even_without_a_mark(console: Console):
    ticks = Ticks()
    cache = await _cache(console, ticks)
    first, _ = await cache.digest(WHOLE, TODAY)
    ticks.now += MAX_AGE - 1
    assert (await cache.digest(WHOLE, TODAY))[0] is first
    ticks.now += 2
    assert (await cache.digest(WHOLE, TODAY))[0] is not first


async def test_search_keys_follow_an_edited_item(console: Console):
    ticks = Ticks()
    cache = await _cache(console, ticks)
    keys = await cache.search_keys(WHOLE)
    assert len(keys) == 93
    async with transaction(console.sessions) as session:
        item = (await session.exec(select(Item).order_by(col(Item.id)))).first()
        assert item is not None
        item.text, item.updated_at = "Xây dựng cầu Bến Thủy 3", console.clock.now().replace(
            year=2026)
        session.add(item)
    assert "ben thuy" in (await cache.search_keys(WHOLE))[item.id or 0]
    async with console.sessions() as session:
        found = await list_items(WHOLE, ItemFilter(q="BEN THUY"), {}, session=session,
                                 keys=await cache.search_keys(WHOLE))
    assert [row.item_id for row in found.rows] == [item.id]


@pytest.mark.parametrize("path", ["/console/", "/console/nhiemvu?cls=overdue&kind=task"])
async def test_the_pages_say_when_the_figures_were_taken(console: Console, path: str):
    await console.sign_in(console.leader)
    page = await (await console.client.get(path)).text()
    assert ("Số liệu tính lúc" in page) == (path == "/console/")
    assert "đang tính lại" not in page
