"""The satisfaction question at the kiosk, driven like a citizen would: take a ticket at the kiosk (printed to the
preview printer: its PNG is the real ticket), get served at a counter, come back, tap "Đánh giá", hold the
ticket's QR to the camera (a fake camera whose frame is that printed PNG, read by the kiosk's own QR reader) or to
the hand scanner (its keystrokes + Enter), answer, reasons, thanks, home. Refusals and a database outage too."""
from __future__ import annotations

import dataclasses
import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select, update

from core.visitors.cccd import read_qr_from_image
from db import open_queue, rating
from db.models import Office, Rating
from kiosk.i18n import tr
from kiosk.ui import rating_screens
from kiosk.worker import build_ticket
from printer import render_ticket
from tests.kiosk_support import WAIT_MS, check_for_elderly_eyes, db_path, kiosk_config, tap, wait_home, wait_printed

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(rating_screens, "THANKS_MS", 300)
    monkeypatch.setattr(rating_screens, "RESEND_MS", 200)


def _queue(url, clock):
    svc = open_queue(url, clock=clock)
    svc.default_actor = "admin:tests"
    return svc


def _offer(url, clock, on=True, minutes=120):
    svc = _queue(url, clock)
    with svc.session() as s:
        s.execute(update(Office).values(kiosk_rating=on, kiosk_rating_minutes=minutes))
    svc.close()


def _serve(url, clock, label=None, field="HT", counter=1):
    """A counter serves the next ticket (or issues one first); returns (label, rating code)."""
    svc = _queue(url, clock)
    try:
        if label is None:
            issued = svc.issue(field)
            label, code = issued.label, issued.rating_code
        else:
            with svc.session() as s:
                from db.models import Ticket
                code = s.scalar(select(Ticket.rating_code).where(Ticket.label == label))
        assert svc.call_next(counter).label == label
        svc.start(counter)
        svc.finish(counter)
        return label, code
    finally:
        svc.close()


def _ratings(url, clock):
    svc = _queue(url, clock)
    try:
        with svc.session() as s:
            return [(r.value, r.reasons) for r in s.scalars(select(Rating))]
    finally:
        svc.close()


def _scan_with_scanner(qtbot, w, text):
    """A USB scanner in keyboard mode: one key event per character (QTest.keyClicks only knows Latin-1), then
    Enter, into the focused invisible line edit."""
    box = w.rating.screen.input
    assert box.hasFocus()
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(box, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))
    for kind in (QEvent.KeyPress, QEvent.KeyRelease):
        QApplication.sendEvent(box, QKeyEvent(kind, Qt.Key_Return, Qt.NoModifier, "\r"))


def _open_rating(qtbot, w):
    qtbot.waitUntil(lambda: w.home.rating_entry.isVisible(), timeout=WAIT_MS)
    tap(qtbot, w.home.rating_entry)
    assert w.current() is w.rating.screen and w.rating.flow.state == "scan"


def _shot(qtbot, w, name):
    """Screens to look at (KIOSK_SHOTS_DIR=dir keeps them), checked for elderly eyes: text size, clipping, targets
    (once the layout has settled: a message just shown is laid out by the next events)."""
    try:
        qtbot.waitUntil(lambda: not check_for_elderly_eyes(w), timeout=3_000)
    except AssertionError:
        raise AssertionError((name, check_for_elderly_eyes(w))) from None
    out = os.environ.get("KIOSK_SHOTS_DIR")
    img = w.grab()
    assert not img.isNull()
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        img.save(str(Path(out) / f"{name}.png"))


class FrameCamera:
    """A camera that sees one picture (the citizen holds the ticket up); frames are copies, as a camera's are."""

    def __init__(self, frame):
        self.frame, self.reads = frame, 0

    def read(self):
        self.reads += 1
        return self.frame.copy()

    def close(self):
        pass


# ------------------------------------------------------------------------------------ the entry
def test_the_home_screen_offers_rating_only_when_the_centre_does(qtbot, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    assert not w.home.rating_entry.isVisible()            # the catalogue's default: not offered
    _offer(ready_db, clock)
    w.backend.refresh()
    qtbot.waitUntil(lambda: w.home.rating_entry.isVisible(), timeout=WAIT_MS)
    assert w.home.rating_title.text() == tr("vi", "rating_button")
    assert w.home.rating_entry.height() >= 120
    w.set_language("en")
    assert w.home.rating_title.text() == "Rate us"


# ------------------------------------------------------------------------------------ the scanner
def test_scanner_rating_with_reasons_thanks_then_home_and_never_twice(qtbot, ready_db, clock, start_kiosk, fast):
    _offer(ready_db, clock)
    label, code = _serve(ready_db, clock)
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    _open_rating(qtbot, w)
    _scan_with_scanner(qtbot, w, rating.qr_payload(code))
    qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
    screen = w.rating.screen
    assert screen.ticket_caption.text() == tr("vi", "rating_ticket", label=label)
    assert "Ông/bà có hài lòng với sự phục vụ?" in screen.question.text()
    assert list(screen.answers.buttons) == [3, 2, 1]       # the centre's scale, best first
    tap(qtbot, screen.answers.buttons[1])                  # "Không hài lòng": reasons first
    assert w.rating.flow.state == "reasons"
    tap(qtbot, screen.chips.buttons["wait_long"])
    tap(qtbot, screen.chips.buttons["guidance"])
    tap(qtbot, screen.answers.buttons[3])                  # a tap on a hidden answer changes nothing
    tap(qtbot, screen.send)
    qtbot.waitUntil(lambda: w.rating.flow.state == "thanks", timeout=WAIT_MS)
    assert "Cảm ơn ông/bà đã đánh giá!" in screen.thanks.text() and screen.thanks_note.text() == ""
    assert _ratings(ready_db, clock) == [(1, "wait_long,guidance")]
    qtbot.waitUntil(lambda: w.current() is w.home, timeout=WAIT_MS)   # thanks, then the next citizen

    _open_rating(qtbot, w)                                 # the same ticket again: refused, says why
    _scan_with_scanner(qtbot, w, rating.qr_payload(code).lower())
    qtbot.waitUntil(lambda: w.rating.screen.status.isVisible() and w.rating.flow.state == "scan", timeout=WAIT_MS)
    assert "đã được đánh giá" in screen.status_label.text()
    assert _ratings(ready_db, clock) == [(1, "wait_long,guidance")]


def test_refusals_are_shown_and_the_scan_page_stays(qtbot, ready_db, clock, start_kiosk):
    _offer(ready_db, clock)
    _label, code = _serve(ready_db, clock)
    svc = _queue(ready_db, clock)
    waiting = svc.issue("HT")
    svc.close()
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    _open_rating(qtbot, w)
    screen = w.rating.screen
    cases = [
        ("001099012345|012345678|Nguyễn Văn An|15031999|Nam|Hà Nội|20052021", "không phải mã đánh giá"),
        (rating.qr_payload(("0" if code[0] != "0" else "1") + code[1:]), "Không tìm thấy phiếu"),   # edited
        (rating.qr_payload(waiting.rating_code), "chưa được phục vụ"),
    ]
    for payload, reason in cases:
        _scan_with_scanner(qtbot, w, payload)
        qtbot.waitUntil(lambda r=reason: r in screen.status_label.text(), timeout=WAIT_MS)
        assert w.current() is screen and w.rating.flow.state == "scan"
    _shot(qtbot, w, "kiosk_rating_refused_1080x1920")
    w.set_language("en")
    assert "has not been served" in screen.status_label.text()
    assert _ratings(ready_db, clock) == []


def test_too_late_at_the_kiosk(qtbot, ready_db, clock, start_kiosk):
    _offer(ready_db, clock, minutes=30)
    _label, code = _serve(ready_db, clock)
    clock.advance(minutes=31)
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    _open_rating(qtbot, w)
    _scan_with_scanner(qtbot, w, rating.qr_payload(code))
    qtbot.waitUntil(lambda: "hết thời gian" in w.rating.screen.status_label.text(), timeout=WAIT_MS)
    assert _ratings(ready_db, clock) == []


def test_no_answer_goes_home_without_a_rating(qtbot, ready_db, clock, start_kiosk):
    _offer(ready_db, clock)
    _label, code = _serve(ready_db, clock)
    w = start_kiosk(ready_db, idle_seconds=1)
    wait_home(qtbot, w)
    _open_rating(qtbot, w)
    _scan_with_scanner(qtbot, w, rating.qr_payload(code))
    qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: w.current() is w.home, timeout=WAIT_MS)   # the kiosk's idle timeout
    assert w.rating.flow.state == "scan" and _ratings(ready_db, clock) == []


# ------------------------------------------------------------------------------------ the camera
def test_the_camera_reads_the_printed_tickets_qr(qtbot, tmp_path, ready_db, clock, fast):
    """The whole way: the kiosk prints the ticket (preview printer: PNG), a counter serves it, the citizen
    holds that very ticket to the camera."""
    from kiosk.app import create_window
    _offer(ready_db, clock)
    frames: list = []

    def camera():
        cam = FrameCamera(frames[-1])
        frames.append(cam)
        return cam

    w = create_window(kiosk_config(tmp_path, ready_db, camera="fake"), clock=clock, retry_ms=100, camera=camera)
    qtbot.addWidget(w)
    try:
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        tap(qtbot, w.home.tiles["HT"])
        wait_printed(qtbot, w)
        label = w.ticket.number.text()
        png = sorted((tmp_path / "printed").glob("*.png"))[-1]
        ticket_image = np.asarray(Image.open(png).convert("RGB"))
        assert read_qr_from_image(ticket_image).startswith(rating.QR_PREFIX)
        w.next_citizen()
        _serve(ready_db, clock, label=label)

        frames.append(ticket_image)
        _open_rating(qtbot, w)
        qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
        assert w.rating.screen.ticket_caption.text() == tr("vi", "rating_ticket", label=label)
        cam = frames[-1]
        tap(qtbot, w.rating.screen.answers.buttons[3])
        qtbot.waitUntil(lambda: w.rating.flow.state == "thanks", timeout=WAIT_MS)
        assert _ratings(ready_db, clock) == [(3, "")]
        qtbot.waitUntil(lambda: w.current() is w.home, timeout=WAIT_MS)
        assert w.rating.camera_thread is None and cam.reads > 0   # the camera runs only while scanning
    finally:
        w.shutdown()


def test_the_ticket_carries_the_rating_qr_only_when_offered(ready_db, clock, tmp_path):
    svc = _queue(ready_db, clock)
    try:
        issued = svc.issue("HT")
        office = svc.office_info()
        plain = build_ticket(kiosk_config(tmp_path, ready_db, ticket_qr="https://dvc.example/{field_code}"),
                             office, issued, "vi")
        assert plain.qr_payload == "https://dvc.example/HT" and plain.qr_caption is None
        _offer(ready_db, clock)
        office = svc.office_info()
        for lang, words in (("vi", "quét mã này tại kiosk"), ("en", "scan this code at the kiosk")):
            t = build_ticket(kiosk_config(tmp_path, ready_db, ticket_qr="https://dvc.example/{field_code}"),
                             office, issued, lang)
            assert t.qr_payload == rating.qr_payload(issued.rating_code) and words in t.qr_caption
            img = render_ticket(t, 576)
            assert read_qr_from_image(np.asarray(img.convert("RGB"))) == t.qr_payload
            img_58 = render_ticket(t, 384)                       # the narrow paper too
            assert read_qr_from_image(np.asarray(img_58.convert("RGB"))) == t.qr_payload
            if os.environ.get("KIOSK_SHOTS_DIR"):
                img.save(Path(os.environ["KIOSK_SHOTS_DIR"]) / f"ticket_rating_qr_{lang}.png")
    finally:
        svc.close()


# ------------------------------------------------------------------------------------ database trouble
def test_an_outage_while_checking_says_so_and_the_same_ticket_works_after(qtbot, ready_db, clock, start_kiosk):
    _offer(ready_db, clock)
    _label, code = _serve(ready_db, clock)
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    _open_rating(qtbot, w)
    con = sqlite3.connect(db_path(ready_db), isolation_level=None)
    try:
        con.execute("ALTER TABLE tickets RENAME TO tickets_away")       # the database breaks
        _scan_with_scanner(qtbot, w, rating.qr_payload(code))
        qtbot.waitUntil(lambda: w.rating.screen.status.isVisible() and w.rating.flow.state == "scan",
                        timeout=WAIT_MS)
        assert w.rating.screen.status_label.text() == tr("vi", "rating_db_lost")
        w.backend.refresh()                                             # the home refresh fails too ...
        qtbot.waitUntil(lambda: not w.online, timeout=WAIT_MS)
        assert w.current() is w.rating.screen                           # ... but the citizen stays here
        con.execute("ALTER TABLE tickets_away RENAME TO tickets")       # and is repaired
    finally:
        con.close()
    w.backend.refresh()
    qtbot.waitUntil(lambda: w.online, timeout=WAIT_MS)
    assert w.current() is w.rating.screen
    _scan_with_scanner(qtbot, w, rating.qr_payload(code))               # the same ticket: not "refused"
    qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)


def test_an_answer_given_during_an_outage_is_kept_and_recorded_once_after(qtbot, ready_db, clock, start_kiosk,
                                                                          fast):
    _offer(ready_db, clock)
    _label, code = _serve(ready_db, clock)
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    _open_rating(qtbot, w)
    _scan_with_scanner(qtbot, w, rating.qr_payload(code))
    qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
    con = sqlite3.connect(db_path(ready_db), isolation_level=None)
    try:
        con.execute("ALTER TABLE ratings RENAME TO ratings_away")
        tap(qtbot, w.rating.screen.answers.buttons[2])
        qtbot.waitUntil(lambda: w.rating.flow.state == "thanks", timeout=WAIT_MS)
        assert w.rating.screen.thanks_note.text() == tr("vi", "rating_kept")
        assert len(w.rating.flow.pending) == 1
        qtbot.waitUntil(lambda: w.current() is w.home, timeout=WAIT_MS)    # the next citizen is not kept waiting
        assert len(w.rating.flow.pending) == 1                              # still being tried
        con.execute("ALTER TABLE ratings_away RENAME TO ratings")
    finally:
        con.close()
    qtbot.waitUntil(lambda: not w.rating.flow.pending, timeout=WAIT_MS)
    assert _ratings(ready_db, clock) == [(2, "")]
    assert not w.rating.resend_timer.isActive()


# ------------------------------------------------------------------------------------ look at it
@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_the_rating_screens_at_kiosk_sizes(qtbot, ready_db, clock, start_kiosk, size):
    """Big text and targets on both screen shapes (KIOSK_SHOTS_DIR=dir keeps the pictures to look at)."""
    _offer(ready_db, clock)
    svc = _queue(ready_db, clock)
    with svc.session() as s:
        s.execute(update(Office).values(rating_scale="five"))
    svc.close()
    _label, code = _serve(ready_db, clock)
    w = start_kiosk(ready_db, size=size)
    wait_home(qtbot, w)
    name = f"{size[0]}x{size[1]}"
    qtbot.waitUntil(lambda: w.home.rating_entry.isVisible(), timeout=WAIT_MS)
    _shot(qtbot, w, f"kiosk_home_with_rating_{name}")
    _open_rating(qtbot, w)
    _shot(qtbot, w, f"kiosk_rating_scan_{name}")
    screen = w.rating.screen
    _scan_with_scanner(qtbot, w, rating.qr_payload(code))
    qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
    assert list(screen.answers.buttons) == [5, 4, 3, 2, 1]
    qtbot.wait(50)
    _shot(qtbot, w, f"kiosk_rating_ask_{name}")
    for b in screen.answers.buttons.values():
        assert b.height() >= 120 and b.width() >= 240
        assert b.fontMetrics().boundingRect(b.text().split("\n")[0]).width() <= b.width()
        assert b.mapTo(w, b.rect().bottomRight()).y() <= w.height()        # on the screen, not below it
    tap(qtbot, screen.answers.buttons[1])
    qtbot.wait(50)
    _shot(qtbot, w, f"kiosk_rating_reasons_{name}")
    for b in (*screen.chips.buttons.values(), screen.send, screen.skip):
        assert b.height() >= 120 and b.mapTo(w, b.rect().bottomRight()).y() <= w.height()
    tap(qtbot, screen.skip)
    qtbot.waitUntil(lambda: w.rating.flow.state == "thanks", timeout=WAIT_MS)
    _shot(qtbot, w, f"kiosk_rating_thanks_{name}")
    assert _ratings(ready_db, clock) == [(1, "")]


def test_with_face_recognition_on_the_face_camera_reads_the_ticket(qtbot, tmp_path, ready_db, clock, start_kiosk,
                                                                   fast):
    """One camera for both: face recognition's loop looks for a QR while the rating's scan page is up."""
    from kiosk.face_worker import FaceWorker
    from kiosk.ui.face_screens import attach_face

    class NoFaces:                                         # a flow that never recognises anyone
        def observe(self, encoding, decide=True):
            return None

        def close(self):
            pass

    _offer(ready_db, clock)
    label, code = _serve(ready_db, clock)
    svc = _queue(ready_db, clock)
    issued = svc.issue("HT")
    office = svc.office_info()
    svc.close()
    printed = build_ticket(kiosk_config(tmp_path, ready_db), office, issued, "vi")   # a real ticket's layout ...
    served = dataclasses.replace(printed, qr_payload=rating.qr_payload(code))          # ... with the served one's QR
    image = np.asarray(render_ticket(served, 576).convert("RGB"))
    w = start_kiosk(ready_db)
    worker = FaceWorker(lambda: FrameCamera(image), lambda _frame: None, period_s=0.05)
    w.face = attach_face(w, flow=NoFaces(), camera=worker)
    qtbot.waitUntil(lambda: w.face.camera_thread is not None, timeout=WAIT_MS)
    wait_home(qtbot, w)
    assert not worker.scanning.is_set()                    # the ticket is in view, but nobody asked to rate
    _open_rating(qtbot, w)
    qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
    assert w.rating.screen.ticket_caption.text() == tr("vi", "rating_ticket", label=label)
    assert not worker.scanning.is_set() and w.rating.camera_thread is None   # no second camera loop
    tap(qtbot, w.rating.screen.answers.buttons[2])
    qtbot.waitUntil(lambda: w.current() is w.home, timeout=WAIT_MS)
    assert _ratings(ready_db, clock) == [(2, "")]


def test_a_serial_scanner_rates_on_the_scan_page_only(qtbot, tmp_path, ready_db, clock, start_kiosk, fast):
    """A scanner in USB-serial mode (``scanner = "serial:..."``) on a real pseudo-terminal, face recognition off."""
    import pty
    _offer(ready_db, clock)
    label, code = _serve(ready_db, clock)
    master, slave = pty.openpty()
    link = tmp_path / "usb-Ticket_Scanner-if00"
    link.symlink_to(os.ttyname(slave))
    os.close(slave)
    try:
        w = start_kiosk(ready_db, scanner=f"serial:{link}")
        wait_home(qtbot, w)
        qtbot.waitUntil(w.rating.scanner.reader.connected.is_set, timeout=WAIT_MS)
        os.write(master, rating.qr_payload(code).encode() + b"\r\n")          # on the home screen: dropped
        qtbot.wait(300)
        assert w.current() is w.home and w.rating.flow.state == "scan"
        _open_rating(qtbot, w)
        os.write(master, rating.qr_payload(code).encode() + b"\r\n")
        qtbot.waitUntil(lambda: w.rating.flow.state == "ask", timeout=WAIT_MS)
        assert w.rating.screen.ticket_caption.text() == tr("vi", "rating_ticket", label=label)
        tap(qtbot, w.rating.screen.answers.buttons[3])
        qtbot.waitUntil(lambda: w.current() is w.home, timeout=WAIT_MS)
        assert _ratings(ready_db, clock) == [(3, "")]
    finally:
        os.close(master)
