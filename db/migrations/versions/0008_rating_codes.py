"""the ticket's own rating code (the kiosk's satisfaction question); kiosk rating in the office's settings

Revision ID: 0008_rating_codes
Revises: 0007_stats_rollup
Create Date: 2026-12-01
"""
from alembic import op
import sqlalchemy as sa


revision = "0008_rating_codes"
down_revision = "0007_stats_rollup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN with a literal default: a batch rebuild (what a default expression such as sa.false()
    # makes Alembic do on SQLite) drops "offices" under the foreign keys of every table that refers to it.
    op.add_column("offices", sa.Column("kiosk_rating", sa.Boolean(), server_default=sa.text("false"),
                                       nullable=False))
    op.add_column("offices", sa.Column("kiosk_rating_minutes", sa.Integer(), server_default="120", nullable=False))
    # random, per ticket (db.rating.new_code); tickets issued before this migration have none
    op.add_column("tickets", sa.Column("rating_code", sa.String(length=16), nullable=True))
    op.create_index("uq_tickets_rating_code", "tickets", ["rating_code"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_tickets_rating_code", table_name="tickets")
    # Plain DROP COLUMN (SQLite >= 3.35): a batch rebuild would drop "offices" under its foreign keys.
    for table, column in (("tickets", "rating_code"), ("offices", "kiosk_rating_minutes"),
                          ("offices", "kiosk_rating")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
