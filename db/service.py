"""QueueService: the whole vocabulary of the office. Each mutating operation is one transaction that
also appends an event to the outbox; every operation returns frozen dataclasses."""
from __future__ import annotations

import datetime as dt
import math
import time
import uuid
import zoneinfo
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import Connection, bindparam, case, func, insert, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from . import dto, rating
from .auth import (CATALOGUE_ROLES, AuthError, LockoutPolicy, NotAllowed, NotSignedIn, check_new_pin, hash_pin,
                   locked_out, must_change, verify_pin)
from .catalogue import DAYS
from .clock import Clock, DatabaseClock
from .engine import DEADLINES, is_sqlite, make_engines, normalise_url, sqlite_path
from .errors import CapReached, InvalidState, NotFound, OfficeClosed
from .faults import SqliteFile, database_errors
from .vocabulary import PRIORITY_REASONS, WORDS, status_label
from .models import (AT_COUNTER, CALLED, DONE, NO_SHOW, NOT_SERVED, SERVING, WAITING, CommandRequest, Counter, Event,
                     Field, NumberSequence, Office, Officer, Procedure, Rating, SignInGuard, StatsDay,
                     Ticket)

NOTIFY_CHANNEL = "kiosk_events"
HISTORY_TICKETS = 20          # recent finished tickets used for the average service time
HISTORY_DAYS = 14
RECENT_CALLS = 8
CATALOGUE_TTL_S = 10.0        # how stale a process may see office/field/procedure rows after a reload
SERVICE_TIME_TTL_S = 30.0     # average service times are recomputed at most this often per field
RATING_GRACE_S = 15.0         # after the rating window's own timeout, the queue still accepts a rating this long

_DUMMY_HASH = hash_pin("not-a-pin")   # an unknown name costs the same argon2 check as a known one


@dataclass(frozen=True)
class _CatalogueCache:
    office: Office                              # detached rows: read-only copies
    fields: dict[str, Field]                    # by code and by prefix
    procedures: dict[tuple[int, str], Procedure]
    counters: dict[int, list[Counter]]          # by field id, all serving counters (paused as last loaded)
    loaded_at: float


class QueueService:
    def __init__(self, url: str, clock: Clock | None = None, office: str | None = None):
        self.url = normalise_url(url)
        with database_errors():
            self.engine, self.read_engine = make_engines(self.url)
            path = sqlite_path(self.url)
            self._file = SqliteFile(path) if path else None  # deleted or replaced under us: Unavailable
        self.is_postgres = not is_sqlite(self.url)
        # One clock for the centre: the database's (db/clock.py); a test or benchmark may inject its own.
        self.clock: Clock = clock or DatabaseClock(self._database_now if self.is_postgres else None)
        self.office_code = office or None
        self._office_id: int | None = None
        self._cache: _CatalogueCache | None = None
        self._service_minutes: dict[int, tuple[float, float]] = {}
        self._closed_through: dt.date | None = None   # the end-of-day rule ran for days before this one
        # a rating is accepted until the rating window's timeout plus this (slow taps, clock skew)
        self.rating_grace_seconds = RATING_GRACE_S

    # ------------------------------------------------------------------ plumbing
    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """One ORM transaction under the client deadline. Database trouble becomes ``Unavailable``."""
        with self._guard():
            with Session(self.write_engine if write else self.read_engine, expire_on_commit=False) as s:
                with s.begin():
                    yield s

    @contextmanager
    def connection(self, write: bool = True) -> Iterator[Connection]:
        """One Core transaction, for the hot path (issuing) where ORM overhead would dominate."""
        with self._guard():
            with (self.write_engine if write else self.read_engine).begin() as conn:
                yield conn

    @contextmanager
    def _guard(self) -> Iterator[None]:
        with database_errors():
            if self._file is not None:
                self._file.check()
            if self.is_postgres:
                with DEADLINES.operation():
                    yield
            else:
                yield

    def _database_now(self) -> dt.datetime:
        with database_errors(), DEADLINES.operation(), self.engine.connect() as conn:
            now = conn.exec_driver_sql("SELECT clock_timestamp()").scalar_one()
            conn.rollback()
        return now if now.tzinfo else now.replace(tzinfo=dt.timezone.utc)

    @property
    def clock_skew_s(self) -> float:
        """Database time minus this PC's time (seconds); more than 60 either way is logged."""
        if not hasattr(self.clock, "skew_s"):
            return 0.0
        self.clock.now()          # measures the offset first when it is due (DatabaseClock syncs lazily)
        return float(self.clock.skew_s)

    @property
    def write_engine(self):
        return self.engine

    def close(self) -> None:
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    def _office(self, s: Session) -> Office:
        if self._office_id is not None:
            office = s.get(Office, self._office_id)
            if office is not None:
                return office
        q = select(Office)
        q = q.where(Office.code == self.office_code) if self.office_code else q.order_by(Office.id)
        office = s.scalars(q.limit(1)).first()
        if office is None:
            raise NotFound("Chưa có dữ liệu trung tâm — hãy chạy 'kiosk-admin init'",
                           "No office in the database — run 'kiosk-admin init'")
        self._office_id = office.id
        return office

    def _local_now(self, office: Office) -> dt.datetime:
        return self.clock.now().astimezone(zoneinfo.ZoneInfo(office.timezone))

    def _field(self, s: Session, office: Office, code: str) -> Field:
        key = (code or "").strip()
        f = s.scalars(select(Field).where(Field.office_id == office.id, Field.active.is_(True),
                                          (Field.code == key) | (Field.prefix == key.upper()))).first()
        if f is None:
            raise NotFound(f"Không có lĩnh vực '{code}'", f"No field '{code}'")
        return f

    def _counter(self, s: Session, office: Office, number: int, lock: bool = True) -> Counter:
        q = select(Counter).where(Counter.office_id == office.id, Counter.number == int(number),
                                  Counter.active.is_(True))
        if lock and self.is_postgres:
            q = q.with_for_update(of=Counter)  # one operation at a time per counter
        c = s.scalars(q).first()
        if c is None:
            raise NotFound(f"Không có quầy số {number}", f"No counter {number}")
        return c

    def _ticket(self, s: Session, office: Office, label: str, lock: bool = True) -> Ticket:
        day = self._local_now(office).date()
        q = select(Ticket).where(Ticket.office_id == office.id, Ticket.service_day == day,
                                 Ticket.label == (label or "").strip().upper())
        if lock and self.is_postgres:
            q = q.with_for_update(of=Ticket)
        found = s.scalars(q.limit(2)).all()   # today's only: yesterday's A001 is never acted on
        if not found:
            raise NotFound(f"Không có số {label} trong ngày hôm nay", f"No ticket {label} today")
        if len(found) > 1:  # impossible since migration 0004 (unique per day); refused, never guessed
            raise InvalidState(f"Có nhiều số {label} trong ngày hôm nay — hãy báo quản trị viên",
                               f"More than one ticket {label} today — tell the administrator")
        return found[0]

    def _current(self, s: Session, counter: Counter, lock: bool = True) -> Ticket | None:
        q = select(Ticket).where(Ticket.counter_id == counter.id, Ticket.status.in_(AT_COUNTER))
        if lock and self.is_postgres:
            # Lock and re-check: a concurrent transfer may have just taken this ticket off the counter;
            # without the lock we would mark the transferred ticket done (a lost update).
            q = q.with_for_update(of=Ticket)
        return s.scalars(q).first()

    def _require_current(self, s: Session, counter: Counter, statuses: tuple[str, ...]) -> Ticket:
        t = self._current(s, counter)
        if t is None:
            raise InvalidState(f"Quầy {counter.number} chưa gọi số nào", f"Counter {counter.number} has no ticket")
        if t.status not in statuses:
            raise InvalidState(f"Số {t.label} đang ở trạng thái '{status_label(t.status, 'vi').lower()}'",
                               f"Ticket {t.label} is '{status_label(t.status, 'en').lower()}'")
        return t

    def _event(self, s: Session, office: Office, kind: str, ticket: Ticket | None = None,
               counter: Counter | None = None, **payload) -> None:
        if "actor" in s.info:
            payload.setdefault("actor", s.info["actor"])
        if ticket is not None:
            s.flush()
            payload["ticket"] = dto.to_jsonable(self._info(ticket))
        if ticket is not None and ticket.service_day < self._local_now(office).date():
            self._day_changed(s, office, ticket.service_day)
        ev = Event(office_id=office.id, at=self.clock.now(), kind=kind,
                   ticket_label=ticket.label if ticket else None,
                   counter_number=(counter.number if counter else
                                   (ticket.counter.number if ticket is not None and ticket.counter else None)),
                   field_code=ticket.field.code if ticket is not None else None, payload=payload)
        s.add(ev)
        s.flush()  # on PostgreSQL a trigger NOTIFYs followers, delivered at commit (migration 0003)

    def _day_changed(self, s: Session, office: Office, day: dt.date) -> None:
        """A closed day's ticket changed (a counter finishing yesterday's ticket, the end-of-day rule): its
        rolled-up statistics are stale. Marked (a negative count, lower at each change), not deleted, so that a
        report rolling the day up meanwhile does not overwrite the mark; db/stats.py rebuilds the day."""
        ins = pg_insert if self.is_postgres else sqlite_insert
        s.execute(ins(StatsDay).values(
            office_id=office.id, day=day, tickets=-1, last_ticket_id=-1, ratings=-1,
            last_rating_id=-1, built_at=self.clock.now()).on_conflict_do_update(
            index_elements=["office_id", "day"],
            set_={"tickets": case((StatsDay.tickets < 0, StatsDay.tickets - 1), else_=-1)}))

    # ------------------------------------------------------------------ hours
    def _closed_reason(self, office: Office, local: dt.datetime) -> tuple[str, str] | None:
        sessions = office.hours.get(DAYS[local.weekday()], [])
        hhmm = local.strftime("%H:%M")
        if not sessions:
            return WORDS.pair("closed_today")
        for start, end in sessions:
            if start <= hhmm < end:
                end_min = int(end[:2]) * 60 + int(end[3:])
                cutoff = end_min - office.issue_cutoff_minutes
                if local.hour * 60 + local.minute >= cutoff:
                    stop = f"{cutoff // 60:02d}:{cutoff % 60:02d}"
                    return WORDS.pair("closed_cutoff", stop=stop, end=end)
                return None
        today = ", ".join(f"{a}–{b}" for a, b in sessions)
        return WORDS.pair("closed_hours", today=today)

    @staticmethod
    def _in_session(office: Office, local: dt.datetime) -> bool:
        """Inside an opening session (the counters serve), whether or not numbers are still issued."""
        hhmm = local.strftime("%H:%M")
        return any(start <= hhmm < end for start, end in office.hours.get(DAYS[local.weekday()], []))

    # ------------------------------------------------------------------ issuing
    def _catalogue(self) -> _CatalogueCache:
        """Office, fields and procedures as plain rows, cached per process for CATALOGUE_TTL_S: issuing is
        the hot path and this is catalogue data that changes only when an administrator reloads it."""
        cache = self._cache
        if cache is not None and time.monotonic() - cache.loaded_at < CATALOGUE_TTL_S:
            return cache
        with self.session(write=False) as s:
            office = self._office(s)
            s.expunge(office)
            fields = s.scalars(select(Field).where(Field.office_id == office.id, Field.active.is_(True))).all()
            procs = s.scalars(select(Procedure).where(Procedure.field_id.in_([f.id for f in fields]),
                                                      Procedure.active.is_(True))).all()
            counters = {f.id: self._serving_counters(s, f, priority=True) for f in fields}
            for row in (*fields, *procs, *{c for cs in counters.values() for c in cs}):
                s.expunge(row)
        by_key = {f.code: f for f in fields} | {f.prefix: f for f in fields}
        self._cache = _CatalogueCache(office, by_key, {(p.field_id, p.code): p for p in procs}, counters,
                                      time.monotonic())
        return self._cache

    def load_catalogue(self, cat, actor: str = "admin", always_open: bool = False) -> None:
        """Apply a validated catalogue (db.catalogue.Catalogue) as ``actor``: the administrator ("admin",
        "admin:LOGIN") or ``"officer:NAME"`` of a role in CATALOGUE_ROLES; any other officer is refused
        (NotAllowed) before anything changes. A change of an existing office's catalogue is a
        ``catalogue_loaded`` event naming the actor (the first load creates the office: the database's own
        creation by the administrator, before any officer exists)."""
        from .catalogue import apply_catalogue
        who = (actor or "").strip()
        with self.session() as s:
            existed = s.scalars(select(Office.id).where(Office.code == cat.office["code"])).first() is not None
            if who.startswith("officer:"):
                name = who.split(":", 1)[1].strip()
                o = s.scalars(select(Officer).join(Office, Officer.office_id == Office.id).where(
                    Office.code == cat.office["code"], Officer.name == name, Officer.active.is_(True))).first()
                if o is None:
                    raise NotFound(f"Không có cán bộ '{name}'", f"No officer '{name}'")
                if o.role not in CATALOGUE_ROLES:
                    raise NotAllowed(f"Cán bộ '{name}' (vai trò {o.role}) không được thay đổi danh mục; "
                                     "chỉ quản trị viên (admin) được phép",
                                     f"Officer '{name}' (role {o.role}) may not change the catalogue; "
                                     "only an administrator (admin) may")
            elif who != "admin" and not who.startswith("admin:"):
                raise AuthError(f"Người thực hiện không hợp lệ: '{who}' (officer:TÊN hoặc admin)",
                                f"Invalid actor '{who}' (officer:NAME or admin)")
            office = apply_catalogue(s, cat, always_open=always_open)
            s.info["actor"] = who
            if existed:
                self._event(s, office, "catalogue_loaded", fields=[f["code"] for f in cat.fields],
                            counters=[c["number"] for c in cat.counters])
        self.invalidate_cache()

    def invalidate_cache(self) -> None:
        """Forget cached catalogue rows (after changing the office, fields or procedures directly)."""
        self._cache = None

    def issue(self, field: str, procedure: str | None = None, priority: str | None = None,
              visitor: int | None = None, booking: str | None = None, booked_at: dt.datetime | None = None,
              kiosk: str | None = None, request_id: str | None = None) -> dto.IssuedTicket:
        """Issue a number. ``request_id`` (a UUID per tap) makes it safe to retry: a retry after a lost
        reply returns the ticket the first attempt made, never a second one."""
        if request_id is not None:
            request_id = str(uuid.UUID(str(request_id)))
            earlier = self._issued_for(request_id)
            if earlier is not None:
                return earlier
        try:
            return self._issue(field, procedure, priority, visitor, booking, booked_at, kiosk, request_id)
        except IntegrityError as exc:
            if request_id is not None and "request" in str(exc.orig):
                earlier = self._issued_for(request_id)  # a concurrent retry of the same tap won
                if earlier is not None:
                    return earlier
            if "label" in str(exc.orig):
                raise InvalidState("Số này đã được cấp hôm nay cho lĩnh vực khác (tiền tố bị dùng lại)",
                                   "This label was already given today (a prefix was reused)") from None
            raise

    def _issued_for(self, request_id: str) -> dto.IssuedTicket | None:
        with self.session(write=False) as s:
            office = self._office(s)
            t = s.scalars(select(Ticket).where(Ticket.office_id == office.id, Ticket.request_id == request_id)
                          .options(*_TICKET_LOADS)).first()
            if t is None:
                return None
            info = self._info(t)
            params = {"office_id": office.id, "field_id": t.field_id, "day": t.service_day, "ticket_id": t.id,
                      "arrival": t.arrival_at}
            ahead = int(s.execute(_AHEAD_NORMAL if t.priority_reason is None else _AHEAD_PRIORITY,
                                  params).scalar_one()) if t.status == WAITING else 0
            counters = [c for c in self._serving_counters(s, t.field, priority=True)
                        if t.priority_reason is not None or not c.priority_only]
            return dto.IssuedTicket(info, ahead, tuple(c.number for c in counters),
                                    self._estimate(s, t.field, ahead, counters), t.rating_code)

    def _issue(self, field, procedure, priority, visitor, booking, booked_at, kiosk,
               request_id) -> dto.IssuedTicket:
        if priority is not None and priority not in PRIORITY_REASONS:
            raise NotFound(f"Lý do ưu tiên không hợp lệ: {priority}", f"Unknown priority reason: {priority}")
        cat = self._catalogue()
        office = cat.office
        now = self.clock.now()
        local = now.astimezone(zoneinfo.ZoneInfo(office.timezone))
        closed = self._closed_reason(office, local)
        if closed:
            raise OfficeClosed(*closed)
        key = (field or "").strip()
        f = cat.fields.get(key) or cat.fields.get(key.upper())
        if f is None:
            raise NotFound(f"Không có lĩnh vực '{field}'", f"No field '{field}'")
        proc = None
        if procedure:
            proc = cat.procedures.get((f.id, procedure))
            if proc is None:
                raise NotFound(f"Không có thủ tục '{procedure}' trong lĩnh vực {f.name_vi}",
                               f"No procedure '{procedure}' in {f.name_en}")
        day = local.date()
        arrival = booked_at or now
        # Only the numbering, the ticket and its event happen under the write lock: prebuilt Core statements.
        with self.connection() as conn:
            serving = [c.id for c in cat.counters[f.id] if priority is not None or not c.priority_only]
            if serving and not conn.execute(_ANY_OPEN_COUNTER, {"ids": serving}).first():
                # the kiosk's list may be seconds old: nobody serves this field now, so no number and no wait
                raise InvalidState(*WORDS.pair("field_counters_paused"))
            number = int(conn.execute(self._upsert_number, {"office_id": office.id, "field_id": f.id,
                                                            "service_day": day, "start": f.start_number}).scalar_one())
            if f.daily_cap and number > f.start_number + f.daily_cap - 1:
                raise CapReached(f"Lĩnh vực {f.name_vi} đã hết số hôm nay ({f.daily_cap} số)",
                                 f"{f.name_en} has given all {f.daily_cap} numbers for today")
            label = f"{f.prefix}{number:0{f.number_width}d}"
            code = rating.new_code()
            ticket_id = conn.execute(_INSERT_TICKET, {
                "office_id": office.id, "field_id": f.id, "number_field_id": f.id,
                "procedure_id": proc.id if proc else None, "service_day": day, "number": number, "label": label,
                "priority_reason": priority, "status": WAITING, "issued_at": now, "arrival_at": arrival,
                "call_count": 0, "visitor_id": visitor, "booking_code": booking, "kiosk_id": kiosk,
                "print_status": "pending", "request_id": request_id, "rating_code": code}).scalar_one()
            info = dto.TicketInfo(
                id=ticket_id, label=label, field_code=f.code, field_name_vi=f.name_vi, field_name_en=f.name_en,
                procedure_code=proc.code if proc else None, procedure_name_vi=proc.name_vi if proc else None,
                procedure_name_en=proc.name_en if proc else None, priority_reason=priority, status=WAITING,
                service_day=day, issued_at=now, called_at=None, started_at=None, finished_at=None,
                counter_number=None, officer_name=None, visitor_id=visitor, print_status="pending", call_count=0,
                booking_code=booking)
            conn.execute(_INSERT_EVENT, {"office_id": office.id, "at": now, "kind": "issued", "ticket_label": label,
                                         "counter_number": None, "field_code": f.code,
                                         "payload": {"ticket": dto.to_jsonable(info)}})
            ahead_params = {"office_id": office.id, "field_id": f.id, "day": day, "ticket_id": ticket_id,
                            "arrival": arrival}
            ahead_query = _AHEAD_NORMAL if priority is None else _AHEAD_PRIORITY
            if self.is_postgres:  # cheaper than another transaction; only this field's number row is locked
                ahead = int(conn.execute(ahead_query, ahead_params).scalar_one())
        # On SQLite people ahead are counted after the commit, so the database-wide write lock is short.
        with self.session(write=False) as s:
            if not self.is_postgres:
                ahead = int(s.execute(ahead_query, ahead_params).scalar_one())
            counters = [c for c in cat.counters[f.id] if priority is not None or not c.priority_only]
            wait = self._estimate(s, f, ahead, counters)
        return dto.IssuedTicket(info, ahead, tuple(c.number for c in counters), wait, code)

    @property
    def _upsert_number(self):
        """Take the next number for (office, field, day) atomically: an upsert that locks the sequence
        row until commit, so concurrent kiosks queue on it and a rollback leaves no gap."""
        return _UPSERT_NUMBER_PG if self.is_postgres else _UPSERT_NUMBER_SQLITE

    def _serving_counters(self, s: Session, f: Field, priority: bool) -> list[Counter]:
        counters = s.scalars(select(Counter).join(Counter.fields).where(
            Field.id == f.id, Counter.active.is_(True)).order_by(Counter.number)).all()
        return [c for c in counters if priority or not c.priority_only]

    def _avg_service_minutes(self, s: Session, f: Field) -> float:
        cached = self._service_minutes.get(f.id)
        if cached is not None and time.monotonic() - cached[1] < SERVICE_TIME_TTL_S:
            return cached[0]
        since = self.clock.now() - dt.timedelta(days=HISTORY_DAYS)
        rows = s.execute(select(Ticket.called_at, Ticket.finished_at).where(
            Ticket.field_id == f.id, Ticket.status == DONE, Ticket.called_at.is_not(None),
            Ticket.finished_at.is_not(None), Ticket.finished_at >= since,
        ).order_by(Ticket.finished_at.desc()).limit(HISTORY_TICKETS)).all()
        minutes = [(fin - called).total_seconds() / 60 for called, fin in rows if fin > called]
        if minutes:
            avg = max(0.5, sum(minutes) / len(minutes))
        else:
            avg = float(s.scalar(select(Office.default_service_minutes).where(Office.id == f.office_id)))
        self._service_minutes[f.id] = (avg, time.monotonic())
        return avg

    def _estimate(self, s: Session, f: Field, ahead: int, counters: list[Counter]) -> int:
        if ahead <= 0:
            return 0
        open_counters = max(1, sum(1 for c in counters if not c.paused))
        return math.ceil(ahead * self._avg_service_minutes(s, f) / open_counters)

    # ------------------------------------------------------------------ end of day
    def close_past_days(self) -> int:
        """The end-of-day rule: tickets of earlier service days still waiting, called or being served are
        closed as 'not served' (counted in the day_closed event), so they are never called tomorrow and no
        counter stays stuck on one. Runs by itself before the first call of a day; safe to run again."""
        with self.session() as s:
            return self._close_past_days(s, self._office(s))

    def _close_past_days(self, s: Session, office: Office) -> int:
        today = self._local_now(office).date()
        if self._closed_through == today:
            return 0
        rows = s.scalars(select(Ticket).where(Ticket.office_id == office.id, Ticket.service_day < today,
                                              Ticket.status.in_((WAITING, CALLED, SERVING)))
                         .options(*_TICKET_LOADS)).all()
        by_day: dict[str, dict[str, int]] = {}
        for t in rows:
            day = by_day.setdefault(t.service_day.isoformat(), {})
            day[t.status] = day.get(t.status, 0) + 1
            t.status, t.finished_at = NOT_SERVED, t.finished_at or self.clock.now()
        for day, counts in sorted(by_day.items()):
            self._day_changed(s, office, dt.date.fromisoformat(day))   # its rollup is rebuilt (db/stats.py)
            self._event(s, office, "day_closed", day=day, not_served=sum(counts.values()), **counts)
        self._closed_through = today
        return len(rows)

    # ------------------------------------------------------------------ calling
    def _replayed(self, s: Session, request_id: str | None) -> tuple[bool, dto.TicketInfo | None]:
        """A counter command retried with the request id it already ran under: (True, its ticket now)."""
        if request_id is None:
            return False, None
        row = s.get(CommandRequest, str(uuid.UUID(str(request_id))))
        if row is None:
            return False, None
        t = s.get(Ticket, row.ticket_id) if row.ticket_id is not None else None
        return True, (self._info(t) if t is not None else None)

    def _remember(self, s: Session, office: Office, request_id: str | None, op: str, c: Counter,
                  t: Ticket | None) -> None:
        if request_id is not None:
            s.add(CommandRequest(request_id=str(uuid.UUID(str(request_id))), office_id=office.id, op=op,
                                 counter_number=c.number, ticket_id=t.id if t is not None else None,
                                 at=self.clock.now()))

    def call_next(self, counter: int, actor: str | None = None, request_id: str | None = None) -> dto.TicketInfo | None:
        """Finish what the counter holds and claim the next waiting ticket of its fields (or None)."""
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            replayed, earlier = self._replayed(s, request_id)
            if replayed:
                return earlier
            self._close_past_days(s, office)
            if c.paused:
                raise InvalidState(f"Quầy {c.number} đang tạm dừng — bấm 'Tiếp tục' trước",
                                   f"Counter {c.number} is paused — resume it first")
            self._close_current(s, office, c)
            t = self._pick_next(s, office, c)
            if t is None:
                self._remember(s, office, request_id, "call_next", c, None)
                return None
            self._mark_called(s, office, c, t)
            self._remember(s, office, request_id, "call_next", c, t)
            return self._info(t)

    def call_ticket(self, counter: int, label: str, actor: str | None = None, request_id: str | None = None) -> dto.TicketInfo:
        """Call a chosen ticket (waiting, or a no-show who came back) to this counter."""
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            replayed, earlier = self._replayed(s, request_id)
            if replayed:
                return earlier
            self._close_past_days(s, office)
            if c.paused:
                raise InvalidState(f"Quầy {c.number} đang tạm dừng", f"Counter {c.number} is paused")
            t = self._ticket(s, office, label)
            if t.status not in (WAITING, NO_SHOW):
                raise InvalidState(f"Số {t.label} đang ở trạng thái '{status_label(t.status, 'vi').lower()}', "
                                   "không gọi được",
                                   f"Ticket {t.label} is '{status_label(t.status, 'en').lower()}' and cannot be called")
            if t.field_id not in {f.id for f in c.fields}:
                raise InvalidState(f"Quầy {c.number} không phục vụ lĩnh vực {t.field.name_vi} — hãy chuyển lĩnh vực",
                                   f"Counter {c.number} does not serve {t.field.name_en} — transfer it first")
            self._close_current(s, office, c)
            self._mark_called(s, office, c, t)
            self._remember(s, office, request_id, "call_ticket", c, t)
            return self._info(t)

    def _close_current(self, s: Session, office: Office, c: Counter) -> None:
        t = self._current(s, c)
        if t is not None:
            t.status, t.finished_at = DONE, self.clock.now()
            self._service_minutes.pop(t.field_id, None)  # a new service time: estimates change
            self._event(s, office, "finished", t, counter=c)

    def _pick_next(self, s: Session, office: Office, c: Counter) -> Ticket | None:
        day = self._local_now(office).date()
        field_ids = [f.id for f in c.fields if f.active]
        if not field_ids:
            return None
        q = select(Ticket).where(Ticket.office_id == office.id, Ticket.service_day == day,
                                 Ticket.status == WAITING, Ticket.field_id.in_(field_ids))
        if c.priority_only:
            q = q.where(Ticket.priority_reason.is_not(None))
        normal_first = False
        if office.priority_mode == "interleave" and not c.priority_only:
            n = max(1, office.interleave_after)
            # The counter's last n calls, in true order (event ids), not by timestamps that may tie.
            start_of_day = dt.datetime.combine(day, dt.time(), self._local_now(office).tzinfo)
            last = s.scalars(select(Event.payload).where(
                Event.office_id == office.id, Event.kind == "called", Event.counter_number == c.number,
                Event.at >= start_of_day,
            ).order_by(Event.id.desc()).limit(n)).all()
            normal_first = len(last) == n and all(p["ticket"]["priority_reason"] for p in last)
        is_normal = Ticket.priority_reason.is_(None)
        rank = case((is_normal, 0 if normal_first else 1), else_=1 if normal_first else 0)
        q = q.order_by(rank, Ticket.arrival_at, Ticket.id).limit(1)
        if self.is_postgres:
            q = q.with_for_update(skip_locked=True, of=Ticket)  # two counters never claim one ticket
        return s.scalars(q).first()

    def _mark_called(self, s: Session, office: Office, c: Counter, t: Ticket) -> None:
        t.status, t.called_at, t.started_at, t.finished_at = CALLED, self.clock.now(), None, None
        t.counter_id, t.counter, t.officer_id = c.id, c, c.officer_id
        t.call_count = (t.call_count or 0) + 1
        t.first_called_at = t.first_called_at or t.called_at   # the statistics' waiting time ends here
        self._event(s, office, "called", t, counter=c)

    def recall(self, counter: int, actor: str | None = None, request_id: str | None = None) -> dto.TicketInfo:
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            replayed, earlier = self._replayed(s, request_id)
            if replayed:
                return earlier
            t = self._require_current(s, c, (CALLED,))
            t.call_count += 1
            self._event(s, office, "recalled", t, counter=c)
            self._remember(s, office, request_id, "recall", c, t)
            return self._info(t)

    def start(self, counter: int, actor: str | None = None, request_id: str | None = None) -> dto.TicketInfo:
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            replayed, earlier = self._replayed(s, request_id)
            if replayed:
                return earlier
            t = self._require_current(s, c, (CALLED,))
            t.status, t.started_at = SERVING, self.clock.now()
            self._event(s, office, "started", t, counter=c)
            self._remember(s, office, request_id, "start", c, t)
            return self._info(t)

    def finish(self, counter: int, actor: str | None = None, request_id: str | None = None) -> dto.TicketInfo:
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            replayed, earlier = self._replayed(s, request_id)
            if replayed:
                return earlier
            t = self._require_current(s, c, AT_COUNTER)
            t.status, t.finished_at = DONE, self.clock.now()
            self._service_minutes.pop(t.field_id, None)
            self._event(s, office, "finished", t, counter=c)
            self._remember(s, office, request_id, "finish", c, t)
            return self._info(t)

    def no_show(self, counter: int, actor: str | None = None, request_id: str | None = None) -> dto.TicketInfo:
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            replayed, earlier = self._replayed(s, request_id)
            if replayed:
                return earlier
            t = self._require_current(s, c, (CALLED,))
            t.status, t.finished_at = NO_SHOW, self.clock.now()
            self._event(s, office, "no_show", t, counter=c)
            self._remember(s, office, request_id, "no_show", c, t)
            return self._info(t)

    def reactivate(self, label: str, counter: int | None = None, actor: str | None = None) -> dto.TicketInfo:
        """A no-show who came back waits again, in their original place."""
        with self.session() as s:
            office = self._office(s)
            self._acting(s, None if counter is None else self._counter(s, office, counter), actor)
            t = self._ticket(s, office, label)
            if t.status != NO_SHOW:
                raise InvalidState(f"Số {t.label} không ở trạng thái vắng mặt", f"Ticket {t.label} is not a no-show")
            t.status, t.counter_id, t.counter, t.finished_at = WAITING, None, None, None
            t.reactivation_count = (t.reactivation_count or 0) + 1
            self._event(s, office, "reactivated", t)
            return self._info(t)

    def transfer(self, label: str, field: str, counter: int | None = None, actor: str | None = None
                 ) -> dto.TicketInfo:
        """Move a ticket to another field; it keeps its label and its arrival time."""
        with self.session() as s:
            office = self._office(s)
            self._acting(s, None if counter is None else self._counter(s, office, counter), actor)
            t = self._ticket(s, office, label)
            target = self._field(s, office, field)
            if t.status not in (WAITING, CALLED, SERVING):
                raise InvalidState(f"Số {t.label} đã kết thúc, không chuyển được",
                                   f"Ticket {t.label} is closed and cannot be transferred")
            if target.id == t.field_id:
                raise InvalidState(f"Số {t.label} đã thuộc lĩnh vực {target.name_vi}",
                                   f"Ticket {t.label} is already in {target.name_en}")
            from_code, from_counter = t.field.code, t.counter
            t.field_id, t.field, t.procedure_id, t.procedure = target.id, target, None, None
            t.status, t.counter_id, t.counter, t.called_at, t.started_at = WAITING, None, None, None, None
            t.transfer_count = (t.transfer_count or 0) + 1
            self._event(s, office, "transferred", t, counter=from_counter, from_field=from_code,
                        to_field=target.code)
            return self._info(t)

    def pause(self, counter: int, actor: str | None = None) -> dto.CounterInfo:
        return self._set_paused(counter, True, actor)

    def resume(self, counter: int, actor: str | None = None) -> dto.CounterInfo:
        return self._set_paused(counter, False, actor)

    def _set_paused(self, counter: int, paused: bool, actor: str | None = None) -> dto.CounterInfo:
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            self._acting(s, c, actor)
            c.paused = paused
            self._cache = None  # estimates count open counters
            self._event(s, office, "counter_paused" if paused else "counter_resumed", counter=c)
            return _counter_info(c)

    # ------------------------------------------------------------------ officers
    def add_officer(self, name: str, pin: str, role: str = "officer") -> dto.OfficerInfo:
        name = (name or "").strip()
        if not name:
            raise InvalidState("Tên cán bộ không được để trống", "The officer's name cannot be empty")
        pin = check_new_pin(pin)   # at least 6 digits, not trivial
        if role not in ("officer", "supervisor", "admin"):
            raise InvalidState("Vai trò phải là officer, supervisor hoặc admin",
                               "Role must be officer, supervisor or admin")
        try:
            with self.session() as s:
                office = self._office(s)
                o = Officer(office_id=office.id, name=name, pin_hash=hash_pin(pin), role=role)
                s.add(o)
                s.flush()
                self._event(s, office, "officer_added", name=name, role=role)
                return dto.OfficerInfo(o.id, o.name, o.role)
        except IntegrityError:
            raise InvalidState(f"Đã có cán bộ tên '{name}'", f"An officer named '{name}' exists") from None

    # Who acts: every staff operation names the officer signed in at its counter, or an explicit actor.
    default_actor: str | None = None   # e.g. "admin:tests"; used only when nobody is signed in

    def _acting(self, s: Session, c: Counter | None, actor: str | None) -> str:
        """The actor of this transaction (written into each of its events), or NotSignedIn."""
        who = (actor or "").strip()
        if who.startswith("officer:"):
            name = who.split(":", 1)[1].strip()
            o = s.scalars(select(Officer).where(Officer.office_id == self._office(s).id, Officer.name == name,
                                                Officer.active.is_(True))).first()
            if o is None:
                raise NotFound(f"Không có cán bộ '{name}'", f"No officer '{name}'")
        elif who and who != "admin" and not who.startswith("admin:"):
            raise AuthError(f"Người thực hiện không hợp lệ: '{who}' (officer:TÊN hoặc admin)",
                            f"Invalid actor '{who}' (officer:NAME or admin)")
        elif not who:
            if c is not None and c.officer is not None:
                who = f"officer:{c.officer.name}"
            elif self.default_actor:
                who = self.default_actor
            else:
                where_vi, where_en = (f"Quầy {c.number}", f"counter {c.number}") if c else ("Quầy", "this counter")
                raise NotSignedIn(f"{where_vi} chưa có cán bộ đăng nhập", f"No officer signed in at {where_en}")
        s.info["actor"] = who
        return who

    def _policy(self, office: Office) -> LockoutPolicy:
        return LockoutPolicy(office.sign_in_max_failures or 5, office.sign_in_lockout_minutes or 5)

    def _sign_in_guard(self, s: Session, office: Office, scope: str, subject: str) -> SignInGuard:
        """The failure count of one officer name or counter, locked for this transaction on PostgreSQL."""
        ins = (pg_insert if self.is_postgres else sqlite_insert)(SignInGuard).values(
            office_id=office.id, scope=scope, subject=subject[:200], failures=0)
        s.execute(ins.on_conflict_do_nothing(index_elements=["office_id", "scope", "subject"]))
        q = select(SignInGuard).where(SignInGuard.office_id == office.id, SignInGuard.scope == scope,
                                      SignInGuard.subject == subject[:200])
        return s.scalars(q.with_for_update() if self.is_postgres else q).one()

    def _check_pin(self, s: Session, office: Office, name: str, pin: str, c: Counter | None
                   ) -> tuple[Officer | None, AuthError | None]:
        """Check a PIN under the guessing policy: (officer, None) or (None, the refusal). Failures are
        counted on the officer name and on the counter; the caller commits them before raising."""
        now, policy = self.clock.now(), self._policy(office)
        guards = [self._sign_in_guard(s, office, "officer", name)]
        if c is not None:
            guards.append(self._sign_in_guard(s, office, "counter", str(c.number)))
        blocked = [g for g in guards if g.blocked_until is not None and g.blocked_until > now]
        if blocked:   # no PIN is checked, not even the right one
            g = max(blocked, key=lambda g: g.blocked_until)
            where = (" ở quầy này", " at this counter") if g.scope == "counter" else ("", "")
            return None, locked_out(g.blocked_until, now, policy.locks(g.failures), *where)
        o = s.scalars(select(Officer).where(Officer.office_id == office.id, Officer.name == name,
                                            Officer.active.is_(True))).first()
        if verify_pin(o.pin_hash if o is not None else _DUMMY_HASH, pin) and o is not None:
            for g in guards:
                g.failures, g.blocked_until = 0, None
            return o, None
        for g in guards:
            g.failures, g.last_failed_at = g.failures + 1, now
            g.blocked_until = now + policy.wait_after(g.failures)
        worst = max(guards, key=lambda g: g.failures)
        self._event(s, office, "sign_in_failed", counter=c, officer=name, failures=worst.failures)
        if policy.locks(worst.failures):
            self._event(s, office, "sign_in_locked", counter=c, officer=name, scope=worst.scope,
                        failures=worst.failures, until=worst.blocked_until.isoformat())
            where = (" ở quầy này", " at this counter") if worst.scope == "counter" else ("", "")
            return None, locked_out(worst.blocked_until, now, True, *where)
        left = policy.max_failures - worst.failures
        return None, AuthError(f"Sai tên cán bộ hoặc mã PIN (còn {left} lần thử trước khi bị khóa)",
                               f"Wrong officer name or PIN ({left} tries left before a lockout)")

    def sign_in(self, counter: int, officer: str, pin: str) -> dto.OfficerInfo:
        """Sign in at a counter. Wrong PINs make the next try wait, then lock (db.auth.LockoutPolicy);
        a PIN shorter than new PINs may be signs in with ``must_change_pin`` set."""
        name = (officer or "").strip()
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            o, refused = self._check_pin(s, office, name, pin or "", c)
            if o is not None:
                c.officer_id, c.officer = o.id, o
                change = must_change(pin)
                self._event(s, office, "signed_in", counter=c, officer=o.name, must_change_pin=change)
                return dto.OfficerInfo(o.id, o.name, o.role, must_change_pin=change)
        raise refused   # after the commit: the failure stays counted

    def change_pin(self, officer: str, old_pin: str, new_pin: str, counter: int | None = None
                   ) -> dto.OfficerInfo:
        """An officer replaces their PIN (the old one checked under the same guessing policy)."""
        name = (officer or "").strip()
        new_pin = check_new_pin(new_pin)
        if new_pin == (old_pin or ""):
            raise InvalidState("Mã PIN mới phải khác mã cũ", "The new PIN must differ from the old one")
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter) if counter is not None else None
            o, refused = self._check_pin(s, office, name, old_pin or "", c)
            if o is not None:
                o.pin_hash = hash_pin(new_pin)
                self._event(s, office, "pin_changed", counter=c, officer=o.name)
                return dto.OfficerInfo(o.id, o.name, o.role)
        raise refused

    def unlock_sign_in(self, officer: str | None = None, counter: int | None = None,
                       actor: str = "admin") -> int:
        """A supervisor lifts a lockout (of an officer name, a counter, or both); returns how many."""
        with self.session() as s:
            office = self._office(s)
            q = select(SignInGuard).where(SignInGuard.office_id == office.id, SignInGuard.failures > 0)
            keys = [("officer", officer.strip())] if officer else []
            keys += [("counter", str(int(counter)))] if counter is not None else []
            rows = [g for g in s.scalars(q) if not keys or (g.scope, g.subject) in keys]
            for g in rows:
                g.failures, g.blocked_until = 0, None
            s.info["actor"] = actor
            self._event(s, office, "sign_in_unlocked", officer=officer, counter_number=counter,
                        cleared=len(rows))
            return len(rows)

    def sign_out(self, counter: int) -> None:
        with self.session() as s:
            office = self._office(s)
            c = self._counter(s, office, counter)
            c.officer_id, c.officer = None, None
            self._event(s, office, "signed_out", counter=c)

    def authenticate(self, officer: str, pin: str) -> dto.OfficerInfo:
        """Check an officer's name and PIN without signing in at a counter (e.g. the leader's statistics),
        under the same guessing policy as sign_in: failures counted, then a lockout."""
        name = (officer or "").strip()
        with self.session() as s:
            office = self._office(s)
            o, refused = self._check_pin(s, office, name, pin or "", None)
            if o is not None:
                return dto.OfficerInfo(o.id, o.name, o.role, must_change_pin=must_change(pin))
        raise refused   # after the commit: the failure stays counted

    def officers(self) -> tuple[dto.OfficerInfo, ...]:
        with self.session(write=False) as s:
            office = self._office(s)
            rows = s.scalars(select(Officer).where(Officer.office_id == office.id).order_by(Officer.name))
            return tuple(dto.OfficerInfo(o.id, o.name, o.role) for o in rows)

    # ------------------------------------------------------------------ printing
    KIOSK_PROBLEMS = ("no_key", "no_admin_pin")

    def report_kiosk_problem(self, kiosk: str, problem: str, detail: str = "") -> None:
        """A kiosk tells the staff it runs degraded (``no_key``: no visitor key file, so no recognition;
        ``no_admin_pin``: no admin PIN set, so it cannot be left from the screen): a ``kiosk_problem`` event
        the counter windows show."""
        if problem not in self.KIOSK_PROBLEMS:
            raise InvalidState(f"Sự cố kiosk không rõ: {problem!r}", f"Unknown kiosk problem: {problem!r}")
        with self.session() as s:
            self._event(s, self._office(s), "kiosk_problem", kiosk=(kiosk or "?")[:64], problem=problem,
                        detail=(detail or "")[:300])

    def record_print(self, label: str, status: str, detail: str = "") -> dto.TicketInfo:
        """The kiosk reports how printing went; anything but 'printed' tells the staff."""
        with self.session() as s:
            office = self._office(s)
            t = self._ticket(s, office, label)
            t.print_status = status
            kind = "printed" if status in ("printed", "paper_low") else "printer_fault"
            self._event(s, office, kind, t, status=status, detail=detail, kiosk=t.kiosk_id)
            if status == "paper_low":
                self._event(s, office, "printer_fault", t, status=status, detail=detail, kiosk=t.kiosk_id)
            return self._info(t)

    # ------------------------------------------------------------------ ratings
    def rating_settings(self) -> dto.RatingSettings:
        """The centre's satisfaction question: its scale and how long the rating window waits."""
        with self.session(write=False) as s:
            office = self._office(s)
            return dto.RatingSettings(office.rating_scale, office.rating_timeout_seconds, self.clock_skew_s)

    def rate(self, ticket: int | str, value: int, reasons: tuple[str, ...] | list[str] = (),
             counter: int | None = None) -> dto.RatingInfo:
        """Record a citizen's answer for a served ticket (its id, or today's label): once, and only until the
        rating window's timeout plus ``rating_grace_seconds`` after the service finished. ``counter``, when
        given, must be the counter that served it. The event says only that a rating came in: no ticket, no
        counter, no value, nothing a counter's screen could tie to an officer."""
        reasons = _rating_reasons(reasons)
        with self.session() as s:
            office = self._office(s)
            if isinstance(ticket, int) or str(ticket).strip().isdigit():
                q = select(Ticket).where(Ticket.office_id == office.id, Ticket.id == int(ticket))
                if self.is_postgres:
                    q = q.with_for_update(of=Ticket)
                t = s.scalars(q).first()
                if t is None:
                    raise NotFound(f"Không có lượt phục vụ mã {ticket}", f"No ticket with id {ticket}")
            else:
                t = self._ticket(s, office, str(ticket))
            sc = _rating_scale(office, value)
            self._check_rateable(s, t)
            if counter is not None and (t.counter is None or t.counter.number != int(counter)):
                raise InvalidState(*rating.WORDS.pair("other_counter", label=t.label, counter=counter,
                                                      served=t.counter.number if t.counter else "?"))
            now = self.clock.now()
            window = dt.timedelta(seconds=office.rating_timeout_seconds + self.rating_grace_seconds)
            if now > t.finished_at + window:
                raise InvalidState(*rating.WORDS.pair("too_late", label=t.label))
            return self._record_rating(s, office, t, sc, value, reasons, now)

    def rating_ticket(self, scanned: str) -> dto.RatingTicket:
        """The kiosk's first step: the ticket whose QR was scanned (the payload as read), if it may be rated
        now — else a refusal saying why (not a code, no such ticket, not served, already rated, too late)."""
        with self.session(write=False) as s:
            office = self._office(s)
            t = self._ticket_by_rating_code(s, office, scanned)
            self._check_kiosk_rating(s, office, t)
            return dto.RatingTicket(t.label, rating.scale(office.rating_scale).code)

    def rate_by_code(self, scanned: str, value: int,
                     reasons: tuple[str, ...] | list[str] = ()) -> dto.RatingInfo:
        """The kiosk's answer for a scanned ticket: the same checks as ``rating_ticket``, then one rating,
        exactly as ``rate`` records it (one per ticket, whether given at the counter or here)."""
        reasons = _rating_reasons(reasons)
        with self.session() as s:
            office = self._office(s)
            t = self._ticket_by_rating_code(s, office, scanned, lock=True)
            sc = _rating_scale(office, value)
            now = self._check_kiosk_rating(s, office, t)
            return self._record_rating(s, office, t, sc, value, reasons, now)

    def _ticket_by_rating_code(self, s: Session, office: Office, scanned: str, lock: bool = False) -> Ticket:
        if not office.kiosk_rating:
            raise InvalidState(*rating.WORDS.pair("kiosk_off"))
        code = rating.code_from_qr(scanned)
        if code is None:
            raise InvalidState(*rating.WORDS.pair("not_a_code"))
        q = select(Ticket).where(Ticket.office_id == office.id, Ticket.rating_code == code)
        if lock and self.is_postgres:
            q = q.with_for_update(of=Ticket)
        t = s.scalars(q).first()
        if t is None:                  # mistyped, edited or made up: all the same to the citizen
            raise NotFound(*rating.WORDS.pair("unknown_code"))
        return t

    def _check_rateable(self, s: Session, t: Ticket) -> None:
        if t.status != DONE or t.finished_at is None or t.counter_id is None:
            raise InvalidState(*rating.WORDS.pair("not_served", label=t.label))
        if s.scalar(select(Rating.id).where(Rating.ticket_id == t.id)) is not None:
            raise InvalidState(*rating.WORDS.pair("already_rated", label=t.label))

    def _check_kiosk_rating(self, s: Session, office: Office, t: Ticket) -> dt.datetime:
        """Served, not rated yet, and still in time: the same service day, at most ``kiosk_rating_minutes``
        after the service finished. Returns now."""
        self._check_rateable(s, t)
        now = self.clock.now()
        minutes = office.kiosk_rating_minutes
        if (self._local_now(office).date() != t.service_day
                or now > t.finished_at + dt.timedelta(minutes=minutes)):
            raise InvalidState(*rating.WORDS.pair("kiosk_too_late", label=t.label, minutes=minutes))
        return now

    def _record_rating(self, s: Session, office: Office, t: Ticket, sc: rating.Scale, value: int,
                       reasons: tuple[str, ...], now: dt.datetime) -> dto.RatingInfo:
        r = Rating(office_id=office.id, ticket_id=t.id, counter_id=t.counter_id, officer_id=t.officer_id,
                   service_day=t.service_day, scale=sc.code, value=value, reasons=",".join(reasons),
                   created_at=now)
        s.add(r)
        try:
            s.flush()   # the unique constraint: a second tap (or scan) racing the first never makes two
        except IntegrityError:
            raise InvalidState(*rating.WORDS.pair("already_rated", label=t.label)) from None
        s.add(Event(office_id=office.id, at=now, kind="rated", payload={}))
        s.flush()
        return dto.RatingInfo(r.id, t.id, t.label, sc.code, value, reasons, now)

    # ------------------------------------------------------------------ reading
    def office_info(self) -> dto.OfficeInfo:
        with self.session(write=False) as s:
            return self._office_info(self._office(s))

    def _office_info(self, office: Office) -> dto.OfficeInfo:
        local = self._local_now(office)
        closed = self._closed_reason(office, local)
        return dto.OfficeInfo(office.code, office.name_vi, office.name_en, office.timezone, dict(office.hours),
                              office.issue_cutoff_minutes, office.priority_mode, office.interleave_after,
                              closed is None, closed[0] if closed else "", closed[1] if closed else "",
                              serving=self._in_session(office, local), kiosk_rating=bool(office.kiosk_rating),
                              rating_scale=rating.scale(office.rating_scale).code)

    def fields(self) -> tuple[dto.FieldInfo, ...]:
        with self.session(write=False) as s:
            return self._fields(s, self._office(s))

    def _fields(self, s: Session, office: Office) -> tuple[dto.FieldInfo, ...]:
        day = self._local_now(office).date()
        closed = self._closed_reason(office, self._local_now(office))
        waiting = dict(s.execute(select(Ticket.field_id, func.count()).where(
            Ticket.office_id == office.id, Ticket.service_day == day, Ticket.status == WAITING,
        ).group_by(Ticket.field_id)).all())
        issued = dict(s.execute(select(NumberSequence.field_id, NumberSequence.last_number).where(
            NumberSequence.office_id == office.id, NumberSequence.service_day == day)).all())
        fields = s.scalars(select(Field).where(Field.office_id == office.id, Field.active.is_(True))
                           .options(selectinload(Field.procedures)).order_by(Field.sort_order)).all()
        out = []
        for f in fields:
            counters = self._serving_counters(s, f, priority=False)
            n_waiting = int(waiting.get(f.id, 0))
            reason = closed
            if reason is None and f.daily_cap and issued.get(f.id, f.start_number - 1) >= f.start_number + f.daily_cap - 1:
                reason = WORDS.pair("field_cap_reached")
            if reason is None and not counters:
                reason = WORDS.pair("field_no_counter")
            if reason is None and all(c.paused for c in counters):
                reason = WORDS.pair("field_counters_paused")    # no "about 8 min" while nobody serves
            procs = tuple(_procedure_info(p) for p in f.procedures if p.active)
            out.append(dto.FieldInfo(f.code, f.name_vi, f.name_en, f.prefix, f.icon, procs,
                                     tuple(c.number for c in counters), n_waiting,
                                     self._estimate(s, f, n_waiting, counters), reason is None,
                                     reason[0] if reason else "", reason[1] if reason else ""))
        return tuple(out)

    def counters(self) -> tuple[dto.CounterInfo, ...]:
        with self.session(write=False) as s:
            office = self._office(s)
            rows = s.scalars(select(Counter).where(Counter.office_id == office.id, Counter.active.is_(True))
                             .options(selectinload(Counter.fields)).order_by(Counter.number)).all()
            return tuple(_counter_info(c) for c in rows)

    def current(self, counter: int) -> dto.TicketInfo | None:
        with self.session(write=False) as s:
            c = self._counter(s, self._office(s), counter, lock=False)
            t = self._current(s, c, lock=False)
            return self._info(t) if t else None

    def ticket(self, label: str) -> dto.TicketInfo:
        with self.session(write=False) as s:
            return self._info(self._ticket(s, self._office(s), label, lock=False))

    def waiting(self, counter: int | None = None) -> tuple[dto.TicketInfo, ...]:
        """Waiting tickets in call order (priority first), for one counter's fields or all."""
        with self.session(write=False) as s:
            office = self._office(s)
            day = self._local_now(office).date()
            q = select(Ticket).where(Ticket.office_id == office.id, Ticket.service_day == day,
                                     Ticket.status == WAITING)
            if counter is not None:
                c = self._counter(s, office, counter, lock=False)
                q = q.where(Ticket.field_id.in_([f.id for f in c.fields]))
                if c.priority_only:
                    q = q.where(Ticket.priority_reason.is_not(None))
            q = q.order_by(case((Ticket.priority_reason.is_(None), 1), else_=0), Ticket.arrival_at, Ticket.id)
            return tuple(self._info(t) for t in s.scalars(q.options(*_TICKET_LOADS)).all())

    def snapshot(self) -> dto.Snapshot:
        """Everything a screen shows, read in one transaction (one snapshot of the database, with the
        feed position that carries on from exactly it)."""
        with self._guard(), Session(self.read_engine.execution_options(isolation_level="REPEATABLE READ")
                                    if self.is_postgres else self.read_engine, expire_on_commit=False) as s, \
                s.begin():
            if self.is_postgres:
                from .feed import PG_POSITION, position_from_row
                position = position_from_row(s.connection().exec_driver_sql(PG_POSITION).one())
                last_id = position.last_id
            else:
                last_id = int(s.scalar(select(func.max(Event.id))) or 0)
                position = dto.FeedPosition(last_id)
            office = self._office(s)
            day = self._local_now(office).date()
            counters = s.scalars(select(Counter).where(Counter.office_id == office.id, Counter.active.is_(True))
                                 .options(selectinload(Counter.fields), selectinload(Counter.officer))
                                 .order_by(Counter.number)).all()
            current = {t.counter_id: t for t in s.scalars(select(Ticket).where(
                Ticket.office_id == office.id, Ticket.status.in_(AT_COUNTER)).options(*_TICKET_LOADS))}
            recent = s.scalars(select(Ticket).where(
                Ticket.office_id == office.id, Ticket.service_day == day, Ticket.called_at.is_not(None),
                Ticket.counter_id.is_not(None),
            ).order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(RECENT_CALLS).options(*_TICKET_LOADS)).all()
            return dto.Snapshot(
                office=self._office_info(office),
                counters=tuple(dto.CounterState(_counter_info(c), self._info(current[c.id]) if c.id in current
                                                else None) for c in counters),
                recent_calls=tuple(self._info(t) for t in recent),
                fields=self._fields(s, office), last_event_id=last_id, at=self.clock.now(), position=position,
                clock_skew_s=self.clock_skew_s)

    def events(self, since: int = 0, limit: int = 1000) -> tuple[dto.Event, ...]:
        with self.session(write=False) as s:
            office = self._office(s)
            txid = literal_column("txid::text") if self.is_postgres else literal_column("NULL")
            rows = s.execute(select(Event, txid).where(Event.id > since).order_by(Event.id).limit(limit)).all()
            return tuple(_event_info(e, office.code, t) for e, t in rows)

    def follow(self, since: "int | dto.FeedPosition | None" = None, poll_ms: int = 100):
        from .feed import EventFeed
        return EventFeed(self.url, since=since, poll_ms=poll_ms)

    # ------------------------------------------------------------------ conversion
    def _info(self, t: Ticket) -> dto.TicketInfo:
        f, p = t.field, t.procedure
        return dto.TicketInfo(
            id=t.id, label=t.label, field_code=f.code, field_name_vi=f.name_vi, field_name_en=f.name_en,
            procedure_code=p.code if p else None, procedure_name_vi=p.name_vi if p else None,
            procedure_name_en=p.name_en if p else None, priority_reason=t.priority_reason, status=t.status,
            service_day=t.service_day, issued_at=t.issued_at, called_at=t.called_at, started_at=t.started_at,
            finished_at=t.finished_at, counter_number=t.counter.number if t.counter else None,
            officer_name=t.officer.name if t.officer else None, visitor_id=t.visitor_id,
            print_status=t.print_status, call_count=t.call_count or 0, booking_code=t.booking_code)


_TICKET_LOADS = (selectinload(Ticket.field), selectinload(Ticket.procedure), selectinload(Ticket.counter),
                 selectinload(Ticket.officer))


def _upsert_number(insert_for_dialect):
    stmt = insert_for_dialect(NumberSequence).values(
        office_id=bindparam("office_id"), field_id=bindparam("field_id"), service_day=bindparam("service_day"),
        last_number=bindparam("start"))
    return stmt.on_conflict_do_update(
        index_elements=[NumberSequence.office_id, NumberSequence.field_id, NumberSequence.service_day],
        set_={"last_number": NumberSequence.last_number + 1},
    ).returning(NumberSequence.last_number)


# Built once: constructing statements per call cost more than running them.
_ANY_OPEN_COUNTER = select(Counter.id).where(Counter.id.in_(bindparam("ids", expanding=True)),
                                            Counter.paused.is_(False)).limit(1)
_UPSERT_NUMBER_PG = _upsert_number(pg_insert)
_UPSERT_NUMBER_SQLITE = _upsert_number(sqlite_insert)
def _rating_reasons(reasons) -> tuple[str, ...]:
    reasons = tuple(dict.fromkeys(reasons))
    for r in reasons:
        if r not in rating.REASONS:
            raise InvalidState(*rating.WORDS.pair("bad_reason", reason=r))
    return reasons


def _rating_scale(office: Office, value: int) -> rating.Scale:
    sc = rating.scale(office.rating_scale)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= sc.n:
        raise InvalidState(*rating.WORDS.pair("bad_value", value=value, scale=sc.code))
    return sc


_INSERT_TICKET = insert(Ticket).returning(Ticket.id)
_INSERT_EVENT = insert(Event)


def _ahead_query(priority: bool):
    earlier = (Ticket.arrival_at < bindparam("arrival", type_=Ticket.arrival_at.type)) | (
        (Ticket.arrival_at == bindparam("arrival", type_=Ticket.arrival_at.type))
        & (Ticket.id < bindparam("ticket_id")))
    ahead_of_me = (Ticket.priority_reason.is_not(None) & earlier) if priority else (
        Ticket.priority_reason.is_not(None) | earlier)
    return select(func.count()).select_from(Ticket).where(
        Ticket.office_id == bindparam("office_id"), Ticket.field_id == bindparam("field_id"),
        Ticket.service_day == bindparam("day", type_=Ticket.service_day.type), Ticket.status == WAITING,
        Ticket.id != bindparam("ticket_id"), ahead_of_me)


_AHEAD_NORMAL = _ahead_query(priority=False)
_AHEAD_PRIORITY = _ahead_query(priority=True)


def _procedure_info(p: Procedure) -> dto.ProcedureInfo:
    return dto.ProcedureInfo(p.code, p.name_vi, p.name_en, tuple(p.documents_vi), tuple(p.documents_en),
                             p.time_limit_vi, p.time_limit_en, p.fee_vi, p.fee_en, p.national_code)


def _counter_info(c: Counter) -> dto.CounterInfo:
    return dto.CounterInfo(c.number, c.name_vi, c.name_en, tuple(f.code for f in c.fields), c.priority_only,
                           c.paused, c.officer.name if c.officer else None)


def _event_info(e: Event, office_code: str, txid: str | None = None) -> dto.Event:
    return dto.Event(e.id, e.kind, e.at, office_code, e.ticket_label, e.counter_number, e.field_code,
                     dict(e.payload or {}), int(txid) if txid is not None else None)
