"""The reminder plan for one day: who gets which due items, in one message each (pure)."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal, get_args

from domain.calendar import WorkCalendar
from domain.committee_policy import policy_of
from domain.deadlines import Every
from domain.followup_steps import focal_step
from domain.reminder_schedule import NextReminder, steps_on
from domain.reminder_steps import (
    AssignmentState,
    DueReminder,
    ReminderPolicy,
    SentReminder,
    before_kind,
    deadline_step_on,
    deadline_step_order,
    escalation_on,
    escalation_step,
    period_start,
)
from domain.weeks import message_day, week_of

__all__ = [
    "AssignmentState",
    "DueReminder",
    "PlanResult",
    "Recipient",
    "ReminderMessage",
    "ReminderPolicy",
    "Role",
    "ScanScope",
    "SentReminder",
    "due_reminders",
    "of_committee",
    "scan_scope",
    "urgency_key",
]

Role = Literal["focal", "leader", "secretariat"]

_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Recipient:
    """A registered chat: an agency's focal person or leader, or a secretariat member."""

    person_id: int
    role: Role
    chat_ref: str
    agency_id: int | None = None
    name: str = ""
    # A secretariat member's committee: they are sent that committee's items only.
    committee_id: int | None = None

    def __post_init__(self) -> None:
        if self.role != "secretariat" and self.agency_id is None:
            raise ValueError(f"a {self.role} recipient needs an agency (person {self.person_id})")


@dataclass(frozen=True)
class ReminderMessage:
    """Everything one recipient gets in one scan, most urgent item first."""

    recipient: Recipient
    items: tuple[DueReminder, ...]
    on: date

    @property
    def key(self) -> str:
        """Stable outbox key: recipient, day and the exact set of steps carried."""
        steps = "|".join(sorted(item.key for item in self.items))
        digest = hashlib.sha256(steps.encode()).hexdigest()[:16]
        return f"{self.recipient.role}:{self.recipient.person_id}:{self.on.isoformat()}:{digest}"


@dataclass(frozen=True)
class PlanResult:
    """A day's reminder plan: messages to send, escalations, and what could not be routed."""

    # due: every step found due; record each once handled (history_rows), so it is never due
    # again. unreachable: focal steps of agencies with no focal person, for the secretariat.
    # warnings: English notes for the log and the dry run.
    on: date
    due: tuple[DueReminder, ...] = ()
    messages: tuple[ReminderMessage, ...] = ()
    escalations: tuple[ReminderMessage, ...] = ()
    unreachable: tuple[DueReminder, ...] = ()
    warnings: tuple[str, ...] = ()

    def history_rows(self) -> tuple[SentReminder, ...]:
        """The history rows to store for this plan, once its messages are in the outbox."""
        return tuple(item.recorded(self.on) for item in self.due)


@dataclass(frozen=True)
class ScanScope:
    """What can be due on a working day, by deadline date and cadence, with the policy's rules.

    Every assignment the policy could remind that day matches it (storage loads only those):
    a dated one whose deadline has a current step or escalation missing from its history, an
    undated one with no check-in for its current period, or one whose last reminder waited
    long enough for a follow-up.
    """

    on: date
    policy: ReminderPolicy
    deadline_kinds: Mapping[date, str]
    escalation_kinds: Mapping[date, str]
    period_starts: Mapping[Every, date]
    # Per deadline, this policy's own step kinds that come before today's step: a history row
    # of one of them can never stop a reminder today, so it need not even be read.
    superseded: Mapping[date, frozenset[str]] = field(default_factory=dict)


def scan_scope(
    due_dates: Iterable[date], today: date, calendar: WorkCalendar, policy: ReminderPolicy
) -> ScanScope | None:
    """The scope of `today`'s scan over deadlines on `due_dates`; None on a day off."""
    if not calendar.is_working_day(today):
        return None
    deadline_kinds: dict[date, str] = {}
    escalation_kinds: dict[date, str] = {}
    superseded: dict[date, frozenset[str]] = {}
    for due in set(due_dates):
        step = deadline_step_on(due, today, calendar, policy)
        if step is not None:
            deadline_kinds[due] = step[0]
        escalation = escalation_on(due, today, calendar, policy)
        if escalation is not None:
            escalation_kinds[due] = escalation[0]
        if step is not None:
            superseded[due] = _superseded(step[1], policy)
    starts = {
        every: period_start(today, every, policy.fortnight_epoch) for every in get_args(Every)
    }
    return ScanScope(today, policy, deadline_kinds, escalation_kinds, starts, superseded)


def _superseded(order: int, policy: ReminderPolicy) -> frozenset[str]:
    """The policy's deadline step kinds strictly before a step order (escalations are all
    read: the next one is spaced from the latest)."""
    kinds = [before_kind(days) for days in policy.before_days]
    return frozenset(kind for kind in kinds if (deadline_step_order(kind) or 0) < order)


def urgency_key(item: DueReminder) -> tuple[bool, int, tuple[str | int, ...], int]:
    """Sort key: dated items first, most overdue / soonest due first, then by code."""
    days_left = item.days_left if item.days_left is not None else 0
    return (item.days_left is None, days_left, _natural_key(item.item_code), item.assignment_id)


def due_reminders(
    states: Iterable[AssignmentState],
    history: Iterable[SentReminder],
    recipients: Iterable[Recipient],
    today: date,
    calendar: WorkCalendar,
    policy: ReminderPolicy | None = None,
    known: Mapping[int, NextReminder] | None = None,
    policies: Mapping[int, ReminderPolicy] | None = None,
) -> PlanResult:
    """The reminders due `today`; nothing on a non-working day (the next working day catches up).

    `known`: assignments whose exact next reminder falls today, stored by an earlier scan;
    their steps come from it, and their history is not needed. `policies`: committee id ->
    its own policy, for the committees whose policy is not `policy`.
    """
    if not calendar.is_working_day(today):
        return PlanResult(on=today)
    policy = policy or ReminderPolicy()
    history_by_assignment: dict[int, list[SentReminder]] = defaultdict(list)
    for record in history:
        history_by_assignment[record.assignment_id].append(record)
    people = list(recipients)
    focal_by_agency = _by_agency(people, "focal")
    leaders_by_agency = _by_agency(people, "leader")
    secretariat = sorted(
        (person for person in people if person.role == "secretariat"), key=_recipient_order
    )

    focal_items: list[DueReminder] = []
    escalated: list[DueReminder] = []
    unreachable: list[DueReminder] = []
    # What nobody could be told goes to the secretariat once a week, on the weekly message's
    # day: on other days those steps are left due (the weekly day takes them, superseded).
    # Each committee's own weekly day (one lookup per policy, not per assignment).
    listing_days: dict[ReminderPolicy, bool] = {}
    for state in sorted(states, key=lambda state: state.assignment_id):
        own = policy_of(state.committee_id, policy, policies)
        found = known.get(state.assignment_id) if known else None
        if found is not None and found.exact and found.day == today:
            step, escalation = steps_on(state, found, calendar, own)
        else:
            past = history_by_assignment.get(state.assignment_id, [])
            step = focal_step(state, past, today, calendar, own)
            escalation = escalation_step(state, past, today, calendar, own)
        if step is not None:
            if state.agency_id in focal_by_agency:
                focal_items.append(step)
            elif _listing_day(listing_days, own, today, calendar):
                # Nobody was reminded; the step is listed for the secretariat so the agency
                # does not drop out of sight.
                unreachable.append(step)
        if escalation is not None:
            escalated.append(escalation)

    messages = _group(focal_items, focal_by_agency, today)
    leader_messages = _group(escalated, leaders_by_agency, today)
    # Each secretariat member gets their own committee's escalations, never another's.
    secretariat_messages = [
        ReminderMessage(person, tuple(sorted(mine, key=urgency_key)), today)
        for person in secretariat
        if (mine := of_committee(escalated, person.committee_id))
    ]
    return PlanResult(
        on=today,
        due=tuple(focal_items + unreachable + escalated),
        messages=messages,
        escalations=leader_messages + tuple(secretariat_messages),
        unreachable=tuple(sorted(unreachable, key=urgency_key)),
        warnings=plan_warnings(escalated, unreachable, leaders_by_agency, secretariat),
    )


def _listing_day(cache: dict[ReminderPolicy, bool], policy: ReminderPolicy, today: date,
                 calendar: WorkCalendar) -> bool:
    if policy not in cache:
        cache[policy] = message_day(week_of(today), calendar, policy.weekly_weekday) == today
    return cache[policy]


def of_committee(items: Iterable[DueReminder], committee_id: int | None) -> list[DueReminder]:
    """The steps of one committee's items (what its secretariat may be told)."""
    return [item for item in items if item.assignment.committee_id == committee_id]


def _by_agency(people: Sequence[Recipient], role: Role) -> dict[int, list[Recipient]]:
    found: dict[int, list[Recipient]] = defaultdict(list)
    for person in sorted(people, key=_recipient_order):
        if person.role == role and person.agency_id is not None:
            found[person.agency_id].append(person)
    return dict(found)


def _group(
    items: Sequence[DueReminder], by_agency: dict[int, list[Recipient]], today: date
) -> tuple[ReminderMessage, ...]:
    # Keyed by person, not agency: someone registered for two agencies still gets one message.
    first_seen: dict[int, Recipient] = {}
    carried: dict[int, dict[str, DueReminder]] = defaultdict(dict)
    for item in items:
        for person in by_agency.get(item.assignment.agency_id, []):
            first_seen.setdefault(person.person_id, person)
            carried[person.person_id][item.key] = item
    return tuple(
        ReminderMessage(
            first_seen[person_id],
            tuple(sorted(carried[person_id].values(), key=urgency_key)),
            today,
        )
        for person_id in sorted(carried)
    )


def plan_warnings(
    escalated: Sequence[DueReminder],
    unreachable: Sequence[DueReminder],
    leaders_by_agency: dict[int, list[Recipient]],
    secretariat: Sequence[Recipient],
) -> tuple[str, ...]:
    notes: list[str] = []
    leaderless = sorted(
        {
            (item.assignment.agency_id, item.assignment.agency_name)
            for item in escalated
            if item.assignment.agency_id not in leaders_by_agency
        }
    )
    notes.extend(
        f"agency {agency_id} ({name}) has no leader registered: escalation goes to the"
        " secretariat only"
        for agency_id, name in leaderless
    )
    unreachable_agencies = sorted(
        {(item.assignment.agency_id, item.assignment.agency_name) for item in unreachable
         if not item.assignment.agency_is_group}
    )
    notes.extend(
        f"group {agency_id} ({name}) has no members in the registry: its items need a"
        " concrete lead"
        for agency_id, name in sorted({(item.assignment.agency_id, item.assignment.agency_name)
                                       for item in unreachable
                                       if item.assignment.agency_is_group})
    )
    notes.extend(
        f"agency {agency_id} ({name}) has no focal person registered: its reminders are listed"
        " for the secretariat"
        for agency_id, name in unreachable_agencies
    )
    served = {person.committee_id for person in secretariat}
    lost = sum(1 for item in escalated if item.assignment.committee_id not in served)
    unlisted = sum(1 for item in unreachable if item.assignment.committee_id not in served)
    if lost or unlisted:
        notes.append(
            f"no secretariat member registered: {lost} escalation(s) and"
            f" {unlisted} unreachable reminder(s) have nobody to go to"
        )
    return tuple(notes)


def _recipient_order(person: Recipient) -> tuple[int, str]:
    return (person.person_id, person.chat_ref)


@lru_cache(maxsize=65536)
def _natural_key(code: str) -> tuple[str | int, ...]:
    # "NV2" before "NV12": digit runs compare as numbers.
    parts = _DIGITS.split(code)
    return tuple(int(part) if index % 2 else part.casefold() for index, part in enumerate(parts))
