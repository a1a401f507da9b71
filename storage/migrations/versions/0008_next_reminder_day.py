"""each assignment's next reminder day, cleared by triggers when what it depends on changes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 04:00:00

The triggers are the one place that knows which writes change a reminder decision, whatever
writes them (the bot, the importer, the CLI, a hand fix in psql). SQLite drops a table's
triggers when a batch migration rebuilds the table: a later migration that rebuilds
assignment, item, status_change, indicator_report or reminder_log must create them again
(`create_triggers`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The partial index's condition, repeated term for term by the scan's search (open_literal).
OPEN_SQLITE = sa.text("active = 1 AND status <> 'done'")
OPEN_POSTGRESQL = sa.text("active AND status <> 'done'")
CLEAR = "next_reminder_on = NULL, reminder_revision = reminder_revision + 1"
# Assignment columns and item columns the reminder policy reads.
ASSIGNMENT_COLUMNS = ("status", "active", "extended_due", "item_id", "agency_id")
ITEM_COLUMNS = ("kind", "due", "deadline_kind", "every")
# Child tables: (table, columns whose update moves or changes a row).
CHILDREN = (("status_change", ("assignment_id", "at")),
            ("indicator_report", ("assignment_id", "at", "final")),
            ("reminder_log", ("assignment_id", "kind", "anchor", "day")))
# A scan's own history rows are written with the next day worked out from them: inserting
# one into reminder_log clears nothing. Updates and deletes, everywhere, do.
INSERT_CLEARS = ("status_change", "indicator_report")


def _changed(columns: Sequence[str], distinct: str) -> str:
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in columns)


def _sqlite_statements() -> list[str]:
    clear_own = f"UPDATE assignment SET {CLEAR} WHERE id = NEW.id"
    statements = [
        f"CREATE TRIGGER assignment_reconsider AFTER UPDATE OF {', '.join(ASSIGNMENT_COLUMNS)}"
        f" ON assignment FOR EACH ROW WHEN {_changed(ASSIGNMENT_COLUMNS, 'IS NOT')}"
        f" BEGIN {clear_own}; END",
        f"CREATE TRIGGER item_reconsider AFTER UPDATE OF {', '.join(ITEM_COLUMNS)} ON item"
        f" FOR EACH ROW WHEN {_changed(ITEM_COLUMNS, 'IS NOT')}"
        f" BEGIN UPDATE assignment SET {CLEAR} WHERE item_id = NEW.id; END",
    ]
    for table, columns in CHILDREN:
        old = f"UPDATE assignment SET {CLEAR} WHERE id = OLD.assignment_id"
        new = f"UPDATE assignment SET {CLEAR} WHERE id = NEW.assignment_id"
        statements += [
            f"CREATE TRIGGER {table}_reconsider_update AFTER UPDATE OF {', '.join(columns)}"
            f" ON {table} FOR EACH ROW WHEN {_changed(columns, 'IS NOT')}"
            f" BEGIN {old}; {new}; END",
            f"CREATE TRIGGER {table}_reconsider_delete AFTER DELETE ON {table} FOR EACH ROW"
            f" BEGIN {old}; END",
        ]
        if table in INSERT_CLEARS:
            statements.append(f"CREATE TRIGGER {table}_reconsider_insert AFTER INSERT ON {table}"
                              f" FOR EACH ROW BEGIN {new}; END")
    return statements


def _postgresql_statements() -> list[str]:
    statements = [
        "CREATE FUNCTION dondoc_assignment_reconsider() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN NEW.next_reminder_on := NULL;"
        " NEW.reminder_revision := OLD.reminder_revision + 1; RETURN NEW; END $$",
        "CREATE FUNCTION dondoc_item_reconsider() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN UPDATE assignment SET {CLEAR} WHERE item_id = NEW.id; RETURN NULL; END $$",
        "CREATE FUNCTION dondoc_child_reconsider() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        " IF TG_OP <> 'INSERT' THEN"
        f"  UPDATE assignment SET {CLEAR} WHERE id = OLD.assignment_id; END IF;"
        " IF TG_OP <> 'DELETE' THEN"
        f"  UPDATE assignment SET {CLEAR} WHERE id = NEW.assignment_id; END IF;"
        " RETURN NULL; END $$",
        f"CREATE TRIGGER assignment_reconsider BEFORE UPDATE OF {', '.join(ASSIGNMENT_COLUMNS)}"
        f" ON assignment FOR EACH ROW WHEN ({_changed(ASSIGNMENT_COLUMNS, 'IS DISTINCT FROM')})"
        " EXECUTE FUNCTION dondoc_assignment_reconsider()",
        f"CREATE TRIGGER item_reconsider AFTER UPDATE OF {', '.join(ITEM_COLUMNS)} ON item"
        f" FOR EACH ROW WHEN ({_changed(ITEM_COLUMNS, 'IS DISTINCT FROM')})"
        " EXECUTE FUNCTION dondoc_item_reconsider()",
    ]
    for table, columns in CHILDREN:
        statements += [
            f"CREATE TRIGGER {table}_reconsider_update AFTER UPDATE OF {', '.join(columns)}"
            f" ON {table} FOR EACH ROW WHEN ({_changed(columns, 'IS DISTINCT FROM')})"
            " EXECUTE FUNCTION dondoc_child_reconsider()",
            f"CREATE TRIGGER {table}_reconsider_delete AFTER DELETE ON {table} FOR EACH ROW"
            " EXECUTE FUNCTION dondoc_child_reconsider()",
        ]
        if table in INSERT_CLEARS:
            statements.append(f"CREATE TRIGGER {table}_reconsider_insert AFTER INSERT ON {table}"
                              " FOR EACH ROW EXECUTE FUNCTION dondoc_child_reconsider()")
    return statements


def _trigger_names() -> list[tuple[str, str]]:
    names = [("assignment_reconsider", "assignment"), ("item_reconsider", "item")]
    for table, _ in CHILDREN:
        names += [(f"{table}_reconsider_update", table), (f"{table}_reconsider_delete", table)]
        if table in INSERT_CLEARS:
            names.append((f"{table}_reconsider_insert", table))
    return names


def create_triggers() -> None:
    """The triggers that clear next_reminder_on, for this database."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _postgresql_statements() if postgresql else _sqlite_statements():
        op.execute(statement)


def drop_triggers() -> None:
    """Remove what create_triggers made."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in _trigger_names():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        for function in ("dondoc_assignment_reconsider", "dondoc_item_reconsider",
                         "dondoc_child_reconsider"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")


def upgrade() -> None:
    op.add_column('assignment', sa.Column('next_reminder_on', sa.Date(), nullable=True))
    op.add_column('assignment', sa.Column('next_reminder_rules', sa.String(length=80),
                                          nullable=True))
    op.add_column('assignment', sa.Column('reminder_revision', sa.Integer(), nullable=False,
                                          server_default='0'))
    op.create_index('ix_assignment_next_reminder_open', 'assignment', ['next_reminder_on'],
                    unique=False, sqlite_where=OPEN_SQLITE, postgresql_where=OPEN_POSTGRESQL)
    op.create_table(
        'reminder_schedule',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_schedule')),
    )
    create_triggers()


def downgrade() -> None:
    drop_triggers()
    op.drop_table('reminder_schedule')
    op.drop_index('ix_assignment_next_reminder_open', table_name='assignment',
                  sqlite_where=OPEN_SQLITE, postgresql_where=OPEN_POSTGRESQL)
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('reminder_revision')
        batch_op.drop_column('next_reminder_rules')
        batch_op.drop_column('next_reminder_on')
