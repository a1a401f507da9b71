"""The benchmark's national store as 34 province committees under a central one (issue #22):
each province's secretariat is sent its own escalations and lists, the centre a roll-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time

from sqlmodel import col, select

from bench.load import Loader
from bench.scan_check import ITEM_CODE, last_outbox_id, secretariat_messages
from bench.synthetic import CENTRAL, TZ, national_store
from domain.digest_inputs import digest_period
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import plan_day, scan
from storage.committees import CommitteeScope
from storage.db import transaction
from storage.digest import load_digest_inputs
from storage.models import DigestRun, FocalPerson, Item, Outbox
from storage.rollup import child_figures

CALENDAR = vietnam_calendar([2024, 2025, 2026])
START, END = date(2025, 8, 25), date(2025, 9, 26)
MONDAY = date(2025, 9, 22)  # the weekly day: unreachable lists go out


async def test_each_province_secretariat_gets_its_own_and_the_centre_a_roll_up(
        sessions, database_url):
    loader = await Loader(database_url).open()
    committee_of_assignment: dict[int, int] = {}
    items = 0
    for chunk, _ in national_store(600, END, START, seed=7):
        for table, rows in chunk.rows.items():
            await loader.add(table, rows)
        owner = {row[0]: row[-1] for row in chunk.rows["item"]}
        items += len(owner)
        committee_of_assignment.update((row[0], owner[row[1]])
                                       for row in chunk.rows["assignment"])
    await loader.finish()
    await loader.close()
    async with sessions() as session:
        plan, secretariat = await plan_day(MONDAY, TZ, CALENDAR, ReminderPolicy(),
                                           session=session)
    assert len(secretariat) == 34 and len({p.committee_id for p in secretariat}) == 34
    told = [m for m in plan.escalations if m.recipient.role == "secretariat"]
    assert len(told) > 1
    for message in told:
        assert {committee_of_assignment[item.assignment.assignment_id]
                for item in message.items} == {message.recipient.committee_id}
    assert plan.unreachable
    assert {committee_of_assignment[item.assignment.assignment_id]
            for item in plan.unreachable} <= {p.committee_id for p in secretariat}
    period = digest_period(MONDAY, 1)
    async with sessions() as session:
        children = await child_figures(CENTRAL, period, TZ, session=session)
        province = await load_digest_inputs(period, TZ, CommitteeScope(CENTRAL + 1),
                                            session=session)
        central = await load_digest_inputs(period, TZ, session=session)
    assert len(children) == 34
    assert sum(c.figures.task_total + c.figures.indicator_total for c in children) == items
    # The centre has no items of its own: what it sees of the provinces is the roll-up.
    assert province.items and not central.items
    # A province whose digest of the period ran is read from what that digest stored (one row,
    # not its whole store); a run that stored nothing yet (under way) is worked out again.
    first, second = children[0], children[1]
    stored = replace(first.figures, tasks={**first.figures.tasks, "overdue": 999})
    async with transaction(sessions) as session:
        session.add(DigestRun(committee_id=CENTRAL + 1, period_start=period.start,
                              period_end=period.end, built_at=datetime.now(UTC),
                              figures=stored.as_json()))
        session.add(DigestRun(committee_id=CENTRAL + 2, period_start=period.start,
                              period_end=period.end, built_at=datetime.now(UTC), figures={}))
    async with sessions() as session:
        again = await child_figures(CENTRAL, period, TZ, session=session)
    assert again[0].figures.tasks["overdue"] == 999 and again[0].name == first.name
    assert again[1].figures == second.figures
    assert [c.figures for c in again[2:]] == [c.figures for c in children[2:]]


async def _load(database_url, committees: int) -> None:
    loader = await Loader(database_url).open()
    for chunk, _ in national_store(600, END, START, seed=7, committees=committees):
        for table, rows in chunk.rows.items():
            await loader.add(table, rows)
    await loader.finish()
    await loader.close()


async def test_the_bench_check_reads_each_secretariat_chat_back_and_finds_a_leak(
        sessions, database_url):
    await _load(database_url, 35)
    after = await last_outbox_id(sessions)
    now = datetime.combine(MONDAY, time(8), tzinfo=TZ)
    await scan(sessions, now, TZ, CALENDAR, ReminderPolicy())
    sent = await secretariat_messages(sessions, after)
    assert sent["committees_of_secretariats"] == 34 and sent["chats_told"] > 1
    assert sent["escalation"]["messages"] > 1 and sent["unreachable_list"]["messages"] > 1
    assert sent["items_named"] > 0 and sent["codes_unknown"] == 0 and sent["leaks"] == 0
    # One named item moved to another province: the check must see it in that chat's text.
    async with sessions() as session:
        first = (await session.exec(
            select(Outbox.text)
            .join(FocalPerson, col(FocalPerson.id) == col(Outbox.focal_person_id))
            .where(Outbox.id > after, Outbox.kind == "escalation",
                   FocalPerson.role == "secretariat").order_by(Outbox.id))).first()
    code = ITEM_CODE.findall(first)[0]
    async with transaction(sessions) as session:
        item = (await session.exec(select(Item).where(Item.code == code))).one()
        item.committee_id = CENTRAL + 1 if item.committee_id != CENTRAL + 1 else CENTRAL + 2
    leaked = await secretariat_messages(sessions, after)
    assert leaked["leaks"] >= 1 and code in leaked["leak_examples"][0]


async def test_the_single_committee_shape_is_the_same_store_under_the_centre(
        sessions, database_url):
    many = [chunk for chunk, _ in national_store(600, END, START, seed=7, committees=35)]
    one = [chunk for chunk, _ in national_store(600, END, START, seed=7, committees=1)]
    assert not any(chunk.rows["committee"] for chunk in one)
    for a, b in zip(many, one, strict=True):
        for table in ("agency", "assignment", "status_change", "indicator_report"):
            assert a.rows[table] == b.rows[table]
        for table in ("item", "document"):
            assert [r[:-1] for r in a.rows[table]] == [r[:-1] for r in b.rows[table]]
            assert {r[-1] for r in b.rows[table]} == {CENTRAL}
    await _load(database_url, 1)
    after = await last_outbox_id(sessions)
    await scan(sessions, datetime.combine(MONDAY, time(8), tzinfo=TZ), TZ, CALENDAR,
               ReminderPolicy())
    sent = await secretariat_messages(sessions, after)
    # Before issue #22's shape: every secretariat chat is the centre's and gets everything.
    assert sent["committees_of_secretariats"] == 1 and sent["chats_told"] == 34
    assert sent["leaks"] == 0
