"""What the weekly digest is built from: plain rows read from storage, and the digest period."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from domain.appendix import ItemKind
from domain.deadlines import DeadlineKind
from domain.reminder_steps import Status

Assessment = Literal["achieved", "not_achieved", "not_assessable"]
Role = Literal["focal", "leader", "secretariat"]

# Periods of several weeks are counted from this Monday (the reminder policy's fortnight
# epoch, ISO week 1 of 2024), so a two-week period is always ISO weeks (1, 2), (3, 4), …
PERIOD_EPOCH = date(2024, 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """The digest's period: whole weeks Monday to Sunday, and the day the figures are taken."""

    start: date
    end: date
    today: date

    @property
    def weeks(self) -> tuple[int, ...]:
        """ISO week numbers the period covers."""
        count = (self.end - self.start).days // 7 + 1
        return tuple((self.start + timedelta(weeks=n)).isocalendar()[1] for n in range(count))

    @property
    def key(self) -> str:
        """A stable name for the period, e.g. "2025-11-17_2025-11-23" (outbox keys, files)."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def digest_period(today: date, every_weeks: int = 1, epoch: date = PERIOD_EPOCH) -> Period:
    """The period containing `today`: its week, or its block of `every_weeks` weeks."""
    if every_weeks < 1:
        raise ValueError("a digest period is at least one week")
    if epoch.weekday() != 0:
        raise ValueError("the period epoch must be a Monday")
    span = 7 * every_weeks
    start = epoch + timedelta(days=span * ((today - epoch).days // span))
    return Period(start, start + timedelta(days=span - 1), today)


@dataclass(frozen=True, slots=True)
class ItemIn:
    """A task or indicator as the appendix wrote it, with its parsed (original) deadline."""

    item_id: int
    code: str
    number: str
    kind: ItemKind
    text: str
    document: str
    lead_agencies: tuple[str, ...]
    deadline_raw: str
    deadline_kind: DeadlineKind
    due: date | None
    assessment: str | None = None
    document_code: str = ""
    section: str = ""
    # The document the appendix is attached to ("Công văn 4362-CV/TU"): the source of the
    # appendix's own assessments, named beside them until someone reports.
    attached_to: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorIn:
    """An indicator's latest reported assessment for one assignment."""

    assessment: Assessment
    at: datetime
    value_text: str | None = None


@dataclass(frozen=True, slots=True)
class AssignmentIn:
    """One item for one lead agency, with what its focal person last reported."""

    assignment_id: int
    item_id: int
    agency_id: int
    agency_name: str
    status: Status
    percent: int | None = None
    note: str | None = None
    done_on: date | None = None
    extended_due: date | None = None
    status_since: date | None = None
    last_update: date | None = None
    indicator: IndicatorIn | None = None
    evidence: tuple[str, ...] = ()
    # The group the agency has this item through ("Các sở, ban, ngành"), if any.
    via_group: str | None = None
    # The "agency" is a group the registry cannot expand ("Địa phương"): not an agency at all.
    agency_is_group: bool = False
    # The day the secretariat marked the blocker handled (storage keeps it on the assignment).
    blocker_handled_on: date | None = None

    @property
    def blocker_open(self) -> bool:
        """Reported blocked and not marked handled by the secretariat since."""
        handled = self.blocker_handled_on
        return self.status == "blocked" and not (
            handled is not None and (self.status_since is None or handled >= self.status_since))


@dataclass(frozen=True, slots=True)
class ExtensionIn:
    """An extension request still waiting for the secretariat."""

    assignment_id: int
    requested_on: date
    new_due: date | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ReminderIn:
    """A reminder sent to a focal person (escalations are not reminders to answer)."""

    assignment_id: int
    day: date
    answered: bool = False


@dataclass(frozen=True, slots=True)
class PersonIn:
    """An active focal person or leader linked to an agency."""

    person_id: int
    agency_id: int
    agency_name: str
    role: Role
    name: str
    reachable: bool = True
    reason: str | None = None


TaskClass = Literal["done_on_time", "done_late", "in_progress_on_time", "overdue", "not_due",
                    "recurring"]
TASK_CLASSES: tuple[TaskClass, ...] = ("done_on_time", "done_late", "in_progress_on_time",
                                       "overdue", "not_due", "recurring")
# Stored figures of digests before the honest classes (digest_run.figures) used these names.
LEGACY_CLASSES = {"in_progress_overdue": "overdue", "not_started": "not_due"}
IndicatorClass = Literal["achieved", "not_achieved", "not_assessable"]
INDICATOR_CLASSES: tuple[IndicatorClass, ...] = ("achieved", "not_achieved", "not_assessable")


def _counts(data: Any, classes: Sequence[str]) -> dict[str, int]:
    source: dict[str, Any] = dict(data) if isinstance(data, Mapping) else {}
    for old, new in LEGACY_CLASSES.items():
        if old in source and new not in source:
            source[new] = source[old]
    return {name: int(source.get(name, 0) or 0) for name in classes}


def _agency_counts(data: Any) -> dict[str, tuple[int, int]]:
    source: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    found: dict[str, tuple[int, int]] = {}
    for name, pair in source.items():
        if isinstance(pair, list | tuple) and len(pair) == 2:
            found[str(name)] = (int(pair[0]), int(pair[1]))
    return found


@dataclass(frozen=True)
class Figures:
    """The totals a digest reports, kept per period so the next one can say what changed."""

    tasks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TASK_CLASSES, 0))
    indicators: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(INDICATOR_CLASSES, 0))
    # Items of each task class nobody has reported on (chưa báo cáo).
    unreported: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TASK_CLASSES, 0))
    # Items of each task class whose only assessment is the appendix's own.
    from_document: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(TASK_CLASSES, 0))
    # Done on time only thanks to an approved extension (part of done_on_time).
    adjusted: int = 0
    # Per agency: (task assignments done, task assignments), for next week's change.
    agencies: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def task_total(self) -> int:
        """Number of tasks."""
        return sum(self.tasks.values())

    @property
    def indicator_total(self) -> int:
        """Number of indicators."""
        return sum(self.indicators.values())

    @property
    def done(self) -> int:
        """Tasks finished, on time or late."""
        return self.tasks["done_on_time"] + self.tasks["done_late"]

    @property
    def unreported_total(self) -> int:
        """Tasks nobody has reported on."""
        return sum(self.unreported.values())

    def as_json(self) -> dict[str, Any]:
        """The figures as a JSON object."""
        return {"tasks": dict(self.tasks), "indicators": dict(self.indicators),
                "unreported": dict(self.unreported), "from_document": dict(self.from_document),
                "adjusted": self.adjusted,
                "agencies": {name: list(pair) for name, pair in self.agencies.items()}}

    @classmethod
    def from_json(cls, data: Any) -> Figures:
        """Figures from `as_json` output; missing classes count 0 (an older digest's row)."""
        source: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        return cls(_counts(source.get("tasks"), TASK_CLASSES),
                   _counts(source.get("indicators"), INDICATOR_CLASSES),
                   _counts(source.get("unreported"), TASK_CLASSES),
                   _counts(source.get("from_document"), TASK_CLASSES),
                   int(source.get("adjusted", 0) or 0), _agency_counts(source.get("agencies")))


@dataclass(frozen=True)
class PreviousDigest:
    """The figures of the last digest before this period."""

    start: date
    end: date
    figures: Figures


@dataclass(frozen=True)
class DigestInputs:
    """Everything the digest's figures come from, read in one go."""

    period: Period
    items: Sequence[ItemIn]
    assignments: Sequence[AssignmentIn]
    extensions: Sequence[ExtensionIn] = ()
    reminders: Sequence[ReminderIn] = ()
    people: Sequence[PersonIn] = ()
    previous: PreviousDigest | None = None
    # The appendix's title lines as it wrote them (the latest import's), for the workbook.
    heading: str = ""
    # Earlier digests' figures, oldest first (the chart's trend).
    history: Sequence[PreviousDigest] = ()
