"""indexes for the daily scan: history by anchor and by day, waiting reminders, last updates

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The partial index's condition, repeated term for term by the queries that use it.
WAITING_SQLITE = sa.text("answered = 0 AND kind <> 'follow_up'")
WAITING_POSTGRESQL = sa.text("NOT answered AND kind <> 'follow_up'")


def upgrade() -> None:
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_log_assignment_id'))
        batch_op.create_index('ix_reminder_log_by_anchor',
                              ['assignment_id', 'anchor', 'kind', 'day', 'answered'], unique=False)
        batch_op.create_index('ix_reminder_log_by_day',
                              ['assignment_id', 'day', 'kind', 'anchor', 'answered'], unique=False)
        batch_op.create_index('ix_reminder_log_waiting', ['day', 'assignment_id', 'kind'],
                              unique=False, sqlite_where=WAITING_SQLITE,
                              postgresql_where=WAITING_POSTGRESQL)
    for table in ('status_change', 'indicator_report'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_assignment_id'))
            batch_op.create_index(f'ix_{table}_assignment_at', ['assignment_id', 'at'],
                                  unique=False)


def downgrade() -> None:
    for table in ('status_change', 'indicator_report'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_assignment_at')
            batch_op.create_index(batch_op.f(f'ix_{table}_assignment_id'), ['assignment_id'],
                                  unique=False)
    with op.batch_alter_table('reminder_log', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_log_waiting', sqlite_where=WAITING_SQLITE,
                            postgresql_where=WAITING_POSTGRESQL)
        batch_op.drop_index('ix_reminder_log_by_day')
        batch_op.drop_index('ix_reminder_log_by_anchor')
        batch_op.create_index(batch_op.f('ix_reminder_log_assignment_id'), ['assignment_id'],
                              unique=False)
