"""Database tables: committees, documents, agencies, items, assignments, people (and every
other table, re-exported)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.model_base import (
    DEFAULT_COMMITTEE_ID,
    UTCDateTime,
    committee_column,
    utc_column,
)
from storage.model_delivery import (
    ChatState,
    ChoiceOffer,
    DeliveryAttempt,
    ErrorNotice,
    Invite,
    InviteFailure,
    Outbox,
    ProcessedUpdate,
    ReminderLog,
    ReminderSchedule,
    SendLead,
    SharedFile,
)
from storage.model_reports import (
    Blocker,
    ConsoleAction,
    DeadlineChange,
    DigestRun,
    Evidence,
    EvidenceFile,
    ExtensionRequest,
    ImportRun,
    IndicatorReport,
    StatusChange,
)


class Committee(SQLModel, table=True):
    """A steering committee (Ban Chỉ đạo): owns documents, items, secretariat and digest."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str
    # Marks an item in a message to a person who serves several committees ("BCĐ tỉnh").
    short_name: str = ""
    # The committee whose roll-up shows this one's figures (province <- communes).
    parent_id: int | None = Field(default=None, foreign_key="committee.id")
    # The DONDOC_* knobs this committee sets for itself, as JSON (None: the deployment's).
    settings: str | None = None


class Document(SQLModel, table=True):
    """An assigning document (văn bản giao nhiệm vụ)."""

    # The same key (a central document) may be imported by several committees.
    __table_args__ = (sa.UniqueConstraint("committee_id", "key",
                                          name="uq_document_committee_key"),)
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(default=DEFAULT_COMMITTEE_ID, sa_column=committee_column())
    key: str = Field(max_length=300)
    code: str | None = Field(default=None, max_length=100)
    title: str
    issued_on: date | None = None


class Agency(SQLModel, table=True):
    """An agency or a group of agencies ("Các sở, ban, ngành")."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    name: str
    is_group: bool = False


class AgencyAlias(SQLModel, table=True):
    """Another written form of an agency's name, by its folded key."""

    __tablename__ = "agency_alias"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, unique=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)


class AgencyMembership(SQLModel, table=True):
    """A member agency of a group: it gets its own assignment for the group's items."""

    __tablename__ = "agency_membership"
    group_id: int = Field(foreign_key="agency.id", primary_key=True)
    member_id: int = Field(foreign_key="agency.id", primary_key=True)


class Item(SQLModel, table=True):
    """A task (nhiệm vụ) or indicator (chỉ tiêu) of an appendix, with its parsed deadline."""

    # Codes and identities are per committee: NV47 is in every province's appendix.
    __table_args__ = (sa.UniqueConstraint("committee_id", "code", name="uq_item_committee_code"),
                      sa.UniqueConstraint("committee_id", "identity",
                                          name="uq_item_committee_identity"))
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(default=DEFAULT_COMMITTEE_ID, sa_column=committee_column())
    # Row number + kind prefix (domain.item_codes); legacy_code: the pre-0010 id-based code.
    code: str | None = Field(default=None, max_length=20)
    legacy_code: str | None = Field(default=None, max_length=20)
    identity: str = Field(max_length=64)
    kind: str = Field(max_length=20)
    number: str = Field(max_length=20)
    section: str = ""
    text: str
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    lead_agencies: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    support_agencies: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    deadline_raw: str = ""
    deadline_kind: str = Field(max_length=20)
    due: date | None = Field(default=None, index=True)
    every: str | None = Field(default=None, max_length=20)
    # The day of the period of a recurring deadline, PeriodDay.encoded ("d25", "m3d10", "w1").
    period_day: str | None = Field(default=None, max_length=20)
    # The appendix's own deadline text while the secretariat's hand-set deadline replaces it:
    # a re-import with that same text keeps the hand-set one; a new text in the file wins.
    appendix_deadline: str | None = None
    assessment: str | None = None
    note: str | None = None
    source: str = ""
    source_lines: str = ""
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Assignment(SQLModel, table=True):
    """One item for one lead agency: the unit that is reminded and reports a status."""

    # The scan's search: open assignments by next reminder day (the many done ones left out).
    __table_args__ = (
        sa.UniqueConstraint("item_id", "agency_id"),
        sa.Index("ix_assignment_next_reminder_open", "next_reminder_on",
                 sqlite_where=sa.text("active = 1 AND status <> 'done'"),
                 postgresql_where=sa.text("active AND status <> 'done'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    via_group_id: int | None = Field(default=None, foreign_key="agency.id")
    active: bool = True
    status: str = Field(default="not_started", max_length=20, index=True)
    percent: int | None = None
    note: str | None = None
    done_on: date | None = None
    extended_due: date | None = None
    status_changed_at: datetime | None = Field(default=None, sa_column=utc_column(True))
    # The first day the reminder policy can fire for it, as the last scan worked out; None
    # until a scan has (or since something it depends on changed: database triggers clear it
    # and count the change in reminder_revision, so a scan never stores a day from stale
    # inputs). See storage/reminder_schedule.py.
    next_reminder_on: date | None = None
    # Which rules fire that day (NextReminder.encoded): the scan of that day needs no history.
    next_reminder_rules: str | None = Field(default=None, max_length=80)
    reminder_revision: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # When the secretariat marked the current blocker handled: the item gets a check-in.
    blocker_handled_on: date | None = None
    # The completion date the focal person gave with their last in-progress report ("dự kiến
    # xong 15/10"): the item is checked in on it. Cleared by any other status.
    expected_on: date | None = None


class FocalPerson(SQLModel, table=True):
    """A chat linked to an agency (focal person or leader) or to the secretariat."""

    __tablename__ = "focal_person"
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    role: str = Field(max_length=20)
    channel: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    name: str = ""
    active: bool = True
    reachable: bool = True
    unreachable_reason: str | None = None
    linked_at: datetime = Field(sa_column=utc_column())
    # One person's chats on several channels share an identity (the first chat's id); the
    # scan reminds only one of them: the preferred chat, else the one they wrote from last.
    identity_id: int | None = Field(default=None, index=True)
    preferred: bool = False
    last_seen_at: datetime | None = Field(default=None, sa_column=utc_column(True))
    # Raised by /dangxuat: every console session signed with an older value ends.
    console_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The committee a secretariat member or committee leader works for (None: the default
    # one). An agency's people are not scoped: an agency may serve several committees.
    committee_id: int | None = Field(default=None, foreign_key="committee.id")


class ConsoleLogin(SQLModel, table=True):
    """A single-use sign-in link to the web console (/dangnhap); only its token's hash is kept."""

    __tablename__ = "console_login"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="focal_person.id", index=True)
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(True))


# Every table and column helper stays importable from storage.models.
__all__ = [
    "DEFAULT_COMMITTEE_ID",
    "Agency",
    "AgencyAlias",
    "AgencyMembership",
    "Assignment",
    "Blocker",
    "ChatState",
    "ChoiceOffer",
    "Committee",
    "ConsoleAction",
    "ConsoleLogin",
    "DeadlineChange",
    "DeliveryAttempt",
    "DigestRun",
    "Document",
    "ErrorNotice",
    "Evidence",
    "EvidenceFile",
    "ExtensionRequest",
    "FocalPerson",
    "ImportRun",
    "IndicatorReport",
    "Invite",
    "InviteFailure",
    "Item",
    "Outbox",
    "ProcessedUpdate",
    "ReminderLog",
    "ReminderSchedule",
    "SendLead",
    "SharedFile",
    "StatusChange",
    "UTCDateTime",
    "committee_column",
    "utc_column",
]
