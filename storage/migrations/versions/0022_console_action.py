"""web console actions no other table records: one-off messages, item edits and additions

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-06 17:50:00

A new table only: no table with 0008's triggers is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = '0022'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('console_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['focal_person.id'],
                            name=op.f('fk_console_action_person_id_focal_person')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'],
                            name=op.f('fk_console_action_item_id_item')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'],
                            name=op.f('fk_console_action_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_action'))
    )
    with op.batch_alter_table('console_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_action_person_id'), ['person_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_action_person_id'))
    op.drop_table('console_action')
