"""Tables of what people report and decide: status, blockers, evidence, extensions, digests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.model_base import DEFAULT_COMMITTEE_ID, committee_column, utc_column


class StatusChange(SQLModel, table=True):
    """Append-only history: who changed an assignment's status, when, from what message."""

    __tablename__ = "status_change"
    # (assignment, at): an assignment's last update is one index seek for the daily scan.
    __table_args__ = (sa.Index("ix_status_change_assignment_at", "assignment_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    at: datetime = Field(sa_column=utc_column())
    actor: str = Field(max_length=20)
    focal_person_id: int | None = Field(default=None, foreign_key="focal_person.id")
    message_ref: str | None = Field(default=None, max_length=120)
    message_text: str | None = None
    reply_to_outbox_id: int | None = Field(default=None, foreign_key="outbox.id")
    old_status: str | None = Field(default=None, max_length=20)
    new_status: str = Field(max_length=20)
    percent: int | None = None
    note: str | None = None
    expected_on: date | None = None


class ImportRun(SQLModel, table=True):
    """One import of an appendix file, for the audit trail."""

    __tablename__ = "import_run"
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(default=DEFAULT_COMMITTEE_ID, sa_column=committee_column())
    at: datetime = Field(sa_column=utc_column())
    source: str
    sha256: str = Field(max_length=64)
    items_created: int = 0
    items_updated: int = 0
    items_unchanged: int = 0
    # The appendix's title lines and the document it is attached to ("Công văn 4362-CV/TU").
    title: str | None = None
    attached_to: str | None = Field(default=None, max_length=200)


class Blocker(SQLModel, table=True):
    """A "blocked" report taken to the secretariat as an action item, and what they did."""

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    status_change_id: int | None = Field(default=None, foreign_key="status_change.id")
    reported_at: datetime = Field(sa_column=utc_column())
    reported_by: int | None = Field(default=None, foreign_key="focal_person.id")
    reason: str | None = None
    # open, handled, forwarded
    state: str = Field(default="open", max_length=20, index=True)
    forwarded_to: str | None = None
    decided_by: int | None = Field(default=None, foreign_key="focal_person.id")
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(True))


class Evidence(SQLModel, table=True):
    """Proof attached to a status update: a document reference or a file sent in chat."""

    id: int | None = Field(default=None, primary_key=True)
    status_change_id: int = Field(foreign_key="status_change.id", index=True)
    reference: str | None = None
    file_id: str | None = Field(default=None, max_length=200)
    file_name: str | None = None
    file_size: int | None = None


class EvidenceFile(SQLModel, table=True):
    """The bytes of an evidence file dondoc keeps itself (Zalo's photo links may expire)."""

    __tablename__ = "evidence_file"
    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", unique=True)
    content_type: str = Field(max_length=100)
    data: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))


class ExtensionRequest(SQLModel, table=True):
    """A request to move a deadline; it waits for the secretariat, the deadline stays."""

    __tablename__ = "extension_request"
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    requested_by: int | None = Field(default=None, foreign_key="focal_person.id")
    requested_at: datetime = Field(sa_column=utc_column())
    new_due: date | None = None
    reason: str | None = None
    state: str = Field(default="pending", max_length=20, index=True)
    decided_by: int | None = Field(default=None, foreign_key="focal_person.id")
    decided_at: datetime | None = Field(default=None, sa_column=utc_column(True))


class DeadlineChange(SQLModel, table=True):
    """A deadline set by hand (/thoihan, `dondoc thoihan`): who, when, from what, to what."""

    __tablename__ = "deadline_change"
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    at: datetime = Field(sa_column=utc_column())
    # The secretariat's chat account, or None from the command line (`by` then names the user).
    changed_by: int | None = Field(default=None, foreign_key="focal_person.id")
    by: str
    via: str = Field(max_length=20)
    typed: str
    old_raw: str
    old_kind: str = Field(max_length=20)
    old_due: date | None = None
    old_every: str | None = Field(default=None, max_length=20)
    new_kind: str = Field(max_length=20)
    new_due: date | None = None
    new_every: str | None = Field(default=None, max_length=20)
    new_period_day: str | None = Field(default=None, max_length=20)


class IndicatorReport(SQLModel, table=True):
    """An indicator's assessment and current value as reported on a date."""

    __tablename__ = "indicator_report"
    __table_args__ = (sa.Index("ix_indicator_report_assignment_at", "assignment_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    at: datetime = Field(sa_column=utc_column())
    reported_by: int | None = Field(default=None, foreign_key="focal_person.id")
    assessment: str = Field(max_length=20)
    value_text: str | None = None
    value: float | None = None
    unit: str | None = Field(default=None, max_length=20)
    final: bool = False


class DigestRun(SQLModel, table=True):
    """One period's digest: its figures, kept so the next digest can say what changed."""

    __tablename__ = "digest_run"
    __table_args__ = (sa.UniqueConstraint("committee_id", "period_start", "period_end",
                                          name="uq_digest_run_committee_period"),)
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(default=DEFAULT_COMMITTEE_ID, sa_column=committee_column())
    period_start: date
    period_end: date
    built_at: datetime = Field(sa_column=utc_column())
    figures: dict[str, Any] = Field(default_factory=dict,
                                    sa_column=sa.Column(sa.JSON, nullable=False))


class ConsoleAction(SQLModel, table=True):
    """A change made in the web console that no other table records (a message, an item edit)."""

    __tablename__ = "console_action"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column())
    person_id: int = Field(foreign_key="focal_person.id", index=True)
    # message, item_edit, item_add
    kind: str = Field(max_length=30)
    item_id: int | None = Field(default=None, foreign_key="item.id")
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    detail: str | None = None
