"""blockers: the day the secretariat handled an assignment's blocker, and each blocker notice

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 15:00:00

`assignment.blocker_handled_on` is read by the follow-up policy (a check-in the next working
day), so 0008's assignment trigger is made again with it among the columns that clear the
stored next reminder day; a request for more time answers a reminder like a status update,
so inserting one clears the day too. Columns are added, no table is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLEAR = "next_reminder_on = NULL, reminder_revision = reminder_revision + 1"
OLD_COLUMNS = ("status", "active", "extended_due", "item_id", "agency_id")
NEW_COLUMNS = (*OLD_COLUMNS, "blocker_handled_on")


def _changed(columns: Sequence[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in columns)


def _assignment_trigger(columns: Sequence[str]) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS assignment_reconsider"
               + (" ON assignment" if postgresql else ""))
    if postgresql:
        op.execute(f"CREATE TRIGGER assignment_reconsider BEFORE UPDATE OF {', '.join(columns)}"
                   f" ON assignment FOR EACH ROW WHEN ({_changed(columns, 'IS DISTINCT FROM')})"
                   " EXECUTE FUNCTION dondoc_assignment_reconsider()")
    else:
        op.execute(f"CREATE TRIGGER assignment_reconsider AFTER UPDATE OF {', '.join(columns)}"
                   f" ON assignment FOR EACH ROW WHEN {_changed(columns, 'IS NOT')}"
                   f" BEGIN UPDATE assignment SET {CLEAR} WHERE id = NEW.id; END")


def _request_trigger(create: bool) -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS extension_request_reconsider_insert"
               + (" ON extension_request" if postgresql else ""))
    if not create:
        return
    # A request for more time answers a reminder: the policy reads it as an update.
    if postgresql:
        op.execute("CREATE TRIGGER extension_request_reconsider_insert AFTER INSERT ON"
                   " extension_request FOR EACH ROW EXECUTE FUNCTION dondoc_child_reconsider()")
    else:
        op.execute("CREATE TRIGGER extension_request_reconsider_insert AFTER INSERT ON"
                   " extension_request FOR EACH ROW BEGIN UPDATE assignment SET"
                   f" {CLEAR} WHERE id = NEW.assignment_id; END")


def upgrade() -> None:
    op.add_column('assignment', sa.Column('blocker_handled_on', sa.Date(), nullable=True))
    op.create_table(
        'blocker',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('status_change_id', sa.Integer(), nullable=True),
        sa.Column('reported_at', storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('reported_by', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('forwarded_to', sa.String(), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('decided_at', storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'],
                                name=op.f('fk_blocker_assignment_id_assignment')),
        sa.ForeignKeyConstraint(['status_change_id'], ['status_change.id'],
                                name=op.f('fk_blocker_status_change_id_status_change')),
        sa.ForeignKeyConstraint(['reported_by'], ['focal_person.id'],
                                name=op.f('fk_blocker_reported_by_focal_person')),
        sa.ForeignKeyConstraint(['decided_by'], ['focal_person.id'],
                                name=op.f('fk_blocker_decided_by_focal_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_blocker')),
    )
    op.create_index(op.f('ix_blocker_assignment_id'), 'blocker', ['assignment_id'], unique=False)
    op.create_index(op.f('ix_blocker_state'), 'blocker', ['state'], unique=False)
    _assignment_trigger(NEW_COLUMNS)
    _request_trigger(create=True)


def downgrade() -> None:
    _request_trigger(create=False)
    _assignment_trigger(OLD_COLUMNS)
    op.drop_index(op.f('ix_blocker_state'), table_name='blocker')
    op.drop_index(op.f('ix_blocker_assignment_id'), table_name='blocker')
    op.drop_table('blocker')
    # A plain DROP COLUMN (SQLite 3.35+), not a batch rebuild: rebuilding `assignment` would
    # trip over 0008's item trigger, whose body names the table while it is being renamed.
    op.drop_column('assignment', 'blocker_handled_on')
