"""Answer order: a seed per attempt and per group session (NULL for the file's own order).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Nullable with no default on purpose: attempts and sessions recorded before
# this revision were shown in the file's order, and NULL says exactly that.
# Adding a nullable column is a plain ALTER TABLE in SQLite, so batch mode
# does not rebuild the tables here (no cascade risk for their children).


def upgrade() -> None:
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("order_seed", sa.Integer(), nullable=True))
    with op.batch_alter_table("group_session") as batch:
        batch.add_column(sa.Column("order_seed", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("group_session") as batch:
        batch.drop_column("order_seed")
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("order_seed")
