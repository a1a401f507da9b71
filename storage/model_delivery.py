"""Tables of messaging: outbox, sends, reminder history, invites, chat state, shared files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.model_base import utc_column


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


class ErrorNotice(SQLModel, table=True):
    """When the secretariat was last told that an update failed: a row per chat ("chat:…"),
    and one per notice the hourly bound allows ("slot:N"), shared by every process."""

    __tablename__ = "error_notice"
    key: str = Field(max_length=200, primary_key=True)
    told_at: datetime = Field(sa_column=utc_column())
