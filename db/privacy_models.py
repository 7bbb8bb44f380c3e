"""Privacy tables for face recognition (issue 6): consent, encrypted identity and templates, audit log.

Personal data are encrypted by core.visitors.store (AES-GCM, key outside the database): these tables only ever
hold ciphertext for them, plus a keyed hash of the ID number for look-ups. No photos, no raw QR payload.
"""
from __future__ import annotations

import datetime as dt

import hashlib
import json

from sqlalchemy import DDL, Boolean, ForeignKey, Integer, LargeBinary, String, event
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UTCDateTime, Visitor

__all__ = ["Visitor", "VisitorIdentity", "FaceTemplate", "ConsentRecord", "PrivacyAuditEntry", "audit_hash",
           "APPEND_ONLY_SQL", "GENESIS_HASH"]

GENESIS_HASH = "0" * 64   # the "previous hash" of the first audit entry


class VisitorIdentity(Base):
    """What the CCCD gave, encrypted: {"id_number", "full_name", "date_of_birth"} as one AES-GCM blob."""

    __tablename__ = "visitor_identities"
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"), primary_key=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)   # HMAC-SHA256, keyed
    identity_enc: Mapped[bytes] = mapped_column(LargeBinary)


class FaceTemplate(Base):
    """One 128-d face encoding (float32), encrypted. Several per visitor, newest kept."""

    __tablename__ = "face_templates"
    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int] = mapped_column(ForeignKey("visitors.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    template_enc: Mapped[bytes] = mapped_column(LargeBinary)


class ConsentRecord(Base):
    """Proof of an answer on the consent screen (also a refusal). Survives deletion without the link."""

    __tablename__ = "consent_records"
    id: Mapped[int] = mapped_column(primary_key=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id", ondelete="SET NULL"),
                                                   nullable=True, index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    text_version: Mapped[str] = mapped_column(String(32))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    granted: Mapped[bool] = mapped_column(Boolean)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PrivacyAuditEntry(Base):
    """Who did what to personal data. ``visitor_id`` is a bare number (no FK) so entries outlive deletion
    (visitor ids are never reused, see db.models.IdAllocation).

    Append-only and tamper-evident: triggers refuse UPDATE and DELETE (``APPEND_ONLY_SQL``), and each entry
    carries ``entry_hash`` = SHA-256 over the previous entry's hash and its own fields (``audit_hash``), which
    ``kiosk-admin privacy verify-audit`` recomputes."""

    __tablename__ = "privacy_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    visitor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH, server_default=GENESIS_HASH)
    entry_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


def audit_hash(prev_hash: str, at: dt.datetime, action: str, actor: str, visitor_id: int | None,
               detail: str) -> str:
    """The chained hash of one audit entry (``at`` as stored: UTC, microseconds)."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    fields = [prev_hash, at.isoformat(timespec="microseconds"), action, actor, visitor_id, detail]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


# Triggers that make the audit table append-only, per dialect (installed by migration 0005 and create_all).
APPEND_ONLY_SQL = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS privacy_audit_no_update BEFORE UPDATE ON privacy_audit "
        "BEGIN SELECT RAISE(ABORT, 'privacy_audit is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS privacy_audit_no_delete BEFORE DELETE ON privacy_audit "
        "BEGIN SELECT RAISE(ABORT, 'privacy_audit is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION privacy_audit_append_only() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'privacy_audit is append-only'; END $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS privacy_audit_no_change ON privacy_audit",
        "CREATE TRIGGER privacy_audit_no_change BEFORE UPDATE OR DELETE ON privacy_audit "
        "FOR EACH ROW EXECUTE FUNCTION privacy_audit_append_only()",
        "DROP TRIGGER IF EXISTS privacy_audit_no_truncate ON privacy_audit",
        "CREATE TRIGGER privacy_audit_no_truncate BEFORE TRUNCATE ON privacy_audit "
        "FOR EACH STATEMENT EXECUTE FUNCTION privacy_audit_append_only()",
    ],
}
for _dialect, _statements in APPEND_ONLY_SQL.items():
    for _sql in _statements:
        event.listen(PrivacyAuditEntry.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))
