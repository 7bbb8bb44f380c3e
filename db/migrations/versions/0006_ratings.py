"""satisfaction ratings; the office's rating scale; what the statistics need on tickets

Revision ID: 0006_ratings
Revises: 0003_notify_trigger
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa
import db.models


revision = "0006_ratings"
down_revision = "0005_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offices") as batch:
        batch.add_column(sa.Column("rating_scale", sa.String(length=16), server_default="three", nullable=False))
        batch.add_column(sa.Column("rating_timeout_seconds", sa.Integer(), server_default="30", nullable=False))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("first_called_at", db.models.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("transfer_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("reactivation_count", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE tickets SET first_called_at = called_at WHERE called_at IS NOT NULL")
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("counter_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("service_day", sa.Date(), nullable=False),
        sa.Column("scale", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.String(length=200), nullable=False),
        sa.Column("created_at", db.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_ratings_office_id_offices")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ratings_ticket_id_tickets"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["counter_id"], ["counters.id"], name=op.f("fk_ratings_counter_id_counters")),
        sa.ForeignKeyConstraint(["officer_id"], ["officers.id"], name=op.f("fk_ratings_officer_id_officers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
    )
    op.create_index("ix_ratings_office_day", "ratings", ["office_id", "service_day"])


def downgrade() -> None:
    op.drop_index("ix_ratings_office_day", table_name="ratings")
    op.drop_table("ratings")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch rebuild would drop "offices" under its foreign keys.
    for table, column in (("tickets", "reactivation_count"), ("tickets", "transfer_count"),
                          ("tickets", "first_called_at"), ("offices", "rating_timeout_seconds"),
                          ("offices", "rating_scale")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
