"""The reminder policy on chosen days, and day-by-day simulations with history as the guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.calendar import WorkCalendar
from domain.deadlines import Deadline, DeadlineKind, Every
from domain.reminder_steps import ItemKind, Status, deadline_step_order, period_start
from domain.reminders import (
    AssignmentState,
    PlanResult,
    Recipient,
    SentReminder,
    due_reminders,
)

D = date.fromisoformat
NATIONAL_DAY_2025 = {D("2025-09-01"), D("2025-09-02")}
TET_2026 = {D("2026-02-16") + timedelta(days=n) for n in range(5)}
CALENDAR = WorkCalendar(holidays=frozenset(NATIONAL_DAY_2025 | TET_2026))

HEALTH, HOME_AFFAIRS, POLICE = 1, 2, 3
FOCAL = Recipient(10, "focal", "tg:10", HEALTH)
LEADER = Recipient(20, "leader", "tg:20", HEALTH)
SECRETARIAT = Recipient(30, "secretariat", "tg:30")
RECIPIENTS = (FOCAL, LEADER, SECRETARIAT)
AGENCY_NAMES = {HEALTH: "Sở Y tế", HOME_AFFAIRS: "Sở Nội vụ", POLICE: "Công an tỉnh"}


def task(
    assignment_id: int = 1,
    due: str | None = "2025-09-30",
    *,
    kind: DeadlineKind = "date",
    every: Every | None = None,
    item_kind: ItemKind = "task",
    agency_id: int = HEALTH,
    status: Status = "in_progress",
    last_update_on: str | None = None,
    assessed_final: bool = False,
    code: str | None = None,
    percent: int | None = None,
    blocker_handled_on: date | None = None,
) -> AssignmentState:
    deadline = Deadline(raw=due or kind, kind=kind, due=D(due) if due else None, every=every)
    return AssignmentState(
        assignment_id=assignment_id,
        item_code=code or f"NV{assignment_id}",
        item_kind=item_kind,
        item_text=f"Nhiệm vụ số {assignment_id}",
        agency_id=agency_id,
        agency_name=AGENCY_NAMES[agency_id],
        deadline=deadline,
        status=status,
        last_update_on=D(last_update_on) if last_update_on else None,
        indicator_assessed_final=assessed_final,
        percent=percent,
        blocker_handled_on=blocker_handled_on,
    )


def plan(states, today, history=(), recipients=RECIPIENTS, policy=None) -> PlanResult:
    return due_reminders(states, history, recipients, D(today), CALENDAR, policy)


def simulate(states, start, end, *, answered=True, recipients=RECIPIENTS, policy=None):
    """Scan every day from start to end, recording what fired; returns (day, id, kind) rows."""
    history: list[SentReminder] = []
    fired = []
    day = D(start)
    while day <= D(end):
        result = due_reminders(states, history, recipients, day, CALENDAR, policy)
        for item in result.due:
            fired.append((day.isoformat(), item.assignment_id, item.kind))
            history.append(replace(item.recorded(day), answered=answered))
        day += timedelta(days=1)
    return fired


def kinds(result: PlanResult) -> list[tuple[int, str]]:
    return [(item.assignment_id, item.kind) for item in result.due]


def test_a_recipient_other_than_the_secretariat_needs_an_agency():
    with pytest.raises(ValueError):
        Recipient(1, "focal", "tg:1")


@pytest.mark.parametrize(
    ("day", "every", "expected"),
    [
        ("2025-09-17", "weekly", "2025-09-15"),
        ("2025-09-17", "biweekly", "2025-09-08"),
        ("2025-09-22", "biweekly", "2025-09-22"),
        ("2023-12-31", "biweekly", "2023-12-18"),  # before the epoch
        ("2025-09-17", "monthly", "2025-09-01"),
        ("2025-09-17", "quarterly", "2025-07-01"),
        ("2025-12-31", "quarterly", "2025-10-01"),
        ("2025-09-17", "yearly", "2025-01-01"),
        ("2025-06-30", "half_yearly", "2025-01-01"),
        ("2025-07-01", "half_yearly", "2025-07-01"),
        ("2025-12-31", "half_yearly", "2025-07-01"),
    ],
)
def test_period_start(day, every, expected):
    assert period_start(D(day), every, D("2024-01-01")) == D(expected)


@pytest.mark.parametrize(
    ("kind", "order"),
    [
        ("before_14", -14),
        ("due_today", 0),
        ("overdue_1", 1),
        ("overdue_13", 13),
        ("escalation_10", None),
        ("follow_up", None),
        ("checkin_recurring", None),
    ],
)
def test_deadline_step_order(kind, order):
    assert deadline_step_order(kind) == order
