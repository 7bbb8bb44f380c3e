"""The officer's counter window: sign in with a PIN, then call, recall, start, finish, no-show, transfer,
call a chosen number, pause, restore the last no-show. All database work runs on worker threads; the window
only shows results.

The layout follows the window's size (``resizeEvent``): from ``COMPACT_WIDTH`` wide and ``COMPACT_HEIGHT`` high
it is the desk layout (ticket and buttons left, the waiting list right); below, as in the demo's half screens,
the waiting list becomes a one-line strip under the ticket, the buttons two columns of one-line labels and the
ticket's details scroll beside the number. Messages and printer faults share one band of reserved height, so
nothing moves when one appears; inline panels take the place of the buttons (no stock dialogs: Qt ships none
in Vietnamese)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
import zoneinfo
from typing import Any, Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QBoxLayout, QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLayout, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSizePolicy,
                               QStackedLayout, QStackedWidget, QVBoxLayout, QWidget)

from bilingual import LocalizedError
from db import InvalidState, NotFound, Unavailable
from gui import theme
from .staff_model import (ACTIONS, RESUME_LABEL, CounterData, clock_note, describe_error, describe_ticket,
                          enabled_actions, load_counter_data, match_officer)
from core.visitors.access import visitor_view
from gui.worker import WorkerThread
from .texts import WORDS
from .workers import CommandWorker, FeedWorker, idempotent

log = logging.getLogger(__name__)
LANG = "vi"   # the officer reads Vietnamese; WORDS.both() where the window has always shown English too


def _t(key: str, **values: Any) -> str:
    return WORDS.text(LANG, key, **values)

STYLE = theme.staff_stylesheet(theme.palette("light")) + """
    QScrollArea#details, QWidget#detailsBody, QWidget#ticketHead { background: transparent; border: none; }
"""
# half a screen: the same look, smaller type (never under 20 px), buttons no taller than their text
COMPACT_STYLE = STYLE + """
    QLabel#title, QLabel#clock { font-size: 22px; }
    QLabel#message, QLabel#fault { font-size: 20px; padding: 4px; }
    QPushButton { font-size: 20px; font-weight: normal; padding: 4px 6px; min-height: 0px; }
    QPushButton#secondary { min-height: 0px; }
    QPushButton#signInButton { min-height: 40px; }
    QLineEdit, QComboBox { font-size: 20px; padding: 4px; }
    QListWidget { font-size: 20px; }
"""
COMPACT_WIDTH, COMPACT_HEIGHT = 1000, 600
KIOSK_PROBLEM_WORDS = {"no_key": "kiosk_no_key", "no_admin_pin": "kiosk_no_admin_pin"}   # QueueService.KIOSK_PROBLEMS
MESSAGE_MS = 8000          # a message goes away by itself; a lost database stays said until it is back
BAND_LINES = {False: 2, True: 3}   # lines of text the message band keeps room for (desk, compact)


def _label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


@dataclasses.dataclass(frozen=True)
class SignedInElsewhere:
    """The sign-in found this officer at other counters: nothing was changed yet."""
    name: str
    counters: tuple[int, ...]
    held: tuple[tuple[int, str], ...]      # (counter, ticket label) those counters still hold


@dataclasses.dataclass(frozen=True)
class SignedIn:
    officer: Any                   # db.OfficerInfo
    moved_from: tuple[int, ...] = ()
    old_pin: str = dataclasses.field(default="", repr=False)   # kept only when the PIN must be changed


class OfficerBox(QComboBox):
    """The fixed list of officers (never free text: nothing typed becomes an entry, a PIN typed here by mistake
    is never shown). Typing finds a name without regard to diacritics or case ("nguyen thi lan")."""

    entered = Signal()
    TYPE_PAUSE_S = 1.5             # a pause this long starts a new search

    def __init__(self):
        super().__init__(objectName="officerName")
        self.setEditable(False)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self.typed, self._typed_at = "", 0.0
        self.view().installEventFilter(self)      # typing while the list is open searches the same way

    def names(self) -> list[str]:
        return [self.itemText(i) for i in range(self.count())]

    def type_text(self, text: str) -> bool:
        now = time.monotonic()
        if now - self._typed_at > self.TYPE_PAUSE_S:
            self.typed = ""
        self._typed_at = now
        self.typed += text
        index = match_officer(self.names(), self.typed)
        if index is None:
            return False
        self.setCurrentIndex(index)
        self.view().setCurrentIndex(self.model().index(index, 0))
        return True

    def _typing(self, event) -> bool:
        text = event.text()
        if event.modifiers() & (Qt.ControlModifier | Qt.AltModifier) or not text or not text.isprintable():
            return False
        self.type_text(text)
        return True

    def keyPressEvent(self, event) -> None:
        if self._typing(event):
            event.accept()
        elif event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.entered.emit()
        else:
            super().keyPressEvent(event)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.view() and event.type() == QEvent.KeyPress and self._typing(event):
            if self.currentIndex() >= 0:
                self.hidePopup()      # found: the list closes, the next letters refine, a click goes where aimed
            return True
        return super().eventFilter(obj, event)


class StaffWindow(QWidget):
    def __init__(self, open_service: Callable[[], Any], counter: int,
                 open_visitor_store: Callable[[Any], Any] | None = None,
                 now: Callable[[], dt.datetime] | None = None, follow: bool = True, poll_timeout: float = 0.25):
        super().__init__()
        self.counter_number = counter
        self.open_visitor_store = open_visitor_store   # called once, in the command thread, with the service
        self._store: list = []
        self.now = now or (lambda: dt.datetime.now(dt.timezone.utc))   # shown in the centre's zone
        self.officer = None
        self.data: CounterData | None = None
        self.busy = False
        self.compact: bool | None = None
        self.officers_loaded = False
        self.last_no_show: str | None = None     # the label "Khôi phục số" (F9) puts back in the queue
        self.printer_faults: dict[str, str] = {}  # kiosk id -> what its last fault was
        self.feed_error: Exception | None = None  # the last reason the feed could not use the database
        self._sticky = False                      # the message says the database is unusable: it stays
        self.message_ms = MESSAGE_MS
        self.setWindowTitle(WORDS.both("window_title", n=counter))
        self.setMinimumSize(480, 420)             # the layouts adapt down to half a screen (resizeEvent)

        self.commands = CommandWorker(open_service)
        self.commands.done.connect(self._command_done)
        self.command_thread = WorkerThread(self.commands, "counter-commands")

        self.message_timer = QTimer(self, singleShot=True)
        self.message_timer.timeout.connect(self.clear_message)
        self.band = self._build_band()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_sign_in())
        self.pages.addWidget(self._build_desk())
        self.root = QVBoxLayout(self)
        # the layouts adapt to the size (resizeEvent): the desk layout's minimum must not hold the window wide
        # before the first resize has switched it to the compact one (gui.screen resets minimum sizes)
        self.root.setSizeConstraint(QLayout.SetNoConstraint)
        self.header = _label(_t("counter_title", n=counter), "title")
        self.header.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)   # elided, never widens the window
        self.clock_label = _label("", "clock")
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.clock_label)
        self.root.addLayout(top)
        self.root.addWidget(self.band)
        self.root.addWidget(self.pages, 1)

        self.ticker = QTimer(self, interval=15000)   # "time waited" keeps counting
        self.ticker.timeout.connect(self._render)
        self.ticker.start()
        self.clock = QTimer(self, interval=1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        self._tick()
        self._apply_mode(False)
        for label in (self.header, self.waiting_title):
            label.installEventFilter(self)          # elided again whenever its width changes
        QShortcut(QKeySequence(Qt.Key_Escape), self, activated=self._escape)
        self.feed: WorkerThread | None = None
        if follow:
            worker = FeedWorker(self._watched(open_service), refresh=self._watched(
                lambda svc: load_counter_data(svc, counter)), poll_timeout=poll_timeout)
            worker.refreshed.connect(self.apply_data)
            worker.events.connect(self.apply_events)
            worker.connection_changed.connect(self._connection)
            self.feed = WorkerThread(worker, "feed", run=worker.run)
        self._load_officers()
        self._render()

    def _watched(self, call: Callable) -> Callable:
        """``call`` that remembers why it failed (in the feed's thread), so the window names the cause."""
        def run(*args):
            try:
                result = call(*args)
            except Exception as exc:
                self.feed_error = exc
                raise
            self.feed_error = None
            return result
        return run

    # --- building ------------------------------------------------------------------------
    def _build_band(self) -> QWidget:
        """Messages and printer faults: one band whose height is always kept, so nothing jumps."""
        band = QWidget(objectName="band")
        self.band_stack = QStackedLayout(band)
        self.band_stack.addWidget(QWidget())
        self.message = _label("", "message", wrap=True)
        self.message.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.band_stack.addWidget(self.message)
        self.fault_row = QFrame()
        row = QHBoxLayout(self.fault_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.fault_label = _label("", "fault", wrap=True)   # printer faults: seen even when signed out
        self.fault_dismiss = QPushButton(_t("fault_dismiss"), objectName="faultDismiss")
        self.fault_dismiss.clicked.connect(self.dismiss_faults)
        row.addWidget(self.fault_label, 1)
        row.addWidget(self.fault_dismiss)
        self.band_stack.addWidget(self.fault_row)
        return band

    def _build_sign_in(self) -> QWidget:
        self.sign_in_pages = QStackedWidget()
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(_label(WORDS.both("sign_in_title"), "title"))
        self.officer_box = OfficerBox()
        self.officer_box.setPlaceholderText(_t("officers_loading"))
        self.pin_edit = QLineEdit(objectName="pin")
        self.pin_edit.setEchoMode(QLineEdit.Password)
        self.pin_edit.setPlaceholderText(_t("pin_placeholder"))
        self.pin_edit.returnPressed.connect(self.sign_in)
        self.officer_box.entered.connect(lambda: self.pin_edit.setFocus())
        self.sign_in_button = QPushButton(WORDS.both("sign_in"))
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.clicked.connect(self.sign_in)
        for w in (self.officer_box, self.pin_edit, self.sign_in_button):
            w.setMaximumWidth(520)
            box.addWidget(w)
        box.addStretch(2)
        self.sign_in_pages.addWidget(page)
        # the officer is signed in at another counter: move here, or not
        self.elsewhere_question = _label("", "question", wrap=True)
        self.elsewhere_panel = self._inline_panel(self.elsewhere_question, [], [
            (_t("elsewhere_move"), lambda: self.sign_in(move=True), "elsewhereMove")],
            close=self._cancel_elsewhere)
        self.sign_in_pages.addWidget(self.elsewhere_panel)
        return self.sign_in_pages

    def _inline_panel(self, question: QLabel | None, widgets: list, buttons: list[tuple[str, Callable, str]],
                      close: Callable[[], None] | None = None) -> QFrame:
        """A question, its input widgets, its buttons and 'Hủy': shown in place of the action buttons."""
        panel = QFrame(objectName="panel")
        box = QVBoxLayout(panel)
        if question is not None:
            box.addWidget(question)
        if widgets:
            row = QHBoxLayout()
            for w in widgets:
                row.addWidget(w, 1 if isinstance(w, (QLineEdit, QComboBox)) else 0)
            box.addLayout(row)
        grid = QGridLayout()
        cancel = QPushButton(_t("cancel"), objectName="secondary")
        cancel.clicked.connect(close or self.close_panel)
        made = []
        for text, slot, name in buttons:
            b = QPushButton(text, objectName=name)
            b.clicked.connect(slot)
            made.append(b)
        for i, b in enumerate([*made, cancel]):
            grid.addWidget(b, i // 2, i % 2)
        box.addLayout(grid)
        box.addStretch(1)
        panel.buttons = made
        return panel

    def _build_desk(self) -> QWidget:
        page = QWidget()
        desk = QHBoxLayout(page)
        desk.setContentsMargins(0, 0, 0, 0)
        self.left = QVBoxLayout()
        panel = QFrame(objectName="panel")
        self.pbox = QBoxLayout(QBoxLayout.TopToBottom, panel)
        head = QWidget(objectName="ticketHead")
        hbox = QVBoxLayout(head)
        hbox.setContentsMargins(0, 0, 0, 0)
        self.ticket_label = _label("—", "label")
        self.ticket_label.setAlignment(Qt.AlignCenter)
        self.ticket_caption = _label(WORDS.both("now_serving"), "caption")
        hbox.addWidget(self.ticket_caption)
        hbox.addWidget(self.ticket_label)
        self.ticket_rows = _label("", wrap=True)
        self.visitor_label = _label("", wrap=True)
        body = QWidget(objectName="detailsBody")
        bbox = QVBoxLayout(body)
        bbox.setContentsMargins(0, 0, 0, 0)
        bbox.addWidget(self.ticket_rows)
        bbox.addWidget(self.visitor_label)
        # Deletion on request at the counter (personal-data law): the visitor asks, the officer confirms.
        self.forget_button = QPushButton(_t("forget_button"), objectName="secondary")
        self.forget_button.clicked.connect(lambda: self.show_panel(self.forget_panel))
        self.forget_button.hide()
        bbox.addWidget(self.forget_button)
        bbox.addStretch(1)
        self.details = QScrollArea(objectName="details")
        self.details.setWidget(body)
        self.details.setWidgetResizable(True)
        self.details.setFrameShape(QFrame.NoFrame)
        self.details.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.details.viewport().setStyleSheet("background: transparent;")
        self.pbox.addWidget(head)
        self.pbox.addWidget(self.details, 1)
        self.ticket_panel = panel
        self.left.addWidget(panel, 1)

        self.actions = QStackedWidget()
        grid_page = QWidget()
        self.grid = QGridLayout(grid_page)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for action, (_vi, _en, key) in ACTIONS.items():
            button = QPushButton()
            button.setObjectName(f"action_{action}")
            button.clicked.connect(lambda _=False, a=action: self.trigger(a))
            QShortcut(QKeySequence(key), self, activated=lambda a=action: self.trigger(a))
            self.buttons[action] = button
        self.actions.addWidget(grid_page)
        # inline panels, in place of the buttons
        self.transfer_box = QComboBox(objectName="transferField")
        self.transfer_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.transfer_box.setMinimumContentsLength(10)
        self.transfer_panel = self._inline_panel(_label(_t("transfer_to"), wrap=True), [self.transfer_box],
                                                 [(_t("transfer_ok"), self._do_transfer, "transferOk")])
        self.call_edit = QLineEdit(placeholderText=_t("call_placeholder"), objectName="callNumber")
        self.call_edit.returnPressed.connect(self._do_call_number)
        self.call_panel = self._inline_panel(_label(_t("call_prompt")), [self.call_edit],
                                             [(_t("call_ok"), self._do_call_number, "callOk")])
        self.forget_panel = self._inline_panel(_label(_t("forget_question"), wrap=True), [],
                                               [(_t("forget_confirm"), self._do_forget, "forgetConfirm")])
        self.forget_confirm = self.forget_panel.buttons[0]
        self.sign_out_question = _label("", "question", wrap=True)
        self.sign_out_panel = self._inline_panel(self.sign_out_question, [], [
            (_t("sign_out_finish"), lambda: self._sign_out_with("finish"), "signOutFinish"),
            (_t("sign_out_no_show"), lambda: self._sign_out_with("no_show"), "signOutNoShow"),
            (_t("sign_out_keep"), lambda: self._sign_out_with("keep"), "signOutKeep")])
        # a PIN shorter than new PINs may be: the officer sets a new one right after signing in (or later: Hủy)
        self._old_pin = ""
        self.pin_new_edit = QLineEdit(objectName="pinNew", placeholderText=_t("pin_new_placeholder"))
        self.pin_again_edit = QLineEdit(objectName="pinAgain", placeholderText=_t("pin_again_placeholder"))
        for edit in (self.pin_new_edit, self.pin_again_edit):
            edit.setEchoMode(QLineEdit.Password)
            edit.setMaxLength(12)
        self.pin_new_edit.returnPressed.connect(lambda: self.pin_again_edit.setFocus())
        self.pin_again_edit.returnPressed.connect(self._do_change_pin)
        self.pin_change_panel = self._inline_panel(
            _label(_t("pin_change_prompt"), wrap=True), [self.pin_new_edit, self.pin_again_edit],
            [(_t("pin_change_ok"), self._do_change_pin, "pinChangeOk")])
        for p in (self.transfer_panel, self.call_panel, self.forget_panel, self.sign_out_panel,
                  self.pin_change_panel):
            self.actions.addWidget(p)
        self.left.addWidget(self.actions)
        desk.addLayout(self.left, 3)

        self.right = QWidget()
        self.right_box = QVBoxLayout(self.right)
        self.right_box.setContentsMargins(0, 0, 0, 0)
        self.waiting_title = _label(_t("waiting_title"), "title")
        self.waiting_title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.waiting_list = QListWidget()
        self.waiting_list.setFocusPolicy(Qt.NoFocus)
        self.sign_out_button = QPushButton(WORDS.both("sign_out"), objectName="secondary")
        self.sign_out_button.setObjectName("signOut")
        self.sign_out_button.clicked.connect(self.sign_out)
        self.right_box.addWidget(self.waiting_list, 1)
        desk.addWidget(self.right, 2)
        return page

    # --- size ----------------------------------------------------------------------------
    def _apply_mode(self, compact: bool) -> None:
        """Place the widgets for a desk-sized window or for half a screen."""
        if compact == self.compact:
            return
        self.compact = compact
        self.setStyleSheet(COMPACT_STYLE if compact else STYLE)
        m = 8 if compact else 16
        self.root.setContentsMargins(m, 6 if compact else 12, m, 6 if compact else 12)
        self.root.setSpacing(4 if compact else 6)
        for w in (self.waiting_title, self.sign_out_button, *self.buttons.values()):
            for layout in (self.left, self.right_box, self.grid):
                layout.removeWidget(w)
        # the desk keeps today's 4 x 2 buttons; "Khôi phục số" goes by the waiting list it puts a ticket back in
        columns = 2 if compact else 4
        cells = [b for a, b in self.buttons.items() if compact or a != "reactivate"]
        cells += [self.sign_out_button] if compact else []
        for i, b in enumerate(cells):
            self.grid.addWidget(b, i // columns, i % columns)
        self._render()        # the labels of this mode first: the columns are as wide as the widest button
        widest = max(b.sizeHint().width() for b in cells)
        for col in range(4):
            self.grid.setColumnStretch(col, 1 if col < columns else 0)
            self.grid.setColumnMinimumWidth(col, widest if col < columns else 0)
        if compact:
            self.left.insertWidget(1, self.waiting_title)
            self.right.hide()
        else:
            self.right_box.insertWidget(0, self.waiting_title)
            self.right_box.addWidget(self.buttons["reactivate"])
            self.right_box.addWidget(self.sign_out_button)
            self.right.show()
        self.waiting_list.setVisible(not compact)
        self.pbox.setDirection(QBoxLayout.LeftToRight if compact else QBoxLayout.TopToBottom)
        self.ticket_caption.setVisible(not compact)
        self.pbox.setContentsMargins(*((8, 2, 4, 2) if compact else (11, 11, 11, 11)))
        self.grid.setSpacing(4 if compact else 6)
        self.left.setSpacing(4 if compact else 6)
        self._size_band()
        self._render()

    def _size_band(self) -> None:
        fm = self.message.fontMetrics()
        self.band.setFixedHeight(BAND_LINES[bool(self.compact)] * fm.lineSpacing() + (10 if self.compact else 20))

    def resizeEvent(self, event) -> None:
        size = event.size()
        self._apply_mode(size.width() < COMPACT_WIDTH or size.height() < COMPACT_HEIGHT)
        # the number scales with the height: 110 px on a desk screen, about 60 at half a screen
        px = max(44, min(theme.STAFF_NUMBER, int(size.height() * (0.125 if self.compact else 0.14))))
        self.ticket_label.setStyleSheet(f"font-size: {px}px;")
        self._size_band()
        super().resizeEvent(event)
        self._fit_texts()

    # --- commands ------------------------------------------------------------------------
    def submit(self, tag: str, command: Callable[[Any], Any]) -> None:
        self.commands.submit(tag, command)

    def run_action(self, tag: str, command: Callable[[Any], Any]) -> bool:
        """Start a queue command unless one is running: a double press never acts twice."""
        if self.busy:
            return False
        self.busy = True
        self._render()
        self.submit(tag, command)
        return True

    def show_panel(self, panel: QWidget) -> None:
        self.actions.setCurrentWidget(panel)

    def close_panel(self) -> None:
        self.actions.setCurrentIndex(0)
        self._old_pin = ""                  # the change-PIN panel forgets what it held
        self.pin_new_edit.clear()
        self.pin_again_edit.clear()

    def _escape(self) -> None:
        if self.sign_in_pages.currentWidget() is self.elsewhere_panel:
            self._cancel_elsewhere()
        self.close_panel()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Resize and obj in (self.header, self.waiting_title):
            QTimer.singleShot(0, self._fit_texts)
        return super().eventFilter(obj, event)

    def trigger(self, action: str) -> None:
        if action not in self.enabled() or self.busy:
            return
        n = self.counter_number
        if action == "transfer":
            self.show_panel(self.transfer_panel)
            return
        if action == "call_number":
            self.show_panel(self.call_panel)
            self.call_edit.setFocus()
            return
        self.close_panel()
        if action == "pause":
            paused = self.data is not None and self.data.counter.paused
            self.run_action("resume" if paused else "pause",
                            (lambda svc: svc.resume(n)) if paused else (lambda svc: svc.pause(n)))
            return
        if action == "reactivate":
            label = self.last_no_show
            self.run_action("reactivate", lambda svc: svc.reactivate(label, counter=n))
            return
        method = {"call_next": "call_next", "recall": "recall", "start": "start", "finish": "finish",
                  "no_show": "no_show"}[action]
        self.run_action(action, idempotent(lambda svc, rid: getattr(svc, method)(n, request_id=rid)))

    def _do_transfer(self) -> None:
        ticket = self.data.ticket if self.data else None
        code = self.transfer_box.currentData()
        if ticket is None or not code:
            return
        self.run_action("transfer", lambda svc: svc.transfer(ticket.label, code, counter=self.counter_number))

    def _do_call_number(self) -> None:
        """The panel stays, with what was typed, until the call succeeds (a wrong number is corrected, not
        retyped)."""
        label = self.call_edit.text().strip().upper()
        if not label:
            self.show_message(WORDS.both("enter_ticket"), error=True)
            return
        self.run_action("call_number", lambda svc: svc.call_ticket(self.counter_number, label))

    def _do_change_pin(self) -> None:
        """The new PIN typed twice; the rules (6–12 digits, not trivial) are the queue's (db.auth)."""
        new, again = self.pin_new_edit.text().strip(), self.pin_again_edit.text().strip()
        if not new or new != again:
            self.show_message(_t("pin_mismatch"), error=True)
            self.pin_new_edit.clear()
            self.pin_again_edit.clear()
            self.pin_new_edit.setFocus()
            return
        if self.officer is None:
            return
        name, old, n = self.officer.name, self._old_pin, self.counter_number
        self.run_action("change_pin", lambda svc: svc.change_pin(name, old, new, counter=n))

    def sign_in(self, move: bool = False) -> None:
        box = self.officer_box
        name, pin = (box.currentText() if box.currentIndex() >= 0 else ""), self.pin_edit.text()
        if not name:
            self.show_message(WORDS.both("officer_unknown"), error=True)
            box.setFocus()
            return
        if not pin:
            self.show_message(WORDS.both("enter_name_pin"), error=True)
            self.pin_edit.setFocus()
            return
        n = self.counter_number

        def command(svc: Any) -> SignedIn | SignedInElsewhere:
            # the same officer at two counters: asked first (nothing changes until they choose), and a counter
            # that still holds a ticket is never left without its officer
            others = [c.number for c in svc.counters() if c.officer_name == name and c.number != n]
            held = tuple((c, t.label) for c in others if (t := svc.current(c)) is not None)
            if others and (not move or held):
                return SignedInElsewhere(name, tuple(others), held)
            officer = svc.sign_in(n, name, pin)
            for c in others:
                svc.sign_out(c)
            return SignedIn(officer, tuple(others), pin if officer.must_change_pin else "")
        self.run_action("sign_in", command)

    def _cancel_elsewhere(self) -> None:
        self.sign_in_pages.setCurrentIndex(0)
        self.pin_edit.clear()
        self.pin_edit.setFocus()

    def sign_out(self) -> None:
        """With a ticket still at the counter the officer says what becomes of it first."""
        ticket = self.data.ticket if self.data else None
        if ticket is None:
            self.run_action("sign_out", lambda svc: (svc.sign_out(self.counter_number), "signed_out")[1])
            return
        self.sign_out_question.setText(_t("sign_out_question", label=ticket.label))
        no_show = next(b for b in self.sign_out_panel.buttons if b.objectName() == "signOutNoShow")
        no_show.setVisible(ticket.status == "called")
        self.show_panel(self.sign_out_panel)

    def _sign_out_with(self, what: str) -> None:
        n = self.counter_number
        ticket = self.data.ticket if self.data else None

        def command(svc: Any) -> str:
            if what == "finish":
                svc.finish(n)
            elif what == "no_show":
                svc.no_show(n)
            svc.sign_out(n)
            return what
        if self.run_action("sign_out", command):
            self._sign_out_label = ticket.label if ticket else ""
            self.close_panel()

    def dismiss_faults(self) -> None:
        """The officer has dealt with the printer faults shown (each otherwise stays until its kiosk prints)."""
        self.printer_faults.clear()
        self._update_band()

    def _load_officers(self) -> None:
        self.submit("officers", lambda svc: svc.officers())

    def _command_done(self, tag: str, result: Any, error: Exception | None) -> None:
        if tag == "officers":
            box = self.officer_box
            if error is None:
                chosen = box.currentText() if box.currentIndex() >= 0 else ""
                box.clear()
                box.addItems([o.name for o in result])
                box.setCurrentIndex(box.findText(chosen) if chosen else -1)
                self.officers_loaded = True
                box.setPlaceholderText(_t("officer_choose"))
            else:
                self.officers_loaded = False      # loaded again when the database is back (_connection)
            return
        if tag == "fields":
            if error is None:
                self.transfer_box.clear()
                for f in result:
                    self.transfer_box.addItem(f"{f.prefix} — {f.name_vi}", f.code)
            return
        if tag == "refresh":
            if error is None:
                self.apply_data(result)
            return
        if tag == "visitor":
            self.visitor_label.setText(result or "")
            return
        if tag == "forget":
            self.close_panel()
            if error is not None or result is None:
                reason = describe_error(error, LANG) if error is not None else _t("no_visitor_store")
                self.show_message(_t("forget_failed", reason=reason), error=True)
            else:
                self.forget_button.hide()
                self.visitor_label.setText(WORDS.both("forgotten_label"))
                self.show_message(_t("forgotten"))
            return
        self.busy = False
        if error is None and self.data is not None:   # show the outcome now; the refresh follows
            if tag in ("call_next", "call_number", "recall", "start"):
                waiting = tuple(t for t in self.data.waiting if result is None or t.id != result.id)
                self.data = dataclasses.replace(self.data, ticket=result, waiting=waiting)
                if result is not None:
                    self._load_visitor(result)
            elif tag in ("finish", "no_show", "transfer"):
                self.data = dataclasses.replace(self.data, ticket=None)
            elif tag in ("pause", "resume"):
                self.data = dataclasses.replace(self.data, counter=result)
        if error is not None:
            if not isinstance(error, LocalizedError):
                log.error("counter %s: %s failed: %r", self.counter_number, tag, error)
            self.show_message(describe_error(error, LANG), error=True)
            if tag == "sign_in":   # a wrong PIN is not left in the field to be "corrected" digit by digit
                self.sign_in_pages.setCurrentIndex(0)
                self.pin_edit.clear()
                self.pin_edit.setFocus()
            elif tag == "change_pin":    # a refused new PIN (too short, too easy) is typed again
                self.pin_new_edit.clear()
                self.pin_again_edit.clear()
                self.pin_new_edit.setFocus()
            elif tag == "call_number":   # what was typed stays, selected, to be corrected
                self.call_edit.selectAll()
                self.call_edit.setFocus()
            elif tag == "reactivate":
                if isinstance(error, (InvalidState, NotFound)):
                    self.last_no_show = None     # called by number meanwhile, or another day: nothing to restore
        elif tag == "sign_in" and isinstance(result, SignedInElsewhere):
            if result.held:
                counter, label = result.held[0]
                self.show_message(_t("elsewhere_held", name=result.name, counter=counter, label=label), error=True)
                self.pin_edit.clear()
            else:
                self.elsewhere_question.setText(_t("elsewhere_question", name=result.name,
                                                   counters=", ".join(map(str, result.counters))))
                self.sign_in_pages.setCurrentWidget(self.elsewhere_panel)
                self.clear_message()
        elif tag == "sign_in":
            officer = result.officer
            self.officer = officer
            self.last_no_show = None
            self.sign_in_pages.setCurrentIndex(0)
            self.pin_edit.clear()
            hello = (_t("moved_here", name=officer.name, counters=", ".join(map(str, result.moved_from)))
                     if result.moved_from else _t("hello", name=officer.name))
            self.show_message(hello + (_t("pin_must_change") if officer.must_change_pin else ""))
            self.submit("fields", lambda svc: svc.fields())
            if officer.must_change_pin:
                self._render()            # the desk first, then the panel on it
                self.show_panel(self.pin_change_panel)
                self._old_pin = result.old_pin
                self.pin_new_edit.setFocus()
        elif tag == "change_pin":
            self.close_panel()
            self.officer = dataclasses.replace(self.officer, must_change_pin=False) if self.officer else None
            self.show_message(_t("pin_changed"))
        elif tag == "sign_out":
            self.officer = None
            self.last_no_show = None
            self.close_panel()
            if result == "keep":
                self.show_message(_t("kept_at_counter", label=getattr(self, "_sign_out_label", "")))
            else:
                self.show_message(WORDS.both("signed_out"))
        elif tag == "call_next" and result is None:
            self.show_message(WORDS.both("nobody_left"))
        elif tag in ("call_next", "call_number", "recall"):
            if tag == "call_number":
                self.close_panel()
                self.call_edit.clear()
            if result.label == self.last_no_show:
                self.last_no_show = None
            self.show_message(WORDS.both("called", label=result.label))
        elif tag == "transfer":
            self.close_panel()
            self.show_message(_t("transferred", label=result.label, field=result.field_name_vi))
        elif tag == "no_show":
            self.last_no_show = result.label
            self.show_message(_t("no_show_done", label=result.label))
        elif tag == "reactivate":
            self.last_no_show = None
            self.show_message(_t("reactivated", label=result.label))
        else:
            self.clear_message()
        self._render()
        self.refresh()

    def refresh(self) -> None:
        n = self.counter_number
        self.submit("refresh", lambda svc: load_counter_data(svc, n))

    # --- feed ----------------------------------------------------------------------------
    def apply_data(self, data: CounterData) -> None:
        previous = self.data.ticket if self.data else None
        note = clock_note(data.clock_skew_s)
        if note and (self.data is None or clock_note(self.data.clock_skew_s) != note):
            self.show_message(note, error=True)
        self.data = data
        self._tick()
        if data.ticket is not None and (previous is None or previous.id != data.ticket.id):
            self._load_visitor(data.ticket)
        elif data.ticket is None:
            self.visitor_label.setText("")
            self.forget_button.hide()
            if self.actions.currentWidget() in (self.forget_panel, self.sign_out_panel, self.transfer_panel):
                self.close_panel()     # about a ticket that has gone
        self._render()

    def apply_events(self, events: list) -> None:
        for event in events:
            # per kiosk: a fault stays until that kiosk prints again or an officer dismisses it
            if event.kind == "printer_fault":
                kiosk = event.payload.get("kiosk") or "?"
                detail = event.payload.get("detail") or event.payload.get("status") or ""
                self.printer_faults.pop(kiosk, None)       # the newest last
                self.printer_faults[kiosk] = _t("printer_fault", kiosk=kiosk, detail=detail, label=event.ticket_label)
                self._update_band()
            elif event.kind == "kiosk_problem" and event.payload.get("problem") in KIOSK_PROBLEM_WORDS:
                kiosk = event.payload.get("kiosk") or "?"     # stays until dismissed (a printed ticket is no cure)
                self.printer_faults[f"{kiosk}:{event.payload['problem']}"] = _t(
                    KIOSK_PROBLEM_WORDS[event.payload["problem"]], kiosk=kiosk)
                self._update_band()
            elif event.kind == "printed" and self.printer_faults.pop(event.payload.get("kiosk") or "?", None):
                self._update_band()
            elif event.kind == "sign_in_locked" and self.officer is not None and \
                    self.officer.role in ("supervisor", "admin"):   # someone may be guessing PINs
                p = event.payload
                self.show_message(_t("locked_elsewhere", n=event.counter_number, officer=p.get("officer"),
                                     failures=p.get("failures")), error=True)

    def _do_forget(self) -> None:
        ticket = self.data.ticket if self.data else None
        if ticket is None or ticket.visitor_id is None or self.officer is None:
            self.close_panel()
            return
        vid, actor = int(ticket.visitor_id), f"counter {self.counter_number}: {self.officer.name}"

        def forget(svc: Any) -> bool | None:
            if not self._store:
                self._store.append(self.open_visitor_store(svc) if self.open_visitor_store else None)
            return None if self._store[0] is None else self._store[0].forget(vid, actor=actor)
        self.submit("forget", forget)

    def _load_visitor(self, ticket: Any) -> None:
        self.forget_button.setVisible(ticket.visitor_id is not None and self.officer is not None)
        if self.actions.currentWidget() is self.forget_panel:
            self.close_panel()
        if ticket.visitor_id is None:
            self.visitor_label.setText("")
            return
        officer, counter = self.officer, self.counter_number

        def load(svc: Any) -> str:
            if not self._store:
                self._store.append(self.open_visitor_store(svc) if self.open_visitor_store else None)
            view = visitor_view(ticket, officer, self._store[0], counter, lang=LANG)
            if view is None:
                return ""
            if view.name is None:
                return f"{_t('visitor_recognised', id=view.visitor_id)}\n{view.note}"
            visits = "\n".join(f"  • {v}" for v in view.visits[:5])
            name = _t("visitor_name", name=view.name)
            return f"{name}\n{_t('visitor_visits')}\n{visits}" if visits else name
        self.submit("visitor", load)

    def _connection(self, connected: bool) -> None:
        """Lost: say why, in the queue's own words (a corrupt file, no such counter...), until it is back.
        Back: load again what a window started during an outage could not (the officers)."""
        if not connected:
            exc = self.feed_error
            if exc is None:
                text = WORDS.both("db_lost")
            elif isinstance(exc, Unavailable):
                text = _t("db_unusable", reason=describe_error(exc, LANG))
            else:
                text = describe_error(exc, LANG)
            self.show_message(text, error=True, sticky=True)
            return
        if self._sticky:
            self.clear_message()
        self._load_officers()
        if self.officer is not None:
            self.submit("fields", lambda svc: svc.fields())

    # --- rendering -----------------------------------------------------------------------
    def enabled(self) -> frozenset[str]:
        data = self.data
        return enabled_actions(signed_in=self.officer is not None, busy=self.busy,
                               paused=bool(data and data.counter.paused), ticket=data.ticket if data else None,
                               waiting=len(data.waiting) if data else 0, last_no_show=self.last_no_show)

    def show_message(self, text: str, error: bool = False, sticky: bool = False) -> None:
        """In the reserved band; gone after ``message_ms`` unless ``sticky`` (the database is unusable)."""
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self._sticky = sticky
        if sticky:
            self.message_timer.stop()
        else:
            self.message_timer.start(self.message_ms)
        self._update_band()

    def clear_message(self) -> None:
        self.message_timer.stop()
        self._sticky = False
        self.message.setText("")
        self.message.setProperty("kind", "")
        self._update_band()

    def _update_band(self) -> None:
        """The message while there is one, else the printer faults, else nothing: the band keeps its height."""
        if self.message.text():
            self.band_stack.setCurrentWidget(self.message)
        elif self.printer_faults:
            self.fault_label.setText("\n".join(list(self.printer_faults.values())[-BAND_LINES[bool(self.compact)]:]))
            self.band_stack.setCurrentWidget(self.fault_row)
        else:
            self.band_stack.setCurrentIndex(0)

    def _render(self) -> None:
        self.pages.setCurrentIndex(1 if self.officer else 0)
        self.sign_in_button.setEnabled(not self.busy)
        n = self.counter_number
        header = _t("header_officer", n=n, name=self.officer.name) if self.officer else _t("counter_title", n=n)
        paused = self.data is not None and self.data.counter.paused
        self._header_text = header + (f"  {_t('paused_mark')}" if paused else "")
        enabled = self.enabled()
        for action, button in self.buttons.items():
            vi, _en, key = ACTIONS[action]
            if action == "pause" and paused:
                vi = RESUME_LABEL[0]
            button.setText(f"{vi} ({key})" if self.compact else f"{vi}\n[{key}]")
            button.setEnabled(action in enabled)
        self.sign_out_button.setEnabled(not self.busy and self.officer is not None)
        ticket = self.data.ticket if self.data else None
        if ticket is None:
            self.ticket_label.setText("—")
            self.ticket_rows.setText(_t("no_ticket_paused" if paused else "no_ticket"))
        else:
            self.ticket_label.setText(ticket.label)
            self.ticket_rows.setText("\n".join(f"{c}: {v}" for c, v in describe_ticket(ticket, self.database_now(), LANG)))
        waiting = self.data.waiting if self.data else ()
        self._waiting_text = _t("waiting_count", n=len(waiting))
        if waiting:   # the compact strip: who comes next, as far as it fits
            self._waiting_text_compact = self._waiting_text + " — " + ", ".join(
                t.label + (" ★" if t.priority_reason else "") for t in waiting[:30])
        else:
            self._waiting_text_compact = self._waiting_text
        self._fit_texts()
        self.waiting_list.clear()
        for t in waiting[:50]:
            prio = f"  {_t('priority_mark')}" if t.priority_reason else ""
            item = QListWidgetItem(f"{t.label}   {t.field_name_vi}{prio}")
            if t.priority_reason:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.waiting_list.addItem(item)

    def _fit_texts(self) -> None:
        """One-line texts elided to their label's width (they never widen the window)."""
        def fit(label: QLabel, text: str) -> None:
            width = label.contentsRect().width()
            label.setText(label.fontMetrics().elidedText(text, Qt.ElideRight, width) if width > 0 else text)
        fit(self.header, getattr(self, "_header_text", self.header.text()))
        fit(self.waiting_title, getattr(self, "_waiting_text_compact" if self.compact else "_waiting_text", ""))

    def database_now(self) -> dt.datetime:
        """This PC's time corrected to the database's (tickets are stamped with the database's time: a PC
        10 min slow showed a citizen who had waited 12 minutes as waiting 2)."""
        skew = self.data.clock_skew_s if self.data is not None else 0.0
        return self.now() + dt.timedelta(seconds=skew)

    def centre_now(self) -> dt.datetime:
        """Now in the centre's time zone (from the database) by the database's clock, whatever the PC's zone
        and clock say."""
        zone = self.data.timezone if self.data is not None else "Asia/Ho_Chi_Minh"
        return self.database_now().astimezone(zoneinfo.ZoneInfo(zone))

    def _tick(self) -> None:
        self.clock_label.setText(self.centre_now().strftime("%H:%M"))

    def ui_state(self) -> dict:
        """What the UI dump (gui/uidump.py) reports besides the widgets."""
        return {"program": "counter", "signed_in": self.officer is not None, "clock": self.clock_label.text(),
                "compact": bool(self.compact),
                "ticket": self.data.ticket.label if self.data and self.data.ticket else None}

    def shutdown(self) -> None:
        self.ticker.stop()
        self.clock.stop()
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
        self.command_thread.stop()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
