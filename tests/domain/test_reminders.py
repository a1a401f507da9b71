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
    ReminderPolicy,
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


# Deadline Tue 30/09/2025. Working days before it: 29/09 (1), 25/09 (3), 19/09 (7), 10/09 (14).
# After it: 01/10 (1), 06/10 (4), 09/10 (7), 14/10 (10), 17/10 (13).
DEADLINE_STEPS_30_09 = [
    ("2025-09-10", 1, "before_14"),
    ("2025-09-19", 1, "before_7"),
    ("2025-09-25", 1, "before_3"),
    ("2025-09-29", 1, "before_1"),
    ("2025-09-30", 1, "due_today"),
    ("2025-10-01", 1, "overdue_1"),
    ("2025-10-06", 1, "overdue_4"),
    ("2025-10-09", 1, "overdue_7"),
    ("2025-10-14", 1, "overdue_10"),
    ("2025-10-14", 1, "escalation_10"),
    ("2025-10-17", 1, "overdue_13"),
    ("2025-10-22", 1, "overdue_16"),
]


def test_a_dated_task_gets_each_step_once_on_its_working_day():
    assert simulate([task()], "2025-08-15", "2025-10-23") == DEADLINE_STEPS_30_09


def test_a_task_through_tet_2026():
    # Due Wed 18/02/2026, inside Tết: the reminders move, the deadline does not.
    fired = simulate([task(due="2026-02-18")], "2026-01-15", "2026-03-10")
    assert fired == [
        ("2026-01-27", 1, "before_14"),
        ("2026-02-05", 1, "before_7"),
        ("2026-02-11", 1, "before_3"),
        ("2026-02-13", 1, "before_1"),
        ("2026-02-23", 1, "overdue_1"),
        ("2026-02-26", 1, "overdue_4"),
        ("2026-03-03", 1, "overdue_7"),
        ("2026-03-06", 1, "overdue_10"),
        ("2026-03-06", 1, "escalation_10"),
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2025-09-09", []),  # 15 working days left: too early
        ("2025-09-10", [(1, "before_14")]),
        ("2025-09-11", [(1, "before_14")]),  # never sent: caught up
        ("2025-09-22", [(1, "before_7")]),  # missed scans: only the latest step, not all
        ("2025-09-26", [(1, "before_3")]),
        ("2025-09-30", [(1, "due_today")]),
        ("2025-10-08", [(1, "overdue_4")]),
        ("2025-10-20", [(1, "overdue_13"), (1, "escalation_10")]),
        ("2025-09-27", []),  # Saturday
    ],
)
def test_the_latest_reached_step_is_due_when_nothing_was_sent(today, expected):
    assert kinds(plan([task()], today)) == expected


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        ("2025-09-11", [("before_14", "2025-09-10")]),
        ("2025-09-22", [("before_7", "2025-09-19")]),
        # A later step already sent supersedes an earlier one (e.g. after a calendar change).
        ("2025-09-22", [("before_3", "2025-09-19")]),
        ("2025-10-08", [("overdue_4", "2025-10-06")]),
    ],
)
def test_a_step_in_the_history_is_not_due_again(today, sent):
    history = [SentReminder(1, kind, D("2025-09-30"), D(on), answered=True) for kind, on in sent]
    assert kinds(plan([task()], today, history)) == []


def test_steps_restart_when_the_deadline_moves():
    history = [SentReminder(1, "before_1", D("2025-09-30"), D("2025-09-29"), answered=True)]
    extended = task(due="2025-10-08")
    # Six working days from 30/09 to the new deadline: the new deadline's before_7 is due.
    assert kinds(plan([extended], "2025-09-30", history)) == [(1, "before_7")]


@pytest.mark.parametrize("today", ["2025-09-01", "2025-09-02", "2025-09-06", "2026-02-17"])
def test_nothing_is_sent_on_a_day_off(today):
    states = [
        task(1, due="2025-09-02"),
        task(2, due=None, kind="recurring", every="monthly"),
        task(3, due="2025-08-01"),
    ]
    result = plan(states, today)
    assert result == PlanResult(on=D(today))


def test_a_deadline_on_a_holiday_keeps_its_date():
    # Due Tue 02/09/2025, National Day: the last reminder before is Friday 29/08; Wednesday
    # 03/09 is the first day overdue, one calendar day late.
    fired = simulate([task(due="2025-09-02")], "2025-08-21", "2025-09-04")
    assert fired == [
        ("2025-08-21", 1, "before_7"),
        ("2025-08-27", 1, "before_3"),
        ("2025-08-29", 1, "before_1"),
        ("2025-09-03", 1, "overdue_1"),
    ]
    (item,) = plan([task(due="2025-09-02")], "2025-09-03").due
    assert item.days_left == -1


def test_escalation_goes_to_leader_and_secretariat_exactly_once():
    fired = simulate([task()], "2025-09-01", "2025-12-31")
    assert [row for row in fired if row[2].startswith("escalation")] == [
        ("2025-10-14", 1, "escalation_10")
    ]
    result = plan([task()], "2025-10-14")
    assert [(m.recipient, [i.kind for i in m.items]) for m in result.escalations] == [
        (LEADER, ["escalation_10"]),
        (SECRETARIAT, ["escalation_10"]),
    ]
    assert [[i.kind for i in m.items] for m in result.messages] == [["overdue_10"]]


def test_escalation_steps_are_configurable_and_each_fires_once():
    policy = ReminderPolicy(escalate_after=(10, 20))
    fired = simulate([task()], "2025-09-01", "2025-12-31", policy=policy)
    assert [row for row in fired if row[2].startswith("escalation")] == [
        ("2025-10-14", 1, "escalation_10"),
        ("2025-10-28", 1, "escalation_20"),
    ]


def test_an_escalation_without_leader_still_reaches_the_secretariat_and_is_reported():
    result = plan([task()], "2025-10-14", recipients=(FOCAL, SECRETARIAT))
    assert [m.recipient for m in result.escalations] == [SECRETARIAT]
    assert result.warnings == (
        "agency 1 (Sở Y tế) has no leader registered: escalation goes to the secretariat only",
    )


@pytest.mark.parametrize(
    "state",
    [
        task(status="done"),
        task(due=None, kind="recurring", every="monthly", status="done"),
        task(due=None, kind="unknown", item_kind="indicator", status="done"),
        task(due=None, kind="unknown", item_kind="indicator", assessed_final=True),
    ],
)
def test_done_items_never_get_anything(state):
    assert simulate([state], "2025-09-01", "2025-12-31", answered=False) == []


def test_agencies_without_focal_person_are_listed_for_the_secretariat():
    states = [task(1), task(2, agency_id=POLICE)]
    result = plan(states, "2025-09-10")
    assert [[i.assignment_id for i in m.items] for m in result.messages] == [[1]]
    assert [(i.assignment_id, i.kind) for i in result.unreachable] == [(2, "before_14")]
    assert (2, "before_14") in kinds(result)  # recorded, so listed once per step
    assert result.warnings == (
        "agency 3 (Công an tỉnh) has no focal person registered: its reminders are listed"
        " for the secretariat",
    )


def test_nobody_registered_at_all_is_a_warning_not_silence():
    result = plan([task()], "2025-10-14", recipients=())
    assert result.messages == result.escalations == ()
    assert [i.kind for i in result.unreachable] == ["overdue_10"]
    assert result.warnings[-1] == (
        "no secretariat member registered: 1 escalation(s) and 1 unreachable reminder(s)"
        " have nobody to go to"
    )


def test_unreachable_steps_get_no_follow_up():
    states = [task(2, agency_id=POLICE)]
    fired = simulate(states, "2025-09-08", "2025-09-18", answered=False)
    assert fired == [("2025-09-10", 2, "before_14")]


@pytest.mark.parametrize(
    ("state", "start", "end", "expected"),
    [
        # Monthly: the 1st of September is a holiday, the 1st of November a Saturday.
        (
            task(due=None, kind="recurring", every="monthly"),
            "2025-09-01",
            "2025-11-30",
            ["2025-09-03", "2025-10-01", "2025-11-03"],
        ),
        # "Thường xuyên" / "2 tuần/1 lần": fortnights from Monday 25/08/2025.
        (
            task(due=None, kind="recurring", every="biweekly"),
            "2025-09-01",
            "2025-10-31",
            ["2025-09-03", "2025-09-08", "2025-09-22", "2025-10-06", "2025-10-20"],
        ),
        (
            task(due=None, kind="recurring", every=None),
            "2025-09-08",
            "2025-09-30",
            ["2025-09-08", "2025-09-22"],
        ),
        (
            task(due=None, kind="recurring", every="weekly"),
            "2025-09-01",
            "2025-09-21",
            ["2025-09-03", "2025-09-08", "2025-09-15"],
        ),
        (
            task(due=None, kind="recurring", every="quarterly"),
            "2025-09-01",
            "2025-12-31",
            ["2025-09-03", "2025-10-01"],
        ),
        (
            task(due=None, kind="dependent"),
            "2025-09-01",
            "2025-10-31",
            ["2025-09-03", "2025-10-01"],
        ),
        (
            task(due=None, kind="unknown", item_kind="indicator"),
            "2025-09-01",
            "2025-10-31",
            ["2025-09-03", "2025-10-01"],
        ),
        # An indicator with a target date is still asked monthly, not by deadline steps.
        (
            task(due="2025-12-31", item_kind="indicator"),
            "2025-11-01",
            "2025-12-31",
            ["2025-11-03", "2025-12-01"],
        ),
        (
            task(due=None, kind="unknown"),
            "2025-09-08",
            "2025-09-30",
            ["2025-09-08", "2025-09-22"],
        ),
    ],
)
def test_check_ins_come_once_per_period(state, start, end, expected):
    fired = simulate([state], start, end)
    assert [row[0] for row in fired] == expected


@pytest.mark.parametrize(
    ("state", "kind"),
    [
        (task(due=None, kind="recurring", every="monthly"), "checkin_recurring"),
        (task(due=None, kind="dependent"), "checkin_dependent"),
        (task(due=None, kind="unknown", item_kind="indicator"), "checkin_indicator"),
        (task(due=None, kind="unknown"), "checkin_undated"),
    ],
)
def test_check_in_kinds(state, kind):
    assert kinds(plan([state], "2025-10-01")) == [(1, kind)]


def test_an_update_within_the_period_replaces_the_check_in():
    state = task(due=None, kind="dependent", last_update_on="2025-10-01")
    assert kinds(plan([state], "2025-10-02")) == []
    assert kinds(plan([state], "2025-11-03")) == [(1, "checkin_dependent")]


def test_undated_items_can_be_left_to_the_secretariat():
    policy = ReminderPolicy(undated_every=None)
    assert kinds(plan([task(due=None, kind="unknown")], "2025-10-01", policy=policy)) == []


def test_unanswered_reminders_get_one_follow_up_after_two_working_days():
    fired = simulate([task()], "2025-09-08", "2025-10-14", answered=False)
    assert [row for row in fired if row[2] != "escalation_10"] == [
        ("2025-09-10", 1, "before_14"),
        ("2025-09-12", 1, "follow_up"),
        ("2025-09-19", 1, "before_7"),
        ("2025-09-23", 1, "follow_up"),  # Friday + Monday, Tuesday
        ("2025-09-25", 1, "before_3"),
        # Monday 29/09 would follow up before_3, but before_1 is due and says it all.
        ("2025-09-29", 1, "before_1"),
        ("2025-09-30", 1, "due_today"),
        ("2025-10-01", 1, "overdue_1"),
        ("2025-10-03", 1, "follow_up"),
        ("2025-10-06", 1, "overdue_4"),
        ("2025-10-08", 1, "follow_up"),
        ("2025-10-09", 1, "overdue_7"),
        ("2025-10-13", 1, "follow_up"),
        ("2025-10-14", 1, "overdue_10"),
    ]


@pytest.mark.parametrize(
    ("answered", "last_update_on", "today", "expected"),
    [
        (False, None, "2025-09-11", []),  # one working day: too early
        (False, None, "2025-09-12", [(1, "follow_up")]),
        (False, None, "2025-09-15", [(1, "follow_up")]),  # caught up after the weekend
        (True, None, "2025-09-12", []),  # answered the reminder
        (False, "2025-09-11", "2025-09-12", []),  # reported a status since
        (False, "2025-09-09", "2025-09-12", [(1, "follow_up")]),  # reported before it
    ],
)
def test_follow_up_conditions(answered, last_update_on, today, expected):
    history = [SentReminder(1, "before_14", D("2025-09-30"), D("2025-09-10"), answered)]
    state = task(last_update_on=last_update_on)
    assert kinds(plan([state], today, history)) == expected


def test_only_one_follow_up_per_reminder():
    history = [
        SentReminder(1, "before_14", D("2025-09-30"), D("2025-09-10")),
        SentReminder(1, "follow_up", D("2025-09-10"), D("2025-09-12")),
    ]
    assert kinds(plan([task()], "2025-09-16", history)) == []


def test_one_message_per_recipient_most_urgent_first():
    other_focal = Recipient(11, "focal", "tg:11", HOME_AFFAIRS)
    shared_focal = Recipient(12, "focal", "tg:12", HOME_AFFAIRS)
    # Person 10 is focal for two agencies: still one message.
    double_role = Recipient(10, "focal", "tg:10", HOME_AFFAIRS)
    states = [
        task(1, due=None, kind="recurring", every="monthly"),
        task(2, due="2025-10-03"),  # 2 days left
        task(3, due="2025-09-25"),  # 6 days overdue
        task(12, due="2025-09-30", agency_id=HOME_AFFAIRS),  # 1 day overdue
        task(4, due="2025-09-30", status="done"),
        task(5, due=None, kind="unknown", item_kind="indicator"),
    ]
    recipients = (FOCAL, other_focal, shared_focal, double_role, LEADER)
    result = plan(states, "2025-10-01", recipients=recipients)
    by_person = {m.recipient.person_id: [i.item_code for i in m.items] for m in result.messages}
    assert by_person == {
        10: ["NV3", "NV12", "NV2", "NV1", "NV5"],
        11: ["NV12"],
        12: ["NV12"],
    }
    assert [i.days_left for i in result.messages[0].items] == [-6, -1, 2, None, None]


def test_codes_sort_as_numbers():
    states = [
        task(n, due=None, kind="recurring", every="monthly", code=f"NV{n}") for n in (10, 2, 1)
    ]
    (message,) = plan(states, "2025-10-01").messages
    assert [i.item_code for i in message.items] == ["NV1", "NV2", "NV10"]


def test_same_inputs_give_the_same_plan_and_keys():
    states = [task(1), task(2, agency_id=POLICE), task(3, due=None, kind="dependent")]
    first = plan(states, "2025-10-14")
    again = plan(list(reversed(states)), "2025-10-14")
    assert first == again
    assert [m.key for m in first.messages] == [m.key for m in again.messages]
    assert [i.key for i in first.due] == [
        "1:overdue_10:2025-09-30",
        "3:checkin_dependent:2025-10-01",
        "2:overdue_10:2025-09-30",
        "1:escalation_10:2025-09-30",
        "2:escalation_10:2025-09-30",  # escalation needs no focal person
    ]
    assert first.history_rows()[0] == SentReminder(
        1, "overdue_10", D("2025-09-30"), D("2025-10-14")
    )


@pytest.mark.parametrize(
    "knobs",
    [
        {"before_days": (7, -1)},
        {"overdue_every": 0},
        {"overdue_first": 0},
        {"escalate_after": (0,)},
        {"follow_up_after": 0},
    ],
)
def test_impossible_policies_are_refused(knobs):
    with pytest.raises(ValueError):
        ReminderPolicy(**knobs)


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
