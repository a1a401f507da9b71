"""A committee's own reminder policy: the deployment's, with the knobs it overrides (pure)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from domain.reminder_model import ReminderPolicy

# Setting name -> ReminderPolicy field (the same knob under the name a DONDOC_* variable has).
POLICY_KNOBS = {
    "remind_before": "before_days",
    "weekly_day": "weekly_weekday",
    "escalate_after": "escalate_after",
    "escalate_every": "escalate_every",
    "report_quiet_days": "report_quiet_days",
    "blocked_checkin_after": "blocked_checkin_after",
    "ongoing_every": "recurring_default",
    "dependent_every": "dependent_every",
    "indicator_every": "indicator_every",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

PolicyGroup = tuple[ReminderPolicy, frozenset[int] | None]


def policy_with(base: ReminderPolicy, overrides: Mapping[str, Any]) -> ReminderPolicy:
    """The base policy with a committee's overridden knobs (values already validated)."""
    changes: dict[str, Any] = {}
    for knob, value in overrides.items():
        target = POLICY_KNOBS.get(knob)
        if target is None:
            continue  # a digest knob, not the reminder policy's
        if knob == "remind_before":
            value = tuple(int(days) for days in value)
        elif knob == "weekly_day":
            value = WEEKDAYS.index(value)
        changes[target] = value
    return replace(base, **changes) if changes else base


def policy_of(committee_id: int | None, base: ReminderPolicy,
              policies: Mapping[int, ReminderPolicy] | None) -> ReminderPolicy:
    """The policy that applies to a committee's assignments."""
    if not policies or committee_id is None:
        return base
    return policies.get(committee_id, base)


def policy_groups(base: ReminderPolicy,
                  policies: Mapping[int, ReminderPolicy] | None) -> list[PolicyGroup]:
    """Committees sharing a policy, the base one first; its set is None ("every other one")."""
    others: dict[ReminderPolicy, set[int]] = {}
    for committee_id, policy in sorted((policies or {}).items()):
        if policy != base:
            others.setdefault(policy, set()).add(committee_id)
    return [(base, None), *((policy, frozenset(ids)) for policy, ids in others.items())]


def own_policies(base: ReminderPolicy,
                 policies: Mapping[int, ReminderPolicy] | None) -> dict[int, ReminderPolicy]:
    """Only the committees whose policy differs from the base one."""
    return {cid: policy for cid, policy in sorted((policies or {}).items()) if policy != base}


def policies_mark(base: ReminderPolicy, policies: Mapping[int, ReminderPolicy] | None) -> str:
    """What the committees' own policies add to a schedule fingerprint ("" when none differs)."""
    own = own_policies(base, policies)
    if not own:
        return ""
    text = "|".join(f"{cid}={policy!r}" for cid, policy in own.items())
    return hashlib.sha256(text.encode()).hexdigest()[:16]
