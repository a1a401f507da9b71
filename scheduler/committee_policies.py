"""The scan's reads split by committee policy: one group per distinct policy, merged again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, tzinfo

from sqlmodel.ext.asyncio.session import AsyncSession

from domain.calendar import WorkCalendar
from domain.committee_policy import PolicyGroup, policy_groups
from domain.reminders import ReminderPolicy, ScanScope, scan_scope
from storage.committee_settings import open_assignments_of
from storage.reminder_inputs import ReminderInputs, load_reminder_inputs


async def split_ids(ids: Sequence[int], groups: Sequence[PolicyGroup], *,
                    session: AsyncSession) -> list[list[int]]:
    """The ids of each group (the base group: every id no other group claims)."""
    if len(groups) == 1:
        return [list(ids)]
    # Only the assignments of committees with their own policy are looked up: usually few.
    special = {cid for _, members in groups[1:] for cid in members or ()}
    owner = await open_assignments_of(special, session=session)
    return [[i for i in ids if i not in owner] if members is None
            else [i for i in ids if owner.get(i) in members]
            for _, members in groups]


def merged(parts: Sequence[ReminderInputs]) -> ReminderInputs:
    """Several groups' inputs as one (the recipients are everyone's: read once is enough)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return ReminderInputs(
        [state for part in parts for state in part.states],
        [row for part in parts for row in part.history],
        first.recipients,
        {aid: rev for part in parts for aid, rev in part.revisions.items()},
        {aid: found for part in parts for aid, found in part.known.items()})


async def load_by_policy(ids: Sequence[int], tz: tzinfo, today: date, due: Sequence[date],
                         calendar: WorkCalendar, policy: ReminderPolicy,
                         policies: Mapping[int, ReminderPolicy], *, session: AsyncSession,
                         scope: ScanScope, use_stored: bool) -> ReminderInputs:
    """load_reminder_inputs for these ids, each committee's history read by its own scope."""
    groups = policy_groups(policy, policies)
    parts: list[ReminderInputs] = []
    for (mine, _), group_ids in zip(groups, await split_ids(ids, groups, session=session),
                                    strict=True):
        if parts and not group_ids:
            continue
        own_scope = (scope if mine == policy
                     else scan_scope(due, today, calendar, mine) or scope)
        parts.append(await load_reminder_inputs(tz, session=session, assignment_ids=group_ids,
                                                scope=own_scope, use_stored=use_stored))
    return merged(parts)
