"""CCCD codes on the real kiosk window (offscreen), a real SQLite queue and VisitorStore, as real devices deliver
them: a keyboard wedge that lost the Vietnamese letters (the kiosk shows the name and asks; it never stores a
mangled name), the camera (the code's own bytes), and a scanner in USB-serial mode on a real pseudo-terminal."""
from __future__ import annotations

import pytest

import os
import pty
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.config import ScannerSetting
from db.models import Visitor
from db.privacy_models import FaceTemplate
from kiosk.scanner_bridge import ScannerBridge
from kiosk.ui.face_screens import attach_face
from core.visitors.flow import FaceFlow
from core.visitors.recognition import Recognizer
from tests.face_support import (AN, count, face, frames_of, open_consent, scanner_types, see, settle, shot, tap,
                                visible_texts)
from tests.kiosk_support import check_for_elderly_eyes

AN_TYPED = AN.replace("Nguyễn Văn An", "Nguyen Van An")    # a US-layout wedge drops the marks (and the address's)
PLAIN = "036190004321||Mai Lan Anh|12051990|Nữ|Xã Hải Hậu, Nam Định|03032022"   # a name that really has none


def _to_scan_screen(qtbot, w, seed: int) -> None:
    person = face(seed)
    open_consent(qtbot, w, person)
    tap(qtbot, w.face.consent.agree)
    assert w.current() is w.face.scan
    see(w, frames_of(person, 3, seed=seed + 100))


def _full_names(store) -> list[str]:
    with Session(store.engine) as s:
        ids = s.scalars(select(Visitor.id)).all()
    return [store.identity(i).full_name for i in ids]


def test_a_wedge_name_without_marks_is_shown_and_asked_then_the_camera_reads_it_right(qtbot, kiosk, store):
    w, _ = kiosk(Recognizer(store))
    _to_scan_screen(qtbot, w, 21)
    scanner_types(w.face.scan.input, AN_TYPED)
    assert w.current() is w.face.name_check                # asked, not refused, not stored
    assert w.face.name_check.name_label.text() == "Nguyen Van An"
    texts = visible_texts(w)
    assert "Tên của bác có dấu không?" in texts and "quét lại bằng camera" in texts
    assert "001099012345" not in texts                     # the ID number is never shown
    assert count(store.engine, Visitor) == 0 and count(store.engine, FaceTemplate) == 0
    shot(w, "name_check")

    tap(qtbot, w.face.name_check.rescan_button)
    assert w.current() is w.face.scan and w.face.scan.error.isVisible()
    assert "trước camera" in w.face.scan.error_label.text()
    shot(w, "scan_with_camera")
    assert count(store.engine, Visitor) == 0
    w.face._qr_seen(AN)                                    # the camera worker's signal: the card's own bytes
    settle(w)
    assert w.current() is w.face.message
    assert w.face.message.text.text() == "Đã xong. Lần sau máy sẽ chào bác An."
    assert _full_names(store) == ["Nguyễn Văn An"]         # only the right name was ever stored


def test_a_name_that_really_has_no_marks_is_stored_once_the_citizen_confirms_it(qtbot, kiosk, store):
    w, _ = kiosk(Recognizer(store))
    _to_scan_screen(qtbot, w, 22)
    scanner_types(w.face.scan.input, PLAIN)
    assert w.current() is w.face.name_check and w.face.name_check.name_label.text() == "Mai Lan Anh"
    assert count(store.engine, Visitor) == 0
    tap(qtbot, w.face.name_check.confirm_button)
    assert w.current() is w.face.message
    assert _full_names(store) == ["Mai Lan Anh"] and count(store.engine, FaceTemplate) == 3


def test_cancel_on_the_name_question_stores_nothing(qtbot, kiosk, store):
    w, _ = kiosk(Recognizer(store))
    _to_scan_screen(qtbot, w, 23)
    scanner_types(w.face.scan.input, AN_TYPED)
    assert w.current() is w.face.name_check
    tap(qtbot, w.face.name_check.cancel)
    assert w.current() is w.home
    assert count(store.engine, Visitor) == 0


def test_a_plain_name_read_by_the_camera_is_the_cards_own_and_is_not_asked_about(qtbot, kiosk, store):
    w, _ = kiosk(Recognizer(store))
    _to_scan_screen(qtbot, w, 24)
    w.face._qr_seen(PLAIN)
    settle(w)
    assert w.current() is w.face.message
    assert _full_names(store) == ["Mai Lan Anh"]


def test_the_name_question_in_english(qtbot, kiosk, store):
    w, _ = kiosk(Recognizer(store), lang="en")
    _to_scan_screen(qtbot, w, 25)
    scanner_types(w.face.scan.input, AN_TYPED)
    assert w.current() is w.face.name_check
    texts = visible_texts(w)
    assert "Does your name have accent marks?" in texts and "scan with the camera" in texts
    shot(w, "name_check")


def test_a_serial_scanner_registers_with_the_marks_and_is_ignored_off_the_scan_screen(qtbot, kiosk, store,
                                                                                      tmp_path):
    master, slave = pty.openpty()
    link = tmp_path / "usb-CCCD_Scanner-if00"
    link.symlink_to(os.ttyname(slave))
    os.close(slave)
    bridge = ScannerBridge(ScannerSetting("serial", str(link)), reconnect_s=0.05)
    w, _ = kiosk(Recognizer(store))
    w.face.stop()                                          # the fixture's controller: replaced by one with the scanner
    w.face = attach_face(w, flow=FaceFlow(store, Recognizer(store), "kiosk-1"), scanner=bridge)
    threads = []
    handle = w.face._device_scanned
    w.face._device_scanned = lambda payload, source: (threads.append(threading.current_thread()),
                                                      handle(payload, source))
    try:
        qtbot.waitUntil(bridge.reader.connected.is_set, timeout=10_000)
        os.write(master, b"\xef\xbb\xbf" + AN.encode("utf-8") + b"\r\n")    # on the home screen: dropped
        qtbot.wait(300)
        settle(w)
        assert w.current() is w.home and count(store.engine, Visitor) == 0

        _to_scan_screen(qtbot, w, 26)
        data = b"\xef\xbb\xbf" + AN.encode("utf-8") + b"\r\n"
        for i in range(0, len(data), 16):                 # USB packets of a few bytes
            os.write(master, data[i:i + 16])
        qtbot.waitUntil(lambda: w.current() is w.face.message, timeout=10_000)
        settle(w)
        assert w.face.message.text.text() == "Đã xong. Lần sau máy sẽ chào bác An."
        assert _full_names(store) == ["Nguyễn Văn An"]
        assert threads and all(t is threading.main_thread() for t in threads)   # handled on the GUI thread

        os.close(master)                                   # unplugged: the kiosk goes on
        master = None
        qtbot.waitUntil(lambda: not bridge.reader.connected.is_set(), timeout=10_000)
        tap(qtbot, w.face.message.done_button)
        assert w.current() is w.home and bridge.reader.thread.is_alive()
    finally:
        if master is not None:
            os.close(master)
        w.face.stop()
    assert not bridge.reader.thread.is_alive()


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1024, 768), (768, 1366), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_name_question_fits_every_kiosk_screen(qtbot, kiosk, store, size, lang):
    """On a 1366x768 kiosk the column of name, text and three big buttons ran off the screen (buttons over each
    other: seen on Xvfb). Landscape puts the answers beside the name."""
    w, _ = kiosk(Recognizer(store), lang=lang)
    w.resize(*size)
    _to_scan_screen(qtbot, w, 27)
    scanner_types(w.face.scan.input, AN_TYPED)
    assert w.current() is w.face.name_check
    try:
        qtbot.waitUntil(lambda: not check_for_elderly_eyes(w), timeout=3_000)
    except qtbot.TimeoutError:
        raise AssertionError(check_for_elderly_eyes(w)) from None
    screen = w.face.name_check
    inside = screen.rect()
    for b in (screen.rescan_button, screen.confirm_button, screen.cancel):
        assert inside.contains(b.geometry().translated(b.parentWidget().mapTo(screen, b.pos()) - b.pos())), b.text()
