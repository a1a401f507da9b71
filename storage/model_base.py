"""Column types and conventions every table module shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

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
