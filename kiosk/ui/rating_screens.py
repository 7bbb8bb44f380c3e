"""The satisfaction question at the kiosk: "Đánh giá" on the home screen, then "hold your ticket's QR code to
the camera (or the scanner)", then the same question as at the counter (gui/rating_widgets.py) on the centre's
scale, reasons when the answer is low, thanks, and home. ``attach_rating(window, ...)`` plugs it in (the
composition root, kiosk/app.py); what may be rated is the queue's decision, the states are
core/rating_flow.py's. Shown only when the centre offers it (catalogue ``kiosk_rating``).

The QR comes from a hand scanner (it types the text + Enter into a focused, invisible line edit) or from the
camera (kiosk/face_worker.py, looking for a QR only while this scan page is up). Queue calls run on their own
worker thread; a database outage is said on the screen and an answer already given is kept and sent again.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from core.rating_flow import ASK, CHECKING, REASONS, SCAN, SENDING, THANKS, Answer, KioskRatingFlow, is_outage
from gui import theme
from gui.rating_widgets import AnswerButtons, ReasonChips, rating_style
from gui.worker import Jobs, WorkerThread
from ..i18n import tr
from .screens import Screen
from .widgets import ScannerInput, button, label

log = logging.getLogger(__name__)

THANKS_MS = 5_000            # the thank-you page, then home for the next citizen
RESEND_MS = 5_000            # answers kept through an outage are sent again this often
BIG_BUTTON_PX = 150
BODY_PX = 34


def _frame(name: str) -> QFrame:
    f = QFrame()
    f.setObjectName(name)
    f.setAttribute(Qt.WA_StyledBackground)
    return f


GLYPH_MAX_PX = 200     # the QR sign above the scan hint: smaller on short screens (1366x768), never clipped


class RatingScreen(Screen):
    """The pages of the kiosk's rating: scan, ask, reasons, thanks. Shows a KioskRatingFlow; reports taps."""

    scanned = Signal(str)          # from the hand scanner (the camera's QR comes through the controller)
    chosen = Signal(int)
    reason_toggled = Signal(str)
    reasons_sent = Signal(bool)    # skip?
    cancelled = Signal()

    def __init__(self, flow: KioskRatingFlow):
        super().__init__()
        self.flow = flow
        self.setStyleSheet(rating_style(theme.palette("light"), answer_text_px=36))
        self.pages = QStackedWidget()
        self.page_of: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 24, 48, 32)
        outer.addWidget(self.pages)

        # scan
        box = self._page(SCAN, CHECKING)
        self.scan_title = label(role="title")
        self.scan_hint = label(px=44, bold=True, align=Qt.AlignCenter)
        self.scan_where = label(px=BODY_PX, align=Qt.AlignCenter)
        self.status = _frame("warning")
        self.status_label = label(px=BODY_PX, bold=True)
        QHBoxLayout(self.status).addWidget(self.status_label)
        self.status.hide()
        self.input = ScannerInput(self, "ratingScannerInput", max_length=500)
        self.input.scanned.connect(self.scanned)
        self.back = button("", name="ratingBack")
        self.back.setFixedHeight(BIG_BUTTON_PX)
        self.back.setStyleSheet("font-size: 36px;")
        self.back.clicked.connect(self.cancelled)
        box.addWidget(self.scan_title)
        box.addStretch(1)
        self.glyph = label("▣", px=GLYPH_MAX_PX, bold=True, align=Qt.AlignCenter, wrap=False)
        box.addWidget(self.glyph)
        box.addWidget(self.scan_hint)
        box.addWidget(self.scan_where)
        box.addWidget(self.status)
        box.addStretch(1)
        box.addWidget(self.back)

        # ask
        box = self._page(ASK, SENDING)
        self.question = label(px=theme.TITLE + 12, bold=True, align=Qt.AlignCenter)
        self.ticket_caption = label(px=BODY_PX, align=Qt.AlignCenter)
        self.answers = AnswerButtons(flow.scale)
        self.answers.chosen.connect(self.chosen)
        box.addStretch(1)
        box.addWidget(self.question)
        box.addWidget(self.ticket_caption)
        box.addSpacing(24)
        box.addWidget(self.answers)
        box.addStretch(1)

        # reasons
        box = self._page(REASONS)
        self.reasons_question = label(px=theme.TITLE, bold=True, align=Qt.AlignCenter)
        self.chips = ReasonChips(columns=2)
        self.chips.toggled.connect(self.reason_toggled)
        self.skip = button("", name="ratingSkip")
        self.send = button("", kind="primary", name="ratingSend")
        for b in (self.skip, self.send):
            b.setFixedHeight(BIG_BUTTON_PX)
            b.setStyleSheet("font-size: 36px;")
        self.skip.clicked.connect(lambda: self.reasons_sent.emit(True))
        self.send.clicked.connect(lambda: self.reasons_sent.emit(False))
        row = QHBoxLayout()
        row.setSpacing(32)
        row.addWidget(self.skip, 1)
        row.addWidget(self.send, 2)
        box.addWidget(self.reasons_question)
        box.addWidget(self.chips)
        box.addStretch(1)
        box.addLayout(row)

        # thanks
        box = self._page(THANKS)
        self.thanks = label(px=theme.TITLE + 24, bold=True, align=Qt.AlignCenter)
        self.thanks_note = label(px=BODY_PX, bold=True, align=Qt.AlignCenter)
        box.addStretch(1)
        box.addWidget(self.thanks)
        box.addWidget(self.thanks_note)
        box.addStretch(1)

    def _page(self, *states: str) -> QVBoxLayout:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(28)
        self.pages.addWidget(page)
        for s in states:
            self.page_of[s] = page
        return box

    def arrange(self, landscape: bool) -> None:
        self.answers.arrange(vertical=not landscape)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # a fifth of the height at most: on a 768-px landscape kiosk a 200-px sign squeezed the hint and was cut
        px = max(theme.MIN_TEXT_PX, min(GLYPH_MAX_PX, self.height() // 7))
        self.glyph.setStyleSheet(f"font-size: {px}px; font-weight: bold;")   # label() sizes by style sheet

    def focus_scanner(self) -> None:
        self.input.take_focus(clear=True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.input.take_focus()

    def _both(self, key: str, **values) -> str:
        """The citizen's language first, the other under it: an elderly reader finds their own."""
        other = "en" if self.lang == "vi" else "vi"
        return f"{tr(self.lang, key, **values)}\n{tr(other, key, **values)}"

    def render(self) -> None:
        f = self.flow
        self.pages.setCurrentWidget(self.page_of[f.state])
        self.scan_title.setText(self.t("rating_scan_title"))
        self.scan_hint.setText(self.t("rating_scan_hint"))
        self.scan_where.setText(self.t("rating_scan_where"))
        self.back.setText(self.t("back"))
        status = ""
        if f.state == CHECKING:
            status = self.t("rating_checking")
        elif f.error is not None:
            status = (self.t("rating_db_lost") if is_outage(f.error)
                      else self.t("rating_refused", reason=f.error.message(self.lang)))
        self.status_label.setText(status)
        self.status.setVisible(bool(status))
        self.question.setText(self._both("rating_question"))
        self.ticket_caption.setText(self.t("rating_ticket", label=f.label) if f.label else "")
        self.answers.set_scale(f.scale)
        self.answers.set_active(f.state == ASK)
        self.reasons_question.setText(self._both("rating_reasons"))
        self.chips.show_state(f.reasons, f.state == REASONS)
        self.skip.setText(self.t("rating_skip"))
        self.send.setText(self.t("rating_send"))
        self.skip.setEnabled(f.state == REASONS)
        self.send.setEnabled(f.state == REASONS)
        self.thanks.setText(self._both("rating_thanks"))
        note = ""
        if f.kept:
            note = self.t("rating_kept")
        elif f.not_recorded is not None:
            reason = f.not_recorded.message(self.lang) if hasattr(f.not_recorded, "message") else ""
            note = self.t("rating_not_recorded", reason=reason)
        self.thanks_note.setText(note)


class KioskRating(QObject):
    """Moves the window to and through the rating screen; every queue call runs on ``self.jobs``.

    ``open_service``: makes a QueueService (called on the worker thread). The camera: face recognition's
    (``window.face.worker``, running already: only its QR scanning is switched on here) when it is on, else
    ``new_camera()`` makes a QR-only FaceWorker, run only while the scan page is up (none: the scanner only).
    A USB-serial scanner (kiosk/scanner_bridge.py): face recognition's when it has one, else ``scanner``
    (started here); a keyboard-wedge scanner types into the scan page by itself."""

    def __init__(self, window, open_service: Callable[[], Any], new_camera: Callable[[], Any] | None = None,
                 scanner=None):
        super().__init__(window)
        self.window, self.open_service = window, open_service
        self.flow = KioskRatingFlow()
        self.screen = RatingScreen(self.flow)
        self.screen.set_language(window.lang)
        window.stack.addWidget(self.screen)
        window.screens = (*window.screens, self.screen)      # retranslated with the others
        self.screen.arrange(window.is_landscape())
        self.new_camera = new_camera
        self.camera = None                                   # our own camera loop, while the scan page is up
        self.camera_thread: WorkerThread | None = None
        self._shared = None                                  # face recognition's camera, once connected
        self._svc = None
        self.jobs = Jobs("kiosk-rating", parent=self, on_close=self._close_service)
        self.thanks_timer = QTimer(self, singleShot=True, interval=THANKS_MS)
        self.thanks_timer.timeout.connect(self._thanked)
        self.resend_timer = QTimer(self, interval=RESEND_MS)
        self.resend_timer.timeout.connect(self._resend)

        self.scanner = scanner                               # ours: started here, stopped in stop()
        serial = scanner if scanner is not None else getattr(window.face, "scanner", None)
        if serial is not None:
            serial.scanned.connect(self.serial_scanned)      # a slot of this object: queued to the GUI thread
        if scanner is not None:
            scanner.start()
        window.home.rating_requested.connect(self.start)
        self.screen.scanned.connect(self.scan)
        self.screen.chosen.connect(self.choose)
        self.screen.reason_toggled.connect(self.toggle_reason)
        self.screen.reasons_sent.connect(self.send_reasons)
        self.screen.cancelled.connect(self.window.next_citizen)
        window.stack.currentChanged.connect(self._screen_changed)

    # -- the queue, on the worker thread ---------------------------------------------------
    def _service(self):
        if self._svc is None:
            self._svc = self.open_service()
        return self._svc

    def _call(self, fn: Callable[[Any], Any]) -> Callable[[], Any]:
        def run():
            try:
                return fn(self._service())
            except Exception as exc:
                if is_outage(exc):                       # a fresh connection next time
                    self._close_service()
                raise
        return run

    def _close_service(self) -> None:
        svc, self._svc = self._svc, None
        if svc is not None:
            try:
                svc.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not stop the kiosk
                log.exception("closing the rating service failed")

    # -- the citizen --------------------------------------------------------------------------
    @Slot()
    def start(self) -> None:
        if not self.window.online or self.window.issuing:
            return
        self.flow.start()
        self.screen.render()
        self.window.show(self.screen)
        self.screen.focus_scanner()

    def active(self) -> bool:
        return self.window.current() is self.screen

    def wants_qr(self) -> bool:
        return self.active() and self.flow.state == SCAN

    @Slot(str)
    def camera_qr(self, payload: str) -> None:
        if self.wants_qr():
            self.scan(payload)

    @Slot(str)
    def serial_scanned(self, payload: str) -> None:
        if self.wants_qr():
            self.scan(payload)

    @Slot(str)
    def scan(self, payload: str) -> None:
        if not self.active():
            return
        scanned = self.flow.scan(payload)
        if scanned is None:
            return
        self.screen.render()
        self._set_scanning()
        self.jobs.submit(self._call(lambda svc: svc.rating_ticket(scanned)), self._checked,
                         lambda exc: self._checked(None, exc))

    def _checked(self, ticket, error: Exception | None = None) -> None:
        if not self.active():
            return
        if error is not None:
            (log.warning if is_outage(error) else log.info)("kiosk rating: scan refused: %s", error)
        self.flow.checked(ticket, error)
        self.screen.render()
        self._set_scanning()
        if self.flow.state == SCAN:
            self.screen.focus_scanner()

    @Slot(int)
    def choose(self, value: int) -> None:
        self._send(self.flow.choose(value))
        self.screen.render()

    @Slot(str)
    def toggle_reason(self, reason: str) -> None:
        self.flow.toggle_reason(reason)
        self.screen.render()

    @Slot(bool)
    def send_reasons(self, skip: bool) -> None:
        self._send(self.flow.send_reasons(skip))
        self.screen.render()

    def _send(self, answer: Answer | None) -> None:
        if answer is None:
            return
        self.jobs.submit(self._call(lambda svc: svc.rate_by_code(answer.scanned, answer.value, answer.reasons)),
                         lambda _r: self._sent(answer, None), lambda exc: self._sent(answer, exc))

    def _sent(self, answer: Answer, error: Exception | None) -> None:
        if error is not None:
            if is_outage(error):
                log.warning("kiosk rating for %s kept until the database answers: %s", answer.label, error)
            else:
                log.info("kiosk rating for %s not recorded: %s", answer.label, error)
        elif answer in self.flow.pending:
            log.info("kiosk rating for %s recorded after the outage", answer.label)
        was_sending = self.flow.state == SENDING
        self.flow.sent(answer, error)
        if self.flow.pending and not self.resend_timer.isActive():
            self.resend_timer.start()
        elif not self.flow.pending:
            self.resend_timer.stop()
        if was_sending and self.flow.state == THANKS and self.active():
            self.screen.render()
            self.thanks_timer.start()

    def _resend(self) -> None:
        for answer in list(self.flow.pending):
            if not self.jobs.pending:
                self.jobs.submit(self._call(lambda svc, a=answer: svc.rate_by_code(a.scanned, a.value, a.reasons)),
                                 lambda _r, a=answer: self._sent(a, None), lambda exc, a=answer: self._sent(a, exc))

    def _thanked(self) -> None:
        if self.active() and self.flow.state == THANKS:
            self.window.next_citizen()

    # -- the camera ---------------------------------------------------------------------------
    def _screen_changed(self, _index: int) -> None:
        if not self.active():
            self.thanks_timer.stop()
            if self.flow.state != SENDING:
                self.flow.start()                # timed out or left: the next citizen starts afresh
        self._set_scanning()

    def _face_camera(self):
        face = self.window.face
        if face is None or face.worker is None or face.camera_thread is None or not face.camera_thread.is_running():
            return None                          # (a running face camera is used even with recognition off:
                                                 # a second loop could not open the same device)
        if self._shared is not face.worker:
            self._shared = face.worker
            face.worker.qr_seen.connect(self.camera_qr)
        return face.worker

    def _set_scanning(self) -> None:
        shared = self._face_camera()
        if shared is not None:
            shared.set_scanning(self.window.wants_qr())      # face recognition's scan screen, or ours
            return
        if self.wants_qr() and self.camera_thread is None and self.new_camera is not None:
            try:
                self.camera = self.new_camera()
            except Exception:  # noqa: BLE001 - no camera: the hand scanner still works
                log.exception("the rating camera cannot be used; the scanner still works")
                self.new_camera = None
                return
            self.camera.qr_seen.connect(self.camera_qr)
            self.camera.unavailable.connect(self._camera_lost)
            self.camera.set_scanning(True)
            self.camera_thread = WorkerThread(self.camera, "rating-camera", run=self.camera.run)
        elif not self.active() and self.camera_thread is not None:
            self._stop_camera()                              # the camera is used only while someone is rating

    @Slot(str)
    def _camera_lost(self, reason: str) -> None:
        log.warning("rating camera unavailable: %s — the hand scanner still works", reason)

    def _stop_camera(self) -> None:
        if self.camera_thread is not None:
            self.camera_thread.stop()
            self.camera_thread, self.camera = None, None

    def stop(self) -> None:
        self.thanks_timer.stop()
        self.resend_timer.stop()
        self._stop_camera()
        if self.scanner is not None:
            self.scanner.stop()
        self.jobs.stop()


def attach_rating(window, open_service: Callable[[], Any], new_camera: Callable[[], Any] | None = None,
                  scanner=None) -> KioskRating:
    """Plug the kiosk's rating into a KioskWindow (kiosk/app.py does, always: the entry shows only when the
    centre's catalogue offers kiosk rating)."""
    return KioskRating(window, open_service, new_camera, scanner)
