"""The waiting-room board: counters and the numbers they serve, last calls, waiting per field, clock,
a scrolling notice. Painted from a BoardModel; follows the event feed; announces new calls."""
from __future__ import annotations

import datetime as dt
import time
from typing import Any, Callable

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .board_model import BoardModel, Call
from .voice import Announcer, call_caption
from gui.worker import WorkerThread
from .workers import FeedWorker

BG = QColor("#0a1a33")
PANEL = QColor("#13284d")
TEXT = QColor("#ffffff")
DIM = QColor("#b8c7e0")
NUMBER = QColor("#ffd84d")
FLASH = QColor("#ffd84d")
PAUSED = QColor("#7a869a")
FONT_FAMILY = "DejaVu Sans"
FLASH_SECONDS = 8


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(8, int(px)))
    font.setBold(bold)
    return font


def _fit(painter: QPainter, rect: QRectF, text: str, px: float, bold: bool = False,
         align=Qt.AlignCenter, color: QColor = TEXT) -> None:
    """Draw ``text`` in ``rect`` at ``px`` or smaller, so it always fits on one line."""
    font = _font(px, bold)
    width = QFontMetricsF(font).horizontalAdvance(text)
    if width > rect.width() * 0.96 and width > 0:
        font.setPixelSize(max(8, int(px * rect.width() * 0.96 / width)))
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(rect, int(align | Qt.AlignVCenter), text)


class BoardView(QWidget):
    """Paints the model. Landscape: counters left, calls and fields right. Portrait: stacked."""

    painted = Signal(object)   # model.last_event_id after each paint (for the latency benchmark)

    def __init__(self, model: BoardModel, now: Callable[[], dt.datetime], parent=None):
        super().__init__(parent)
        self.model, self.now = model, now
        self.flash_until: dict[int, float] = {}
        self.flash_on = False
        self.banner: str = ""
        self.setAttribute(Qt.WA_OpaquePaintEvent)

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), BG)
        unit = min(w, h) / 100              # 1% of the short side
        pad = 1.2 * unit
        # header: office name, connection note, clock
        header = QRectF(pad, 0, w - 2 * pad, 9 * unit)
        _fit(p, QRectF(header.x(), header.y(), header.width() * 0.62, header.height()),
             self.model.office_name or "Trung tâm Phục vụ hành chính công", 4.2 * unit, True, Qt.AlignLeft)
        now = self.now()
        _fit(p, QRectF(header.right() - header.width() * 0.36, header.y(), header.width() * 0.36, header.height()),
             now.strftime("%H:%M:%S   %d/%m/%Y"), 4.2 * unit, True, Qt.AlignRight)
        top = header.bottom()
        if not self.model.connected or not self.model.loaded:
            note = ("Đang kết nối lại… / Reconnecting…" if self.model.loaded
                    else "Đang tải… / Loading…")
            _fit(p, QRectF(pad, top, w - 2 * pad, 3.2 * unit), note, 2.6 * unit, False, Qt.AlignRight, DIM)
        top += 3.2 * unit
        # banner: the latest call in words with digits
        banner = QRectF(pad, top, w - 2 * pad, 8 * unit)
        p.fillRect(banner, PANEL)
        _fit(p, banner.adjusted(pad, 0, -pad, 0), self.banner or "Xin chào quý công dân", 4.4 * unit, True)
        top = banner.bottom() + pad
        body = QRectF(pad, top, w - 2 * pad, h - top - pad)
        if w >= h:
            tiles = QRectF(body.x(), body.y(), body.width() * 0.64, body.height())
            side = QRectF(tiles.right() + pad, body.y(), body.right() - tiles.right() - pad, body.height())
            recent_rect = QRectF(side.x(), side.y(), side.width(), side.height() * 0.48)
            fields_rect = QRectF(side.x(), recent_rect.bottom() + pad, side.width(),
                                 side.bottom() - recent_rect.bottom() - pad)
        else:
            tiles = QRectF(body.x(), body.y(), body.width(), body.height() * 0.55)
            low = QRectF(body.x(), tiles.bottom() + pad, body.width(), body.bottom() - tiles.bottom() - pad)
            recent_rect = QRectF(low.x(), low.y(), low.width() / 2 - pad / 2, low.height())
            fields_rect = QRectF(recent_rect.right() + pad, low.y(), low.width() / 2 - pad / 2, low.height())
        self._paint_tiles(p, tiles, unit)
        self._paint_recent(p, recent_rect, unit)
        self._paint_fields(p, fields_rect, unit)
        p.end()
        self.painted.emit(self.model.last_event_id)

    def _paint_tiles(self, p: QPainter, area: QRectF, unit: float) -> None:
        tiles = sorted(self.model.counters.values(), key=lambda t: t.number)
        if not tiles:
            return
        n = len(tiles)
        cols = 1 if n == 1 else 2 if n <= 4 else 3 if n <= 9 else 4
        if area.width() < area.height() * 0.9 and cols > 2:
            cols = 2
        rows = -(-n // cols)
        gap = unit
        tw, th = (area.width() - gap * (cols - 1)) / cols, (area.height() - gap * (rows - 1)) / rows
        mono = time.monotonic()
        for i, tile in enumerate(tiles):
            r = QRectF(area.x() + (i % cols) * (tw + gap), area.y() + (i // cols) * (th + gap), tw, th)
            flashing = self.flash_until.get(tile.number, 0) > mono and self.flash_on
            p.fillRect(r, FLASH if flashing else PANEL)
            fg = BG if flashing else TEXT
            title = QRectF(r.x(), r.y(), r.width(), th * 0.28)
            _fit(p, title, f"QUẦY {tile.number}", min(th * 0.2, tw * 0.12), True, color=fg)
            body = QRectF(r.x(), title.bottom(), r.width(), r.height() - title.height())
            if tile.paused:
                _fit(p, body, "Tạm dừng", min(th * 0.2, tw * 0.14), False, color=PAUSED if not flashing else fg)
            else:
                _fit(p, body, tile.label or "—", min(th * 0.55, tw * 0.3), True,
                     color=(BG if flashing else NUMBER) if tile.label else DIM)

    def _paint_recent(self, p: QPainter, area: QRectF, unit: float) -> None:
        p.fillRect(area, PANEL)
        line = min(area.height() / 6.2, 9 * unit)
        _fit(p, QRectF(area.x() + unit, area.y(), area.width() - 2 * unit, line), "VỪA GỌI", line * 0.55, True,
             Qt.AlignLeft, DIM)
        y = area.y() + line
        for call in self.model.recent[: max(0, int((area.height() - line) // line))]:
            row = QRectF(area.x() + unit, y, area.width() - 2 * unit, line)
            _fit(p, QRectF(row.x(), row.y(), row.width() * 0.5, line), call.label, line * 0.72, True,
                 Qt.AlignLeft, NUMBER)
            _fit(p, QRectF(row.x() + row.width() * 0.5, row.y(), row.width() * 0.5, line),
                 f"→ Quầy {call.counter}", line * 0.55, False, Qt.AlignRight)
            y += line

    def _paint_fields(self, p: QPainter, area: QRectF, unit: float) -> None:
        p.fillRect(area, PANEL)
        fields = self.model.fields
        title_h = min(area.height() / 6.2, 8 * unit)
        _fit(p, QRectF(area.x() + unit, area.y(), area.width() - 2 * unit, title_h),
             f"ĐANG CHỜ: {self.model.waiting_total}", title_h * 0.55, True, Qt.AlignLeft, DIM)
        # readable from afar: only fields with people waiting, most first, rows never below 5.5% of the side
        busy = sorted((f for f in fields if f.waiting), key=lambda f: -f.waiting)
        y = area.y() + title_h
        if not busy:
            _fit(p, QRectF(area.x() + unit, y, area.width() - 2 * unit, title_h), "Không có ai đang chờ",
                 title_h * 0.5, False, Qt.AlignLeft)
            return
        line = max(min((area.bottom() - y) / len(busy), title_h), min(5.5 * unit, area.bottom() - y))
        for f in busy[: max(1, int((area.bottom() - y) // line))]:
            row = QRectF(area.x() + unit, y, area.width() - 2 * unit, line)
            _fit(p, QRectF(row.x(), y, row.width() * 0.56, line), f.name, line * 0.5, False, Qt.AlignLeft)
            detail = f"{f.waiting} người · ~{f.estimated_wait_min} phút" if f.available else "Tạm ngừng"
            _fit(p, QRectF(row.x() + row.width() * 0.56, y, row.width() * 0.44, line), detail, line * 0.5,
                 True, Qt.AlignRight, NUMBER)
            y += line


class Marquee(QWidget):
    """The centre's notice, scrolling right to left."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.text, self.offset = text, 0.0
        self.timer = QTimer(self, interval=33)
        self.timer.timeout.connect(self._step)
        if text:
            self.timer.start()

    def _step(self) -> None:
        self.offset += max(1.0, self.height() / 18)
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), NUMBER)
        font = _font(self.height() * 0.55, True)
        p.setFont(font)
        p.setPen(BG)
        text_w = QFontMetricsF(font).horizontalAdvance(self.text) + self.width() * 0.3
        x = self.width() - (self.offset % (text_w + self.width()))
        p.drawText(QRectF(x, 0, text_w, self.height()), int(Qt.AlignLeft | Qt.AlignVCenter), self.text)
        p.end()


class BoardWindow(QWidget):
    """The board: BoardView + Marquee, a feed worker thread, and an optional Announcer (M mutes)."""

    def __init__(self, open_service: Callable[[], Any], notice: str = "", announcer: Announcer | None = None,
                 language: str = "vi", now: Callable[[], dt.datetime] | None = None, follow: bool = True,
                 poll_timeout: float = 0.25):
        super().__init__()
        self.setWindowTitle("Bảng gọi số / Queue board")
        self.model = BoardModel(language=language)
        self.now = now or (lambda: dt.datetime.now().astimezone())
        self.view = BoardView(self.model, self.now, self)
        self.notice = Marquee(notice, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.notice)
        self.announcer = announcer
        self.calls_seen: list[Call] = []
        self.clock = QTimer(self, interval=500)
        self.clock.timeout.connect(self._tick)
        self.clock.start()
        QShortcut(QKeySequence("M"), self, activated=self.toggle_mute)
        QShortcut(QKeySequence("F11"), self, activated=self.toggle_fullscreen)
        self.feed: WorkerThread | None = None
        if follow:
            worker = FeedWorker(open_service, refresh=lambda svc: svc.snapshot(), poll_timeout=poll_timeout)
            worker.refreshed.connect(self.apply_snapshot)
            worker.events.connect(self.apply_events)
            worker.connection_changed.connect(self.set_connected)
            self.feed = WorkerThread(worker, "feed", run=worker.run)

    # --- feed ------------------------------------------------------------------------------
    def apply_snapshot(self, snapshot: Any) -> None:
        if self.model.apply_snapshot(snapshot):
            if not self.view.banner and self.model.recent:
                last = self.model.recent[0]
                self.view.banner = call_caption(last.label, last.counter)
            self.view.update()

    def apply_events(self, events: list) -> None:
        calls = self.model.apply_events(events)
        if calls:
            self.calls_seen += calls
            until = time.monotonic() + FLASH_SECONDS
            for call in calls:
                self.view.flash_until[call.counter] = until
            self.view.banner = call_caption(calls[-1].label, calls[-1].counter)
            if self.announcer is not None:
                for call in self.model.to_announce(calls, self.now()):
                    self.announcer.announce(call.label, call.counter)
        self.view.flash_on = bool(calls) or self.view.flash_on
        self.view.repaint() if calls else self.view.update()

    def set_connected(self, connected: bool) -> None:
        self.model.connected = connected
        self.view.update()

    # --- controls --------------------------------------------------------------------------
    def toggle_mute(self) -> None:
        if self.announcer is not None:
            self.announcer.set_muted(not self.announcer.muted)

    def toggle_fullscreen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def _tick(self) -> None:
        self.view.flash_on = not self.view.flash_on
        self.view.update()

    def resizeEvent(self, event) -> None:
        self.notice.setFixedHeight(max(28, int(min(self.width(), self.height()) * 0.065)))
        super().resizeEvent(event)

    def shutdown(self) -> None:
        self.clock.stop()
        self.notice.timer.stop()
        if self.announcer is not None:
            self.announcer.set_muted(True)
        if self.feed is not None:
            self.feed.stop()
            self.feed = None

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
