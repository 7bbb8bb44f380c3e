"""Plain frozen dataclasses returned by the queue: Qt code never holds an ORM object or a session."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any


def to_jsonable(value: Any) -> Any:
    """A dataclass (or nested value) as JSON-ready data: datetimes and dates in ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class ProcedureInfo:
    code: str
    name_vi: str
    name_en: str
    documents_vi: tuple[str, ...]
    documents_en: tuple[str, ...]
    time_limit_vi: str
    time_limit_en: str
    fee_vi: str
    fee_en: str
    national_code: str

    def name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi


@dataclass(frozen=True)
class FieldInfo:
    code: str
    name_vi: str
    name_en: str
    prefix: str
    icon: str
    procedures: tuple[ProcedureInfo, ...]
    counters: tuple[int, ...]
    waiting: int
    estimated_wait_min: int
    available: bool
    unavailable_reason_vi: str
    unavailable_reason_en: str

    def name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi


@dataclass(frozen=True)
class TicketInfo:
    id: int
    label: str
    field_code: str
    field_name_vi: str
    field_name_en: str
    procedure_code: str | None
    procedure_name_vi: str | None
    procedure_name_en: str | None
    priority_reason: str | None
    status: str
    service_day: dt.date
    issued_at: dt.datetime
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counter_number: int | None
    officer_name: str | None
    visitor_id: int | None
    print_status: str
    call_count: int
    booking_code: str | None


@dataclass(frozen=True)
class IssuedTicket:
    ticket: TicketInfo
    waiting_ahead: int
    counters: tuple[int, ...]
    estimated_wait_min: int
    rating_code: str | None = None   # for the ticket's rating QR only (db.rating); never sent in an event

    @property
    def label(self) -> str:
        return self.ticket.label


@dataclass(frozen=True)
class OfficerInfo:
    id: int
    name: str
    role: str
    must_change_pin: bool = False   # signed in with a PIN shorter than new PINs may be: ask for a new one


@dataclass(frozen=True)
class CounterInfo:
    number: int
    name_vi: str
    name_en: str
    field_codes: tuple[str, ...]
    priority_only: bool
    paused: bool
    officer_name: str | None


@dataclass(frozen=True)
class CounterState:
    counter: CounterInfo
    ticket: TicketInfo | None


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    name_vi: str
    name_en: str
    timezone: str
    hours: dict
    issue_cutoff_minutes: int
    priority_mode: str
    interleave_after: int
    is_open: bool
    closed_reason_vi: str
    closed_reason_en: str
    serving: bool = False     # inside an opening session: the counters serve (even after the issuing cut-off)
    kiosk_rating: bool = False   # the kiosk asks the satisfaction question for a scanned ticket (catalogue)
    rating_scale: str = "three"

    def name(self, language: str = "vi") -> str:
        return self.name_en if language == "en" else self.name_vi


@dataclass(frozen=True)
class FeedPosition:
    """Where a follower starts so that it gets exactly the events a snapshot does not include.

    ``last_id``: the highest event id the snapshot saw. On SQLite ids commit in order, so that is all.
    On PostgreSQL ids can commit out of order: ``horizon`` is the oldest transaction still running when the
    snapshot was read (every event of an older transaction is in it), ``above`` the (id, txid) pairs of the
    newer transactions it already saw."""
    last_id: int
    horizon: int | None = None
    above: tuple[tuple[int, int], ...] = ()

    def includes(self, event_id: int, txid: int | None) -> bool:
        """Does the snapshot already reflect this event?"""
        if self.horizon is None or txid is None:
            return event_id <= self.last_id
        return txid < self.horizon or any(i == event_id for i, _ in self.above)


@dataclass(frozen=True)
class Snapshot:
    office: OfficeInfo
    counters: tuple[CounterState, ...]
    recent_calls: tuple[TicketInfo, ...]  # newest first
    fields: tuple[FieldInfo, ...]
    last_event_id: int
    at: dt.datetime
    position: FeedPosition | None = None   # follow(since=snapshot.position) misses nothing, repeats nothing
    clock_skew_s: float = 0.0              # database time minus this PC's (QueueService.clock_skew_s)


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    at: dt.datetime
    office_code: str
    ticket_label: str | None
    counter_number: int | None
    field_code: str | None
    payload: dict
    txid: int | None = None   # PostgreSQL: the writing transaction (FeedPosition.includes)


@dataclass(frozen=True)
class RatingSettings:
    scale: str             # db.rating.SCALES key
    timeout_seconds: int   # the rating window goes back to idle after this long
    clock_skew_s: float = 0.0   # database time minus this PC's (QueueService.clock_skew_s)


@dataclass(frozen=True)
class RatingTicket:
    """A scanned rating code that may be answered now (QueueService.rating_ticket)."""
    label: str
    scale: str             # db.rating.SCALES key


@dataclass(frozen=True)
class RatingInfo:
    id: int
    ticket_id: int
    ticket_label: str
    scale: str
    value: int
    reasons: tuple[str, ...]
    created_at: dt.datetime
