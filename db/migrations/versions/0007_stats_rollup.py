"""the statistics rollup: closed service days' figures per view and group (db/stats.py)

Revision ID: 0007_stats_rollup
Revises: 0006_ratings
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import db.models


revision = "0007_stats_rollup"
down_revision = "0006_ratings"
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table(
        "stats_days",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("last_ticket_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column("last_rating_id", sa.Integer(), nullable=False),
        sa.Column("built_at", db.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_stats_days_office_id_offices")),
        sa.PrimaryKeyConstraint("office_id", "day", name="pk_stats_days"),
    )
    op.create_table(
        "stats_rollup",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("view", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in (
            "issued", "served", "no_show", "transferred", "reactivated", "waits")),
        sa.Column("wait_sum", sa.Float(), nullable=False),
        sa.Column("services", sa.Integer(), nullable=False),
        sa.Column("service_sum", sa.Float(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("priority_waits", sa.Integer(), nullable=False),
        sa.Column("priority_wait_sum", sa.Float(), nullable=False),
        sa.Column("ratings", sa.Integer(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.Column("satisfied_sum", sa.Float(), nullable=False),
        sa.Column("wait_values", sa.LargeBinary(), nullable=True),
        sa.Column("service_values", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_stats_rollup_office_id_offices")),
        sa.PrimaryKeyConstraint("office_id", "day", "view", "key", name="pk_stats_rollup"),
    )


def downgrade() -> None:
    op.drop_table("stats_rollup")
    op.drop_table("stats_days")
