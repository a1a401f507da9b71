"""per-committee settings: the DONDOC_* knobs a committee overrides, as JSON text

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 21:00:00

One nullable column: NULL is "the deployment's settings", so every existing committee keeps
today's behaviour. SQLite drops the column natively (3.35+): no rebuild of a table that
others reference.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('committee', sa.Column('settings', sa.String(),
                                         nullable=True))


def downgrade() -> None:
    op.drop_column('committee', 'settings')
