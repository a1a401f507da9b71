"""The follow-up policy day by day: what a good secretary would send, and what not."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.reminder_reasons import ask
from domain.reminder_steps import AssignmentState, ReminderPolicy
from domain.reminder_text import render_escalation, render_focal_message, render_unreachable
from domain.reminders import SentReminder, due_reminders
from tests.domain.test_reminders import (
    CALENDAR,
    FOCAL,
    LEADER,
    POLICE,
    RECIPIENTS,
    SECRETARIAT,
    TET_2026,
    D,
    task,
)


def month(states, start, end, *, updates=None, policy=None, recipients=RECIPIENTS,
          answer=False):
    """Scan each day; `updates` maps a day to states replacing the old ones from that day on.

    Returns (day, assignment id, kind, role) for every step, and the plans.
    """
    history: list[SentReminder] = []
    fired, plans = [], []
    day = D(start)
    current = {state.assignment_id: state for state in states}
    while day <= D(end):
        for state in (updates or {}).get(day.isoformat(), ()):
            current[state.assignment_id] = state
        result = due_reminders(list(current.values()), history, recipients, day, CALENDAR,
                               policy)
        plans.append(result)
        for item in result.due:
            fired.append((day.isoformat(), item.assignment_id, item.kind))
            history.append(replace(item.recorded(day), answered=answer))
        day += timedelta(days=1)
    return fired, plans


def silent(due="2025-09-30", **kw) -> AssignmentState:
    return task(due=due, status="not_started", **kw)


@pytest.mark.parametrize(("state", "expected", "why"), [
    (silent(), [
        ("2025-09-19", "before_7"), ("2025-09-22", "follow_up"), ("2025-09-29", "before_1"),
        ("2025-09-30", "due_today"), ("2025-10-01", "overdue_1"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"),
        ("2025-10-14", "escalation_10"), ("2025-10-20", "follow_up"),
        ("2025-10-27", "follow_up"), ("2025-10-28", "escalation_20")],
     "silent: the deadline steps, then once a week (Mondays), escalation after 10 working"
     " days overdue and again 10 later"),
    (task(due="2025-09-30", status="blocked", last_update_on="2025-09-17"), [
        ("2025-10-01", "checkin_blocked"), ("2025-10-15", "checkin_blocked"),
        ("2025-10-29", "checkin_blocked")],
     "blocked on 17/09: nothing, not even the deadline steps or an escalation, but a check-in"
     " every 10 working days while it stays blocked (never silent for good)"),
    (task(due="2025-09-30", status="blocked", last_update_on="2025-09-17",
          blocker_handled_on=D("2025-09-22")), [
        ("2025-09-23", "blocker_handled"), ("2025-09-29", "before_1"),
        ("2025-09-30", "due_today"), ("2025-10-01", "overdue_1"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-14", "escalation_10"),
        ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up"),
        ("2025-10-28", "escalation_20")],
     "the secretariat handled the blocker on 22/09: a check-in the next day (which stands for"
     " the T-7 step reached by then), then back in the usual rhythm: the later deadline steps,"
     " weekly while unanswered, escalation at 10 working days overdue"),
    (task(due="2025-12-31", status="in_progress", last_update_on="2025-09-17", percent=70), [
        ("2025-10-01", "checkin_report"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "70% reported on 17/09, deadline far: nothing until the check-in 10 working days later;"
     " that one unanswered, asked again weekly"),
    (task(due=None, kind="recurring", every="biweekly", status="in_progress"), [
        ("2025-09-15", "checkin_recurring"), ("2025-09-22", "checkin_recurring"),
        ("2025-09-29", "follow_up"),
        ("2025-10-06", "checkin_recurring"), ("2025-10-13", "follow_up"),
        ("2025-10-20", "checkin_recurring"), ("2025-10-27", "follow_up")],
     "an ongoing item, never answered: its biweekly check-in on Mondays, asked again in"
     " between"),
])
def test_rules_over_six_weeks(state, expected, why):
    fired, _ = month([state], "2025-09-15", "2025-10-31")
    assert [(day, kind) for day, _, kind in fired] == expected, why


def test_an_answer_counts_and_the_answered_item_is_never_called_unanswered():
    # Answers 70% on 22/09 after the T-7 reminder of 19/09: no follow-up says "no answer".
    first = silent()
    answered = replace(first, status="in_progress", last_update_on=D("2025-09-22"), percent=70)
    fired, plans = month([first], "2025-09-15", "2025-10-10",
                         updates={"2025-09-22": [answered]})
    kinds = [(day, kind) for day, _, kind in fired]
    # Only the overdue step of 01/10, itself unanswered, is asked again.
    assert [day for day, k in kinds if k == "follow_up"] == ["2025-10-06"]
    assert kinds[:3] == [("2025-09-19", "before_7"), ("2025-09-29", "before_1"),
                         ("2025-09-30", "due_today")]
    texts = [render_focal_message(m) for p in plans for m in p.messages]
    said = [p.on.isoformat() for p in plans for m in p.messages
            if "chưa nhận được phản hồi" in render_focal_message(m)]
    assert said == ["2025-10-06"]
    assert "Lần báo cáo gần nhất 22/09: đang thực hiện 70%" in texts[1]


def test_a_fresh_report_rests_an_overdue_item_until_its_check_in():
    state = task(due="2025-09-10", status="in_progress", last_update_on="2025-09-15",
                 percent=50)
    fired, _ = month([state], "2025-09-15", "2025-10-10")
    focal = [(day, kind) for day, _, kind in fired if not kind.startswith("escalation")]
    # The first day overdue is the first scan; the report later that day answers it and rests
    # the item for 10 working days (to 29/09: a check-in on it), then weekly.
    assert focal == [("2025-09-15", "overdue_1"), ("2025-09-29", "checkin_report"),
                     ("2025-10-06", "follow_up")]


def test_weekly_consolidation_one_message_a_week_for_many_overdue_items():
    states = [replace(silent(due=due), assignment_id=n, item_code=f"NV{n}")
              for n, due in enumerate(["2025-06-30", "2025-07-31", "2025-08-29"], start=1)]
    states = [replace(s, status="in_progress", last_update_on=D("2025-09-01")) for s in states]
    _, plans = month(states, "2025-09-15", "2025-10-10", answer=True)
    focal_days = sorted({day for p in plans for m in p.messages for day in [p.on.isoformat()]
                         if m.recipient == FOCAL})
    # One overdue_1 day (the first scan), then Mondays only.
    assert focal_days == ["2025-09-15", "2025-09-22", "2025-09-29", "2025-10-06"]
    for p in plans:
        assert len([m for m in p.messages if m.recipient == FOCAL]) <= 1


def test_a_holiday_week_moves_the_weekly_message_to_its_first_working_day():
    # Tết 2026: Mon 16/02 to Fri 20/02 off: no weekly message that week; 09/02 and 23/02 have.
    assert all(D("2026-02-16") + timedelta(days=n) in TET_2026 for n in range(5))
    fired, _ = month([silent(due="2026-01-30")], "2026-02-02", "2026-03-06")
    weekly = [day for day, _, kind in fired if kind in ("follow_up", "overdue_weekly")]
    assert weekly == ["2026-02-09", "2026-02-23", "2026-03-02"]
    policy = ReminderPolicy(weekly_weekday=2)  # Wednesdays
    fired, _ = month([silent(due="2026-01-30")], "2026-02-02", "2026-03-06", policy=policy)
    weekly = [day for day, _, kind in fired if kind in ("follow_up", "overdue_weekly")]
    assert weekly == ["2026-02-04", "2026-02-11", "2026-02-25", "2026-03-04"], "02/02: overdue_1"


@pytest.mark.parametrize(("after", "every", "expected"), [
    (10, 10, ["2025-10-14", "2025-10-28", "2025-11-11"]),
    (5, 10, ["2025-10-07", "2025-10-21", "2025-11-04"]),
    (10, 5, ["2025-10-14", "2025-10-21", "2025-10-28", "2025-11-04", "2025-11-11"]),
])
def test_escalation_spacing(after, every, expected):
    policy = ReminderPolicy(escalate_after=after, escalate_every=every)
    fired, plans = month([silent()], "2025-09-15", "2025-11-14", policy=policy)
    assert [day for day, _, kind in fired if kind.startswith("escalation")] == expected
    leader = next(m for p in plans for m in p.escalations if m.recipient == LEADER)
    text = render_escalation(leader)
    assert f"quá hạn từ {after} ngày làm việc trở lên" in text
    assert f"quá hạn {after} ngày làm việc" in text
    assert "Chưa có báo cáo." in text


def test_the_unreachable_list_goes_once_a_week():
    nobody = (LEADER, SECRETARIAT)
    states = [replace(silent(due=due), assignment_id=n) for n, due in
              enumerate(["2025-09-19", "2025-09-24", "2025-10-02"], start=1)]
    _, plans = month(states, "2025-09-15", "2025-10-10", recipients=nobody)
    days = [p.on.isoformat() for p in plans if p.unreachable]
    assert days == ["2025-09-15", "2025-09-22", "2025-09-29", "2025-10-06"]


def test_at_most_one_message_a_day_per_person_and_few_a_week():
    states = [replace(silent(due=due), assignment_id=n, item_code=f"NV{n}") for n, due in
              enumerate(["2025-09-19", "2025-09-30", "2025-10-15", "2025-12-31"], start=1)]
    _, plans = month(states, "2025-09-15", "2025-10-31")
    days = [p.on for p in plans if any(m.recipient == FOCAL for m in p.messages)]
    assert len(days) == len(set(days))
    weeks = {day - timedelta(days=day.weekday()) for day in days}
    assert len(days) / 7 <= 2.5 and len(weeks) == 7  # reached every week, ~2 days a week


def test_groups_are_not_agencies_in_the_weekly_list():
    nobody = (LEADER, SECRETARIAT)
    agency = replace(silent(due="2025-09-19"), assignment_id=1)
    group = replace(silent(due="2025-09-19"), assignment_id=2, agency_id=POLICE,
                    agency_name="Các Viện/trường", agency_is_group=True)
    _, plans = month([agency, group], "2025-09-15", "2025-09-22", recipients=nobody)
    listed = next(p for p in plans if p.unreachable)
    text = render_unreachable(listed.unreachable, listed.on)
    agencies, groups = text.split("giao cho nhóm đơn vị")
    assert "Sở Y tế:" in agencies and "Các Viện/trường" not in agencies
    assert "Các Viện/trường:" in groups and "cơ quan chủ trì cụ thể" in groups
    assert any("group" in note and "Các Viện/trường" in note for note in listed.warnings)
    assert not any("Các Viện/trường" in note and "focal person" in note
                   for note in listed.warnings)


def _expecting(expected, *, due="2025-12-31", reported="2025-09-17", **kw) -> AssignmentState:
    state = task(due=due, status="in_progress", last_update_on=reported, percent=70, **kw)
    return replace(state, expected_on=D(expected) if expected else None)


@pytest.mark.parametrize(("state", "expected", "why"), [
    (_expecting("2025-09-24"), [
        ("2025-09-24", "checkin_expected"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "expected done 24/09 (before the quiet's end, 01/10): checked in on 24/09 only; that one"
     " unanswered, asked again weekly once the report's quiet is over"),
    (_expecting("2025-09-27"), [
        ("2025-09-29", "checkin_expected"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "expected on a Saturday: the step is due from that day, the scan takes it on Monday"),
    (_expecting("2025-10-22"), [
        ("2025-10-01", "checkin_report"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"),
        ("2025-10-22", "checkin_expected"), ("2025-10-27", "follow_up")],
     "expected after the quiet's end: the 10-working-day check-in comes first; the date the"
     " person gave is still asked about, once"),
    (_expecting("2025-10-20"), [
        ("2025-10-01", "checkin_report"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "checkin_expected"),
        ("2025-10-27", "follow_up")],
     "the date falls on the weekly message's day: that message asks it (one contact)"),
    (_expecting("2025-09-26", due="2025-09-30"), [
        ("2025-09-19", "before_7"), ("2025-09-26", "checkin_expected"),
        ("2025-09-29", "before_1"), ("2025-09-30", "due_today"), ("2025-10-01", "overdue_1"),
        ("2025-10-06", "follow_up"), ("2025-10-13", "follow_up"),
        ("2025-10-14", "escalation_10"), ("2025-10-20", "follow_up"),
        ("2025-10-27", "follow_up"), ("2025-10-28", "escalation_20")],
     "the demo's case: the deadline step T-7 comes first and still goes, and so does the"
     " date the person gave"),
    (_expecting("2025-09-29", due="2025-09-30"), [
        ("2025-09-19", "before_7"), ("2025-09-29", "before_1"), ("2025-09-30", "due_today"),
        ("2025-10-01", "overdue_1"), ("2025-10-06", "follow_up"), ("2025-10-13", "follow_up"),
        ("2025-10-14", "escalation_10"), ("2025-10-20", "follow_up"),
        ("2025-10-27", "follow_up"), ("2025-10-28", "escalation_20")],
     "a deadline step on the date given asks it already: no second message"),
    (_expecting("2025-09-17"), [
        ("2025-09-18", "checkin_expected"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "'xong trong hôm nay' on 17/09: asked the day after"),
    (_expecting(None), [
        ("2025-10-01", "checkin_report"), ("2025-10-06", "follow_up"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "no expected date: the 10-working-day check-in"),
    (replace(_expecting("2025-09-24"), status="blocked"), [
        ("2025-10-01", "checkin_blocked"), ("2025-10-15", "checkin_blocked"),
        ("2025-10-29", "checkin_blocked")],
     "blocked: its own rule; an expected date does not apply"),
    (replace(_expecting("2025-09-24", due=None, kind="recurring", every="monthly")), [
        ("2025-10-06", "checkin_recurring"), ("2025-10-13", "follow_up"),
        ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "an ongoing item is never finished: its periodic report is its rhythm"),
    (replace(_expecting("2025-09-24", due=None, kind="dependent")), [
        ("2025-09-24", "checkin_expected"), ("2025-10-06", "checkin_dependent"),
        ("2025-10-13", "follow_up"), ("2025-10-20", "follow_up"), ("2025-10-27", "follow_up")],
     "an item following the central schedule: asked on the date given too"),
])
def test_the_expected_date_is_the_next_check_in(state, expected, why):
    fired, _ = month([state], "2025-09-18", "2025-10-31")
    assert [(day, kind) for day, _, kind in fired] == expected, why


def test_the_expected_date_is_shown_and_asked_about():
    state = _expecting("2025-09-24")
    _, plans = month([state], "2025-09-18", "2025-09-24")
    [message] = [m for p in plans for m in p.messages]
    text = render_focal_message(message)
    assert ("Lần báo cáo gần nhất 17/09: đang thực hiện 70%, dự kiến hoàn thành 24/09."
            " Đã đến ngày dự kiến hoàn thành 24/09 mà đơn vị báo") in text
    assert "chưa nhận được phản hồi" not in text


def test_a_repeated_blocked_check_in_says_since_when_it_asks():
    state = task(due="2025-09-30", status="blocked", last_update_on="2025-09-17")
    _, plans = month([state], "2025-09-15", "2025-10-20")
    first, second = [item for plan in plans for item in plan.due if item.kind == "checkin_blocked"]
    assert ask(first, 10, 10) == ("đã 10 ngày làm việc kể từ khi báo vướng mắc ngày 17/09:"
                                  " vướng mắc đã được tháo gỡ chưa?")
    assert ask(second, 10, 10) == ("đã 10 ngày làm việc kể từ lần hỏi trước ngày 01/10"
                                   " (vướng mắc báo ngày 17/09): vướng mắc đã được tháo gỡ chưa?")
