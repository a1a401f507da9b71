"""evidence files kept by dondoc (Zalo's photo links may expire); when a shared file was read

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 14:30:00

A new table and a column of shared_file: no table with 0008's triggers is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.models

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'],
                            name=op.f('fk_evidence_file_evidence_id_evidence')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('evidence_id', name=op.f('uq_evidence_file_evidence_id'))
    )
    with op.batch_alter_table('shared_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fetched_at', storage.models.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shared_file', schema=None) as batch_op:
        batch_op.drop_column('fetched_at')
    op.drop_table('evidence_file')
