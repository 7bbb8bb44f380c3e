"""Who may do what: sign-in guards (wrong PINs counted per officer and per counter), the office's lockout
rule, visitor ids that are never reused, an append-only hash-chained privacy audit log.

Revision ID: 0005
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime
from db.privacy_models import APPEND_ONLY_SQL, GENESIS_HASH, audit_hash

revision = "0005_security"
down_revision = "0004_reliability"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("offices", sa.Column("sign_in_max_failures", sa.Integer(), nullable=False, server_default="5"))
    op.add_column("offices", sa.Column("sign_in_lockout_minutes", sa.Integer(), nullable=False,
                                       server_default="5"))
    op.create_table(
        "sign_in_guards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", UTCDateTime(), nullable=True),
        sa.Column("blocked_until", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name="fk_sign_in_guards_office_id_offices"),
        sa.PrimaryKeyConstraint("id", name="pk_sign_in_guards"),
        sa.UniqueConstraint("office_id", "scope", "subject", name="uq_sign_in_guards_office_id_scope_subject"),
    )
    op.create_table(
        "id_allocations",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_id_allocations"),
    )
    # Never hand out an id that was used before: the audit log remembers deleted visitors' ids.
    used = [bind.execute(sa.text(q)).scalar() or 0 for q in (
        "SELECT MAX(id) FROM visitors", "SELECT MAX(visitor_id) FROM privacy_audit",
        "SELECT MAX(visitor_id) FROM tickets")]
    bind.execute(sa.text("INSERT INTO id_allocations (name, last_value) VALUES ('visitors', :v)"),
                 {"v": max(used)})

    op.add_column("privacy_audit", sa.Column("prev_hash", sa.String(64), nullable=False,
                                             server_default=GENESIS_HASH))
    op.add_column("privacy_audit", sa.Column("entry_hash", sa.String(64), nullable=False, server_default=""))
    prev = GENESIS_HASH
    rows = bind.execute(sa.select(
        sa.column("id"), sa.column("at", UTCDateTime()), sa.column("action"), sa.column("actor"),
        sa.column("visitor_id"), sa.column("detail")).select_from(sa.table("privacy_audit"))
        .order_by(sa.column("id"))).all()
    for row in rows:   # chain the entries written before this revision
        digest = audit_hash(prev, row.at, row.action, row.actor, row.visitor_id, row.detail)
        bind.execute(sa.text("UPDATE privacy_audit SET prev_hash = :p, entry_hash = :h WHERE id = :i"),
                     {"p": prev, "h": digest, "i": row.id})
        prev = digest
    for sql in APPEND_ONLY_SQL.get(bind.dialect.name, []):
        op.execute(sql)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS privacy_audit_no_change ON privacy_audit")
        op.execute("DROP TRIGGER IF EXISTS privacy_audit_no_truncate ON privacy_audit")
        op.execute("DROP FUNCTION IF EXISTS privacy_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS privacy_audit_no_update")
        op.execute("DROP TRIGGER IF EXISTS privacy_audit_no_delete")
    # Plain DROP COLUMN (SQLite ≥ 3.35): a batch rebuild would drop "offices" under its foreign keys.
    for table, column in (("privacy_audit", "entry_hash"), ("privacy_audit", "prev_hash"),
                          ("offices", "sign_in_lockout_minutes"), ("offices", "sign_in_max_failures")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.drop_table("id_allocations")
    op.drop_table("sign_in_guards")
