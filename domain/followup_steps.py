"""The follow-up rules of a good secretary: weekly lines, quiet after a report, blockers.

Each rule has two faces side by side: the step it gives on one day (what the scan asks) and
the first day after another on which it gives one (what the stored next day is worked out
from); `tests/domain/test_reminder_schedule.py` checks they agree day by day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from domain.calendar import WorkCalendar
from domain.reminder_steps import (
    BLOCKER_HANDLED,
    CHECKIN_BLOCKED,
    CHECKIN_EXPECTED,
    CHECKIN_REPORT,
    FOLLOW_UP,
    OVERDUE_WEEKLY,
    WEEKLY_KINDS,
    AssignmentState,
    DueReminder,
    ReminderPolicy,
    SentReminder,
    is_escalation,
    make_step,
    scheduled_step,
)
from domain.weeks import message_day, overdue_days, week_of

_ONE_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
# Past the deadline, the quiet of the last report and the last question, every week asks
# the same: a few more weeks (holiday weeks have no message) and the search can stop.
_SETTLED_WEEKS = 4


def focal_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """The step the focal person should get today for this assignment, if any."""
    if state.status == "done":
        return None
    if still_blocked(state, history):
        return blocked_step(state, history, today, calendar, policy)
    return (scheduled_step(state, history, today, calendar, policy)
            or report_checkin(state, history, today, calendar, policy)
            or weekly_step(state, history, today, calendar, policy))


def asked(history: Sequence[SentReminder]) -> list[SentReminder]:
    """The questions put to the focal person (escalations go to others)."""
    return [record for record in history if not is_escalation(record.kind)]


def asked_after(history: Sequence[SentReminder], day: date) -> bool:
    """Whether the focal person was asked anything after `day`."""
    return any(record.sent_on > day for record in asked(history))


def quiet(state: AssignmentState, day: date, calendar: WorkCalendar,
          policy: ReminderPolicy) -> bool:
    """Whether a report is still fresh on `day` (the item rests until its check-in)."""
    updated = state.last_update_on
    return updated is not None and overdue_days(updated, day, calendar) < policy.report_quiet_days


def unanswered(state: AssignmentState, history: Sequence[SentReminder]) -> SentReminder | None:
    """The last question, if nothing was reported since it."""
    questions = asked(history)
    if not questions:
        return None
    last = max(questions, key=lambda record: (record.sent_on, record.anchor, record.kind))
    updated = state.last_update_on
    if last.answered or (updated is not None and updated >= last.sent_on):
        return None
    return last


def weekly_kind(state: AssignmentState, history: Sequence[SentReminder], day: date,
                calendar: WorkCalendar, policy: ReminderPolicy) -> str | None:
    """What the weekly message of `day` says about the item: asked again, overdue, or nothing."""
    if state.item_kind == "indicator" and state.indicator_assessed_final:
        return None
    if quiet(state, day, calendar, policy):
        return None  # a fresh report: it rests until its check-in
    if unanswered(state, history) is not None:
        return FOLLOW_UP
    due = state.deadline.due
    if (state.item_kind == "task" and state.deadline.kind == "date" and due is not None
            and day > due):
        return OVERDUE_WEEKLY
    return None


def _weekly_on(state: AssignmentState, history: Sequence[SentReminder], monday: date,
               calendar: WorkCalendar, policy: ReminderPolicy) -> tuple[date, str] | None:
    """The week's message day and the item's weekly line kind, judged on that day."""
    day = message_day(monday, calendar, policy.weekly_weekday)
    if day is None:
        return None
    updated = state.last_update_on
    if updated is not None and updated >= day:
        return None  # answered this week
    if any(record.kind in WEEKLY_KINDS and record.anchor == monday for record in history):
        return None
    # Asked already this week (a deadline step, a check-in): that message was the week's.
    if any(record.sent_on >= day for record in asked(history)):
        return None
    kind = weekly_kind(state, history, day, calendar, policy)
    return (day, kind) if kind is not None else None


def weekly_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """The item's line in this week's consolidated message (taken late if the day was missed)."""
    monday = week_of(today)
    found = _weekly_on(state, history, monday, calendar, policy)
    if found is None or today < found[0]:
        return None
    return make_step(state, found[1], monday, today, calendar, policy)


def weekly_day(state: AssignmentState, history: Sequence[SentReminder], after: date,
               calendar: WorkCalendar, policy: ReminderPolicy,
               until: date | None = None) -> date | None:
    """The first day after `after` with a weekly line for the item (not past `until`)."""
    start = after + _ONE_DAY
    due = state.deadline.due
    updated = state.last_update_on
    settled = max(start, due + _ONE_DAY if due is not None else start,
                  updated + timedelta(days=3 * policy.report_quiet_days) if updated else start)
    stop = settled + _SETTLED_WEEKS * _WEEK
    if until is not None:
        stop = min(stop, until)
    monday = week_of(start)
    while monday <= stop:
        found = _weekly_on(state, history, monday, calendar, policy)
        if found is not None:
            day = max(found[0], start)
            if day < monday + _WEEK:
                return day if until is None or day <= until else None
        monday += _WEEK
    return None


def report_checkin(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """The check-ins on an in-progress report: on the completion date it gave (unless a message
    that day or later asked already), and once its quiet is over if nothing was asked since."""
    updated = state.last_update_on
    if updated is None:
        return None
    expected = expected_day(state)
    if (expected is not None and state.expected_on is not None and today >= expected
            and not asked_after(history, expected - _ONE_DAY)):
        return make_step(state, CHECKIN_EXPECTED, state.expected_on, today, calendar, policy)
    if not _reports_progress(state) or asked_after(history, updated):
        return None
    if overdue_days(updated, today, calendar) < policy.report_quiet_days:
        return None
    return make_step(state, CHECKIN_REPORT, updated, today, calendar, policy)


def report_checkin_day(state: AssignmentState, history: Sequence[SentReminder], after: date,
                       calendar: WorkCalendar, policy: ReminderPolicy) -> date | None:
    """The first day after `after` of report_checkin."""
    updated = state.last_update_on
    if updated is None:
        return None
    days = []
    expected = expected_day(state)
    if expected is not None and not asked_after(history, expected - _ONE_DAY):
        days.append(max(expected, after + _ONE_DAY))
    if _reports_progress(state) and not asked_after(history, updated):
        days.append(reached(updated, policy.report_quiet_days, after + _ONE_DAY, calendar))
    return min(days, default=None)


def expected_day(state: AssignmentState) -> date | None:
    """The first day of the check-in on the completion date the last report gave, if any."""
    # A date given for the report's own day ("hôm nay xong") is asked about the day after.
    # Recurring items are never finished: their periodic report is their rhythm.
    updated, expected = state.last_update_on, state.expected_on
    if (expected is None or updated is None or state.status != "in_progress"
            or state.item_kind != "task" or state.deadline.kind == "recurring"):
        return None
    return max(expected, updated + _ONE_DAY)


def _reports_progress(state: AssignmentState) -> bool:
    # Items without a date have their periodic check-in as their rhythm instead.
    return (state.item_kind == "task" and state.status == "in_progress"
            and state.deadline.kind == "date" and state.deadline.due is not None)


def still_blocked(state: AssignmentState, history: Sequence[SentReminder]) -> bool:
    """Blocked and kept quiet; once a handled blocker's check-in was asked, the item is back
    in the usual rhythm (deadline steps, the weekly message), answered or not."""
    if state.status != "blocked":
        return False
    return not (state.blocker_handled and state.blocker_handled_on is not None
                and asked_after(history, state.blocker_handled_on))


def _last_asked(history: Sequence[SentReminder], after: date) -> date | None:
    """The day of the last question after `after`, if any."""
    return max((record.sent_on for record in asked(history) if record.sent_on > after),
               default=None)


def blocked_step(
    state: AssignmentState,
    history: Sequence[SentReminder],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy,
) -> DueReminder | None:
    """A blocked item is not nagged: a check-in once its blocker is handled, or after a while."""
    reported = state.last_update_on
    if reported is None:
        return None
    handled = state.blocker_handled_on if state.blocker_handled else None
    if handled is not None and today > handled:
        if asked_after(history, handled):
            return None
        return make_step(state, BLOCKER_HANDLED, handled, today, calendar, policy)
    # Still blocked: a check-in every blocked_checkin_after working days (from the report, then
    # from the last question), never more often.
    since = _last_asked(history, reported) or reported
    if overdue_days(since, today, calendar) < policy.blocked_checkin_after:
        return None
    return make_step(state, CHECKIN_BLOCKED, since, today, calendar, policy)


def blocked_day(state: AssignmentState, history: Sequence[SentReminder], after: date,
                calendar: WorkCalendar, policy: ReminderPolicy) -> date | None:
    """The first day after `after` of blocked_step."""
    reported = state.last_update_on
    if reported is None:
        return None
    start = after + _ONE_DAY
    handled = state.blocker_handled_on if state.blocker_handled else None
    days: list[date] = []
    if handled is not None and not asked_after(history, handled):
        days.append(max(handled + _ONE_DAY, start))
    since = _last_asked(history, reported) or reported
    day = reached(since, policy.blocked_checkin_after, start, calendar)
    # After the handling day, only the handling's check-in can be asked.
    if handled is None or day <= handled:
        days.append(day)
    return min(days, default=None)


def reached(since: date, working_days: int, start: date, calendar: WorkCalendar) -> date:
    """The first day from `start` on which `working_days` working days have passed `since`."""
    day = max(start, since + _ONE_DAY)
    if overdue_days(since, day, calendar) >= working_days:
        return day
    # Each working day short needs at least one more day: jump, then walk the last stretch.
    day = calendar.add_working_days(since, working_days)
    while overdue_days(since, day, calendar) < working_days:
        day += _ONE_DAY
    return max(day, start)
