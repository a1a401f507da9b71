"""the completion date a focal person expects, on the assignment and in its history

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:00:00

Plain ADD COLUMNs (no table with 0008's triggers is rebuilt). The reminder policy reads
assignment.expected_on (an in-progress item is checked in on the day the person said it would
be done), so the trigger that clears next_reminder_on on an assignment change (0008's, as 0009
left it) is made again with expected_on among its columns; downgrade puts 0009's back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLEAR = "next_reminder_on = NULL, reminder_revision = reminder_revision + 1"
# The trigger's columns as 0009 left them (0008's and blocker_handled_on), and with expected_on.
BEFORE = ("status", "active", "extended_due", "item_id", "agency_id", "blocker_handled_on")
AFTER = (*BEFORE, "expected_on")


def _assignment_trigger(columns: Sequence[str]) -> None:
    """0008's assignment_reconsider, watching `columns`."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS assignment_reconsider"
               + (" ON assignment" if postgresql else ""))
    if postgresql:
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        op.execute(f"CREATE TRIGGER assignment_reconsider BEFORE UPDATE OF {', '.join(columns)}"
                   f" ON assignment FOR EACH ROW WHEN ({changed})"
                   " EXECUTE FUNCTION dondoc_assignment_reconsider()")
        return
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    op.execute(f"CREATE TRIGGER assignment_reconsider AFTER UPDATE OF {', '.join(columns)}"
               f" ON assignment FOR EACH ROW WHEN {changed}"
               f" BEGIN UPDATE assignment SET {CLEAR} WHERE id = NEW.id; END")


def upgrade() -> None:
    op.add_column('assignment', sa.Column('expected_on', sa.Date(), nullable=True))
    op.add_column('status_change', sa.Column('expected_on', sa.Date(), nullable=True))
    _assignment_trigger(AFTER)


def downgrade() -> None:
    _assignment_trigger(BEFORE)
    # Dropping a plain column: SQLite (3.35+) does it in place, keeping the tables' triggers.
    op.drop_column('status_change', 'expected_on')
    op.drop_column('assignment', 'expected_on')
