"""outbox priority and claim-by-readiness index; one sending leader per channel

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 14:20:00

Adds columns and tables only: no table of 0008's triggers is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = '0014'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority', sa.Integer(), server_default='1',
                                      nullable=False))
        batch_op.create_index('ix_outbox_ready',
                              ['channel', 'status', 'priority', 'next_attempt_at', 'id'],
                              unique=False)
    op.create_table(
        'send_lead',
        sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('lease_until', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('channel', name=op.f('pk_send_lead')),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('send_lead')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_ready')
        batch_op.drop_column('priority')
