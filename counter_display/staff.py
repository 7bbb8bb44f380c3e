"""The officer's counter window: sign in with a PIN, then call, recall, start, finish, no-show, transfer,
call a chosen number, pause. All database work runs on worker threads; the window only shows results."""
from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any, Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from bilingual import LocalizedError
from gui import theme
from .staff_model import (ACTIONS, RESUME_LABEL, CounterData, clock_note, describe_ticket, enabled_actions,
                          load_counter_data)
from core.visitors.access import visitor_view
from gui.worker import WorkerThread
from .texts import WORDS
from .workers import CommandWorker, FeedWorker, idempotent

LANG = "vi"   # the officer reads Vietnamese; WORDS.both() where the window has always shown English too


def _t(key: str, **values: Any) -> str:
    return WORDS.text(LANG, key, **values)

STYLE = theme.staff_stylesheet(theme.palette("light"))


def _label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


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
        self.printer_faults: list[str] = []
        self.setWindowTitle(WORDS.both("window_title", n=counter))
        self.setStyleSheet(STYLE)

        self.commands = CommandWorker(open_service)
        self.commands.done.connect(self._command_done)
        self.command_thread = WorkerThread(self.commands, "counter-commands")

        self.fault_label = _label("", "fault", wrap=True)   # printer faults: seen even when signed out
        self.fault_label.hide()
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_sign_in())
        self.pages.addWidget(self._build_desk())
        root = QVBoxLayout(self)
        root.setContentsMargins(16, 12, 16, 12)
        self.header = _label(_t("counter_title", n=counter), "title")
        self.clock_label = _label("", "clock")
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.clock_label)
        self.message = _label("", "message", wrap=True)
        self.message.hide()
        root.addLayout(top)
        root.addWidget(self.message)
        root.addWidget(self.fault_label)
        root.addWidget(self.pages, 1)

        self.ticker = QTimer(self, interval=15000)   # "time waited" keeps counting
        self.ticker.timeout.connect(self._render)
        self.ticker.start()
        self.clock = QTimer(self, interval=1000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        self._tick()
        self.feed: WorkerThread | None = None
        if follow:
            worker = FeedWorker(open_service, refresh=lambda svc: load_counter_data(svc, counter),
                                poll_timeout=poll_timeout)
            worker.refreshed.connect(self.apply_data)
            worker.events.connect(self.apply_events)
            worker.connection_changed.connect(self._connection)
            self.feed = WorkerThread(worker, "feed", run=worker.run)
        self.submit("officers", lambda svc: svc.officers())
        self._render()

    # --- building ------------------------------------------------------------------------
    def _build_sign_in(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(_label(WORDS.both("sign_in_title"), "title"))
        self.officer_box = QComboBox(objectName="officerName")
        self.officer_box.setEditable(True)
        self.officer_box.lineEdit().setPlaceholderText(WORDS.both("officer_placeholder"))
        self.pin_edit = QLineEdit(objectName="pin")
        self.pin_edit.setEchoMode(QLineEdit.Password)
        self.pin_edit.setPlaceholderText(_t("pin_placeholder"))
        self.pin_edit.returnPressed.connect(self.sign_in)
        self.sign_in_button = QPushButton(WORDS.both("sign_in"))
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.clicked.connect(self.sign_in)
        for w in (self.officer_box, self.pin_edit, self.sign_in_button):
            w.setMaximumWidth(520)
            box.addWidget(w)
        box.addStretch(2)
        return page

    def _inline_panel(self, widgets: list, ok_text: str, on_ok: Callable[[], None]) -> tuple[QFrame, QPushButton]:
        """A hidden row with the given widgets, an OK button and 'Hủy' (no stock dialogs: Qt ships none in
        Vietnamese)."""
        panel = QFrame(objectName="panel")
        row = QHBoxLayout(panel)
        ok, cancel = QPushButton(ok_text), QPushButton(_t("cancel"), objectName="secondary")
        ok.clicked.connect(on_ok)
        cancel.clicked.connect(panel.hide)
        for w in (*widgets, ok, cancel):
            row.addWidget(w)
        panel.hide()
        return panel, ok

    def _build_desk(self) -> QWidget:
        page = QWidget()
        grid = QHBoxLayout(page)
        left = QVBoxLayout()
        panel = QFrame(objectName="panel")
        pbox = QVBoxLayout(panel)
        self.ticket_label = _label("—", "label")
        self.ticket_label.setAlignment(Qt.AlignCenter)
        self.ticket_rows = _label("", wrap=True)
        self.visitor_label = _label("", wrap=True)
        pbox.addWidget(_label(WORDS.both("now_serving"), "caption"))
        pbox.addWidget(self.ticket_label)
        pbox.addWidget(self.ticket_rows)
        pbox.addWidget(self.visitor_label)
        # Deletion on request at the counter (personal-data law): the visitor asks, the officer confirms.
        self.forget_button = QPushButton(_t("forget_button"), objectName="secondary")
        self.forget_button.clicked.connect(lambda: self.forget_panel.show())
        self.forget_button.hide()
        pbox.addWidget(self.forget_button)
        self.forget_panel, self.forget_confirm = self._inline_panel(
            [_label(_t("forget_question"), wrap=True)], _t("forget_confirm"), self._do_forget)
        pbox.addWidget(self.forget_panel)
        pbox.addStretch(1)
        left.addWidget(panel, 1)

        buttons = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, (action, (vi, _en, key)) in enumerate(ACTIONS.items()):
            button = QPushButton(f"{vi}\n[{key}]")
            button.setObjectName(f"action_{action}")
            button.clicked.connect(lambda _=False, a=action: self.trigger(a))
            QShortcut(QKeySequence(key), self, activated=lambda a=action: self.trigger(a))
            buttons.addWidget(button, i // 4, i % 4)
            self.buttons[action] = button
        for col in range(4):
            buttons.setColumnStretch(col, 1)
        left.addLayout(buttons)

        # inline panels (no stock dialogs: Qt ships none in Vietnamese)
        self.transfer_box = QComboBox()
        self.transfer_panel, _ = self._inline_panel(
            [_label(_t("transfer_to")), self.transfer_box], _t("transfer_ok"), self._do_transfer)
        self.call_edit = QLineEdit(placeholderText=_t("call_placeholder"))
        self.call_edit.returnPressed.connect(self._do_call_number)
        self.call_panel, _ = self._inline_panel([_label(_t("call_prompt")), self.call_edit], _t("call_ok"),
                                              self._do_call_number)
        left.addWidget(self.transfer_panel)
        left.addWidget(self.call_panel)
        grid.addLayout(left, 3)

        right = QVBoxLayout()
        self.waiting_title = _label(_t("waiting_title"), "title")
        self.waiting_list = QListWidget()
        self.waiting_list.setFocusPolicy(Qt.NoFocus)
        self.sign_out_button = QPushButton(WORDS.both("sign_out"), objectName="secondary")
        self.sign_out_button.clicked.connect(self.sign_out)
        right.addWidget(self.waiting_title)
        right.addWidget(self.waiting_list, 1)
        right.addWidget(self.sign_out_button)
        grid.addLayout(right, 2)
        return page

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

    def trigger(self, action: str) -> None:
        if action not in self.enabled() or self.busy:
            return
        n = self.counter_number
        if action == "transfer":
            self.call_panel.hide()
            self.transfer_panel.show()
            return
        if action == "call_number":
            self.transfer_panel.hide()
            self.call_panel.show()
            self.call_edit.setFocus()
            return
        if action == "pause":
            paused = self.data is not None and self.data.counter.paused
            self.run_action("resume" if paused else "pause",
                            (lambda svc: svc.resume(n)) if paused else (lambda svc: svc.pause(n)))
            return
        method = {"call_next": "call_next", "recall": "recall", "start": "start", "finish": "finish",
                  "no_show": "no_show"}[action]
        self.run_action(action, idempotent(lambda svc, rid: getattr(svc, method)(n, request_id=rid)))

    def _do_transfer(self) -> None:
        ticket = self.data.ticket if self.data else None
        code = self.transfer_box.currentData()
        if ticket is None or not code:
            return
        if self.run_action("transfer", lambda svc: svc.transfer(ticket.label, code, counter=self.counter_number)):
            self.transfer_panel.hide()

    def _do_call_number(self) -> None:
        label = self.call_edit.text().strip().upper()
        if not label:
            self.show_message(WORDS.both("enter_ticket"), error=True)
            return
        if self.run_action("call_number", lambda svc: svc.call_ticket(self.counter_number, label)):
            self.call_panel.hide()
            self.call_edit.clear()

    def sign_in(self) -> None:
        name, pin = self.officer_box.currentText().strip(), self.pin_edit.text()
        if not name or not pin:
            self.show_message(WORDS.both("enter_name_pin"), error=True)
            return
        self.run_action("sign_in", lambda svc: svc.sign_in(self.counter_number, name, pin))

    def sign_out(self) -> None:
        self.run_action("sign_out", lambda svc: svc.sign_out(self.counter_number))

    def _command_done(self, tag: str, result: Any, error: Exception | None) -> None:
        if tag == "officers":
            if error is None:
                self.officer_box.clear()
                self.officer_box.addItems([o.name for o in result])
                self.officer_box.setCurrentIndex(-1)
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
            self.forget_panel.hide()
            if error is not None or result is None:
                reason = (error.message(LANG) if isinstance(error, LocalizedError) else error) or _t("no_visitor_store")
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
            self.show_message(error.message(LANG) if isinstance(error, LocalizedError) else _t("error", reason=error),
                              error=True)
            if tag == "sign_in":   # a wrong PIN is not left in the field to be "corrected" digit by digit
                self.pin_edit.clear()
                self.pin_edit.setFocus()
        elif tag == "sign_in":
            self.officer = result
            self.pin_edit.clear()
            self.show_message(_t("hello", name=result.name) + (_t("pin_must_change") if result.must_change_pin else ""))
            self.submit("fields", lambda svc: svc.fields())
        elif tag == "sign_out":
            self.officer = None
            self.show_message(WORDS.both("signed_out"))
        elif tag == "call_next" and result is None:
            self.show_message(WORDS.both("nobody_left"))
        elif tag in ("call_next", "call_number", "recall"):
            self.show_message(WORDS.both("called", label=result.label))
        elif tag == "transfer":
            self.show_message(_t("transferred", label=result.label, field=result.field_name_vi))
        else:
            self.message.hide()
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
            self.forget_panel.hide()
        self._render()

    def apply_events(self, events: list) -> None:
        for event in events:
            if event.kind == "printer_fault":
                kiosk = event.payload.get("kiosk") or "?"
                detail = event.payload.get("detail") or event.payload.get("status") or ""
                self.printer_faults.append(_t("printer_fault", kiosk=kiosk, detail=detail, label=event.ticket_label))
                self.fault_label.setText("\n".join(self.printer_faults[-3:]))
                self.fault_label.show()
            elif event.kind == "printed":
                self.printer_faults.clear()
                self.fault_label.hide()
            elif event.kind == "sign_in_locked" and self.officer is not None and \
                    self.officer.role in ("supervisor", "admin"):   # someone may be guessing PINs
                p = event.payload
                self.show_message(f"Cảnh báo: quầy {event.counter_number}: đăng nhập '{p.get('officer')}' bị khóa "
                                  f"sau {p.get('failures')} lần sai mã PIN / sign-in locked after wrong PINs",
                                  error=True)

    def _do_forget(self) -> None:
        ticket = self.data.ticket if self.data else None
        if ticket is None or ticket.visitor_id is None or self.officer is None:
            self.forget_panel.hide()
            return
        vid, actor = int(ticket.visitor_id), f"counter {self.counter_number}: {self.officer.name}"

        def forget(svc: Any) -> bool | None:
            if not self._store:
                self._store.append(self.open_visitor_store(svc) if self.open_visitor_store else None)
            return None if self._store[0] is None else self._store[0].forget(vid, actor=actor)
        self.submit("forget", forget)

    def _load_visitor(self, ticket: Any) -> None:
        self.forget_button.setVisible(ticket.visitor_id is not None and self.officer is not None)
        self.forget_panel.hide()
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
        if not connected:
            self.show_message(WORDS.both("db_lost"), error=True)
        elif self.message.property("kind") == "error":
            self.message.hide()

    # --- rendering -----------------------------------------------------------------------
    def enabled(self) -> frozenset[str]:
        data = self.data
        return enabled_actions(signed_in=self.officer is not None, busy=self.busy,
                               paused=bool(data and data.counter.paused), ticket=data.ticket if data else None,
                               waiting=len(data.waiting) if data else 0)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def _render(self) -> None:
        self.pages.setCurrentIndex(1 if self.officer else 0)
        self.sign_in_button.setEnabled(not self.busy)
        n = self.counter_number
        header = _t("header_officer", n=n, name=self.officer.name) if self.officer else _t("counter_title", n=n)
        paused = self.data is not None and self.data.counter.paused
        self.header.setText(header + (f"  {_t('paused_mark')}" if paused else ""))
        enabled = self.enabled()
        for action, button in self.buttons.items():
            button.setEnabled(action in enabled)
        vi, _en, key = ACTIONS["pause"]
        self.buttons["pause"].setText(f"{RESUME_LABEL[0] if paused else vi}\n[{key}]")
        self.sign_out_button.setEnabled(not self.busy and self.officer is not None)
        ticket = self.data.ticket if self.data else None
        if ticket is None:
            self.ticket_label.setText("—")
            self.ticket_rows.setText(_t("no_ticket"))
        else:
            self.ticket_label.setText(ticket.label)
            self.ticket_rows.setText("\n".join(f"{c}: {v}" for c, v in describe_ticket(ticket, self.now(), LANG)))
        waiting = self.data.waiting if self.data else ()
        self.waiting_title.setText(_t("waiting_count", n=len(waiting)))
        self.waiting_list.clear()
        for t in waiting[:50]:
            prio = f"  {_t('priority_mark')}" if t.priority_reason else ""
            item = QListWidgetItem(f"{t.label}   {t.field_name_vi}{prio}")
            if t.priority_reason:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.waiting_list.addItem(item)

    def centre_now(self) -> dt.datetime:
        """Now in the centre's time zone (from the database), whatever the PC's zone is."""
        zone = self.data.timezone if self.data is not None else "Asia/Ho_Chi_Minh"
        return self.now().astimezone(zoneinfo.ZoneInfo(zone))

    def _tick(self) -> None:
        self.clock_label.setText(self.centre_now().strftime("%H:%M"))

    def ui_state(self) -> dict:
        """What the UI dump (gui/uidump.py) reports besides the widgets."""
        return {"program": "counter", "signed_in": self.officer is not None, "clock": self.clock_label.text(),
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
