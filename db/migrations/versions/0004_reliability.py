"""Reliability on a real LAN: transaction ids on events, idempotent requests, one label per day.

- events.txid (PostgreSQL only): the writing transaction's id (xid8). Followers read everything visible and
  advance their cursor only to the oldest still-running transaction (pg_snapshot_xmin), so an event whose
  COMMIT is slow is delivered late but never skipped (db/feed.py).
- tickets.request_id: the kiosk's UUID per tap, unique per office: a retried issue() returns the same ticket.
- command_requests: the same for counter commands (call_next, finish, ...): a retry returns the first answer.
- tickets (office_id, service_day, label) unique: a label names one ticket per day.

Revision ID: 0004_reliability
Revises: 0003_notify_trigger
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0004_reliability"
down_revision = "0003_notify_trigger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE events ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id()")
        op.execute("CREATE INDEX ix_events_txid ON events (txid, id)")
    # Labels reused within a day before this revision (a prefix reused mid-day): keep the first, mark the rest.
    op.execute("UPDATE tickets SET label = substr(label, 1, 10) || '#' || CAST(id AS VARCHAR(8)) WHERE id NOT IN "
               "(SELECT MIN(id) FROM tickets GROUP BY office_id, service_day, label)")
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("request_id", sa.String(36), nullable=True))
        batch.drop_index("ix_tickets_label")
        batch.create_unique_constraint("uq_tickets_label", ["office_id", "service_day", "label"])
        batch.create_unique_constraint("uq_tickets_request", ["office_id", "request_id"])
    op.create_table(
        "command_requests",
        sa.Column("request_id", sa.String(36), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(32), nullable=False),
        sa.Column("counter_number", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name="fk_command_requests_office_id_offices"),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="SET NULL",
                                name="fk_command_requests_ticket_id_tickets"),
        sa.PrimaryKeyConstraint("request_id", name="pk_command_requests"),
    )


def downgrade() -> None:
    op.drop_table("command_requests")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_constraint("uq_tickets_request", type_="unique")
        batch.drop_constraint("uq_tickets_label", type_="unique")
        batch.create_index("ix_tickets_label", ["office_id", "service_day", "label"])
        batch.drop_column("request_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_events_txid")
        op.execute("ALTER TABLE events DROP COLUMN txid")
