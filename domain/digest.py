"""The weekly digest's figures: task and indicator classes, the lists, the per-agency table.

How items and assignments are classed is in domain.digest_classes; grouping (by document,
ranking, group tasks) in domain.digest_groups. Besides:
- The per-agency table and the chart count task assignments (one item x one lead agency), with
  the same rules applied to each agency's own part; their totals are therefore "lượt phân
  công", never "nhiệm vụ", and an item led by three agencies appears in each agency's row.
- Blocked assignments are listed with their obstacle (they count as in progress).
- Silent agencies: an agency with a reminder sent this period, before the digest's day, that
  no update of that assignment has answered since.
- An item's progress is the mean of its agencies' (done 100%, not started 0%; an update with no
  percent is left out); indicators have none.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from domain.digest_classes import (
    ReportSource,
    adjusted,
    assignment_indicator,
    classify_assignment,
    classify_indicator,
    classify_task,
    effective_status,
    judged_due,
    report_source,
)
from domain.digest_inputs import (
    INDICATOR_CLASSES,
    TASK_CLASSES,
    AssignmentIn,
    DigestInputs,
    ExtensionIn,
    Figures,
    ItemIn,
    Period,
    PersonIn,
    PreviousDigest,
)
from domain.text import strip_diacritics

DUE_SOON_DAYS = 14
_DONE: frozenset[str] = frozenset({"done_on_time", "done_late"})


# A NamedTuple, not a frozen dataclass: one is built per assignment, and frozen dataclasses
# cost several times more to construct (measured with bench/digest.py at 100,000 assignments).
class AssignmentStatus(NamedTuple):
    """An assignment with its class (a task class, or an indicator class for indicators)."""

    assignment: AssignmentIn
    cls: str
    days_overdue: int = 0


@dataclass(frozen=True, slots=True)
class ItemStatus:
    """An item with its class and its assignments' classes."""

    item: ItemIn
    cls: str
    assignments: tuple[AssignmentStatus, ...]
    done_on: date | None = None
    percent: int | None = None
    last_update: date | None = None
    source: ReportSource = "none"
    adjusted: bool = False
    # The latest approved extension of any of its parts, shown beside the original deadline.
    extended_due: date | None = None

    @property
    def unreported(self) -> bool:
        """Nobody has reported on it and the appendix carries no assessment: chưa báo cáo."""
        return self.source == "none"


@dataclass(frozen=True, slots=True)
class OverdueLine:
    """One agency's unfinished part of an item past the deadline it is judged by."""

    item: ItemIn
    assignment: AssignmentIn
    days: int


@dataclass(frozen=True, slots=True)
class AgencyOverdue:
    """An agency's overdue lines, most overdue first."""

    agency_id: int
    agency_name: str
    lines: tuple[OverdueLine, ...]


@dataclass(frozen=True, slots=True)
class DueSoon:
    """An unfinished task due within the next days, with the agencies not done yet."""

    item: ItemIn
    days_left: int
    agencies: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Blocked:
    """A blocked assignment and the obstacle its focal person reported."""

    item: ItemIn
    assignment: AssignmentIn


@dataclass(frozen=True, slots=True)
class PendingExtension:
    """An extension request waiting for approval."""

    item: ItemIn
    assignment: AssignmentIn
    request: ExtensionIn


@dataclass(frozen=True, slots=True)
class SilentAgency:
    """An agency that left reminders of this period unanswered."""

    agency_id: int
    agency_name: str
    unanswered: int
    reminded: int


@dataclass(frozen=True)
class AgencyRow:
    """One agency's task assignments by class, and when it last reported anything."""

    agency_id: int
    agency_name: str
    classes: dict[str, int]
    last_update: date | None

    @property
    def assigned(self) -> int:
        """Task assignments of this agency."""
        return sum(self.classes.values())

    @property
    def done(self) -> int:
        """Task assignments finished, on time or late."""
        return self.classes["done_on_time"] + self.classes["done_late"]

    @property
    def overdue(self) -> int:
        """Unfinished task assignments past the deadline they are judged by."""
        return self.classes["overdue"]

    @property
    def rate(self) -> float:
        """Share of its task assignments finished (0 with none)."""
        return self.done / self.assigned if self.assigned else 0.0


@dataclass(frozen=True)
class UnassignedGroup:
    """A group the registry cannot expand ("Địa phương") named as lead: needs concrete agencies."""

    name: str
    codes: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """A period's digest: figures, lists and the per-agency table."""

    period: Period
    figures: Figures
    previous: PreviousDigest | None
    items: tuple[ItemStatus, ...]
    overdue: tuple[AgencyOverdue, ...]
    due_soon: tuple[DueSoon, ...]
    blocked: tuple[Blocked, ...]
    extensions: tuple[PendingExtension, ...]
    silent: tuple[SilentAgency, ...]
    unreachable: tuple[PersonIn, ...]
    without_focal: tuple[str, ...]
    agencies: tuple[AgencyRow, ...]
    assignment_classes: dict[str, int] = field(default_factory=dict)
    heading: str = ""
    history: tuple[PreviousDigest, ...] = ()
    unassigned: tuple[UnassignedGroup, ...] = ()

    @property
    def overdue_items(self) -> int:
        """Distinct items in the overdue list."""
        return len({line.item.item_id for group in self.overdue for line in group.lines})


def name_key(name: str) -> tuple[str, str]:
    """Sort key for Vietnamese names: letters without diacritics first, then the exact form."""
    return strip_diacritics(name).casefold(), name


def _progress(item: ItemIn, assignments: Sequence[AssignmentIn]) -> int | None:
    # Done is 100%, not started 0%; an update without a percent tells nothing about progress.
    statuses = [effective_status(item, a) for a in assignments]
    known = [100 if status == "done" else 0 if status == "not_started" else a.percent
             for a, status in zip(assignments, statuses, strict=True)]
    values = [value for value in known if value is not None]
    return round(sum(values) / len(values)) if values else None


def _latest(days: Iterable[date | None]) -> date | None:
    return max((day for day in days if day is not None), default=None)


def _item_status(item: ItemIn, assignments: Sequence[AssignmentIn], today: date) -> ItemStatus:
    if item.kind == "indicator":
        parts = tuple(AssignmentStatus(a, assignment_indicator(item, a)) for a in assignments)
        cls: str = classify_indicator(item, assignments)
        done_on = None
    else:
        parts = tuple(_part(item, a, today) for a in assignments)
        cls = classify_task(item, assignments, today)
        done_on = _latest(a.done_on for a in assignments) if cls in _DONE else None
    progress = _progress(item, assignments) if item.kind == "task" else None
    return ItemStatus(item, cls, parts, done_on, progress,
                      _latest(a.last_update for a in assignments),
                      report_source(item, assignments),
                      cls == "done_on_time" and adjusted(item, assignments),
                      _latest(a.extended_due for a in assignments))


def _part(item: ItemIn, assignment: AssignmentIn, today: date) -> AssignmentStatus:
    kind = classify_assignment(item, assignment, today)
    if kind != "overdue":
        return AssignmentStatus(assignment, kind)
    due = judged_due(item, assignment)
    return AssignmentStatus(assignment, kind, (today - due).days if due else 0)


def _overdue(statuses: Sequence[ItemStatus]) -> tuple[AgencyOverdue, ...]:
    by_agency: dict[int, list[OverdueLine]] = defaultdict(list)
    for status in statuses:
        for part in status.assignments:
            if part.cls == "overdue":
                by_agency[part.assignment.agency_id].append(
                    OverdueLine(status.item, part.assignment, part.days_overdue))
    groups = [
        AgencyOverdue(agency_id, lines[0].assignment.agency_name,
                      tuple(sorted(lines, key=lambda line: (-line.days, line.item.item_id))))
        for agency_id, lines in by_agency.items()
    ]
    return tuple(sorted(groups, key=lambda g: (-g.lines[0].days, -len(g.lines),
                                               name_key(g.agency_name))))


def _open_due(status: ItemStatus) -> date | None:
    """The earliest deadline an unfinished part of the item is judged by."""
    dues = [judged_due(status.item, part.assignment) for part in status.assignments
            if effective_status(status.item, part.assignment) != "done"]
    known = [due for due in dues if due is not None]
    return min(known) if known else None if status.assignments else status.item.due


def _due_soon(statuses: Sequence[ItemStatus], today: date) -> tuple[DueSoon, ...]:
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    soon = [
        DueSoon(status.item, (due - today).days,
                tuple(part.assignment.agency_name for part in status.assignments
                      if effective_status(status.item, part.assignment) != "done"))
        for status in statuses
        if status.item.kind == "task" and status.cls in ("in_progress_on_time", "not_due")
        and (due := _open_due(status)) is not None and today <= due <= horizon
    ]
    return tuple(sorted(soon, key=lambda line: (line.days_left, line.item.item_id)))


def _silent(inputs: DigestInputs, by_id: dict[int, AssignmentIn]) -> tuple[SilentAgency, ...]:
    period = inputs.period
    reminded: dict[int, set[int]] = defaultdict(set)
    unanswered: dict[int, set[int]] = defaultdict(set)
    for log in inputs.reminders:
        assignment = by_id.get(log.assignment_id)
        if assignment is None or not period.start <= log.day < period.today:
            continue
        reminded[assignment.agency_id].add(assignment.assignment_id)
        answered = log.answered or (assignment.last_update is not None
                                    and assignment.last_update >= log.day)
        if not answered:
            unanswered[assignment.agency_id].add(assignment.assignment_id)
    names = {a.agency_id: a.agency_name for a in by_id.values()}
    rows = [SilentAgency(agency_id, names[agency_id], len(ids), len(reminded[agency_id]))
            for agency_id, ids in unanswered.items()]
    return tuple(sorted(rows, key=lambda r: (-r.unanswered, name_key(r.agency_name))))


def _agency_rows(statuses: Sequence[ItemStatus],
                 assignments: Sequence[AssignmentIn]) -> tuple[AgencyRow, ...]:
    classes: dict[int, Counter[str]] = defaultdict(Counter)
    names: dict[int, str] = {}
    for status in statuses:
        if status.item.kind != "task":
            continue
        for part in status.assignments:
            if part.assignment.agency_is_group:
                continue  # a placeholder, not an agency: listed apart, never ranked
            classes[part.assignment.agency_id][part.cls] += 1
            names[part.assignment.agency_id] = part.assignment.agency_name
    last: dict[int, date] = {}
    for a in assignments:
        if a.last_update is not None and (a.agency_id not in last
                                          or a.last_update > last[a.agency_id]):
            last[a.agency_id] = a.last_update
    rows = [AgencyRow(agency_id, names[agency_id],
                      {name: counts[name] for name in TASK_CLASSES}, last.get(agency_id))
            for agency_id, counts in classes.items()]
    return tuple(sorted(rows, key=lambda r: (-r.overdue, -r.assigned, name_key(r.agency_name))))


def build_digest(inputs: DigestInputs) -> Digest:
    """The digest's figures and lists from what storage read for the period."""
    today = inputs.period.today
    by_item: dict[int, list[AssignmentIn]] = defaultdict(list)
    for assignment in inputs.assignments:
        by_item[assignment.item_id].append(assignment)
    statuses = tuple(_item_status(item, by_item.get(item.item_id, []), today)
                     for item in inputs.items)
    task_rows = [s for s in statuses if s.item.kind == "task"]
    tasks = Counter(s.cls for s in task_rows)
    indicators = Counter(s.cls for s in statuses if s.item.kind == "indicator")
    unreported = Counter(s.cls for s in task_rows if s.source == "none")
    from_document = Counter(s.cls for s in task_rows if s.source == "document")
    items = {item.item_id: item for item in inputs.items}
    by_id = {a.assignment_id: a for a in inputs.assignments if a.item_id in items}
    blocked = sorted(
        (Blocked(items[a.item_id], a) for a in by_id.values() if a.blocker_open),
        key=lambda b: (b.assignment.status_since or today, b.item.item_id))
    extensions = sorted(
        (PendingExtension(items[by_id[r.assignment_id].item_id], by_id[r.assignment_id], r)
         for r in inputs.extensions if r.assignment_id in by_id),
        key=lambda e: (e.request.requested_on, e.item.item_id))
    people = [p for p in inputs.people if p.role in ("focal", "leader")]
    unreachable = sorted((p for p in people if not p.reachable),
                         key=lambda p: (name_key(p.agency_name), p.role, p.name))
    with_focal = {p.agency_id for p in people if p.role == "focal"}
    without_focal = sorted({a.agency_name for a in by_id.values()
                            if a.agency_id not in with_focal and not a.agency_is_group},
                           key=name_key)
    agencies = _agency_rows(statuses, list(by_id.values()))
    # The per-agency table leaves out placeholders; the totals in "lượt phân công" still count them.
    placeholders = Counter(part.cls for s in task_rows for part in s.assignments
                           if part.assignment.agency_is_group)
    assignment_classes: dict[str, int] = {
        name: sum(row.classes[name] for row in agencies) + placeholders[name]
        for name in TASK_CLASSES}
    figures = Figures({name: tasks[name] for name in TASK_CLASSES},
                      {name: indicators[name] for name in INDICATOR_CLASSES},
                      {name: unreported[name] for name in TASK_CLASSES},
                      {name: from_document[name] for name in TASK_CLASSES},
                      sum(1 for s in task_rows if s.adjusted),
                      {row.agency_name: (row.done, row.assigned) for row in agencies})
    return Digest(
        period=inputs.period, figures=figures, previous=inputs.previous, items=statuses,
        overdue=_overdue(statuses), due_soon=_due_soon(statuses, today),
        blocked=tuple(blocked), extensions=tuple(extensions), silent=_silent(inputs, by_id),
        unreachable=tuple(unreachable), without_focal=tuple(without_focal), agencies=agencies,
        assignment_classes=assignment_classes, heading=inputs.heading,
        history=tuple(inputs.history), unassigned=_unassigned(items, by_id.values()),
    )


def _unassigned(items: dict[int, ItemIn], assignments: Iterable[AssignmentIn],
                ) -> tuple[UnassignedGroup, ...]:
    codes: dict[str, set[int]] = defaultdict(set)
    for a in assignments:
        if a.agency_is_group:
            codes[a.agency_name].add(a.item_id)
    return tuple(UnassignedGroup(name, tuple(items[i].code for i in sorted(ids)))
                 for name, ids in sorted(codes.items(), key=lambda pair: name_key(pair[0])))


def reconcile(digest: Digest) -> list[str]:
    """Every way the digest's numbers could disagree with each other; empty when they agree."""
    problems: list[str] = []
    figures = digest.figures
    tasks = [s for s in digest.items if s.item.kind == "task"]
    indicators = [s for s in digest.items if s.item.kind == "indicator"]
    if figures.task_total != len(tasks):
        problems.append(f"task classes add up to {figures.task_total}, {len(tasks)} tasks")
    if figures.unreported_total > figures.task_total:
        problems.append(f"{figures.unreported_total} unreported of {figures.task_total} tasks")
    for name in TASK_CLASSES:
        if figures.unreported[name] + figures.from_document[name] > figures.tasks[name]:
            problems.append(f"{name}: more unreported or document-assessed than counted")
    if figures.indicator_total != len(indicators):
        problems.append(f"indicator classes add up to {figures.indicator_total}, "
                        f"{len(indicators)} indicators")
    parts = Counter(p.cls for s in tasks for p in s.assignments)
    for name in TASK_CLASSES:
        if digest.assignment_classes.get(name, 0) != parts[name]:
            problems.append(f"per-agency {name}: {digest.assignment_classes.get(name)} "
                            f"!= {parts[name]} assignments")
    lines = sum(len(group.lines) for group in digest.overdue)
    placeholders = sum(1 for s in tasks for p in s.assignments
                       if p.cls == "overdue" and p.assignment.agency_is_group)
    table = sum(row.overdue for row in digest.agencies)
    if lines != table + placeholders:
        problems.append(f"{lines} overdue lines, per-agency table says {table}"
                        f" and groups without members {placeholders}")
    # An item no agency leads is overdue all the same, but has no agency to be listed under.
    listable = sum(1 for s in tasks if s.cls == "overdue" and s.assignments)
    if digest.overdue_items != listable:
        problems.append(f"{digest.overdue_items} items in the overdue list, {listable} overdue "
                        "items have an agency")
    return problems
