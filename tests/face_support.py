"""Helpers for the kiosk's face tests (no tests, no fixtures: the ``db``, ``store`` and ``kiosk`` fixtures that use
them are in conftest.py). Faces are 128-d encodings in memory, what the camera worker hands the GUI."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.visitors.cccd import parse_cccd
from core.visitors.flow import LOOK_FRAMES
from core.visitors.recognition import Recognizer
from core.visitors.store import VisitorStore
from tests.kiosk_support import check_for_elderly_eyes, wait_printed
from tests.kiosk_support import tap as tap_widget

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


def enrol(store: VisitorStore, recognizer: Recognizer, payload: str, base: np.ndarray,
          last_field: str | None = None) -> int:
    consent = store.record_consent(True, "kiosk-1")
    vid = store.register_from_cccd(parse_cccd(payload), consent)
    recognizer.add_encodings(vid, frames_of(base, 3, seed=vid))
    store.record_visit(vid, last_field)
    return vid


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


def scanner_sends(widget, text: str) -> None:
    """A USB scanner in keyboard mode: one key event per character (QTest.keyClicks only knows Latin-1), then
    Enter, without waiting for the visitor worker's answer."""
    for ch in text:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_unknown, Qt.NoModifier, ch))
    for kind in (QEvent.KeyPress, QEvent.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key_Return, Qt.NoModifier, "\r"))


def scanner_types(widget, text: str) -> None:
    """A scan, then the visitor worker's answers to it."""
    scanner_sends(widget, text)
    settle(widget.window())


def take_ticket(qtbot, w, code: str = "HT") -> None:
    tap(qtbot, w.home.tiles[code])
    wait_printed(qtbot, w)
    settle(w)                                          # the visit is recorded on the visitor worker




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


