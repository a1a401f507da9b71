"""Each assignment's stored next reminder day: kept by the scan, cleared by what changes it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from domain.reminder_schedule import NextReminder
from domain.reminders import ReminderPolicy
from scheduler.reminder_days import days_choose, fingerprint, keep_days
from scheduler.scan import plan_day, plan_day_unfiltered, scan
from storage.db import transaction
from storage.models import Assignment, IndicatorReport, Item, ReminderLog
from storage.reminder_schedule import read_schedule, store_days
from storage.scan_sql import prepare_bulk_reads
from storage.status import Actor, decide_extension, record_status, request_extension
from tests.storage.test_scan import CALENDAR, POLICY, TZ, at

SECRETARIAT = Actor("secretariat", None)


async def stored(sessions) -> dict[int, tuple[date | None, int]]:
    """Every open assignment's (next day, revision)."""
    async with sessions() as session:
        rows = (await session.exec(select(
            col(Assignment.id), col(Assignment.next_reminder_on),
            Assignment.reminder_revision).where(
            col(Assignment.active).is_(True), Assignment.status != "done"))).all()
    return {aid: (day, revision) for aid, day, revision in rows if aid is not None}


async def test_a_scan_stores_each_assignment_s_next_day(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    days = await stored(seeded)
    assert days and all(day is not None and day > date(2025, 9, 22) for day, _ in days.values())
    async with seeded() as session:
        sent = set((await session.exec(select(ReminderLog.assignment_id).where(
            col(ReminderLog.answered).is_(False),
            ~col(ReminderLog.kind).startswith("escalation_")))).all())
        assert await read_schedule(session=session) == (
            fingerprint(CALENDAR, POLICY, TZ), date(2025, 9, 22))
    # Reminded today (Monday 22/09), unanswered: asked again next Monday at the latest.
    assert sent and all(days[aid][0] <= date(2025, 9, 29) for aid in sent)


async def test_the_days_choose_what_the_plain_policy_plans(seeded):
    day = date(2025, 9, 22)
    await scan(seeded, at(day.isoformat()), TZ, CALENDAR, POLICY)
    for later in ("2025-09-23", "2025-09-24", "2025-09-25", "2025-10-01", "2025-10-15"):
        async with seeded() as session:
            assert await days_choose(date.fromisoformat(later), CALENDAR, POLICY, TZ,
                                     session=session)
            fast = await plan_day(date.fromisoformat(later), TZ, CALENDAR, POLICY,
                                  session=session)
            plain = await plan_day_unfiltered(date.fromisoformat(later), TZ, CALENDAR, POLICY,
                                              session=session)
            searched = await plan_day(date.fromisoformat(later), TZ, CALENDAR, POLICY,
                                      session=session, full_search=True)
        assert fast == plain == searched, later
        await scan(seeded, at(later), TZ, CALENDAR, POLICY)


async def test_what_the_policy_reads_clears_the_day(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    before = await stored(seeded)
    ids = sorted(before)
    now = datetime(2025, 9, 22, 3, tzinfo=UTC)
    async with transaction(seeded) as session:
        await record_status(ids[0], "in_progress", now, date(2025, 9, 22), SECRETARIAT,
                            session=session, percent=40)
        request = await request_extension(ids[1], date(2025, 12, 31), "chờ vốn", now,
                                          SECRETARIAT, session=session)
        assert request.id is not None
        await decide_extension(request.id, True, now, SECRETARIAT, session=session)
        session.add(IndicatorReport(assignment_id=ids[2], at=now, reported_by=None,
                                    assessment="achieved"))
        item_id = (await session.get(Assignment, ids[3])).item_id
        await session.exec(sa.update(Item).where(col(Item.id) == item_id).values(
            due=date(2026, 3, 31)))
    after = await stored(seeded)
    changed = set(ids[:3])
    async with seeded() as session:
        changed |= set((await session.exec(select(Assignment.id).where(
            Assignment.item_id == item_id))).all())
    for aid in ids:
        if aid in changed:
            assert after[aid][0] is None and after[aid][1] > before[aid][1], aid
        else:
            assert after[aid] == before[aid], aid


@pytest.mark.parametrize("column", ["expected_on", "blocker_handled_on"])
async def test_a_new_completion_or_handling_date_clears_the_day(seeded, column):
    # Whatever writes it (a report, the console, a hand fix): the policy checks in on it.
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    before = await stored(seeded)
    aid = sorted(before)[0]
    async with transaction(seeded) as session:
        await session.exec(sa.update(Assignment).where(col(Assignment.id) == aid).values(
            {column: date(2025, 9, 24)}))
    after = await stored(seeded)
    assert after[aid][0] is None and after[aid][1] > before[aid][1]
    assert {k: v for k, v in after.items() if k != aid} == {
        k: v for k, v in before.items() if k != aid}


async def test_the_scan_s_own_writes_clear_nothing(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    before = await stored(seeded)
    # The next scan marks answered reminders, adds history and links it: no day is cleared
    # by that (those it planned get a new day, the others keep theirs).
    await scan(seeded, at("2025-09-23"), TZ, CALENDAR, POLICY)
    after = await stored(seeded)
    assert all(after[aid][1] == before[aid][1] for aid in before)
    assert all(after[aid][0] is not None for aid in after)


async def test_a_day_worked_out_from_stale_inputs_is_not_stored(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    aid, (_, revision) = sorted((await stored(seeded)).items())[0]
    async with transaction(seeded) as session:
        await record_status(aid, "blocked", datetime(2025, 9, 22, 4, tzinfo=UTC),
                            date(2025, 9, 22), SECRETARIAT, session=session)
    async with transaction(seeded) as session:
        # A scan that read the assignment before the update tries to store its day.
        later = NextReminder(date(2025, 11, 3), ("before_7", date(2025, 11, 12)))
        assert await store_days([(aid, revision, later)],
                                session=session) == 0
    assert (await stored(seeded))[aid][0] is None


async def test_a_new_policy_clears_every_day_and_works_them_out_again(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    stricter = ReminderPolicy(escalate_every=1)
    await scan(seeded, at("2025-09-23"), TZ, CALENDAR, stricter)
    async with seeded() as session:
        assert await read_schedule(session=session) == (
            fingerprint(CALENDAR, stricter, TZ), date(2025, 9, 23))
        assert not await days_choose(date(2025, 9, 24), CALENDAR, POLICY, TZ, session=session)
    assert all(day is not None and day > date(2025, 9, 23)
               for day, _ in (await stored(seeded)).values())


async def test_a_scan_of_an_earlier_day_keeps_the_later_days_right(seeded):
    await scan(seeded, at("2025-10-01"), TZ, CALENDAR, POLICY)
    # Run by hand for a day already past: planned by the full search, its days still kept.
    await scan(seeded, at("2025-09-24"), TZ, CALENDAR, POLICY)
    async with seeded() as session:
        assert (await read_schedule(session=session) or ("", None))[1] == date(2025, 10, 1)
        assert not await days_choose(date(2025, 9, 30), CALENDAR, POLICY, TZ, session=session)
        assert await days_choose(date(2025, 10, 2), CALENDAR, POLICY, TZ, session=session)
        fast = await plan_day(date(2025, 10, 2), TZ, CALENDAR, POLICY, session=session)
        plain = await plan_day_unfiltered(date(2025, 10, 2), TZ, CALENDAR, POLICY,
                                          session=session)
    assert fast == plain
    assert fast[0].due


async def test_between_scans_the_cleared_days_are_worked_out_again(seeded):
    await scan(seeded, at("2025-09-22"), TZ, CALENDAR, POLICY)
    ids = sorted(await stored(seeded))
    async with transaction(seeded) as session:
        for aid in ids[:5]:
            await record_status(aid, "in_progress", datetime(2025, 9, 22, 4, tzinfo=UTC),
                                date(2025, 9, 22), SECRETARIAT, session=session, percent=10)
    cleared = await stored(seeded)
    assert all(cleared[aid][0] is None for aid in ids[:5])
    # The ticker's job that afternoon: today is scanned, so the days are from tomorrow on.
    assert await keep_days(seeded, at("2025-09-22", 15), TZ, CALENDAR, POLICY) == 5
    days = await stored(seeded)
    assert all(days[aid][0] is not None and days[aid][0] > date(2025, 9, 22) for aid in ids[:5])
    assert await keep_days(seeded, at("2025-09-22", 16), TZ, CALENDAR, POLICY) == 0
    async with seeded() as session:
        fast = await plan_day(date(2025, 9, 23), TZ, CALENDAR, POLICY, session=session)
        plain = await plan_day_unfiltered(date(2025, 9, 23), TZ, CALENDAR, POLICY,
                                          session=session)
    assert fast == plain


async def test_nothing_is_worked_out_before_the_first_scan(seeded):
    assert await keep_days(seeded, at("2025-09-22", 7), TZ, CALENDAR, POLICY) == 0
    days = await stored(seeded)
    assert days and all(day is None for day, _ in days.values())


async def test_the_scan_s_reads_are_planned_for_their_own_arrays(sessions, database_url):
    async with transaction(sessions) as session:
        await prepare_bulk_reads(session)
        if database_url.startswith("sqlite"):
            return  # nothing to set: SQLite plans each statement as it runs
        # A generic plan (PostgreSQL's choice after five runs of a prepared statement) made a
        # refresh's history read 30 times slower: every run is planned with its parameters.
        settings = (await session.exec(sa.text(  # type: ignore[call-overload]
            "SELECT current_setting('plan_cache_mode'), current_setting('jit')"))).one()
    assert tuple(settings) == ("force_custom_plan", "off")
