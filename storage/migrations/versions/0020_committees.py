"""committees: one default committee owning every document, item and digest; codes per committee

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06 18:00:00

Creates the committee table with ONE default committee (id 1, code "bcd") and attaches every
document, item, import run and digest run to it, and the secretariat and committee leaders too: a
single-committee deployment keeps working without a new command. Item codes and identities,
document keys and digest periods become unique per committee. SQLite cannot drop a table's
UNIQUE constraint in place: item, document and digest_run are rebuilt (env.py keeps foreign
keys off while migrating; foreign_key_check runs after), and item's 0008 trigger, which the
rebuild drops, is created again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_ID = 1
# 0008's SQLite trigger on item, verbatim (a batch rebuild of item drops it).
ITEM_COLUMNS = ("kind", "due", "deadline_kind", "every")
CLEAR = "next_reminder_on = NULL, reminder_revision = reminder_revision + 1"
ITEM_TRIGGER = (
    f"CREATE TRIGGER item_reconsider AFTER UPDATE OF {', '.join(ITEM_COLUMNS)} ON item"
    f" FOR EACH ROW WHEN {' OR '.join(f'OLD.{c} IS NOT NEW.{c}' for c in ITEM_COLUMNS)}"
    f" BEGIN UPDATE assignment SET {CLEAR} WHERE item_id = NEW.id; END")
# (table, old unique constraint and its columns, new one and its columns)
OWNED = (
    ("document", ("uq_document_key", ["key"]), ("uq_document_committee_key", ["key"])),
    ("item", ("uq_item_code", ["code"]), ("uq_item_committee_code", ["code"])),
    ("digest_run", ("uq_digest_run_period_start", ["period_start", "period_end"]),
     ("uq_digest_run_committee_period", ["period_start", "period_end"])),
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _check_foreign_keys() -> None:
    if _sqlite():
        broken = op.get_bind().execute(sa.text("PRAGMA foreign_key_check")).all()
        if broken:
            raise RuntimeError(f"foreign keys broken by the committee migration: {broken[:5]}")


def upgrade() -> None:
    op.create_table(
        'committee',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['parent_id'], ['committee.id'],
                                name=op.f('fk_committee_parent_id_committee')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_committee')),
        sa.UniqueConstraint('code', name=op.f('uq_committee_code')),
    )
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO committee (id, code, name, short_name)"
                         " VALUES (:id, 'bcd', 'Ban Chỉ đạo', 'BCĐ')"), {"id": DEFAULT_ID})
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('committee', 'id'), :id)"),
                     {"id": DEFAULT_ID})
    for table, (old_name, _), (new_name, new_columns) in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('committee_id', sa.Integer(), nullable=False,
                                          server_default=str(DEFAULT_ID)))
            batch_op.drop_constraint(old_name, type_='unique')
            batch_op.create_unique_constraint(new_name, ['committee_id', *new_columns])
            if table == "item":
                batch_op.drop_constraint('uq_item_identity', type_='unique')
                batch_op.create_unique_constraint('uq_item_committee_identity',
                                                  ['committee_id', 'identity'])
            batch_op.create_foreign_key(f'fk_{table}_committee_id_committee', 'committee',
                                        ['committee_id'], ['id'])
            batch_op.create_index(f'ix_{table}_committee_id', ['committee_id'], unique=False)
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('committee_id', sa.Integer(), nullable=False,
                                      server_default=str(DEFAULT_ID)))
        batch_op.create_foreign_key('fk_import_run_committee_id_committee', 'committee',
                                    ['committee_id'], ['id'])
        batch_op.create_index('ix_import_run_committee_id', ['committee_id'], unique=False)
    for table in ("focal_person", "invite"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('committee_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(f'fk_{table}_committee_id_committee', 'committee',
                                        ['committee_id'], ['id'])
        # The secretariat and the committee leaders work for the one committee there is.
        bind.execute(sa.text(f"UPDATE {table} SET committee_id = :id"
                             " WHERE role IN ('secretariat', 'committee')"), {"id": DEFAULT_ID})
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS item_reconsider")
        op.execute(ITEM_TRIGGER)
    _check_foreign_keys()


def downgrade() -> None:
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_index('ix_import_run_committee_id')
        batch_op.drop_constraint('fk_import_run_committee_id_committee', type_='foreignkey')
        batch_op.drop_column('committee_id')
    for table in ("invite", "focal_person"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_committee_id_committee', type_='foreignkey')
            batch_op.drop_column('committee_id')
    for table, (old_name, old_columns), (new_name, _) in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_committee_id')
            batch_op.drop_constraint(f'fk_{table}_committee_id_committee', type_='foreignkey')
            if table == "item":
                batch_op.drop_constraint('uq_item_committee_identity', type_='unique')
                batch_op.create_unique_constraint('uq_item_identity', ['identity'])
            batch_op.drop_constraint(new_name, type_='unique')
            batch_op.create_unique_constraint(old_name, old_columns)
            batch_op.drop_column('committee_id')
    op.drop_table('committee')
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS item_reconsider")
        op.execute(ITEM_TRIGGER)
    _check_foreign_keys()
