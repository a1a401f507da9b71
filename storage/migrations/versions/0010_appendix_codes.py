"""item codes from the appendix's own numbers; the appendix's title kept per import

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 14:30:00

Items get codes from their row number (domain.item_codes); the id-based code they had is kept
in item.legacy_code for the transition (storage.item_lookup reads both). import_run keeps the
appendix's title lines and the document it is attached to ("Công văn 4362-CV/TU"). Only
add_column: no table is rebuilt, so 0008's triggers stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from domain.item_codes import item_code, section_series

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('item', sa.Column('legacy_code', sqlmodel.sql.sqltypes.AutoString(length=20),
                                    nullable=True))
    op.add_column('import_run', sa.Column('title', sqlmodel.sql.sqltypes.AutoString(),
                                          nullable=True))
    op.add_column('import_run', sa.Column(
        'attached_to', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, kind, number, code, source, section FROM item ORDER BY id")).all()
    # Two passes: codes move between items (NV47 was id 47, is now row 47), and code is unique.
    for item_id, _, _, code, _, _ in rows:
        bind.execute(sa.text("UPDATE item SET legacy_code = :code, code = :temp WHERE id = :id"),
                     {"code": code, "temp": f"~{item_id}", "id": item_id})
    taken: set[str] = set()
    series: dict[tuple[str, str, str], int] = {}
    for item_id, kind, number, _, source, section in rows:
        block = (source, section, kind)
        if block not in series:
            # As the importer does: a section's rows share the first series free for all.
            series[block] = section_series(kind, (
                r[2] for r in rows if (r[4], r[5], r[1]) == block), lambda c: c not in taken)
        code = item_code(kind, number, taken, series[block])
        taken.add(code)
        bind.execute(sa.text("UPDATE item SET code = :code WHERE id = :id"),
                     {"code": code, "id": item_id})


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE item SET code = '~' || id"))
    bind.execute(sa.text("UPDATE item SET code = legacy_code WHERE legacy_code IS NOT NULL"))
    op.drop_column('import_run', 'attached_to')
    op.drop_column('import_run', 'title')
    op.drop_column('item', 'legacy_code')
