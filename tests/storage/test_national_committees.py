"""The benchmark's national store as 34 province committees under a central one (issue #22):
each province's secretariat is sent its own escalations and lists, the centre a roll-up."""

from __future__ import annotations

from datetime import date

from bench.load import Loader
from bench.synthetic import CENTRAL, TZ, national_store
from domain.digest_inputs import digest_period
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import plan_day
from storage.committees import CommitteeScope
from storage.digest import load_digest_inputs
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
