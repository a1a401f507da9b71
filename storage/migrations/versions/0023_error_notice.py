"""error notices to the secretariat bounded across processes

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-06 18:00:00

A new table only: no table with 0008's triggers is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('error_notice',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('told_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_error_notice'))
    )


def downgrade() -> None:
    op.drop_table('error_notice')
