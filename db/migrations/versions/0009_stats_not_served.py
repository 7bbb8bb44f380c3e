"""the statistics rollup's "not served" figure: tickets closed at the end of the day without service (db/stats.py)

Revision ID: 0009_stats_not_served
Revises: 0008_rating_codes
Create Date: 2026-12-02
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_stats_not_served"
down_revision = "0008_rating_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The days rolled up before this migration have no "not served" figure: the rollup is cleared, and the next
    # report rolls the closed days up again from their tickets (db/stats.py build_rollup), instead of reading 0.
    op.execute("DELETE FROM stats_rollup")
    op.execute("DELETE FROM stats_days")
    # Plain ADD COLUMN with a literal default (no batch rebuild on SQLite: see 0008).
    op.add_column("stats_rollup", sa.Column("not_served", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35); the rolled-up days stay valid for the code before this migration.
    op.execute("ALTER TABLE stats_rollup DROP COLUMN not_served")
