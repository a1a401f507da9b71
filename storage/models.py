"""Database tables: documents, items, agencies, assignments, focal persons, status history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Naming convention so Alembic migrations get the same constraint names on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC that always comes back timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(nullable: bool = False) -> Any:
    """A UTCDateTime column."""
    return sa.Column(UTCDateTime(), nullable=nullable)


# The committee migration 0020 creates and attaches everything to: a deployment with one
# committee never names it (the id is fixed so raw inserts and defaults can point at it).
DEFAULT_COMMITTEE_ID = 1


def committee_column() -> Any:
    """committee_id of a row a committee owns: NOT NULL, the default committee unless told."""
    return sa.Column(sa.Integer(), sa.ForeignKey("committee.id"), nullable=False, index=True,
                     server_default=str(DEFAULT_COMMITTEE_ID))


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


class Outbox(SQLModel, table=True):
    """One message to deliver; its unique key makes planning it twice a no-op."""

    __table_args__ = (sa.Index("ix_outbox_due", "status", "next_attempt_at"),
                      sa.Index("ix_outbox_ready", "channel", "status", "priority",
                               "next_attempt_at", "id"))
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=40)
    # Lower goes first: a person's answer and the secretariat's items before bulk reminders.
    priority: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    channel: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    focal_person_id: int | None = Field(default=None, foreign_key="focal_person.id")
    text: str
    buttons: list[list[dict[str, str]]] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    attachment_name: str | None = None
    attachment: bytes | None = Field(default=None, sa_column=sa.Column(sa.LargeBinary))
    status: str = Field(default="queued", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=utc_column())
    lease_until: datetime | None = Field(default=None, sa_column=utc_column(True))
    claimed_by: str | None = Field(default=None, max_length=64)
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(True))
    platform_message_id: str | None = Field(default=None, max_length=64)
    last_error: str | None = None
    created_at: datetime = Field(sa_column=utc_column())


class SendLead(SQLModel, table=True):
    """Which sender process may send on a channel's bot now: one leader per bot, by lease."""

    __tablename__ = "send_lead"
    channel: str = Field(max_length=20, primary_key=True)
    worker: str = Field(max_length=64)
    lease_until: datetime = Field(sa_column=utc_column())


class DeliveryAttempt(SQLModel, table=True):
    """One try at sending an outbox row: when, what came back."""

    __tablename__ = "delivery_attempt"
    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    at: datetime = Field(sa_column=utc_column())
    worker: str = Field(max_length=64)
    result: str = Field(max_length=20)
    platform_message_id: str | None = Field(default=None, max_length=64)
    retry_after: float | None = None
    error: str | None = None


class ReminderLog(SQLModel, table=True):
    """A reminder step taken for an assignment: the policy's history, one row per step."""

    __tablename__ = "reminder_log"
    # The daily scan reads an assignment's history from its indexes alone: the rows at an
    # anchor (its deadline, a period start) and the rows from a day on; and the reminders still
    # waiting for an answer (few) from a partial index. Each also serves assignment_id lookups.
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "kind", "anchor"),
        sa.Index("ix_reminder_log_by_anchor", "assignment_id", "anchor", "kind", "day",
                 "answered"),
        sa.Index("ix_reminder_log_by_day", "assignment_id", "day", "kind", "anchor", "answered"),
        sa.Index("ix_reminder_log_waiting", "day", "assignment_id", "kind",
                 sqlite_where=sa.text("answered = 0 AND kind <> 'follow_up'"),
                 postgresql_where=sa.text("NOT answered AND kind <> 'follow_up'")),
    )
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id")
    kind: str = Field(max_length=40)
    anchor: date
    day: date
    answered: bool = False
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")


class ReminderSchedule(SQLModel, table=True):
    """What the stored next reminder days were worked out with; one row."""

    __tablename__ = "reminder_schedule"
    id: int = Field(default=1, primary_key=True)
    # Of the calendar, the policy and the time zone: the days are void when it changes.
    fingerprint: str = Field(max_length=64)
    # The latest day scanned with this schedule: a day before it is planned the long way.
    as_of: date


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


class Invite(SQLModel, table=True):
    """A single-use code that links a chat to an agency and a role; only its hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    role: str = Field(max_length=20)
    created_by: int | None = Field(default=None, foreign_key="focal_person.id")
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    used_at: datetime | None = Field(default=None, sa_column=utc_column(True))
    used_by: int | None = Field(default=None, foreign_key="focal_person.id")
    # A link code (/lienket): the chat that uses it becomes another chat of this person.
    links_person_id: int | None = Field(default=None, foreign_key="focal_person.id")
    # The committee a secretariat or committee-leader code joins (None: the default one).
    committee_id: int | None = Field(default=None, foreign_key="committee.id")


class InviteFailure(SQLModel, table=True):
    """A wrong invite code typed in a chat, to throttle guessing."""

    __tablename__ = "invite_failure"
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    chat_id: str = Field(max_length=64, index=True)
    at: datetime = Field(sa_column=utc_column())


class ProcessedUpdate(SQLModel, table=True):
    """An incoming platform update already handled: a redelivery changes nothing."""

    __tablename__ = "processed_update"
    __table_args__ = (sa.UniqueConstraint("channel", "update_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    update_id: str = Field(max_length=64)
    at: datetime = Field(sa_column=utc_column())


class ChatState(SQLModel, table=True):
    """Where a conversation stands in one chat (awaiting a percent, an obstacle, a date…)."""

    __tablename__ = "chat_state"
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    expires_at: datetime = Field(sa_column=utc_column())


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


class ChoiceOffer(SQLModel, table=True):
    """The numbered choices a chat without buttons was offered: typed token -> button data."""

    __tablename__ = "choice_offer"
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=20)
    chat_id: str = Field(max_length=64)
    # token -> {"data": callback data, "until": ISO instant the token stops being valid}
    choices: dict[str, Any] = Field(default_factory=dict,
                                    sa_column=sa.Column(sa.JSON, nullable=False))


class SharedFile(SQLModel, table=True):
    """A file published at an unguessable link (Zalo carries photos and files only by URL)."""

    __tablename__ = "shared_file"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    name: str
    content_type: str = Field(max_length=100)
    data: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column())
    # When the link was first read: Zalo reads a photo's link during sendPhoto, so a read
    # link means a sendPhoto that timed out did reach Zalo.
    fetched_at: datetime | None = Field(default=None, sa_column=utc_column(True))


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


class ErrorNotice(SQLModel, table=True):
    """When the secretariat was last told that an update failed: a row per chat ("chat:…"),
    and one per notice the hourly bound allows ("slot:N"), shared by every process."""

    __tablename__ = "error_notice"
    key: str = Field(max_length=200, primary_key=True)
    told_at: datetime = Field(sa_column=utc_column())
