"""One committee's part of a day's reminder plan, for `dondoc remind --dry-run --committee`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.reminder_model import escalation_threshold
from domain.reminders import (
    PlanResult,
    Recipient,
    ReminderMessage,
    of_committee,
    plan_warnings,
)


@dataclass(frozen=True)
class CommitteePlan:
    """The plan as one committee may read it, and how many focal messages were cut to it."""

    plan: PlanResult
    # Focal messages that also carry another committee's items (only this one's shown).
    shared_messages: int = 0


def _kept(message: ReminderMessage, committee_id: int) -> ReminderMessage | None:
    items = tuple(of_committee(message.items, committee_id))
    return ReminderMessage(message.recipient, items, message.on) if items else None


def committee_plan(plan: PlanResult, committee_id: int,
                   secretariat: Sequence[Recipient]) -> CommitteePlan:
    """The day's plan cut to one committee's items: its lines of each agency person's message
    (the plan itself is the whole scan's, as one message a person carries every committee's
    items), its own secretariat's escalations and list, and the warnings about those only."""
    messages: list[ReminderMessage] = []
    shared = 0
    for message in plan.messages:
        kept = _kept(message, committee_id)
        if kept is not None:
            messages.append(kept)
            shared += len(kept.items) != len(message.items)
    escalations: list[ReminderMessage] = []
    for message in plan.escalations:
        person = message.recipient
        if person.role == "secretariat" and person.committee_id != committee_id:
            continue
        kept = _kept(message, committee_id)
        if kept is not None:
            escalations.append(kept)
    due = of_committee(plan.due, committee_id)
    escalated = [item for item in due if escalation_threshold(item.kind) is not None]
    # Warnings are recomputed on this committee's steps: an agency has a leader when some
    # leader's escalation carries its items (the plan sends each escalation to every leader).
    leaders: dict[int, list[Recipient]] = {}
    for message in escalations:
        if message.recipient.agency_id is not None and message.recipient.role != "secretariat":
            for item in message.items:
                leaders.setdefault(item.assignment.agency_id, []).append(message.recipient)
    unreachable = tuple(of_committee(plan.unreachable, committee_id))
    own = [person for person in secretariat if person.committee_id == committee_id]
    return CommitteePlan(PlanResult(
        on=plan.on, due=tuple(due), messages=tuple(messages), escalations=tuple(escalations),
        unreachable=unreachable, warnings=plan_warnings(escalated, unreachable, leaders, own)),
        shared)
