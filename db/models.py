"""Typed SQLAlchemy 2 models of the queue. Times are stored as naive UTC and returned aware (UTC)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData,
                        PrimaryKeyConstraint, String, Table, Column, UniqueConstraint, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Ticket statuses. "called" and "serving" mean the ticket is at a counter (at most one per counter).
WAITING, CALLED, SERVING, DONE, NO_SHOW = "waiting", "called", "serving", "done", "no_show"
# Still waiting, called or serving when the service day ended: closed by the end-of-day rule, never callable.
NOT_SERVED = "not_served"
AT_COUNTER = (CALLED, SERVING)


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored naive UTC so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Office(Base):
    __tablename__ = "offices"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    # {"mon": [["07:30", "11:30"], ["13:00", "17:00"]], ...}; a missing or empty day is closed.
    hours: Mapped[dict] = mapped_column(JSON, default=dict)
    issue_cutoff_minutes: Mapped[int] = mapped_column(Integer, default=30)
    priority_mode: Mapped[str] = mapped_column(String(16), default="strict")  # strict | interleave
    interleave_after: Mapped[int] = mapped_column(Integer, default=3)
    default_service_minutes: Mapped[int] = mapped_column(Integer, default=8)
    # Guessing PINs (db.auth.LockoutPolicy): this many wrong PINs in a row lock for this many minutes.
    sign_in_max_failures: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    sign_in_lockout_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # the satisfaction question asked after service (db.rating.SCALES) and how long the window waits
    rating_scale: Mapped[str] = mapped_column(String(16), default="three", server_default="three")
    rating_timeout_seconds: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    # the same question at the kiosk: the ticket's QR carries its rating code, scanned after service up to
    # this many minutes after it finished, on the same service day (migration 0008)
    kiosk_rating: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    kiosk_rating_minutes: Mapped[int] = mapped_column(Integer, default=120, server_default="120")


class Field(Base):
    """A procedure field (lĩnh vực) with its own numbering."""

    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("office_id", "code"), UniqueConstraint("office_id", "prefix"))
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    code: Mapped[str] = mapped_column(String(32))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(4))
    number_width: Mapped[int] = mapped_column(Integer, default=3)
    start_number: Mapped[int] = mapped_column(Integer, default=1)
    daily_cap: Mapped[int | None] = mapped_column(Integer, nullable=True)
    icon: Mapped[str] = mapped_column(String(64), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    procedures: Mapped[list[Procedure]] = relationship(back_populates="field", order_by="Procedure.sort_order")


class Procedure(Base):
    __tablename__ = "procedures"
    __table_args__ = (UniqueConstraint("field_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))
    code: Mapped[str] = mapped_column(String(32))
    national_code: Mapped[str] = mapped_column(String(32), default="")
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    documents_vi: Mapped[list] = mapped_column(JSON, default=list)
    documents_en: Mapped[list] = mapped_column(JSON, default=list)
    time_limit_vi: Mapped[str] = mapped_column(String(300), default="")
    time_limit_en: Mapped[str] = mapped_column(String(300), default="")
    fee_vi: Mapped[str] = mapped_column(String(300), default="")
    fee_en: Mapped[str] = mapped_column(String(300), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    field: Mapped[Field] = relationship(back_populates="procedures")


counter_fields = Table(
    "counter_fields",
    Base.metadata,
    Column("counter_id", ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True),
)


class Officer(Base):
    __tablename__ = "officers"
    __table_args__ = (UniqueConstraint("office_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    name: Mapped[str] = mapped_column(String(200))
    # argon2; deferred: loading an officer (a board showing names) never reads it, and on PostgreSQL only the
    # counter and admin roles may (db/roles.py)
    pin_hash: Mapped[str] = mapped_column(String(200), deferred=True)
    role: Mapped[str] = mapped_column(String(16), default="officer")  # officer | supervisor | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Counter(Base):
    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("office_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    number: Mapped[int] = mapped_column(Integer)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    priority_only: Mapped[bool] = mapped_column(Boolean, default=False)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    fields: Mapped[list[Field]] = relationship(secondary=counter_fields, order_by="Field.sort_order")
    officer: Mapped[Officer | None] = relationship()


class SignInGuard(Base):
    """Wrong PINs in a row, per officer name (``scope="officer"``) and per counter (``scope="counter"``):
    counted in the database so no process, window or restart resets them (db.auth.LockoutPolicy)."""

    __tablename__ = "sign_in_guards"
    __table_args__ = (UniqueConstraint("office_id", "scope", "subject"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    scope: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))   # the name as typed, or the counter number
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class IdAllocation(Base):
    """The last id handed out per kind (``"visitors"``): ids are never reused, even after the newest row
    is deleted (SQLite's plain INTEGER PRIMARY KEY would give it again)."""

    __tablename__ = "id_allocations"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class NumberSequence(Base):
    """Last number issued per (office, field, service day): the row every issuing transaction locks."""

    __tablename__ = "number_sequences"
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"), primary_key=True)
    service_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class Visitor(Base):
    """A person who consented to be recognised. Identity details live in the privacy tables."""

    __tablename__ = "visitors"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_field_code: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # Numbers are never duplicated: one number per (office, numbering field, day).
        UniqueConstraint("office_id", "number_field_id", "service_day", "number", name="uq_tickets_number"),
        # A counter holds at most one ticket at a time: calls never double.
        Index("uq_tickets_counter_current", "counter_id", unique=True,
              sqlite_where=text("status IN ('called', 'serving')"),
              postgresql_where=text("status IN ('called', 'serving')")),
        Index("ix_tickets_waiting", "office_id", "field_id", "status", "arrival_at"),
        # A label names one ticket per office and day (migration 0004).
        UniqueConstraint("office_id", "service_day", "label", name="uq_tickets_label"),
        # The kiosk's UUID per tap: a retried issue() finds the ticket instead of making a second one.
        UniqueConstraint("office_id", "request_id", name="uq_tickets_request"),
        Index("uq_tickets_rating_code", "rating_code", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))          # where it waits now
    number_field_id: Mapped[int] = mapped_column(ForeignKey("fields.id"))   # whose numbering gave the label
    procedure_id: Mapped[int | None] = mapped_column(ForeignKey("procedures.id"), nullable=True)
    service_day: Mapped[dt.date] = mapped_column(Date)
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(16))
    priority_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    arrival_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # order key: issue time, or booking time
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    call_count: Mapped[int] = mapped_column(Integer, default=0)
    counter_id: Mapped[int | None] = mapped_column(ForeignKey("counters.id"), nullable=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), nullable=True)
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("visitors.id", ondelete="SET NULL"),
                                                   nullable=True)
    print_status: Mapped[str] = mapped_column(String(32), default="pending")
    booking_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kiosk_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # for the statistics: called_at is the latest call; these survive recalls, transfers and reactivations
    first_called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    transfer_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reactivation_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # random and unguessable (db.rating.new_code): the kiosk's rating QR; never in an event or a TicketInfo
    rating_code: Mapped[str | None] = mapped_column(String(16), nullable=True)

    field: Mapped[Field] = relationship(foreign_keys=[field_id])
    procedure: Mapped[Procedure | None] = relationship()
    counter: Mapped[Counter | None] = relationship()
    officer: Mapped[Officer | None] = relationship()


class Rating(Base):
    """A citizen's answer to "were you satisfied?" after service: at most one per ticket, tied to the ticket,
    the counter and the officer who served it. Never shown one by one at a counter (only aggregates)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
        Index("ix_ratings_office_day", "office_id", "service_day"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    counter_id: Mapped[int] = mapped_column(ForeignKey("counters.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"), nullable=True)
    service_day: Mapped[dt.date] = mapped_column(Date)
    scale: Mapped[str] = mapped_column(String(16))        # db.rating.SCALES key, as asked at the time
    value: Mapped[int] = mapped_column(Integer)           # 1 (worst) .. levels of the scale (best)
    reasons: Mapped[str] = mapped_column(String(200), default="")   # comma-separated db.rating.REASONS codes
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Event(Base):
    """The outbox: one row per change, appended in the same transaction as the change."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    ticket_label: Mapped[str | None] = mapped_column(String(16), nullable=True)
    counter_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    field_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # PostgreSQL only: "txid xid8 DEFAULT pg_current_xact_id()" (migration 0004), read by db/feed.py.


class StatsDay(Base):
    """A closed service day whose statistics are kept in ``stats_rollup`` (db/stats.py), with the fingerprint
    of what they were computed from: the day's tickets and ratings (count, highest id). A report rebuilds a
    day whose fingerprint no longer matches; a change to a rolled-up day's ticket deletes this row
    (QueueService._event). Migration 0007."""

    __tablename__ = "stats_days"
    __table_args__ = (PrimaryKeyConstraint("office_id", "day", name="pk_stats_days"),)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    tickets: Mapped[int] = mapped_column(Integer)
    last_ticket_id: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    last_rating_id: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class StatsRollup(Base):
    """One closed day's figures for one group of one view (db/stats.py): the additive figures as sums and
    counts, and the group's waiting and service times themselves (seconds, sorted float64), which merge
    into exact percentiles for any period. Valid only while ``stats_days`` holds the day. Migration 0007."""

    __tablename__ = "stats_rollup"
    __table_args__ = (PrimaryKeyConstraint("office_id", "day", "view", "key", name="pk_stats_rollup"),)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    day: Mapped[dt.date] = mapped_column(Date)
    view: Mapped[str] = mapped_column(String(16))     # day, hour, field, ..., level, reason
    key: Mapped[str] = mapped_column(String(40))      # the group as text; '' = none (e.g. never called)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[int] = mapped_column(Integer, default=0)
    no_show: Mapped[int] = mapped_column(Integer, default=0)
    not_served: Mapped[int] = mapped_column(Integer, default=0)   # closed at the end of the day (migration 0009)
    transferred: Mapped[int] = mapped_column(Integer, default=0)
    reactivated: Mapped[int] = mapped_column(Integer, default=0)
    waits: Mapped[int] = mapped_column(Integer, default=0)
    wait_sum: Mapped[float] = mapped_column(Float, default=0.0)
    services: Mapped[int] = mapped_column(Integer, default=0)
    service_sum: Mapped[float] = mapped_column(Float, default=0.0)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    priority_waits: Mapped[int] = mapped_column(Integer, default=0)
    priority_wait_sum: Mapped[float] = mapped_column(Float, default=0.0)
    ratings: Mapped[int] = mapped_column(Integer, default=0)
    score_sum: Mapped[float] = mapped_column(Float, default=0.0)
    satisfied_sum: Mapped[float] = mapped_column(Float, default=0.0)
    wait_values: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    service_values: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class CommandRequest(Base):
    """A counter command carried out under a request id: its retry returns the same ticket (migration 0004)."""

    __tablename__ = "command_requests"
    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    op: Mapped[str] = mapped_column(String(32))
    counter_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


__all__ = ["Base", "Office", "Field", "Procedure", "Counter", "Officer", "NumberSequence", "Visitor",
           "SignInGuard", "IdAllocation", "CommandRequest", "Rating", "StatsDay", "StatsRollup",
           "Ticket", "Event", "counter_fields", "UTCDateTime", "WAITING", "CALLED", "SERVING", "DONE",
           "NO_SHOW", "NOT_SERVED", "AT_COUNTER"]
