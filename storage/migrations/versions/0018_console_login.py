"""web console sign-in links and the session generation of a person

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-06 15:10:00

A new table and a column of focal_person: no table with 0008's triggers is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = '0018'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('console_login',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', storage.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['focal_person.id'],
                            name=op.f('fk_console_login_person_id_focal_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_login')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_console_login_token_hash'))
    )
    with op.batch_alter_table('console_login', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_login_person_id'), ['person_id'],
                              unique=False)
    with op.batch_alter_table('focal_person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('console_generation', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('focal_person', schema=None) as batch_op:
        batch_op.drop_column('console_generation')
    with op.batch_alter_table('console_login', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_login_person_id'))
    op.drop_table('console_login')
