"""The digest grouped the way the committee reads it: by assigning document, agencies ranked,
and tasks given to a group ("Các sở, ban, ngành") shown once with who has and has not reported.

Figures by document count items (nhiệm vụ); the ranking counts an agency's task assignments
(lượt phân công). The ranking orders agencies by their share of task assignments finished,
then by more finished, fewer overdue, then by name; the change is against the previous
digest's stored per-agency figures (digest_run.figures["agencies"]), in percentage points.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from domain.digest import Digest, ItemStatus, name_key
from domain.digest_inputs import TASK_CLASSES, AssignmentIn


@dataclass(frozen=True)
class DocumentFigures:
    """One assigning document's tasks by class."""

    document: str
    classes: dict[str, int]

    @property
    def total(self) -> int:
        """Tasks assigned by this document."""
        return sum(self.classes.values())

    @property
    def done(self) -> int:
        """Tasks finished, on time or late."""
        return self.classes["done_on_time"] + self.classes["done_late"]


@dataclass(frozen=True)
class Ranked:
    """An agency's place by completion rate, and its change since the previous digest."""

    place: int
    agency_name: str
    done: int
    assigned: int
    overdue: int
    change_points: int | None  # None: not in the previous digest (or no previous digest)

    @property
    def rate(self) -> int:
        """Whole percent of its task assignments finished."""
        return round(100 * self.done / self.assigned) if self.assigned else 0


@dataclass(frozen=True)
class GroupTask:
    """A task given to a group, once: which member agencies reported and which did not."""

    status: ItemStatus
    group: str
    reported: tuple[str, ...]
    silent: tuple[str, ...]
    # Members that are themselves groups without a member list ("Địa phương"): no one to ask.
    unassigned: tuple[str, ...] = ()


def by_document(digest: Digest) -> list[DocumentFigures]:
    """Tasks by class per assigning document, in the order documents first appear."""
    counts: dict[str, Counter[str]] = {}
    for status in digest.items:
        if status.item.kind == "task":
            key = status.item.document_code or "(không ghi văn bản giao)"
            counts.setdefault(key, Counter())[status.cls] += 1
    return [DocumentFigures(name, {cls: found[cls] for cls in TASK_CLASSES})
            for name, found in counts.items()]


def _points(done: int, assigned: int) -> float:
    return 100 * done / assigned if assigned else 0.0


def ranking(digest: Digest) -> list[Ranked]:
    """Agencies by completion rate of their task assignments, best first."""
    before = digest.previous.figures.agencies if digest.previous else {}
    rows = sorted(digest.agencies,
                  key=lambda r: (-r.rate, -r.done, r.overdue, name_key(r.agency_name)))
    ranked = []
    for place, row in enumerate(rows, start=1):
        old = before.get(row.agency_name)
        change = (round(_points(row.done, row.assigned) - _points(*old))
                  if old is not None else None)
        ranked.append(Ranked(place, row.agency_name, row.done, row.assigned, row.overdue, change))
    return ranked


def _reported(part: AssignmentIn) -> bool:
    return part.last_update is not None or part.indicator is not None


def group_tasks(statuses: Sequence[ItemStatus]) -> list[GroupTask]:
    """Tasks assigned through a group, each once, with its members split by reporting."""
    found = []
    for status in statuses:
        groups = Counter(p.assignment.via_group for p in status.assignments
                         if p.assignment.via_group)
        if status.item.kind != "task" or not groups:
            continue
        group = groups.most_common(1)[0][0] or ""
        members = [p.assignment for p in status.assignments if p.assignment.via_group]
        agencies = [a for a in members if not a.agency_is_group]
        found.append(GroupTask(
            status, group,
            tuple(sorted((a.agency_name for a in agencies if _reported(a)), key=name_key)),
            tuple(sorted((a.agency_name for a in agencies if not _reported(a)), key=name_key)),
            tuple(sorted((a.agency_name for a in members if a.agency_is_group), key=name_key))))
    return found
