"""Privacy tables for face recognition: encrypted identities and templates, consent records, audit log.

Revision ID: 0002_privacy
Revises: 0001_base
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.models import UTCDateTime

revision = "0002_privacy"
down_revision = "0001_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visitor_identities",
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("id_number_hash", sa.String(64), nullable=False),
        sa.Column("identity_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], ondelete="CASCADE",
                                name="fk_visitor_identities_visitor_id_visitors"),
        sa.PrimaryKeyConstraint("visitor_id", name="pk_visitor_identities"),
        sa.UniqueConstraint("id_number_hash", name="uq_visitor_identities_id_number_hash"),
    )
    op.create_table(
        "face_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("template_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], ondelete="CASCADE",
                                name="fk_face_templates_visitor_id_visitors"),
        sa.PrimaryKeyConstraint("id", name="pk_face_templates"),
    )
    op.create_index("ix_face_templates_visitor_id", "face_templates", ["visitor_id"])
    op.create_table(
        "consent_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("text_version", sa.String(32), nullable=False),
        sa.Column("kiosk_id", sa.String(64), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["visitor_id"], ["visitors.id"], ondelete="SET NULL",
                                name="fk_consent_records_visitor_id_visitors"),
        sa.PrimaryKeyConstraint("id", name="pk_consent_records"),
    )
    op.create_index("ix_consent_records_visitor_id", "consent_records", ["visitor_id"])
    op.create_table(
        "privacy_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_audit"),
    )
    op.create_index("ix_privacy_audit_at", "privacy_audit", ["at"])


def downgrade() -> None:
    op.drop_index("ix_privacy_audit_at", table_name="privacy_audit")
    op.drop_table("privacy_audit")
    op.drop_index("ix_consent_records_visitor_id", table_name="consent_records")
    op.drop_table("consent_records")
    op.drop_index("ix_face_templates_visitor_id", table_name="face_templates")
    op.drop_table("face_templates")
    op.drop_table("visitor_identities")
