"""The citizen-facing rating window of one counter (a tablet, or the counter PC's second screen turned to
the citizen): idle until the officer at this counter finishes a ticket, then "Ông/bà có hài lòng với sự phục
vụ?" with large buttons on the centre's scale, reasons when the answer is low, thanks, and back to idle after
the timeout. The logic is ``rating_model.RatingModel`` (Qt-free); this is its thin view. Database work runs on
worker threads; an outage is shown and the answer is retried until the queue's own window closes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db import Unavailable
from gui import theme
from gui.rating_widgets import AnswerButtons, ReasonChips, rating_style

from .rating_model import ASK, IDLE, REASONS, SENDING, THANKS, WORDS, RatingModel, Submission
from gui.worker import WorkerThread

from .workers import CommandWorker, FeedWorker

THANKS_SECONDS = 4.0
RETRY_SECONDS = 1.0


def _both(key: str, **values: Any) -> str:
    """Vietnamese first, English under it."""
    vi, en = WORDS.pair(key, **values)
    return vi if vi == en else f"{vi}\n{en}"


def _label(text: str = "", px: int = theme.TEXT, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setFont(theme.font(px, bold))
    label.setAlignment(Qt.AlignCenter)
    label.setWordWrap(True)
    return label


class RatingWindow(QWidget):
    def __init__(self, open_service: Callable[[], Any], counter: int, follow: bool = True,
                 poll_timeout: float = 0.25, now: Callable[[], dt.datetime] | None = None,
                 timeout_s: float | None = None, thanks_s: float = THANKS_SECONDS, theme_name: str = "light"):
        super().__init__()
        theme.load_fonts()
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.model = RatingModel(counter)
        self.timeout_override = timeout_s
        if timeout_s is not None:
            self.model.timeout_s = timeout_s
        self.thanks_s = thanks_s
        self.thanks_until: dt.datetime | None = None
        self.retry_until: dt.datetime | None = None
        self.connected = True
        self.submitted: list[Submission] = []   # what was sent (tests and the log read it)
        self.setWindowTitle(WORDS.both("window_title", n=counter))
        self.palette = theme.palette(theme_name)
        self.setStyleSheet(theme.stylesheet(self.palette) + self._extra_style())

        self.commands = CommandWorker(open_service)
        self.commands.done.connect(self._command_done)
        self.command_thread = WorkerThread(self.commands, "rating-commands")

        root = QVBoxLayout(self)
        root.setContentsMargins(32, 24, 32, 24)
        self.banner = QFrame(objectName="warning")
        banner_box = QVBoxLayout(self.banner)
        self.banner_label = _label(_both("db_lost"), theme.TEXT_SMALL, True)
        banner_box.addWidget(self.banner_label)
        self.banner.hide()
        root.addWidget(self.banner)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)
        self.page_index: dict[str, int] = {}
        self._build_idle()
        self._build_ask()
        self._build_reasons()
        self._build_thanks()

        self.tick = QTimer(self, interval=200)
        self.tick.timeout.connect(self._tick)
        self.tick.start()
        self.feed: WorkerThread | None = None
        if follow:
            worker = FeedWorker(open_service, refresh=lambda svc: svc.rating_settings(), poll_timeout=poll_timeout)
            worker.refreshed.connect(self.apply_settings)
            worker.events.connect(self.apply_events)
            worker.connection_changed.connect(self.set_connected)
            self.feed = WorkerThread(worker, "feed", run=worker.run)
        self._render()

    def _extra_style(self) -> str:
        return rating_style(self.palette)

    # --- building ------------------------------------------------------------------------
    def _page(self, name: str) -> QVBoxLayout:
        page = QWidget()
        box = QVBoxLayout(page)
        box.setSpacing(24)
        self.page_index[name] = self.pages.addWidget(page)
        return box

    def _build_idle(self) -> None:
        box = self._page(IDLE)
        box.addStretch(1)
        box.addWidget(_label(WORDS.text("vi", "idle_title", n=self.model.counter), theme.TICKET_NUMBER // 2, True))
        box.addWidget(_label(_both("idle_text"), theme.TITLE))
        box.addStretch(1)

    def _build_ask(self) -> None:
        box = self._page(ASK)
        box.addStretch(1)
        self.question = _label(_both("question"), theme.TITLE + 8, True)
        self.ticket_caption = _label("", theme.TEXT)
        box.addWidget(self.question)
        box.addWidget(self.ticket_caption)
        self.answers = AnswerButtons(self.model.scale)
        self.answers.chosen.connect(self.choose)
        self.answer_buttons = self.answers.buttons
        box.addWidget(self.answers)
        box.addStretch(1)

    def _build_answers(self) -> None:
        self.answers.set_scale(self.model.scale)
        self.answer_buttons = self.answers.buttons

    def _build_reasons(self) -> None:
        box = self._page(REASONS)
        box.addWidget(_label(_both("reasons_question"), theme.TITLE, True))
        self.chips = ReasonChips()
        self.chips.toggled.connect(self.toggle_reason)
        self.reason_buttons = self.chips.buttons
        box.addWidget(self.chips)
        box.addStretch(1)
        row = QHBoxLayout()
        self.skip_button = QPushButton(_both("skip"))
        self.skip_button.setMinimumHeight(theme.MIN_TARGET_PX)
        self.skip_button.clicked.connect(lambda: self.send_reasons(skip=True))
        self.send_button = QPushButton(_both("send"))
        self.send_button.setProperty("kind", "primary")
        self.send_button.setMinimumHeight(theme.MIN_TARGET_PX)
        self.send_button.clicked.connect(lambda: self.send_reasons())
        row.addWidget(self.skip_button, 1)
        row.addWidget(self.send_button, 2)
        box.addLayout(row)

    def _build_thanks(self) -> None:
        box = self._page(THANKS)
        box.addStretch(1)
        box.addWidget(_label(_both("thanks"), theme.TITLE + 16, True))
        self.thanks_note = _label("", theme.TEXT)
        box.addWidget(self.thanks_note)
        box.addStretch(1)

    # --- feed ----------------------------------------------------------------------------
    def apply_settings(self, settings: Any) -> None:
        old = self.model.scale
        self.model.apply_settings(settings)
        if self.timeout_override is not None:
            self.model.timeout_s = self.timeout_override
        if self.model.scale != old:
            self._build_answers()
        self._render()

    def apply_events(self, events: list) -> None:
        if self.model.apply_events(events, self.now()):
            self.thanks_until = None
            self._render()

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self.banner.setVisible(not connected)

    # --- the citizen's taps --------------------------------------------------------------
    def choose(self, value: int) -> None:
        self._send(self.model.choose(value))
        self._render()

    def toggle_reason(self, reason: str) -> None:
        self.model.toggle_reason(reason)
        self._render()

    def send_reasons(self, skip: bool = False) -> None:
        self._send(self.model.send_reasons(skip=skip))
        self._render()

    def _send(self, submission: Submission | None) -> None:
        if submission is None:
            return
        self.submitted.append(submission)
        self.retry_until = self.now() + dt.timedelta(seconds=self.model.timeout_s)
        self._submit(submission)

    def _submit(self, sub: Submission) -> None:
        counter = self.model.counter
        self.commands.submit(sub, lambda svc: svc.rate(sub.ticket_id, sub.value, sub.reasons, counter=counter))

    def _command_done(self, sub: Any, _result: Any, error: Exception | None) -> None:
        if isinstance(error, Unavailable) and self.retry_until is not None and self.now() < self.retry_until:
            QTimer.singleShot(int(RETRY_SECONDS * 1000), lambda: self._submit(sub))   # the database is back soon?
            return
        self.model.sent(error)
        self.thanks_until = self.now() + dt.timedelta(seconds=self.thanks_s)
        self._render()

    # --- time ----------------------------------------------------------------------------
    def _tick(self) -> None:
        now = self.now()
        changed = self.model.expire(now)
        if self.model.state == THANKS and self.thanks_until is not None and now >= self.thanks_until:
            self.model.reset()
            self.thanks_until = None
            changed = True
        if changed:
            self._render()

    # --- rendering -----------------------------------------------------------------------
    def _render(self) -> None:
        m = self.model
        page = ASK if m.state == SENDING else m.state
        self.pages.setCurrentIndex(self.page_index[page])
        self.ticket_caption.setText(WORDS.text("vi", "ticket", label=m.ticket_label) if m.ticket_label else "")
        for button in self.answer_buttons.values():
            button.setEnabled(m.state == ASK)
        for reason, button in self.reason_buttons.items():
            button.setChecked(reason in m.reasons)
            button.setEnabled(m.state == REASONS)
        self.send_button.setEnabled(m.state == REASONS)
        self.skip_button.setEnabled(m.state == REASONS)
        self.thanks_note.setText(m.message)

    def shutdown(self) -> None:
        self.tick.stop()
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
        self.command_thread.stop()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
