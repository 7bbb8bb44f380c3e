"""The kiosk window: a header (centre, clock, language) over a stack of screens, and the rules that
move between them. All queue and printer work goes to the KioskBackend's worker thread.

One tap gives one ticket: from the first tap on a field until the citizen is back on the home screen,
``issuing`` is set and every further tap that would ask for a number is ignored (the worker also refuses
to serve a request id twice).
"""
from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import (QApplication, QFrame, QGridLayout, QLayout, QStackedWidget, QVBoxLayout,
                               QWidget)

from db import QueueError, Unavailable

from core.config import AppConfig
from core.voice import VoiceOptions
from core.voice.guidance import Guidance, home_guidance, ticket_guidance
from ..i18n import WEEKDAYS, tr
from ..worker import HomeData, IssueFailure, IssueResult, KioskBackend, PrintOutcome, TicketRequest
from gui import theme
from .screens import (ClosedScreen, HomeScreen, PriorityScreen, ProceduresScreen, Screen, TicketScreen,
                      UnavailableScreen)
from .widgets import ClockLabel, PinPad, button, label, restyle

log = logging.getLogger(__name__)

REFRESH_MS = 15_000       # waiting counts on the home screen
RETRY_MS = 3_000          # the database is down: try again this often


class KioskWindow(QWidget):
    spoken = Signal(object)       # voice guidance (core.voice.Guidance): what to say for the screen just shown
    admin_exit = Signal()         # the admin PIN was entered: leave the kiosk

    def __init__(self, cfg: AppConfig, backend: KioskBackend, clock=None, refresh_ms: int = REFRESH_MS,
                 retry_ms: int = RETRY_MS, parent: QWidget | None = None):
        super().__init__(parent)
        self.cfg, self.backend, self.clock = cfg, backend, clock
        self.setWindowTitle("Kiosk")
        self.setObjectName("kioskWindow")
        self.setStyleSheet(theme.stylesheet(theme.palette(cfg.theme)))
        self.lang = cfg.language
        self.data: HomeData | None = None
        self.online = True
        self.issuing = False
        self.priority: str | None = None
        self.visitor: int | None = None       # set by the face-recognition flow for a consenting visitor
        self.rating = None                    # the satisfaction question for a scanned ticket (kiosk/app.py)
        self._request: TicketRequest | None = None
        self._may_close = not cfg.fullscreen
        self._fault: str | None = None        # the database fault last logged (logged once per cause)
        self.voice_options = VoiceOptions.from_config(cfg)
        self.speaker = None                   # core.voice.guidance.GuidanceSpeaker (kiosk/app.py, voice_guidance)

        # header
        self.header = QFrame()
        self.header.setObjectName("header")
        self.centre = label(px=34, bold=True)
        self.clock_label = ClockLabel()
        self.clock_label.setStyleSheet(f"font-size: {theme.CLOCK}px; font-weight: bold;")
        self.clock_label.long_pressed.connect(self.show_pin_pad)
        self.lang_buttons = {code: button(tr(code, f"lang_{code}"), kind="lang", name=f"lang_{code}")
                             for code in ("vi", "en")}
        for code, b in self.lang_buttons.items():
            b.clicked.connect(lambda _=False, c=code: self.set_language(c))
        self.header_grid = QGridLayout(self.header)
        self.header_grid.setContentsMargins(24, 6, 24, 6)
        self.header_grid.setHorizontalSpacing(16)
        self._landscape: bool | None = None

        # screens
        self.home = HomeScreen()
        self.priority_screen = PriorityScreen()
        self.procedures = ProceduresScreen()
        self.ticket = TicketScreen()
        self.closed = ClosedScreen()
        self.unavailable = UnavailableScreen()
        self.stack = QStackedWidget()
        self.screens: tuple[Screen, ...] = (self.home, self.priority_screen, self.procedures, self.ticket,
                                            self.closed, self.unavailable)
        for s in self.screens:
            self.stack.addWidget(s)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        # the screen gives the size; the content must fit it (the UI checks say where it does not)
        box.setSizeConstraint(QLayout.SetNoConstraint)
        box.addWidget(self.header)
        box.addWidget(self.stack, 1)

        self.pin_pad = PinPad(cfg.admin_pin, self, pin_hash=cfg.admin_pin_hash)
        self.pin_pad.setProperty("overlay", True)     # drawn over the screens on purpose
        self.pin_pad.hide()
        self.pin_pad.unlocked.connect(self._admin_unlocked)
        self.pin_pad.closed.connect(self.pin_pad.hide)
        if not self.pin_pad.check.configured:   # no known PIN to fall back on: the staff are told instead
            backend.report_problem("no_admin_pin", "admin_pin_hash")
        self._arrange(1080, 1920)

        # wiring
        self.home.field_chosen.connect(lambda code: self.take_number(code))
        self.home.info_requested.connect(self.show_procedures)
        self.home.priority_requested.connect(lambda: self.show(self.priority_screen))
        self.home.priority_cancelled.connect(lambda: self.set_priority(None))
        self.priority_screen.reason_chosen.connect(self._priority_chosen)
        self.priority_screen.back.connect(self.show_home)
        self.procedures.take.connect(self.take_number)
        self.procedures.back.connect(self.show_home)
        self.ticket.done.connect(self.next_citizen)
        backend.refreshed.connect(self._refreshed)
        backend.unavailable.connect(self._unavailable)
        backend.issued.connect(self._issued)
        backend.issue_failed.connect(self._issue_failed)
        backend.printed.connect(self._printed)

        # timers
        self.refresh_ms, self.retry_ms = refresh_ms, retry_ms
        self.refresh_timer = QTimer(self, interval=refresh_ms)
        self.refresh_timer.timeout.connect(self.backend.refresh)
        self.clock_timer = QTimer(self, interval=1000)
        self.clock_timer.timeout.connect(self._tick)
        self.idle_timer = QTimer(self, singleShot=True, interval=cfg.idle_seconds * 1000)
        self.idle_timer.timeout.connect(self._idle)
        self.ticket_timer = QTimer(self, singleShot=True, interval=cfg.ticket_seconds * 1000)
        self.ticket_timer.timeout.connect(self.next_citizen)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

        # face recognition of consenting visitors: attached by the composition root (kiosk/app.py)
        self.face = None

        self._retranslate()
        self._tick()
        self.clock_timer.start()
        self.refresh_timer.start()
        self.backend.refresh()

    # ------------------------------------------------------------------ navigation
    def current(self) -> Screen:
        return self.stack.currentWidget()

    def show(self, screen: Screen | None = None) -> None:  # noqa: A003 - QWidget.show() with no argument
        if screen is None:
            return super().show()
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
            if screen is self.home:
                self._say(home_guidance())
            self.idle_timer.start()       # a new screen: idle counts from now. Showing the same screen again
                                          # (the 15 s home refresh) must not postpone the reset for ever
        elif not self.idle_timer.isActive():
            self.idle_timer.start()

    @Slot()
    def show_home(self) -> None:
        """The home screen, or the closed / unavailable screen when that is the truth right now."""
        if not self.online:
            self.show(self.unavailable)
        elif self.data is not None and not self.data.office.is_open:
            self.closed.show_office(self.data.office, self._later_session_today())
            self.show(self.closed)
        else:
            self.show(self.home)

    @Slot()
    def next_citizen(self) -> None:
        """Back to a fresh home screen for the next person: default language, no priority, no visitor."""
        self.ticket_timer.stop()
        self.issuing = False
        self._request = None
        if self.face is not None and self.face.offer_before_next_citizen():
            return                  # "faster next time?" first; its screens come back here when done
        self.visitor = None
        self.priority = None
        self.home.reset()
        if self.face is not None:
            self.face.reset()
        if self.lang != self.cfg.language:
            self.set_language(self.cfg.language)
        self.show_home()
        self.backend.refresh()

    def _later_session_today(self) -> bool:
        """Does another opening session start later today (the morning's cut-off, not the day's)?"""
        now = self._now()
        sessions = self.data.office.hours.get(WEEKDAYS[now.weekday()], []) if self.data else []
        return any(start > now.strftime("%H:%M") for start, _end in sessions)

    @Slot(str)
    def show_procedures(self, code: str) -> None:
        field = self._field(code)
        if field is not None and field.procedures and not self.issuing:   # nothing to read: no empty page
            self.procedures.show_field(field)
            self.show(self.procedures)

    def _say(self, guidance: Guidance) -> None:
        """Spoken guidance (``voice_guidance``): the clips are Vietnamese, so an English screen stays silent."""
        if self.cfg.voice_guidance and self.lang == "vi":
            self.spoken.emit(guidance)

    def set_priority(self, reason: str | None) -> None:
        self.priority = reason
        self.home.set_priority(reason)
        self.show_home()

    @Slot(str)
    def _priority_chosen(self, reason: str) -> None:
        self.set_priority(reason)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self._retranslate()

    def _retranslate(self) -> None:
        for s in self.screens:
            s.set_language(self.lang)
        if self.face is not None:
            self.face.set_language(self.lang)
        for code, b in self.lang_buttons.items():
            b.setProperty("current", "true" if code == self.lang else "false")
            restyle(b)
        self.pin_pad.retranslate(lambda key: tr(self.lang, key), self.lang)
        self.centre.setText(self.data.office.name(self.lang) if self.data else "")

    def _field(self, code: str):
        if self.data is None:
            return None
        return next((f for f in self.data.fields if f.code == code), None)

    # ------------------------------------------------------------------ one tap, one ticket
    @Slot(str, object)
    def take_number(self, code: str, procedure: str | None = None) -> bool:
        """Ask for a number; False (and nothing happens) while another one is being issued or printed."""
        field = self._field(code)
        if self.issuing or field is None or not field.available or not self.online:
            return False
        self.issuing = True
        self._request = TicketRequest(code, procedure, self.priority, self.visitor, self.lang)
        self.ticket.show_issuing(field)
        self.show(self.ticket)
        self.backend.issue(self._request)
        return True

    def _is_current(self, request: TicketRequest) -> bool:
        return self._request is not None and request.request_id == self._request.request_id

    @Slot(object)
    def _issued(self, result: IssueResult) -> None:
        if self._is_current(result.request):
            self.ticket.show_issued(result.issued)

    @Slot(object)
    def _printed(self, outcome: PrintOutcome) -> None:
        if not self._is_current(outcome.request):
            return
        self.ticket.show_printed(outcome)
        self._say(ticket_guidance(outcome.issued.ticket.label, outcome.issued.counters, outcome.result.printed,
                                  self.voice_options))
        if not outcome.result.printed:
            log.warning("ticket %s not printed: %s %s", outcome.issued.label, outcome.result.status.value,
                        outcome.result.detail)
        self.ticket_timer.start()

    @Slot(object)
    def _issue_failed(self, failure: IssueFailure) -> None:
        if not self._is_current(failure.request):
            return
        if isinstance(failure.error, Unavailable):
            self.issuing = False
            self._request = None
            self._go_offline()
            return
        self.ticket.show_failed(failure.error)    # closed since the last refresh, cap reached, ...
        self.ticket_timer.start()
        self.backend.refresh()                    # the tiles now show why

    # ------------------------------------------------------------------ queue data
    @Slot(object)
    def _refreshed(self, data: HomeData) -> None:
        was_offline = not self.online
        if self._fault is not None:
            log.info("queue usable again (after: %s)", self._fault)
            self._fault = None
        self.data = data
        self.online = True
        self.refresh_timer.setInterval(self.refresh_ms)
        self.centre.setText(data.office.name(self.lang))
        self.home.set_rating_offered(data.office.kiosk_rating and self.rating is not None)
        self.home.show_fields(data.fields)
        if self.procedures.field is not None:
            field = self._field(self.procedures.field.code)
            if field is not None:
                self.procedures.update_field(field)    # a button that cannot act says why
        if self.issuing:
            return
        screen = self.current()
        if (was_offline and not self._rating_now()) or screen in (self.home, self.closed, self.unavailable):
            self.show_home()
        if screen is self.closed:
            self.closed.show_office(data.office, self._later_session_today())

    @Slot(object)
    def _unavailable(self, error: QueueError) -> None:
        cause = error.__cause__
        fault = f"{error}" + (f" (cause: {type(cause).__name__}: {cause})" if cause is not None else "")
        if fault != self._fault:                  # once per cause, not every 3 s while it lasts
            self._fault = fault
            log.warning("queue unavailable: %s", fault)
        if not self.issuing and not self._rating_now():
            self._go_offline()
        else:                                     # a number, or a rating, in progress says so on its own screen
            self.online = False
            self.refresh_timer.setInterval(self.retry_ms)

    def _rating_now(self) -> bool:
        return self.rating is not None and self.rating.active()

    def wants_qr(self) -> bool:
        """Should the camera look for QR codes now (face recognition's CCCD scan, or a ticket to rate)?"""
        return ((self.face is not None and self.current() is self.face.scan)
                or (self.rating is not None and self.rating.wants_qr()))

    def _go_offline(self) -> None:
        self.online = False
        self.refresh_timer.setInterval(self.retry_ms)
        self.refresh_timer.start()
        self.show(self.unavailable)

    # ------------------------------------------------------------------ clock, idle, admin
    def _now(self) -> dt.datetime:
        now = self.clock.now() if self.clock is not None else dt.datetime.now(dt.timezone.utc)
        tz = self.data.office.timezone if self.data else "Asia/Ho_Chi_Minh"
        return now.astimezone(zoneinfo.ZoneInfo(tz))

    def _tick(self) -> None:
        self.clock_label.setText(self._now().strftime("%H:%M"))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.MouseButtonPress, QEvent.TouchBegin, QEvent.KeyPress):
            self.idle_timer.start()
        return False

    @Slot()
    def _idle(self) -> None:
        if self.issuing and self.ticket.state in (TicketScreen.ISSUING, TicketScreen.PRINTING):
            self.idle_timer.start()          # never leave a number that is still being printed
            return
        self.pin_pad.hide()
        if not self._is_fresh_home():             # a greeting, a priority, English must not wait for the next person
            self.next_citizen()

    def _is_fresh_home(self) -> bool:
        """What the next citizen must find: home (or the closed / unavailable screen), default language, no
        priority, no visitor (nor their usual fields first)."""
        return (self.current() in (self.home, self.closed, self.unavailable) and self.priority is None
                and self.lang == self.cfg.language and self.visitor is None and not self.home.preferred
                and self.home.priority is None)

    @Slot()
    def show_pin_pad(self) -> None:
        self.pin_pad.reset()
        self.pin_pad.retranslate(lambda key: tr(self.lang, key), self.lang)
        self.pin_pad.move((self.width() - self.pin_pad.width()) // 2,
                          (self.height() - self.pin_pad.height()) // 2)
        self.pin_pad.show()
        self.pin_pad.raise_()

    @Slot()
    def _admin_unlocked(self) -> None:
        self.pin_pad.hide()
        self._may_close = True
        self.admin_exit.emit()
        self.close()

    def ui_state(self) -> dict:
        """What the UI dump (gui/uidump.py) reports besides the widgets: which screen is up."""
        names = {self.home: "home", self.priority_screen: "priority", self.procedures: "procedures",
                 self.ticket: "ticket", self.closed: "closed", self.unavailable: "unavailable"}
        if self.rating is not None:
            names[self.rating.screen] = "rating"
        states = {TicketScreen.ISSUING: "issuing", TicketScreen.PRINTING: "printing",
                  TicketScreen.PRINTED: "printed", TicketScreen.PRINT_FAILED: "print_failed",
                  TicketScreen.FAILED: "failed"}
        return {"program": "kiosk", "screen": names.get(self.current(), "other"), "lang": self.lang,
                "ticket": states[self.ticket.state], "tiles": len(self.home.tiles),
                "clock": self.clock_label.text(), "pin_pad": self.pin_pad.isVisible()}

    # ------------------------------------------------------------------ Qt events
    def _arrange(self, width: int, height: int) -> None:
        """Lay the screens out for this window size. Portrait: the centre's name on its own line above the
        clock and languages; landscape: one row. Tall portrait screens get big tiles in three columns;
        shorter or narrower ones get one-row tiles, as many columns as fit, scrolling if they must."""
        landscape = width > height
        tall = height >= 1600 and width >= 1000
        columns = 3 if tall else 1 if width < 1100 else 2 if width < 1700 else 3
        arrangement = (landscape, tall, columns, height)
        if arrangement == self._landscape:
            return
        self._landscape = arrangement
        g = self.header_grid
        widgets = (self.centre, self.clock_label, *self.lang_buttons.values())
        for w in widgets:
            g.removeWidget(w)
        for c in range(4):
            g.setColumnStretch(c, 0)
        if landscape:
            for col, w in enumerate(widgets):
                g.addWidget(w, 0, col)
            g.setColumnStretch(0, 1)
        else:
            g.addWidget(self.centre, 0, 0, 1, 4)
            for col, w in enumerate(widgets[1:]):
                g.addWidget(w, 1, col)
            g.setColumnStretch(0, 1)
        self.home.set_compact(not tall, columns)
        self.ticket.set_compact(landscape, height)
        self.priority_screen.set_columns(2 if landscape else 1, width)
        self.pin_pad.fit(height)
        self.closed.set_compact(height < 1200, width < 900)
        self.unavailable.icon.setFixedSize(*(2 * (96 if height < 1200 else 160,)))
        if self.rating is not None:
            self.rating.screen.arrange(landscape)

    def is_landscape(self) -> bool:
        """As laid out last (the screens are laid out for the window's size, not the screen's)."""
        return bool(self._landscape and self._landscape[0])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(self.width(), self.height())

    def closeEvent(self, event) -> None:
        if not self._may_close:
            event.ignore()                  # full-screen kiosk: only the admin PIN leaves
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers and the worker thread (idempotent)."""
        self._may_close = True
        for timer in (self.refresh_timer, self.clock_timer, self.idle_timer, self.ticket_timer):
            timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.face is not None:
            self.face.stop()
        if self.rating is not None:
            self.rating.stop()
        if self.speaker is not None:
            self.speaker.close()
            self.speaker = None
        self.backend.stop()
