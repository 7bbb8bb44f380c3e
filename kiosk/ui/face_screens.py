"""The citizen's side of face recognition: camera notice, greeting, birth-date question, registration offer,
consent, CCCD scan, delete-my-data. ``attach_face(window)`` plugs them into the kiosk window.

Active only with ``cfg.face_enabled``. Whatever goes wrong here (no camera, no face models, no key file)
is logged for the staff and the kiosk carries on issuing tickets without recognition.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLineEdit, QVBoxLayout

from core.visitors.flow import FaceFlow, Outcome, Registration
from core.visitors.texts import face_tr
from core.visitors.store import consent_text
from db.engine import is_transient_error
from gui import theme
from gui.worker import Jobs, WorkerThread
from .screens import Screen
from .widgets import button, label

log = logging.getLogger(__name__)

BIG_BUTTON_PX = 150          # the tall buttons of these screens (touch target ≥ 120 px)
BUTTON_TEXT_PX = 36
BODY_PX = 34                 # the sentences of these screens (≥ 28 px)
CHOICE_WIDTH_PX = 440        # each of two side-by-side choices (the same for both: equal weight)


def _frame(name: str) -> QFrame:
    f = QFrame()
    f.setObjectName(name)
    f.setAttribute(Qt.WA_StyledBackground)
    return f


def _big(name: str, kind: str | None = None):
    b = button("", kind=kind, name=name)
    b.setFixedHeight(BIG_BUTTON_PX)
    b.setStyleSheet(f"font-size: {BUTTON_TEXT_PX}px;")
    return b


def _pair(left, right) -> QHBoxLayout:
    """Two answers side by side, same size and same style: neither is the 'default'."""
    row = QHBoxLayout()
    row.setSpacing(40)
    for b in (left, right):
        b.setFixedSize(CHOICE_WIDTH_PX, BIG_BUTTON_PX)
        row.addWidget(b)
    return row


class FaceScreen(Screen):
    """A kiosk screen whose words come from core/visitors/texts.py."""

    def t(self, key: str, **values) -> str:
        return face_tr(self.lang, key, **values)

    def _page(self) -> QVBoxLayout:
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 32, 48, 40)
        box.setSpacing(28)
        return box


# ------------------------------------------------------------------------------ on the home screen
class CameraNotice(QFrame):
    """The visible notice that a camera is in use (Law 91/2025: the person must know)."""

    def __init__(self):
        super().__init__()
        self.setObjectName("warning")
        self.setAttribute(Qt.WA_StyledBackground)
        self.text = label(px=theme.TEXT_SMALL, bold=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 20, 8)
        row.addWidget(self.text)

    def set_language(self, lang: str) -> None:
        self.text.setText(face_tr(lang, "camera_notice"))


class GreetingBanner(QFrame):
    """'Chào mừng bác An quay lại' with 'Không phải tôi' and 'Xóa dữ liệu của tôi'."""

    not_me = Signal()
    delete_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("greeting")
        self.setAttribute(Qt.WA_StyledBackground)
        self.name: str | None = None
        self.text = label(px=theme.TITLE, bold=True)
        self.hint = label(px=theme.TEXT_SMALL)
        self.not_me_button = button("", name="faceNotMe")
        self.delete_button = button("", name="faceDeleteMyData")
        self.not_me_button.clicked.connect(self.not_me)
        self.delete_button.clicked.connect(self.delete_requested)
        grid = QGridLayout(self)
        grid.setContentsMargins(20, 12, 20, 12)
        grid.addWidget(self.text, 0, 0, 1, 2)
        grid.addWidget(self.hint, 1, 0, 1, 2)
        grid.addWidget(self.not_me_button, 2, 0)
        grid.addWidget(self.delete_button, 2, 1)
        self.hide()

    def set_language(self, lang: str) -> None:
        self.text.setText(face_tr(lang, "greeting", name=self.name) if self.name
                          else face_tr(lang, "greeting_anonymous"))
        self.hint.setText(face_tr(lang, "last_field_first"))
        self.not_me_button.setText(face_tr(lang, "not_me"))
        self.delete_button.setText(face_tr(lang, "delete_my_data"))


# ------------------------------------------------------------------------------ screens
class BirthDateScreen(FaceScreen):
    """Second factor: three big dates of birth, and 'Không phải tôi' always there."""

    chosen = Signal(object)      # a datetime.date, or None for "not me"

    def __init__(self):
        super().__init__()
        self.dates: tuple = ()
        box = self._page()
        self.title = label(role="title")
        self.hint = label(px=BODY_PX)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        self.date_box = QVBoxLayout()
        self.date_box.setSpacing(24)
        box.addLayout(self.date_box)
        box.addSpacing(40)
        self.not_me = _big("faceDateNotMe")
        self.not_me.clicked.connect(lambda: self.chosen.emit(None))
        box.addWidget(self.not_me)
        box.addStretch(1)
        self.date_buttons: list = []

    def ask(self, dates: tuple) -> None:
        self.dates = dates
        for b in self.date_buttons:
            b.deleteLater()
        self.date_buttons = []
        for born in dates:
            b = _big(f"faceDate_{born:%Y%m%d}", kind="primary")
            b.setText(f"{born:%d/%m/%Y}")
            b.setStyleSheet("font-size: 56px;")
            b.clicked.connect(lambda _=False, d=born: self.chosen.emit(d))
            self.date_box.addWidget(b)
            self.date_buttons.append(b)
        self.render()

    def render(self) -> None:
        self.title.setText(self.t("birth_date_title"))
        self.hint.setText(self.t("birth_date_hint"))
        self.not_me.setText(self.t("not_me"))


class OfferScreen(FaceScreen):
    """After the ticket: 'Lần sau nhận diện nhanh hơn?' — learn more (consent screen) or no."""

    more = Signal()
    skip = Signal()

    def __init__(self):
        super().__init__()
        box = self._page()
        self.title = label(role="title")
        self.text = label(px=BODY_PX)
        self.more_button = _big("faceOfferMore")
        self.skip_button = _big("faceOfferSkip")
        self.more_button.clicked.connect(self.more)
        self.skip_button.clicked.connect(self.skip)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addSpacing(20)
        box.addLayout(_pair(self.more_button, self.skip_button))
        box.addStretch(1)

    def render(self) -> None:
        self.title.setText(self.t("offer_title"))
        self.text.setText(self.t("offer_text"))
        self.more_button.setText(self.t("offer_more"))
        self.skip_button.setText(self.t("offer_skip"))


class ConsentScreen(FaceScreen):
    """The exact consent text of CONSENT_VERSION and two equal answers; nothing is pre-selected."""

    answered = Signal(bool)

    def __init__(self, retention_months: int = 12):
        super().__init__()
        self.retention_months = retention_months
        box = self._page()
        self.title = label(role="title")
        self.card = _frame("card")
        self.text = label(px=BODY_PX)
        self.text.setTextFormat(Qt.PlainText)
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(self.text)
        self.agree = _big("faceAgree")
        self.disagree = _big("faceDisagree")
        for b, granted in ((self.agree, True), (self.disagree, False)):
            b.setCheckable(False)
            b.clicked.connect(lambda _=False, g=granted: self.answered.emit(g))
        box.addWidget(self.title)
        box.addWidget(self.card)
        box.addSpacing(20)
        box.addLayout(_pair(self.agree, self.disagree))
        box.addStretch(1)

    def render(self) -> None:
        self.title.setText(self.t("consent_title"))
        self.text.setText(consent_text(self.lang, self.retention_months))
        self.agree.setText(self.t("agree"))
        self.disagree.setText(self.t("disagree"))


class ScanScreen(FaceScreen):
    """'Quét mã QR trên CCCD'. A USB scanner types the payload + Enter into a focused, invisible line edit
    (never echoed: the ID number is not shown); a QR seen by the camera arrives through ``submit``."""

    scanned = Signal(str)
    cancelled = Signal()

    def __init__(self):
        super().__init__()
        self.error_text = ""
        self.saving = False
        box = self._page()
        self.title = label(role="title")
        self.hint = label(px=BODY_PX)
        self.privacy = label(role="muted")
        self.error = _frame("warning")
        self.error_label = label(px=BODY_PX, bold=True)
        QHBoxLayout(self.error).addWidget(self.error_label)
        self.error.hide()
        self.input = QLineEdit(self)
        self.input.setObjectName("faceScannerInput")
        self.input.setEchoMode(QLineEdit.NoEcho)
        self.input.setFixedSize(1, 1)                 # invisible but focusable: hide() would refuse focus
        self.input.setStyleSheet("border: none; background: transparent;")
        self.input.setMaxLength(2000)
        self.input.returnPressed.connect(self._entered)
        self.cancel = _big("faceScanCancel")
        self.cancel.clicked.connect(self.cancelled)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addWidget(self.privacy)
        box.addWidget(self.error)
        box.addSpacing(20)
        box.addWidget(self.cancel)
        box.addStretch(1)

    def start(self) -> None:
        self.show_error("")                           # also: no "saving" left from the previous person
        self.input.clear()
        self.input.setFocus(Qt.OtherFocusReason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.input.setFocus(Qt.OtherFocusReason)

    def _entered(self) -> None:
        payload = self.input.text()
        self.input.clear()                            # the payload lives nowhere but in this call
        if payload.strip():
            self.scanned.emit(payload)

    def show_error(self, text: str) -> None:
        self.error_text = text
        self.error_label.setText(text)
        self.error.setVisible(bool(text))
        self.show_saving(False)

    def show_saving(self, on: bool) -> None:
        """A card was read: the templates take a few seconds (jittered encodings on the visitor worker)."""
        self.saving = on
        self.hint.setText(self.t("scan_saving" if on else "scan_hint"))

    def render(self) -> None:
        self.title.setText(self.t("scan_title"))
        self.hint.setText(self.t("scan_saving" if self.saving else "scan_hint"))
        self.privacy.setText(self.t("scan_privacy"))
        self.cancel.setText(self.t("cancel"))


class DeleteScreen(FaceScreen):
    """Confirm 'Xóa dữ liệu của tôi' (two equal answers)."""

    answered = Signal(bool)

    def __init__(self):
        super().__init__()
        box = self._page()
        self.title = label(role="title")
        self.text = label(px=BODY_PX)
        self.yes = _big("faceDeleteYes")
        self.no = _big("faceDeleteNo")
        self.yes.clicked.connect(lambda: self.answered.emit(True))
        self.no.clicked.connect(lambda: self.answered.emit(False))
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addSpacing(20)
        box.addLayout(_pair(self.yes, self.no))
        box.addStretch(1)

    def render(self) -> None:
        self.title.setText(self.t("delete_title"))
        self.text.setText(self.t("delete_text"))
        self.yes.setText(self.t("delete_yes"))
        self.no.setText(self.t("delete_no"))


class MessageScreen(FaceScreen):
    """A plain sentence and 'Xong' (refused, registered, deleted)."""

    done = Signal()

    def __init__(self):
        super().__init__()
        self.key, self.values = "deleted", {}
        box = self._page()
        self.text = label(px=48, bold=True, align=Qt.AlignCenter)
        self.done_button = _big("faceDone", kind="primary")
        self.done_button.clicked.connect(self.done)
        box.addStretch(1)
        box.addWidget(self.text)
        box.addStretch(1)
        box.addWidget(self.done_button)

    def say(self, key: str, **values) -> None:
        self.key, self.values = key, values
        self.render()

    def render(self) -> None:
        self.text.setText(self.t(self.key, **self.values))
        self.done_button.setText(self.t("done"))


# ------------------------------------------------------------------------------ the controller
OFFER_WAIT_MS = 1_500        # "faster next time?" needs the worker's answer; without it by then, no offer
RETRY_BUILD_MS = 3_000       # the visitor store could not be opened for a passing reason: try again
MAX_FRAMES_IN_FLIGHT = 2     # camera frames waiting for the visitor worker; more are skipped


class FaceController(QObject):
    """Moves the window between the face screens; every decision is FaceFlow's (Qt-free).

    The FaceFlow, its VisitorStore and Recognizer live on one worker thread (``self.jobs``): every storage,
    crypto and matching call runs there, in order; this object only renders the results on the GUI thread.

    ``build``: makes the FaceFlow, called on the worker thread (opens the store, loads every template);
    ``flow``: an already built one. ``camera``: a FaceWorker (kiosk/face_worker.py), run on its own thread
    once the flow is ready. The composition root (kiosk/app.py) supplies them.
    """

    def __init__(self, window, flow: FaceFlow | None = None, camera=None,
                 build: Callable[[], FaceFlow] | None = None):
        super().__init__(window)
        self.window, self.cfg = window, window.cfg
        self.flow: FaceFlow | None = None      # used only inside jobs (the worker thread)
        self.ready = False                     # the flow is built: frames are looked at
        self.worker = camera
        self.camera_thread: WorkerThread | None = None
        self._build = (lambda: flow) if flow is not None else build
        self.enabled = True
        self.consent_id: int | None = None
        self.offered = False
        self._citizen = 0                      # bumped by reset(): answers about an earlier person are dropped
        self._offer_wait: int | None = None    # the citizen whose "may we offer?" question is out
        self._frames_in_flight = 0
        self._ticket_taken = False             # this citizen got a number (the offer comes only after one)
        self._store_trouble = False            # a transient database error is being logged (once)
        self.jobs = Jobs("kiosk-visitors", parent=self, on_close=self._close_flow)

        self.notice = CameraNotice()
        self.banner = GreetingBanner()
        home_box = window.home.layout()
        home_box.insertWidget(0, self.banner)
        home_box.addWidget(self.notice)
        self.birth_date = BirthDateScreen()
        self.offer = OfferScreen()
        self.consent = ConsentScreen(self.cfg.retention_months)
        self.scan = ScanScreen()
        self.delete = DeleteScreen()
        self.message = MessageScreen()
        mine = (self.birth_date, self.offer, self.consent, self.scan, self.delete, self.message)
        for s in mine:
            window.stack.addWidget(s)
            s.set_language(window.lang)
        window.screens = (*window.screens, *mine)     # the window retranslates them with its own

        self.banner.not_me.connect(self._not_me)
        self.banner.delete_requested.connect(lambda: self.window.show(self.delete))
        self.birth_date.chosen.connect(self._birth_date)
        self.offer.more.connect(lambda: self.window.show(self.consent))
        self.offer.skip.connect(self._finish)
        self.consent.answered.connect(self._consent)
        self.scan.scanned.connect(self._scanned)
        self.scan.cancelled.connect(self._finish)
        self.delete.answered.connect(self._delete)
        self.message.done.connect(self._finish)
        window.backend.issued.connect(self._issued)
        window.stack.currentChanged.connect(self._screen_changed)
        self.set_language(window.lang)
        if self._build is not None:
            self._start()             # a database not there yet (first start) is retried, like any outage

    # -- set-up and failure ----------------------------------------------------------------
    def _run(self, call: Callable[[FaceFlow], Any], done: Callable[[Any], None] | None = None,
             failed: Callable[[Exception], None] | None = None) -> None:
        """``call(flow)`` on the worker thread; ``done(result)`` / ``failed(error)`` back here."""
        self.jobs.submit(lambda: call(self.flow), done, failed or self._failed)

    def _start(self) -> None:
        def build() -> None:
            self.flow = self._build()          # on the worker thread: key file, store, every template
        self.jobs.submit(build, self._built, self._build_failed)

    def _close_flow(self) -> None:             # on the worker thread, as it ends
        if self.flow is not None:
            self.flow.close()

    def _built(self, _result=None) -> None:
        if not self.enabled:
            return
        self.ready = True
        if self.worker is None:
            return
        self.worker.face.connect(self._face)
        self.worker.qr_seen.connect(self._qr_seen)
        self.worker.unavailable.connect(self.disable)
        self.camera_thread = WorkerThread(self.worker, "face-camera", run=self.worker.run)

    def _build_failed(self, exc: Exception) -> None:
        if is_transient_error(exc) and self.enabled:
            log.warning("visitor store not ready (%s: %s); trying again in %.0f s", exc.__class__.__name__, exc,
                        RETRY_BUILD_MS / 1000)
            QTimer.singleShot(RETRY_BUILD_MS, self, self._start)
            return
        self.disable(f"{exc.__class__.__name__}: {exc}")   # e.g. key file unreadable: no recognition

    def _failed(self, exc: Exception) -> None:
        """A visitor-store call failed. Passing database trouble (busy, locked, reconnecting): log it once,
        skip, keep recognising. Anything else: no recognition until restart, tickets as usual."""
        if is_transient_error(exc):
            if not self._store_trouble:
                self._store_trouble = True
                log.warning("visitor store busy (%s: %s): frames skipped until it answers again",
                            exc.__class__.__name__, exc)
            return
        log.error("face recognition failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.disable(f"{exc.__class__.__name__}: {exc}")

    def _answered(self) -> None:
        if self._store_trouble:
            self._store_trouble = False
            log.info("visitor store answers again: recognition continues")

    @Slot(str)
    def disable(self, reason: str) -> None:
        """No recognition today (camera unplugged, models missing...): tell the staff, keep issuing."""
        if not self.enabled:
            return
        self.enabled = False
        log.warning("face recognition off: %s — the kiosk keeps issuing tickets without it", reason)
        self.notice.hide()                        # no camera in use: no notice
        if self.window.current() in (self.birth_date, self.scan):
            self.window.next_citizen()

    def stop(self) -> None:
        """Stop the camera and the visitor worker (the store's connections close in its thread)."""
        if self.camera_thread is not None:
            self.camera_thread.stop()
        self.jobs.stop()

    def set_language(self, lang: str) -> None:
        self.notice.set_language(lang)
        self.banner.set_language(lang)

    # -- hooks called by the window --------------------------------------------------------------
    def offer_before_next_citizen(self) -> bool:
        """After the ticket: offer registration once, to an unrecognised person the camera saw.

        Returns True while the worker is asked (its answer comes after every frame and the ticket's
        record, in order); the window then stays where it is and next_citizen() is called again."""
        if not self.enabled or not self.ready or self.offered:
            return False
        if not self._ticket_taken or self.window.visitor is not None:
            return False                          # surely no offer: no ticket yet, or a recognised visitor
        self.offered = True
        citizen = self._offer_wait = self._citizen
        self._run(lambda flow: flow.may_offer_registration(), lambda may: self._offer_answer(citizen, may),
                  lambda exc: (self._failed(exc), self._offer_answer(citizen, False)))
        QTimer.singleShot(OFFER_WAIT_MS, self, lambda: self._offer_answer(citizen, False))
        return True

    def _offer_answer(self, citizen: int, may: bool) -> None:
        if self._offer_wait != citizen or citizen != self._citizen:
            return                                # answered already, or the next person is there
        self._offer_wait = None
        if may and self.enabled:
            self.window.show(self.offer)
        else:
            self.window.next_citizen()

    def reset(self) -> None:
        self._citizen += 1
        self._ticket_taken = False
        self._offer_wait = None
        self.offered, self.consent_id = False, None
        self.banner.name = None
        self.banner.hide()
        if self.worker is not None:
            self.worker.set_scanning(False)
        if self.ready:
            self._run(lambda flow: flow.reset())
        self.set_language(self.window.lang)

    # -- recognition ---------------------------------------------------------------------------
    def _on_home(self) -> bool:
        return self.window.current() is self.window.home and not self.window.issuing

    @Slot(object)
    def _face(self, encoding) -> None:
        if not self.enabled or not self.ready:
            return
        if self._frames_in_flight >= MAX_FRAMES_IN_FLIGHT:
            log.debug("visitor worker busy: camera frame skipped")
            return
        self._frames_in_flight += 1
        citizen = self._citizen
        decide = self._on_home()                  # decide only while the person looks at the home screen

        def done(outcome) -> None:
            self._frames_in_flight -= 1
            self._answered()
            if outcome is not None and citizen == self._citizen and self.enabled:
                self.show_outcome(outcome)

        def failed(exc: Exception) -> None:
            self._frames_in_flight -= 1
            self._failed(exc)                     # a locked database: this frame is skipped, not the feature

        self._run(lambda flow: flow.observe(encoding, decide=decide), done, failed)

    def show_outcome(self, outcome: Outcome) -> None:
        if outcome.kind == "gone":
            # the person left (or someone else stepped in): the next one must not inherit a name or visitor
            # id. Only the face part is cleared: a language or priority chosen by a touch stays.
            if self._on_home():
                self._clear_greeting()
                self._run(lambda flow: flow.reset())
            return
        if outcome.kind == "greet" and outcome.greeting is not None:
            g = outcome.greeting
            self.window.visitor = g.visitor_id        # the ticket carries it (never the ID number)
            self.window.home.set_greeting(None, (g.last_field_code,) if g.last_field_code else ())
            self.banner.name = g.name
            self.banner.set_language(self.window.lang)
            self.banner.show()
            self.window.show_home()
        elif outcome.kind == "second_factor":
            self.birth_date.ask(outcome.birth_dates)
            self.window.show(self.birth_date)
        elif self.window.current() is self.birth_date:
            self.window.show_home()

    @Slot(object)
    def _birth_date(self, born) -> None:
        citizen = self._citizen

        def done(outcome: Outcome) -> None:
            if citizen == self._citizen:
                self.show_outcome(outcome)

        def failed(exc: Exception) -> None:
            self._failed(exc)
            if citizen == self._citizen and self.window.current() is self.birth_date:
                self.window.show_home()           # not recognised this time; the ticket works as usual
        self._run(lambda flow: flow.answer_birth_date(born), done, failed)

    @Slot()
    def _not_me(self) -> None:
        self._run(lambda flow: flow.not_me())
        self._clear_greeting()

    def _clear_greeting(self) -> None:
        self.window.visitor = None
        self.window.home.set_greeting(None)
        self.banner.name = None
        self.banner.hide()

    @Slot(object)
    def _issued(self, result) -> None:
        if not self.ready or not self.enabled:
            return
        self._ticket_taken = True
        field_code = result.request.field_code

        def failed(exc: Exception) -> None:      # the ticket stands whatever happens here
            log.error("recording the visit failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._run(lambda flow: flow.after_ticket(field_code), failed=failed)

    # -- consent and registration -----------------------------------------------------------------
    @Slot(bool)
    def _consent(self, granted: bool) -> None:
        citizen = self._citizen

        def done(consent_id: int) -> None:
            if citizen != self._citizen or self.window.current() is not self.consent:
                return
            self.consent_id = consent_id
            if granted:
                self.scan.start()
                self.window.show(self.scan)
            else:
                self.message.say("refused")
                self.window.show(self.message)

        def failed(exc: Exception) -> None:       # nothing recorded: the consent screen stays, tap again
            log.error("recording the consent answer failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._run(lambda flow: flow.answer_consent(granted), done, failed)

    @Slot(int)
    def _screen_changed(self, _index: int) -> None:
        if self.worker is not None:
            self.worker.set_scanning(self.window.current() is self.scan)

    @Slot(str)
    def _qr_seen(self, payload: str) -> None:
        if self.window.current() is self.scan:
            self._scanned(payload)

    @Slot(str)
    def _scanned(self, payload: str) -> None:
        if self.consent_id is None or self.window.current() is not self.scan:
            return
        citizen, consent_id = self._citizen, self.consent_id
        scanned = [payload]                       # handed to the job, which takes it out: kept nowhere

        def register(flow: FaceFlow) -> tuple[Registration, str | None]:
            result = flow.register(scanned.pop(), consent_id)
            return result, flow.store.greeting_name(result.visitor_id) if result.ok else None

        def done(answer: tuple[Registration, str | None]) -> None:
            result, name = answer
            if citizen != self._citizen or self.window.current() is not self.scan:
                return
            if not result.ok:
                reason = result.message(self.window.lang)
                self.scan.show_error(face_tr(self.window.lang, "scan_error", reason=reason))
                return
            self.message.say("registered", name=name) if name else self.message.say("registered_anonymous")
            self.window.show(self.message)

        def failed(exc: Exception) -> None:
            log.error("registration failed", exc_info=(type(exc), exc, exc.__traceback__))
            if citizen == self._citizen and self.window.current() is self.scan:
                reason = face_tr(self.window.lang, "register_store_failed")
                self.scan.show_error(face_tr(self.window.lang, "scan_error", reason=reason))
        self.scan.show_saving(True)
        self._run(register, done, failed)

    # -- deletion ---------------------------------------------------------------------------
    @Slot(bool)
    def _delete(self, confirmed: bool) -> None:
        if not confirmed:
            self.window.show_home()
            return

        def done(_existed) -> None:
            self._clear_greeting()
            self.message.say("deleted")
            self.window.show(self.message)

        def failed(exc: Exception) -> None:       # nothing was deleted: the question stays, tap again
            log.error("deleting the visitor's data failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._run(lambda flow: flow.forget(), done, failed)

    @Slot()
    def _finish(self) -> None:
        self.window.next_citizen()


def attach_face(window, **options) -> FaceController:
    """Plug face recognition into a KioskWindow (the composition root, kiosk/app.py, does it when
    ``cfg.face_enabled``; tests pass a ready ``flow``)."""
    return FaceController(window, **options)
