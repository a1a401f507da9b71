"""hand-set deadlines, recurring days: item.period_day, item.appendix_deadline, deadline_change

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:40:00

Columns are added in place (no batch rebuild), so item keeps 0008's triggers; period_day is not
read by the reminder policy, so no trigger needs to watch it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('item', sa.Column('period_day', sqlmodel.sql.sqltypes.AutoString(length=20),
                                    nullable=True))
    op.add_column('item', sa.Column('appendix_deadline', sqlmodel.sql.sqltypes.AutoString(),
                                    nullable=True))
    op.create_table('deadline_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('changed_by', sa.Integer(), nullable=True),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('via', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('typed', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('old_raw', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('old_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('old_due', sa.Date(), nullable=True),
    sa.Column('old_every', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('new_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('new_due', sa.Date(), nullable=True),
    sa.Column('new_every', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('new_period_day', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.ForeignKeyConstraint(['changed_by'], ['focal_person.id'],
                            name=op.f('fk_deadline_change_changed_by_focal_person')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'],
                            name=op.f('fk_deadline_change_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_change'))
    )
    with op.batch_alter_table('deadline_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_change_item_id'), ['item_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deadline_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_change_item_id'))
    op.drop_table('deadline_change')
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): item is not rebuilt, its triggers stay.
    op.drop_column('item', 'appendix_deadline')
    op.drop_column('item', 'period_day')
