"""The citizen's side of face recognition on the real kiosk window (offscreen), a real SQLite queue and a real
VisitorStore. Faces arrive as 128-d encodings in memory (what the camera worker hands the GUI), so these tests
need no dlib; tests/test_kiosk_face_worker.py covers camera -> encoding with real photos."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from db import init_db
from db.engine import make_engines
from db.models import Ticket, Visitor
from db.privacy_models import ConsentRecord, FaceTemplate, VisitorIdentity
from core.visitors.cccd import parse_cccd
from core.visitors.recognition import Recognizer
from core.visitors.flow import LOOK_FRAMES, FaceFlow
from core.visitors.texts import face_tr
from core.visitors.store import CONSENT_VERSION, VisitorStore, consent_text
from gui import theme
from kiosk.ui.face_screens import attach_face
from tests.kiosk_support import kiosk_config, wait_home, wait_printed
from tests.kiosk_support import tap as tap_widget
from tests.test_kiosk_screens import check_for_elderly_eyes

AN = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Phường Hà Đông, Hà Nội|20052021"
BINH = "079185000123||Trần Thị Bình|02021985|Nữ|Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|01072022"
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "kiosk_face"


def face(seed: int) -> np.ndarray:
    """A person's 'true' face encoding (different seeds: distance ≈ 1.6, far beyond any threshold)."""
    return np.random.default_rng(seed).normal(0, 0.1, 128).astype(np.float32)


def frames_of(base: np.ndarray, n: int, seed: int = 99) -> list[np.ndarray]:
    """n camera frames of the same person (distance to ``base`` ≈ 0.08)."""
    rng = np.random.default_rng(seed)
    return [(base + rng.normal(0, 0.005, 128)).astype(np.float32) for _ in range(n)]


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def db(sqlite_url, clock):
    init_db(sqlite_url, clock=clock).close()
    return sqlite_url


@pytest.fixture
def store(db, tmp_path):
    write, read = make_engines(db)                     # as the kiosk opens it: reads never take the write lock
    yield VisitorStore(write, tmp_path / "keys" / "visitor.key", read_engine=read, create_key=True)
    write.dispose()
    read.dispose()


def enrol(store: VisitorStore, recognizer: Recognizer, payload: str, base: np.ndarray,
          last_field: str | None = None) -> int:
    consent = store.record_consent(True, "kiosk-1")
    vid = store.register_from_cccd(parse_cccd(payload), consent)
    recognizer.add_encodings(vid, frames_of(base, 3, seed=vid))
    store.record_visit(vid, last_field)
    return vid


@pytest.fixture
def kiosk(qtbot, tmp_path, clock, db, store):
    """start(recognizer=None) -> (window, flow): the real window with the face screens attached."""
    windows = []

    def start(recognizer: Recognizer | None = None, lang: str = "vi", build=None):
        from kiosk.app import create_window
        w = create_window(kiosk_config(tmp_path, db, language=lang), clock=clock, retry_ms=100)
        windows.append(w)
        if build is not None:                         # the flow is made on the visitor worker thread
            w.face = attach_face(w, build=build)
            qtbot.waitUntil(lambda: w.face.ready, timeout=15_000)
        else:
            flow = FaceFlow(store, recognizer or Recognizer(store), "kiosk-1", retention_months=12)
            w.face = attach_face(w, flow=flow)        # what kiosk/app.py does when cfg.face_enabled
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        settle(w)
        return w, getattr(w.face, "flow", None)

    yield start
    for w in windows:
        w.shutdown()


def settle(w, timeout_s: float = 15.0) -> None:
    """Wait until the visitor worker thread has answered every call the face screens made (in order)."""
    face = getattr(w, "face", None)
    end = time.monotonic() + timeout_s
    while face is not None and face.jobs.pending:
        QApplication.processEvents()
        time.sleep(0.001)
        assert time.monotonic() < end, "the visitor worker did not answer"
    QApplication.processEvents()


def see(w, encodings) -> None:
    for e in encodings:
        w.face._face(e)                               # the camera worker's signal, delivered on the GUI thread
        settle(w)                                     # the frame is judged on the visitor worker thread


def tap(qtbot, widget) -> None:
    """A touch, then the answers of the visitor worker it asked for."""
    tap_widget(qtbot, widget)
    settle(widget.window())


def visible_texts(w) -> str:
    screen = w.current()
    parts = [lbl.text() for lbl in w.findChildren(QLabel) if lbl.isVisible() and lbl.text()]
    parts += [b.text() for b in screen.findChildren(QAbstractButton) if b.isVisible()]
    return "\n".join(parts)


def shot(w, name: str) -> None:
    for _ in range(3):                                 # let the layout settle before judging it
        QApplication.processEvents()
    SHOTS.mkdir(parents=True, exist_ok=True)
    w.grab().save(str(SHOTS / f"{name}_{w.lang}.png"))
    problems = check_for_elderly_eyes(w)
    assert not problems, (name, problems)


def scanner_types(widget, text: str) -> None:
    """A USB scanner in keyboard mode: one key event per character (QTest.keyClicks only knows Latin-1), then Enter."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))
    for kind in (QEvent.KeyPress, QEvent.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_Return, Qt.NoModifier, "\r"))
    settle(widget.window())


def take_ticket(qtbot, w, code: str = "HT") -> None:
    tap(qtbot, w.home.tiles[code])
    wait_printed(qtbot, w)
    settle(w)                                          # the visit is recorded on the visitor worker


# ------------------------------------------------------------------------------ Qt-free flow
def test_flow_greets_a_returning_visitor_by_given_name_and_never_the_id(store):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1), last_field="CT")
    enrol(store, rec, BINH, face(2))
    flow = FaceFlow(store, rec, "kiosk-1")
    outcomes = [flow.observe(e) for e in frames_of(face(1), 3)]
    greet = next(o for o in outcomes if o is not None)
    assert greet.kind == "greet" and greet.greeting.visitor_id == an
    assert greet.greeting.name == "bác An" and greet.greeting.last_field_code == "CT"
    assert "001099012345" not in repr(greet)
    assert flow.visitor_id == an


def test_flow_a_stranger_is_unknown_after_looking_a_while(store):
    rec = Recognizer(store)
    enrol(store, rec, AN, face(1))
    flow = FaceFlow(store, rec, "kiosk-1")
    outcomes = [flow.observe(e) for e in frames_of(face(7), LOOK_FRAMES)]
    assert [o.kind for o in outcomes if o] == ["unknown"] and flow.visitor_id is None


def test_flow_bad_payload_changes_nothing_and_good_one_registers(store):
    rec = Recognizer(store)
    flow = FaceFlow(store, rec, "kiosk-1")
    consent = flow.answer_consent(True)
    for e in frames_of(face(3), 3):
        flow.observe(e)
    before = (count(store.engine, Visitor), count(store.engine, FaceTemplate), count(store.engine, VisitorIdentity))
    bad = flow.register("001099012345|012345678|Nguyễn Văn An|31021999|Nam|Hà Nội", consent)
    assert not bad.ok and bad.code == "bad_date" and "không tồn tại" in bad.message("vi")
    assert (count(store.engine, Visitor), count(store.engine, FaceTemplate),
            count(store.engine, VisitorIdentity)) == before
    good = flow.register(AN, consent)
    assert good.ok and good.templates == 3 and store.greeting_name(good.visitor_id) == "bác An"


# ------------------------------------------------------------------------------ the kiosk window
def test_home_shows_the_camera_notice_only_with_face_recognition(qtbot, kiosk, start_kiosk, db):
    w, _ = kiosk()
    assert w.face.notice.isVisible()
    assert "Khu vực có camera nhận diện khuôn mặt — chỉ dùng khi bạn đồng ý" in w.face.notice.text.text()
    plain = start_kiosk(db)                            # face_enabled is false by default
    wait_home(qtbot, plain)
    assert plain.face is None
    assert "camera" not in "\n".join(lbl.text() for lbl in plain.findChildren(QLabel) if lbl.isVisible())
    w.set_language("en")
    assert "Face recognition camera" in w.face.notice.text.text()
    shot(w, "home_notice")


def test_recognised_visitor_is_greeted_by_name_and_the_ticket_carries_the_visitor(qtbot, kiosk, store):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1), last_field="DD")
    w, flow = kiosk(rec)
    assert w.home.ordered_fields()[0].code != "DD"      # not first in the catalogue
    see(w, frames_of(face(1), 2))
    assert w.face.banner.isVisible()
    assert w.face.banner.text.text() == "Chào mừng bác An quay lại"
    texts = visible_texts(w)
    assert "001099012345" not in texts and "Nguyễn Văn An" not in texts
    assert w.home.ordered_fields()[0].code == "DD"     # the field chosen last time comes first
    assert w.visitor == an
    shot(w, "home_greeting")
    see(w, frames_of(face(1), 2, seed=5))              # more frames while choosing: templates to refresh with
    take_ticket(qtbot, w, "HT")
    with Session(store.engine) as s:
        ticket = s.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
        assert ticket.visitor_id == an
        assert s.get(Visitor, an).last_field_code == "HT"   # record_visit after the ticket
    tap(qtbot, w.ticket.done_button)
    assert w.current() is w.home and not w.face.banner.isVisible() and w.visitor is None


def test_the_camera_encodes_with_jitter_only_while_deciding_on_the_home_screen(qtbot, tmp_path, clock, db, store):
    """The frames that decide get the jittered encoding the rule is calibrated for (~1 s a frame); once the
    person is greeted (or off the home screen) the camera is back to fast plain frames; the next citizen is
    decided again."""
    from core.visitors.recognition import FakeCamera
    from kiosk.app import create_window
    from kiosk.face_worker import FaceWorker
    rec = Recognizer(store)
    enrol(store, rec, AN, face(1))
    worker = FaceWorker(lambda: FakeCamera([]), lambda _frame: None, period_s=3600)   # frames come from see()
    w = create_window(kiosk_config(tmp_path, db), clock=clock, retry_ms=100)
    try:
        w.face = attach_face(w, flow=FaceFlow(store, rec, "kiosk-1", retention_months=12), camera=worker)
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        settle(w)
        assert worker.deciding.is_set()                 # a new person at the home screen: not decided yet
        see(w, frames_of(face(1), 2))
        assert w.face.banner.isVisible() and not worker.deciding.is_set()    # greeted: decided
        take_ticket(qtbot, w, "HT")
        assert not worker.deciding.is_set()
        tap(qtbot, w.ticket.done_button)
        settle(w)
        assert w.current() is w.home and worker.deciding.is_set()           # the next citizen
        tap(qtbot, w.home.tiles["HT"])                                      # off the home screen: nothing decides
        assert w.current() is not w.home and not worker.deciding.is_set()
        wait_printed(qtbot, w)
    finally:
        w.shutdown()


def test_delete_my_data_from_the_greeting_removes_the_visitor(qtbot, kiosk, store):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1))
    w, flow = kiosk(rec)
    see(w, frames_of(face(1), 2))
    tap(qtbot, w.face.banner.delete_button)
    assert w.current() is w.face.delete
    shot(w, "delete_confirm")
    assert w.face.delete.yes.size() == w.face.delete.no.size()
    tap(qtbot, w.face.delete.yes)
    assert w.current() is w.face.message and w.face.message.text.text() == face_tr("vi", "deleted")
    shot(w, "deleted")
    assert store.greeting(an) is None and store.identity(an) is None
    assert count(store.engine, FaceTemplate) == 0 and rec.gallery.identity_count == 0
    assert any(e.action == "forget" and e.visitor_id == an and e.actor == "kiosk-1" for e in store.audit_log())
    tap(qtbot, w.face.message.done_button)
    assert w.current() is w.home
    w.face.reset()
    see(w, frames_of(face(1), LOOK_FRAMES))            # the same face is now a stranger
    assert not w.face.banner.isVisible() and w.visitor is None


def open_consent(qtbot, w, stranger: np.ndarray) -> None:
    """An unrecognised person takes a ticket; after it the kiosk offers faster recognition."""
    see(w, frames_of(stranger, LOOK_FRAMES))
    take_ticket(qtbot, w)
    w.next_citizen()                                    # "Xong" on the ticket, or its timer
    settle(w)                                           # "may we offer?" is answered by the visitor worker
    assert w.current() is w.face.offer
    shot(w, "offer")
    tap(qtbot, w.face.offer.more_button)
    assert w.current() is w.face.consent


def test_consent_screen_has_the_exact_text_and_two_equal_buttons_nothing_preselected(qtbot, kiosk, store):
    w, _ = kiosk()
    open_consent(qtbot, w, face(5))
    c = w.face.consent
    assert c.text.text() == consent_text("vi", 12)
    agree, disagree = c.agree, c.disagree
    assert (agree.text(), disagree.text()) == ("Đồng ý", "Không đồng ý")
    assert agree.size() == disagree.size() and agree.height() >= theme.MIN_TARGET_PX
    assert agree.property("kind") == disagree.property("kind")
    assert agree.styleSheet() == disagree.styleSheet() and agree.font() == disagree.font()
    for b in (agree, disagree):
        assert not b.isChecked() and not b.isDefault() and not b.hasFocus()
    shot(w, "consent")
    w.set_language("en")
    assert c.text.text() == consent_text("en", 12)
    shot(w, "consent")


def test_refusing_records_a_refusal_and_stores_nothing(qtbot, kiosk, store):
    w, _ = kiosk()
    open_consent(qtbot, w, face(5))
    tap(qtbot, w.face.consent.disagree)
    with Session(store.engine) as s:
        rec = s.scalars(select(ConsentRecord)).one()
        assert rec.granted is False and rec.text_version == CONSENT_VERSION and rec.kiosk_id == "kiosk-1"
    assert count(store.engine, FaceTemplate) == 0 and count(store.engine, Visitor) == 0
    assert w.current() is w.face.message
    shot(w, "refused")
    tap(qtbot, w.face.message.done_button)
    assert w.current() is w.home


def test_agreeing_and_scanning_a_cccd_registers_and_enrols_then_recognises(qtbot, kiosk, store, db):
    rec = Recognizer(store)
    w, _ = kiosk(rec)
    stranger = face(6)
    open_consent(qtbot, w, stranger)
    tap(qtbot, w.face.consent.agree)
    assert w.current() is w.face.scan and w.face.scan.input.hasFocus()
    see(w, frames_of(stranger, 3, seed=11))             # the person looks at the screen while scanning

    # a bad payload first: a plain Vietnamese message, nothing stored
    scanner_types(w.face.scan.input, "001099012345|012345678|Nguyễn Văn An|15031999")
    assert w.current() is w.face.scan and w.face.scan.error.isVisible()
    assert "Mã chưa đọc được" in w.face.scan.error_label.text()
    assert count(store.engine, Visitor) == 0 and count(store.engine, FaceTemplate) == 0
    assert w.face.scan.input.text() == ""
    shot(w, "scan_error")

    scanner_types(w.face.scan.input, AN)
    assert w.current() is w.face.message
    assert w.face.message.text.text() == "Đã xong. Lần sau máy sẽ chào bác An."
    shot(w, "registered")
    vid = store.find_by_id_number("001099012345")
    assert vid is not None and count(store.engine, FaceTemplate) == 3
    assert store.greeting(vid).last_field_code == "HT"
    raw = Path(db.removeprefix("sqlite:///")).read_bytes() + Path(db.removeprefix("sqlite:///") + "-wal").read_bytes()
    for secret in ("Quang Trung".encode(), "001099012345".encode(), "012345678".encode()):
        assert secret not in raw                         # no raw payload, nothing in clear

    tap(qtbot, w.face.message.done_button)
    assert w.current() is w.home
    see(w, frames_of(stranger, 2, seed=12))              # next visit: recognised
    assert w.visitor == vid and w.face.banner.text.text() == "Chào mừng bác An quay lại"


def test_scanning_screen_grab(qtbot, kiosk):
    w, _ = kiosk()
    open_consent(qtbot, w, face(5))
    tap(qtbot, w.face.consent.agree)
    shot(w, "scan")


def test_without_a_camera_the_kiosk_issues_tickets_and_tells_the_staff(qtbot, tmp_path, clock, db, caplog):
    from kiosk.app import create_window
    cfg = kiosk_config(tmp_path, db, face_enabled=True, camera="", key_file=str(tmp_path / "k" / "visitor.key"))
    w = create_window(cfg, clock=clock, retry_ms=100)
    try:
        w.resize(1080, 1920)
        w.show()
        with caplog.at_level(logging.WARNING, logger="kiosk.ui.face_screens"):
            wait_home(qtbot, w)
            qtbot.waitUntil(lambda: not w.face.enabled, timeout=10_000)
        assert any("face recognition off" in r.getMessage() and "camera" in r.getMessage() for r in caplog.records)
        assert not w.face.notice.isVisible()            # no camera in use: no notice
        take_ticket(qtbot, w, "HT")
        assert w.ticket.state in (w.ticket.PRINTED, w.ticket.PRINT_FAILED)
        w.next_citizen()
        assert w.current() is w.home                    # no offer without recognition
    finally:
        w.shutdown()


def test_a_kiosk_without_the_key_file_tells_the_staff_and_creates_none(qtbot, tmp_path, clock, db):
    from kiosk.app import create_window
    from db import open_queue
    key = tmp_path / "k" / "visitor.key"
    from core.visitors.recognition import FakeCamera
    cfg = kiosk_config(tmp_path, db, face_enabled=True, key_file=str(key))
    w = create_window(cfg, clock=clock, retry_ms=100, camera=lambda: FakeCamera([]), encoder=lambda frame: None)
    svc = open_queue(db)
    try:
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        qtbot.waitUntil(lambda: not w.face.enabled, timeout=30_000)     # after the deletion feed's first news
        qtbot.waitUntil(lambda: any(e.kind == "kiosk_problem" and e.payload["problem"] == "no_key"
                                    for e in svc.events()), timeout=10_000)
        assert not w.face.enabled and not key.exists() and not key.parent.exists()
        [ev] = [e for e in svc.events() if e.kind == "kiosk_problem" and e.payload["problem"] == "no_key"]
        assert ev.payload["kiosk"] == cfg.kiosk_id and "kiosk-admin init" in ev.payload["detail"]
    finally:
        svc.close()
        w.shutdown()


def test_a_greeting_does_not_outlive_the_visitor(qtbot, kiosk, store):
    """Walking away (no face for a while), someone else stepping in, or the idle timer: the next person
    never inherits the greeting or the visitor id on their ticket."""
    from core.visitors.flow import GONE_FRAMES
    rec = Recognizer(store)
    enrol(store, rec, AN, face(1))
    w, flow = kiosk(rec)
    w.set_priority("elderly")                           # chosen by touch: kept when the face leaves
    see(w, frames_of(face(1), 2))
    assert w.visitor is not None
    see(w, [None] * GONE_FRAMES)
    assert w.visitor is None and not w.face.banner.isVisible() and w.priority == "elderly"

    see(w, frames_of(face(1), 2, seed=21))              # back again: greeted again
    assert w.visitor is not None
    see(w, frames_of(face(9), 2))                        # someone else in front of the camera
    assert w.visitor is None and not w.face.banner.isVisible()

    w.face.reset()
    see(w, frames_of(face(1), 2, seed=22))
    assert w.visitor is not None
    w._idle()                                            # nobody touched the screen for idle_seconds
    assert w.visitor is None and not w.face.banner.isVisible()


# ------------------------------------------------------------------------------ threads and a busy database
class ThreadRecordingStore:
    """The real VisitorStore, noting which thread makes each call (and failing the first calls of a method
    with SQLite's "database is locked" when asked)."""

    def __init__(self, store: VisitorStore, fail: dict[str, int] | None = None):
        self._store, self._fail = store, dict(fail or {})
        self.calls: list[tuple[str, int]] = []

    def __getattr__(self, name: str):
        target = getattr(self._store, name)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            self.calls.append((name, threading.get_ident()))
            if self._fail.get(name, 0) > 0:
                self._fail[name] -= 1
                raise OperationalError("SELECT visitors.id FROM visitors", {},
                                       sqlite3.OperationalError("database is locked"))
            return target(*args, **kwargs)
        return call


def test_every_visitor_store_call_runs_off_the_gui_thread(qtbot, kiosk, store):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1))
    recording = ThreadRecordingStore(store)
    w, _ = kiosk(build=lambda: FaceFlow(recording, Recognizer(recording), "kiosk-1", 12))
    see(w, frames_of(face(1), 2))                        # greeted: templates, candidates, greeting
    assert w.visitor == an
    take_ticket(qtbot, w, "HT")                          # record_visit + template refresh
    tap(qtbot, w.face.banner.delete_button)
    tap(qtbot, w.face.delete.yes)                        # forget (+ WAL checkpoint)
    assert w.current() is w.face.message and store.greeting(an) is None
    tap(qtbot, w.face.message.done_button)
    stranger = face(6)
    open_consent(qtbot, w, stranger)
    tap(qtbot, w.face.consent.agree)                     # record_consent
    see(w, frames_of(stranger, 3, seed=11))
    scanner_types(w.face.scan.input, BINH)               # register_from_cccd, add_templates, greeting_name
    assert w.current() is w.face.message

    names = {name for name, _ in recording.calls}
    assert {"templates_for", "recent_visitor_ids", "greeting", "record_visit", "forget", "record_consent",
            "register_from_cccd", "add_templates"} <= names
    gui = threading.get_ident()
    on_gui = sorted({name for name, ident in recording.calls if ident == gui})
    assert on_gui == [], f"visitor store called on the GUI thread: {on_gui}"


def test_a_locked_database_during_a_frame_skips_the_frame_not_recognition(qtbot, kiosk, store, caplog):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1))
    busy = ThreadRecordingStore(store, fail={"recent_visitor_ids": 2})    # two deciding frames meet the lock
    with caplog.at_level(logging.WARNING, logger="kiosk.ui.face_screens"):
        w, _ = kiosk(build=lambda: FaceFlow(busy, Recognizer(busy), "kiosk-1", 12))
        see(w, frames_of(face(1), 2))
        assert w.face.enabled and w.visitor is None       # those frames were skipped, nothing else
        see(w, frames_of(face(1), 2, seed=5))
    assert w.face.enabled and w.visitor == an             # recognition carried on once the database answered
    assert w.face.banner.text.text() == "Chào mừng bác An quay lại"
    busy_logs = [r for r in caplog.records if "visitor store busy" in r.getMessage()]
    assert len(busy_logs) == 1 and "database is locked" in busy_logs[0].getMessage()
    assert not any("face recognition off" in r.getMessage() for r in caplog.records)


def test_frames_are_read_while_another_process_holds_the_write_lock(qtbot, kiosk, store, db, monkeypatch,
                                                                  tmp_path):
    """A real SQLite write lock held elsewhere (another kiosk issuing, a purge): the store the composition root
    opens reads through the read engine (deferred BEGIN, WAL), so recognition neither waits nor fails."""
    from kiosk.app import visitor_flow_builder
    monkeypatch.setattr("db.engine.SQLITE_BUSY_TIMEOUT_S", 0.3)   # a write would give up after 0.3 s
    an = enrol(store, Recognizer(store), AN, face(1))
    cfg = kiosk_config(tmp_path, db, key_file=str(tmp_path / "keys" / "visitor.key"))
    w, _ = kiosk(build=visitor_flow_builder(cfg))
    holder = sqlite3.connect(db.removeprefix("sqlite:///"), isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE visitors SET last_field_code = last_field_code")
    try:
        see(w, frames_of(face(1), 2))
        assert w.face.enabled and w.visitor == an
    finally:
        holder.execute("ROLLBACK")
        holder.close()
