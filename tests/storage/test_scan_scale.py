"""The scan plans from its stored days exactly what the plain policy plans over everything."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bench.history import Seeder, scan_and_reply
from bench.load import Loader
from bench.synthetic import TZ, Ids, OpenAssignment, national_store
from domain.reminder_steps import CHECKIN_EXPECTED
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.reminder_days import days_choose
from scheduler.scan import plan_day, plan_day_unfiltered
from storage.db import transaction
from storage.models import Assignment, FocalPerson, IndicatorReport
from storage.reminders import settle_answered

CALENDAR = vietnam_calendar([2024, 2025, 2026])
# Escalations off the overdue rhythm (1, 4, 7, 10…), so some days bring an escalation alone.
POLICY = ReminderPolicy(escalate_after=6, escalate_every=6)
START, END = date(2025, 8, 25), date(2025, 9, 26)


async def _store(url: str) -> dict[int, OpenAssignment]:
    loader = await Loader(url).open()
    summaries: dict[int, OpenAssignment] = {}
    for chunk, opened in national_store(600, END, START, seed=7):
        for table, rows in chunk.rows.items():
            await loader.add(table, rows)
        summaries.update((s.assignment_id, s) for s in opened)
    ids = Ids()
    ids.next.update(reminder_log=1, status_change=100_000)
    seeder = Seeder(START - timedelta(days=90), START, CALENDAR, POLICY, random.Random(3), ids)
    for summary in summaries.values():
        logs, replies = seeder.rows(summary)
        await loader.add("reminder_log", logs)
        await loader.add("status_change", replies)
    await loader.finish()
    await loader.close()
    return summaries


async def _pick(session, query: Any, count: int, rng: random.Random) -> list[int]:
    """`count` ids of the query's, chosen by the seeded rng (the same on every database)."""
    ids = sorted(row[0] for row in (await session.exec(query)).all())
    return rng.sample(ids, min(count, len(ids)))


async def _disturb(sessions, day: date, rng: random.Random) -> None:
    """What happens between scans: reopened tasks, new and lost focal persons, extensions…"""
    a = Assignment.__table__  # type: ignore[attr-defined]
    people = FocalPerson.__table__  # type: ignore[attr-defined]
    async with transaction(sessions) as session:
        done = await _pick(session, sa.select(a.c.id).where(a.c.status == "done"), 3, rng)
        await session.exec(sa.update(a).where(a.c.id.in_(done)).values(
            status="in_progress", done_on=None))
        open_ = await _pick(session, sa.select(a.c.id).where(a.c.status != "done"), 3, rng)
        await session.exec(sa.update(a).where(a.c.id.in_(open_)).values(
            extended_due=day + timedelta(days=rng.randrange(-20, 40))))
        # A completion date given (or changed by hand): the stored day must follow it.
        expecting = await _pick(session, sa.select(a.c.id).where(
            a.c.status == "in_progress"), 6, rng)
        for assignment_id in expecting:
            await session.exec(sa.update(a).where(a.c.id == assignment_id).values(
                expected_on=day + timedelta(days=rng.randrange(-2, 15))))
        gone = await _pick(session, sa.select(a.c.id), 1, rng)
        await session.exec(sa.update(a).where(a.c.id.in_(gone)).values(active=False))
        lost = await _pick(session, sa.select(people.c.id).where(people.c.role == "focal"), 2,
                           rng)
        await session.exec(sa.update(people).where(people.c.id.in_(lost)).values(
            reachable=False))
        without_focal: Any = sa.select(sa.text("agency.id")).select_from(sa.text("agency")).where(
            sa.text("NOT agency.is_group AND agency.id NOT IN (SELECT agency_id FROM"
                    " focal_person WHERE agency_id IS NOT NULL AND role = 'focal' AND reachable)")
        ).order_by(sa.text("agency.id")).limit(2)
        lacking = (await session.exec(without_focal)).all()
        for (agency_id,) in lacking:
            session.add(FocalPerson(agency_id=agency_id, role="focal", channel="telegram",
                                    chat_id=f"new-{agency_id}-{day}", name="Người mới",
                                    linked_at=datetime(2025, 8, 1, tzinfo=UTC)))
        for assignment_id in await _pick(session, sa.select(a.c.id).where(a.c.status != "done"),
                                         1, rng):
            session.add(IndicatorReport(
                assignment_id=assignment_id, reported_by=None, assessment="achieved",
                at=datetime.combine(day, datetime.min.time(), tzinfo=TZ), final=rng.random() < 0.5))


async def test_the_candidate_search_plans_what_the_plain_policy_plans(database_url, sessions):
    summaries = await _store(database_url)
    rng = random.Random(11)
    pending: list[tuple[int, date]] = []
    compared = due = by_days = expected = 0
    day = START
    while day <= END:
        if rng.random() < 0.5:
            await _disturb(sessions, day, rng)
        async with sessions() as session:
            plain, plain_secretariat = await plan_day_unfiltered(day, TZ, CALENDAR, POLICY,
                                                                 session=session)
            by_days += await days_choose(day, CALENDAR, POLICY, TZ, session=session)
            fast, secretariat = await plan_day(day, TZ, CALENDAR, POLICY, session=session)
            assert fast == plain, day
            assert secretariat == plain_secretariat
            # Marking reminders answered changes no decision (rolled back with the session).
            await settle_answered(day, TZ, session=session)
            settled, _ = await plan_day_unfiltered(day, TZ, CALENDAR, POLICY, session=session)
            assert settled == plain, day
        compared += 1
        due += len(plain.due)
        expected += sum(1 for item in plain.due if item.kind == CHECKIN_EXPECTED)
        # Some working days are skipped, as when the process was down: catch-ups follow.
        if CALENDAR.is_working_day(day) and rng.random() < 0.85:
            _, pending = await scan_and_reply(sessions, day, pending, summaries, CALENDAR,
                                              POLICY, rng)
        day += timedelta(days=1)
    assert compared == (END - START).days + 1
    assert due > 1000  # the days compared were not empty ones
    assert expected > 0  # the check-in on a completion date was among them
    assert by_days >= compared - 1  # all but the first day chose by the stored days
