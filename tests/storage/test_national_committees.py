"""The benchmark's national store as 34 province committees under a central one (issue #22):
each province's secretariat is sent its own escalations and lists, the centre a roll-up."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bench.load import Loader
from bench.synthetic import CENTRAL, TZ, national_store
from domain.digest_inputs import digest_period
from domain.reminders import ReminderPolicy
from scheduler.holidays_vn import vietnam_calendar
from scheduler.scan import plan_day
from storage.committees import CommitteeScope
from storage.db import transaction
from storage.digest import load_digest_inputs
from storage.models import DigestRun
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
