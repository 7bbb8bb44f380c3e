"""Privacy tables for face recognition (issue 6): consent, encrypted identity and templates, audit log.

Personal data are encrypted by core.visitors.store (AES-GCM, key outside the database): these tables only ever
hold ciphertext for them, plus a keyed hash of the ID number for look-ups. No photos, no raw QR payload.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base, UTCDateTime, Visitor

__all__ = ["Visitor", "VisitorIdentity", "FaceTemplate", "ConsentRecord", "PrivacyAuditEntry"]


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
    """Who did what to personal data. ``visitor_id`` is a bare number (no FK) so entries outlive deletion."""

    __tablename__ = "privacy_audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    visitor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
