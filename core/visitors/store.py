"""The visitor store: consent, encrypted identity and face templates, retention, deletion, audit (Qt-free).

Law 91/2025/QH15 and Decree 356/2025 treat faces and ID data as sensitive: nothing is stored without a
granted consent record; the ID number, name, date of birth and every template are AES-GCM encrypted with
a key kept in a file outside the database (``AppConfig.resolved_key_file``) that only ``kiosk-admin init``
creates (``create_key_file``): a program that cannot find it refuses recognition instead of making its own.
Deletion removes the rows at once, scrubs the visitor id from tickets and event payloads (SQLite
``secure_delete`` + WAL checkpoint, so the bytes do not linger) and is logged; visitor ids are never reused.
Every deletion (``forget``, ``purge``) also appends, in the deletion's own transaction, a ``visitors_forgotten``
event to the queue's outbox carrying the bare visitor ids and nothing else, so that running kiosks drop those
templates from memory within seconds (core/visitors/deletions.py). The kiosk, counter and board roles read
events; to them the id is a meaningless number: ids are allocated in turn, and the same transaction removes
it from every ticket and event payload they can read, so nothing left there says whose it was.
The audit log is append-only (database triggers) and hash-chained (``verify_audit``). Photos and the raw
CCCD payload are never given to this module.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, Text, cast, delete, func, select, text, update
from sqlalchemy.orm import Session

from bilingual import LocalizedError
from db.models import Event, IdAllocation, Office, Ticket, Visitor
from db.privacy_models import (GENESIS_HASH, ConsentRecord, FaceTemplate, PrivacyAuditEntry, VisitorIdentity,
                               audit_hash)
from core.visitors.cccd import CccdInfo
from core.visitors.texts import CONSENT_VERSION
from core.visitors.texts import WORDS as VISITOR_WORDS

def consent_text(language: str = "vi", months: int = 12) -> str:
    """The exact text of CONSENT_VERSION shown on the consent screen."""
    return VISITOR_WORDS.text(language, "consent", months=months)


class PrivacyError(LocalizedError, RuntimeError):
    """A privacy rule refused the operation; the message is in Vietnamese and English."""


class ConsentRequired(PrivacyError):
    pass


class KeyFileError(PrivacyError):
    """The key file is missing, unreadable or wrong for the data."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def load_or_create_key(path: str | os.PathLike, create: bool = False) -> bytes:
    """The 256-bit data key (hex in a file readable by the owner only). Only ``create=True`` (``kiosk-admin
    init``, via ``create_key_file``) makes a new one: a second key would split the register in two."""
    p = Path(path)
    if p.exists():
        try:
            key = bytes.fromhex(p.read_text(encoding="ascii").strip())
        except (ValueError, UnicodeDecodeError):
            raise KeyFileError(f"Tệp khóa hỏng: {p}", f"key file is corrupt: {p}") from None
        if len(key) != 32:
            raise KeyFileError(f"Tệp khóa sai độ dài (cần 32 byte): {p}", f"key file must hold 32 bytes: {p}")
        return key
    if not create:
        raise KeyFileError(
            f"Không tìm thấy tệp khóa {p}: tắt nhận diện khách. Hãy chép tệp khóa của trung tâm vào đó "
            f"(install -m 600), hoặc chạy 'kiosk-admin init' nếu đây là máy đầu tiên",
            f"key file {p} not found: visitor recognition is off. Copy the centre's key file there "
            f"(install -m 600), or run 'kiosk-admin init' on the first machine")
    p.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def create_key_file(path: str | os.PathLike) -> bool:
    """Make the centre's data key if there is none (``kiosk-admin init``); True if it was created now."""
    if Path(path).exists():
        load_or_create_key(path)   # refuse a corrupt one loudly
        return False
    load_or_create_key(path, create=True)
    return True


class Cipher:
    """AES-256-GCM; the associated data binds each ciphertext to its column and visitor (no swapping)."""
    VERSION = b"\x01"

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)
        self._lookup_key = hmac.new(key, b"kiosk id-number lookup v1", hashlib.sha256).digest()

    def seal(self, data: bytes, context: str) -> bytes:
        nonce = secrets.token_bytes(12)
        return self.VERSION + nonce + self._aead.encrypt(nonce, data, context.encode())

    def open(self, blob: bytes, context: str) -> bytes:
        if not blob or blob[:1] != self.VERSION:
            raise KeyFileError("Dữ liệu mã hóa không hợp lệ", "unknown ciphertext format")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], context.encode())
        except InvalidTag:
            raise KeyFileError("Khóa không đúng hoặc dữ liệu bị sửa", "wrong key or tampered data") from None

    def lookup_hash(self, id_number: str) -> str:
        return hmac.new(self._lookup_key, id_number.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Identity:
    id_number: str
    full_name: str
    date_of_birth: dt.date

    @property
    def given_name(self) -> str:
        return self.full_name.split()[-1] if self.full_name.split() else ""


@dataclass(frozen=True)
class Greeting:
    """What the welcome screen may show: never the ID number."""
    visitor_id: int
    name: str | None                 # "bác An"; None when only a face is known (no CCCD)
    last_field_code: str | None      # offered first

    def text(self, language: str = "vi") -> str:
        if self.name:
            return VISITOR_WORDS.text(language, "greeting", name=self.name)
        return VISITOR_WORDS.text(language, "greeting_anonymous")


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    action: str
    actor: str
    visitor_id: int | None
    detail: str


@dataclass(frozen=True)
class AuditCheck:
    ok: bool
    entries: int
    problems: tuple[str, ...]


FORGOTTEN_EVENT = "visitors_forgotten"   # payload {"visitors": [ids]}: no name, no time of visit, nothing else
FORGOTTEN_PER_EVENT = 500                 # a large purge is announced in several events of this many ids

AUDIT_LOCK_KEY = 0x6B696F736B   # pg_advisory_xact_lock: one audit writer at a time ("kiosk")


def _without_visitor(value: Any, visitor_id: int) -> Any:
    """A copy of a JSON value with every ``visitor_id`` equal to ``visitor_id`` set to None."""
    if isinstance(value, dict):
        return {k: (None if k == "visitor_id" and v == visitor_id else _without_visitor(v, visitor_id))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_without_visitor(v, visitor_id) for v in value]
    return value


class VisitorStore:
    """Everything personal about consenting visitors.

    ``source``: a QueueService (its write ``.engine`` and ``.read_engine``) or an Engine; ``read_engine``
    overrides where reads go. Writes use the write engine (on SQLite: ``BEGIN IMMEDIATE``, queued on the
    database lock); reads use the read engine (plain ``BEGIN``: in WAL mode they never wait for a writer).
    ``VisitorStore.open(url, key_file)`` makes its own engines, disposed by ``close()``.
    """

    def __init__(self, source: Any, key_file: str | os.PathLike, create_key: bool = False,
                 read_engine: Engine | None = None) -> None:
        self.engine: Engine = getattr(source, "engine", source)
        self.read_engine: Engine = read_engine or getattr(source, "read_engine", None) or self.engine
        self._cipher = Cipher(load_or_create_key(key_file, create=create_key))
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._owned: tuple[Engine, ...] = ()

    @classmethod
    def open(cls, url: str, key_file: str | os.PathLike, create_key: bool = False) -> "VisitorStore":
        """A store on its own (write, read) engines for ``url`` (see db.engine.make_engines). A missing key
        file is a KeyFileError: only ``kiosk-admin init`` makes one."""
        from db.engine import make_engines
        write, read = make_engines(url)
        try:
            store = cls(write, key_file, create_key=create_key, read_engine=read)
        except Exception:
            write.dispose()
            read.dispose()
            raise
        store._owned = (write, read) if read is not write else (write,)
        return store

    def close(self) -> None:
        """Dispose the engines ``open()`` made (an engine passed in belongs to the caller)."""
        for engine in self._owned:
            engine.dispose()
        self._owned = ()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with Session(self.engine) as session, session.begin():
            if self._sqlite:   # overwrite deleted content with zeros: deletion must make recovery impossible
                session.execute(text("PRAGMA secure_delete=ON"))
            yield session

    def _audit(self, session: Session, action: str, actor: str, visitor_id: int | None, detail: str = "") -> None:
        """Append one entry, chained to the previous one (writers take turns: the SQLite write lock of the
        queue's engine, a transaction-scoped advisory lock on PostgreSQL)."""
        if not self._sqlite:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
        prev = session.scalar(select(PrivacyAuditEntry.entry_hash).order_by(PrivacyAuditEntry.id.desc())
                              .limit(1)) or GENESIS_HASH
        at, actor, detail = _now(), actor[:64], detail[:200]
        session.add(PrivacyAuditEntry(at=at, action=action, actor=actor, visitor_id=visitor_id, detail=detail,
                                      prev_hash=prev,
                                      entry_hash=audit_hash(prev, at, action, actor, visitor_id, detail)))
        session.flush()

    def _new_visitor(self, s: Session) -> Visitor:
        """A visitor with an id never given before (db.models.IdAllocation), even after deletions."""
        q = select(IdAllocation).where(IdAllocation.name == "visitors")
        alloc = s.scalars(q if self._sqlite else q.with_for_update()).first()
        highest = s.scalar(select(func.max(Visitor.id))) or 0
        if alloc is None:   # a database made without the migration (create_all): start above every id seen
            seen = s.scalar(select(func.max(PrivacyAuditEntry.visitor_id))) or 0
            alloc = IdAllocation(name="visitors", last_value=max(highest, seen))
            s.add(alloc)
        alloc.last_value = max(alloc.last_value, highest) + 1
        visitor = Visitor(id=alloc.last_value, created_at=_now(), last_seen_at=_now())
        s.add(visitor)
        s.flush()
        return visitor

    # --- consent ----------------------------------------------------------------------------
    def record_consent(self, granted: bool, kiosk_id: str, text_version: str = CONSENT_VERSION,
                       visitor_id: int | None = None) -> int:
        """Store the answer given on the consent screen; returns the consent record id."""
        if text_version not in (CONSENT_VERSION,):
            raise PrivacyError(f"Phiên bản văn bản đồng ý không rõ: {text_version!r}",
                               f"unknown consent text version {text_version!r}")
        with self._session() as s:
            rec = ConsentRecord(visitor_id=visitor_id, at=_now(), text_version=text_version,
                                kiosk_id=kiosk_id, granted=bool(granted))
            s.add(rec)
            s.flush()
            self._audit(s, "consent" if granted else "consent_refused", kiosk_id, visitor_id,
                        f"record {rec.id} version {text_version}")
            return rec.id

    def _granted_consent(self, s: Session, consent_id: int) -> ConsentRecord:
        rec = s.get(ConsentRecord, consent_id)
        if rec is None or not rec.granted or rec.withdrawn_at is not None:
            raise ConsentRequired("Chưa có sự đồng ý của công dân", "the visitor has not consented")
        return rec

    def create_visitor(self, consent_id: int, actor: str = "kiosk") -> int:
        """A visitor known by face only (no CCCD), attached to a granted consent record."""
        with self._session() as s:
            rec = self._granted_consent(s, consent_id)
            if rec.visitor_id is not None:
                return rec.visitor_id
            visitor = self._new_visitor(s)
            rec.visitor_id = visitor.id
            self._audit(s, "register", actor, visitor.id, "face only")
            return visitor.id

    def register_from_cccd(self, info: CccdInfo, consent_id: int, actor: str = "kiosk") -> int:
        """Create (or find) the visitor for a scanned CCCD; keeps only ID number, name, date of birth."""
        id_hash = self._cipher.lookup_hash(info.id_number)
        with self._session() as s:
            rec = self._granted_consent(s, consent_id)
            identity = s.scalar(select(VisitorIdentity).where(VisitorIdentity.id_number_hash == id_hash))
            if identity is not None:
                visitor_id = identity.visitor_id
            elif rec.visitor_id is not None:
                visitor_id = rec.visitor_id
            else:
                visitor_id = self._new_visitor(s).id
            rec.visitor_id = visitor_id
            blob = self._cipher.seal(json.dumps({
                "id_number": info.id_number, "full_name": info.full_name,
                "date_of_birth": info.date_of_birth.isoformat()}, ensure_ascii=False).encode(),
                f"identity:{visitor_id}")
            if identity is None:
                s.add(VisitorIdentity(visitor_id=visitor_id, id_number_hash=id_hash, identity_enc=blob))
            else:
                identity.identity_enc = blob
            self._audit(s, "register", actor, visitor_id, "cccd")
            return visitor_id

    def find_by_id_number(self, id_number: str) -> int | None:
        with Session(self.read_engine) as s:
            return s.scalar(select(VisitorIdentity.visitor_id).where(
                VisitorIdentity.id_number_hash == self._cipher.lookup_hash(id_number.strip())))

    def identity(self, visitor_id: int) -> Identity | None:
        with Session(self.read_engine) as s:
            row = s.get(VisitorIdentity, visitor_id)
            if row is None:
                return None
            data = json.loads(self._cipher.open(row.identity_enc, f"identity:{visitor_id}"))
        return Identity(data["id_number"], data["full_name"], dt.date.fromisoformat(data["date_of_birth"]))

    # --- templates --------------------------------------------------------------------------
    def add_templates(self, visitor_id: int, encodings: Sequence[np.ndarray], keep_newest: int = 5,
                      actor: str = "kiosk") -> int:
        """Store encrypted templates (only with a granted, not withdrawn consent); keep the newest few."""
        rows = [np.asarray(e, dtype=np.float32).reshape(128) for e in encodings]
        with self._session() as s:
            consented = s.scalar(select(func.count()).select_from(ConsentRecord).where(
                ConsentRecord.visitor_id == visitor_id, ConsentRecord.granted.is_(True),
                ConsentRecord.withdrawn_at.is_(None)))
            if not consented:
                raise ConsentRequired(f"Khách {visitor_id} chưa đồng ý, không lưu khuôn mặt",
                                      f"visitor {visitor_id} has not consented: no template stored")
            now = _now()
            for row in rows:
                s.add(FaceTemplate(visitor_id=visitor_id, created_at=now,
                                   template_enc=self._cipher.seal(row.tobytes(), f"template:{visitor_id}")))
            s.flush()
            ids = s.scalars(select(FaceTemplate.id).where(FaceTemplate.visitor_id == visitor_id)
                            .order_by(FaceTemplate.created_at.desc(), FaceTemplate.id.desc())).all()
            if len(ids) > keep_newest:
                s.execute(delete(FaceTemplate).where(FaceTemplate.id.in_(ids[keep_newest:])))
            self._audit(s, "enroll", actor, visitor_id, f"{len(rows)} template(s)")
        return len(rows)

    def templates_for(self, visitor_ids: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Decrypted templates ``(n, 128)`` float32 and their visitor ids, for the in-memory gallery."""
        query = select(FaceTemplate.visitor_id, FaceTemplate.template_enc).order_by(FaceTemplate.visitor_id,
                                                                                   FaceTemplate.id)
        if visitor_ids is not None:
            query = query.where(FaceTemplate.visitor_id.in_(list(visitor_ids)))
        labels: list[int] = []
        parts: list[np.ndarray] = []
        with Session(self.read_engine) as s:
            # in chunks: one fetchall of every row is a single C call that holds the GIL (measured 150-270 ms
            # at 30 000 templates), freezing the kiosk's GUI thread while a worker thread loads the gallery
            for chunk in s.execute(query.execution_options(yield_per=500)).partitions():
                labels.extend(vid for vid, _ in chunk)
                parts.append(np.frombuffer(b"".join(self._cipher.open(blob, f"template:{vid}")
                                                    for vid, blob in chunk), dtype=np.float32).reshape(-1, 128))
        if not labels:
            return np.zeros((0, 128), dtype=np.float32), np.zeros(0, dtype=np.int64)
        return np.concatenate(parts), np.array(labels, dtype=np.int64)

    # --- visits, greeting, second factor ------------------------------------------------------
    def record_visit(self, visitor_id: int, field_code: str | None) -> None:
        with self._session() as s:
            s.execute(update(Visitor).where(Visitor.id == visitor_id).values(
                last_seen_at=_now(), last_field_code=field_code))

    def recent_visitor_ids(self, months: int) -> list[int]:
        """Visitors seen within ``months``: the narrowed 1:N search of this centre."""
        cutoff = _now() - dt.timedelta(days=30.44 * months)
        with Session(self.read_engine) as s:
            return list(s.scalars(select(Visitor.id).where(
                func.coalesce(Visitor.last_seen_at, Visitor.created_at) >= cutoff)))

    def greeting(self, visitor_id: int) -> Greeting | None:
        with Session(self.read_engine) as s:
            visitor = s.get(Visitor, visitor_id)
            if visitor is None:
                return None
            last_field = visitor.last_field_code
        ident = self.identity(visitor_id)
        return Greeting(visitor_id, f"bác {ident.given_name}" if ident and ident.given_name else None, last_field)

    def greeting_name(self, visitor_id: int) -> str | None:
        """e.g. "bác An" (given name only, never the ID number); None without a CCCD."""
        g = self.greeting(visitor_id)
        return g.name if g else None

    def has_birth_date(self, visitor_ids: Sequence[int]) -> bool:
        """Second factor: can any of these visitors answer it (a CCCD was scanned)? Nothing is decrypted."""
        with Session(self.read_engine) as s:
            return s.scalar(select(func.count()).select_from(VisitorIdentity).where(
                VisitorIdentity.visitor_id.in_(list(visitor_ids)))) > 0

    def match_birth_date(self, visitor_ids: Sequence[int], born: dt.date) -> list[int]:
        """Second factor: the shortlisted visitors born on ``born``.

        The comparison happens here, on the caller's (worker) thread: only visitor ids come out, never a
        date, so nothing a screen could show depends on who was shortlisted."""
        return [v for v in visitor_ids if (i := self.identity(v)) is not None and i.date_of_birth == born]

    # --- deletion, retention, audit -----------------------------------------------------------
    def _delete_visitor(self, s: Session, visitor_id: int) -> None:
        s.execute(delete(FaceTemplate).where(FaceTemplate.visitor_id == visitor_id))
        s.execute(delete(VisitorIdentity).where(VisitorIdentity.visitor_id == visitor_id))
        s.execute(update(ConsentRecord).where(ConsentRecord.visitor_id == visitor_id).values(
            visitor_id=None, withdrawn_at=func.coalesce(ConsentRecord.withdrawn_at, _now())))
        s.execute(update(Ticket).where(Ticket.visitor_id == visitor_id).values(visitor_id=None))
        s.execute(delete(Visitor).where(Visitor.id == visitor_id))
        self._scrub_events(s, visitor_id)

    def _scrub_events(self, s: Session, visitor_id: int) -> int:
        """Remove the visitor id from event payloads (each ticket event carries a copy of the ticket); the
        events stay, anonymous, for the statistics. Returns how many were rewritten."""
        pattern = f'%"visitor_id": {int(visitor_id)}%'    # JSON as written by SQLAlchemy (json.dumps)
        rows = s.execute(select(Event.id, Event.payload).where(
            cast(Event.payload, Text).like(pattern))).all()
        changed = 0
        for event_id, payload in rows:
            clean = _without_visitor(payload, int(visitor_id))
            if clean != payload:
                s.execute(update(Event).where(Event.id == event_id).values(payload=clean))
                changed += 1
        return changed

    def _announce_forgotten(self, s: Session, visitor_ids: Sequence[int]) -> None:
        """Tell every running kiosk (the event feed) to drop these visitors from memory, committed with the
        deletion itself. Only the bare ids: the audit log (register role only) says who deleted and why.
        The outbox needs an office; a database without one has no kiosk to tell."""
        office_id = s.scalar(select(func.min(Office.id)))
        if office_id is None or not visitor_ids:
            return
        ids = sorted(int(v) for v in visitor_ids)
        for start in range(0, len(ids), FORGOTTEN_PER_EVENT):
            s.add(Event(office_id=office_id, at=_now(), kind=FORGOTTEN_EVENT,
                        payload={"visitors": ids[start:start + FORGOTTEN_PER_EVENT]}))
        s.flush()   # PostgreSQL: the events trigger NOTIFYs the followers, delivered at commit

    def _checkpoint(self) -> None:
        """Copy the zeroed pages into the database file and empty the WAL, so old bytes do not linger there.

        Outside any transaction (a raw connection: the queue's engine starts BEGIN IMMEDIATE on use).
        Best effort: a reader holding an old snapshot delays it to SQLite's next automatic checkpoint."""
        if not self._sqlite:
            return
        raw = self.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cur.close()
        except self.engine.dialect.loaded_dbapi.Error:   # deletion itself is committed; this is an extra
            pass
        finally:
            raw.close()

    def forget(self, visitor_id: int, actor: str) -> bool:
        """Delete everything about a visitor at once (kiosk button or counter); logged. False if unknown."""
        with self._session() as s:
            existed = s.get(Visitor, visitor_id) is not None
            self._delete_visitor(s, visitor_id)
            self._audit(s, "forget", actor, visitor_id, "deleted" if existed else "nothing to delete")
            self._announce_forgotten(s, [visitor_id])   # even if unknown here: a kiosk may still hold it
        self._checkpoint()
        return existed

    def purge(self, older_than_months: int, actor: str = "retention", now: dt.datetime | None = None) -> int:
        """Delete visitors not seen for ``older_than_months`` (retention limit); returns how many."""
        if older_than_months < 1:
            raise PrivacyError("Thời hạn lưu phải ít nhất 1 tháng", "retention must be at least 1 month")
        cutoff = (now or _now()) - dt.timedelta(days=30.44 * older_than_months)
        with self._session() as s:
            stale = list(s.scalars(select(Visitor.id).where(
                func.coalesce(Visitor.last_seen_at, Visitor.created_at) < cutoff)))
            for visitor_id in stale:
                self._delete_visitor(s, visitor_id)
            self._announce_forgotten(s, stale)
            self._audit(s, "purge", actor, None, f"{len(stale)} visitor(s) not seen for {older_than_months} months")
        self._checkpoint()
        return len(stale)

    def audit(self, action: str, actor: str, visitor_id: int | None = None, detail: str = "") -> None:
        """Log an access by a person or process (e.g. an officer looking a visitor up)."""
        with self._session() as s:
            self._audit(s, action, actor, visitor_id, detail)

    def verify_audit(self) -> AuditCheck:
        """Recompute the audit log's hash chain: an edited, inserted or removed entry breaks it."""
        return self.verify_audit_on(self.engine)

    @staticmethod
    def verify_audit_on(engine: Engine) -> AuditCheck:
        """The same check without the data key (the chain covers only what is stored in clear)."""
        problems: list[str] = []
        prev, count = GENESIS_HASH, 0
        with Session(engine) as s:
            for r in s.scalars(select(PrivacyAuditEntry).order_by(PrivacyAuditEntry.id)).yield_per(500):
                count += 1
                if r.prev_hash != prev:
                    problems.append(f"#{r.id}: không nối với mục trước (mục bị xóa hoặc chèn) / "
                                    "does not follow the previous entry (one removed or inserted)")
                if r.entry_hash != audit_hash(r.prev_hash, r.at, r.action, r.actor, r.visitor_id, r.detail):
                    problems.append(f"#{r.id}: nội dung đã bị sửa / its content was changed")
                prev = r.entry_hash
        return AuditCheck(not problems, count, tuple(problems))

    def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        with Session(self.read_engine) as s:
            rows = s.scalars(select(PrivacyAuditEntry).order_by(PrivacyAuditEntry.id.desc()).limit(limit)).all()
            return [AuditEntry(r.at, r.action, r.actor, r.visitor_id, r.detail) for r in rows]
