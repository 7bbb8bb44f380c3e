"""The waiting-room board: counters and the numbers they serve, last calls, waiting per field, clock,
a scrolling notice. Painted from a BoardModel; follows the event feed; announces new calls."""
from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from typing import Any, Callable

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gui import theme

from .board_model import BoardModel, Call
from .texts import WORDS
from core.voice import Announcer, call_caption
from gui.worker import WorkerThread
from .workers import FeedWorker

_P = theme.BOARD
BG = QColor(_P.background)
PANEL = QColor(_P.panel)
TEXT = QColor(_P.text)
DIM = QColor(_P.dim)
NUMBER = QColor(_P.number)
FLASH = QColor(_P.flash)
PAUSED = QColor(_P.paused)
FONT_FAMILY = theme.FONT_FAMILY
FLASH_SECONDS = 8
LINE = 1.17                  # DejaVu Sans: a line is 1.17 × the pixel size


def _font(px: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(8, int(px)))
    font.setBold(bold)
    return font


def _fit(painter: QPainter, rect: QRectF, text: str, px: float, bold: bool = False,
         align=Qt.AlignCenter, color: QColor = TEXT, drawn: list | None = None, role: str = "") -> None:
    """Draw ``text`` in ``rect`` at ``px`` or smaller, so it always fits on one line, inside the rect."""
    px = min(px, rect.height() / LINE)
    font = _font(px, bold)
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance(text)
    if width > rect.width() * 0.96 and width > 0:
        font.setPixelSize(max(8, int(font.pixelSize() * rect.width() * 0.96 / width)))
        metrics = QFontMetricsF(font)
    painter.setFont(font)
    painter.setPen(color)
    box = painter.drawText(rect, int(align | Qt.AlignVCenter), text)
    if drawn is not None and text:
        drawn.append({"role": role, "text": text, "x": round(box.x()), "y": round(box.y()),
                      "w": round(box.width()), "h": round(box.height()), "px": font.pixelSize(),
                      "ink_h": round(metrics.tightBoundingRect(text).height())})


def _width(text: str, px: float, bold: bool) -> float:
    return QFontMetricsF(_font(px, bold)).horizontalAdvance(text)


def _halves(text: str) -> list[str]:
    """A long name on two lines, split at the space that makes the longer line shortest."""
    words = text.split(" ")
    if len(words) < 2:
        return [text]
    cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return list(min(cuts, key=lambda c: max(len(c[0]), len(c[1]))))


class BoardView(QWidget):
    """Paints the model. The latest call is the hero: its number at least a fifth of the screen's height
    (landscape; an eighth in portrait), its counter clearly smaller; then every counter, the last calls and
    the waiting per field. Landscape: hero and counters left, lists right. Portrait: stacked."""

    painted = Signal(object)   # model.last_event_id after each paint (for the latency benchmark)

    def __init__(self, model: BoardModel, now: Callable[[], dt.datetime], parent=None):
        super().__init__(parent)
        self.model, self.now = model, now
        self.flash_until: dict[int, float] = {}
        self.flash_on = False
        self.banner: str = ""
        self.drawn: list[dict] = []          # what the last paint drew, in window pixels (the UI checks read it)
        self.clock_text = ""
        self.setAttribute(Qt.WA_OpaquePaintEvent)

    def t(self, key: str, **values: Any) -> str:
        """The board's words in its language (the one its field names are shown in)."""
        return WORDS.text(self.model.language, key, **values)

    def centre_now(self) -> dt.datetime:
        """Now in the centre's time zone (from the database), by the database's clock, whatever the PC's
        zone and clock say."""
        return self.model.database_now(self.now()).astimezone(zoneinfo.ZoneInfo(self.model.timezone))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        self.drawn = drawn = []
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), BG)
        landscape = w >= h
        pad = 0.012 * min(w, h)
        # header: office name, clock
        header = QRectF(pad, 0, w - 2 * pad, (0.075 if landscape else 0.05) * h)
        _fit(p, QRectF(header.x(), header.y(), header.width() * 0.6, header.height()),
             self.model.office_name or self.t("default_office"), header.height() * 0.5, True,
             Qt.AlignLeft, drawn=drawn, role="office")
        self.clock_text = self.centre_now().strftime("%H:%M:%S   %d/%m/%Y")
        _fit(p, QRectF(header.right() - header.width() * 0.38, header.y(), header.width() * 0.38, header.height()),
             self.clock_text, header.height() * 0.5, True, Qt.AlignRight, drawn=drawn, role="clock")
        top = header.bottom()
        note_h = 0.03 * h
        if not self.model.connected or not self.model.loaded:
            note = WORDS.both("reconnecting" if self.model.loaded else "loading")
            _fit(p, QRectF(pad, top, w - 2 * pad, note_h), note, note_h * 0.8, False, Qt.AlignRight, DIM,
                 drawn, "note")
        top += note_h
        body = QRectF(pad, top, w - 2 * pad, h - top - pad)
        if landscape:
            left = QRectF(body.x(), body.y(), body.width() * 0.58, body.height())
            hero = QRectF(left.x(), left.y(), left.width(), 0.54 * h)
            tiles = QRectF(left.x(), hero.bottom() + pad, left.width(), left.bottom() - hero.bottom() - pad)
            side = QRectF(left.right() + pad, body.y(), body.right() - left.right() - pad, body.height())
            recent_rect = QRectF(side.x(), side.y(), side.width(), side.height() * 0.5 - pad / 2)
            fields_rect = QRectF(side.x(), recent_rect.bottom() + pad, side.width(),
                                 side.bottom() - recent_rect.bottom() - pad)
            shares = (0.06, 0.36, 0.10)           # caption, number, counter rows: shares of the height
        else:
            hero = QRectF(body.x(), body.y(), body.width(), 0.345 * h)
            tiles = QRectF(body.x(), hero.bottom() + pad, body.width(), 0.22 * h)
            low = QRectF(body.x(), tiles.bottom() + pad, body.width(), body.bottom() - tiles.bottom() - pad)
            recent_rect = QRectF(low.x(), low.y(), low.width() / 2 - pad / 2, low.height())
            fields_rect = QRectF(recent_rect.right() + pad, low.y(), low.width() / 2 - pad / 2, low.height())
            shares = (0.045, 0.205, 0.075)
        self._paint_hero(p, hero, [s * h for s in shares], pad)
        self._paint_tiles(p, tiles, pad)
        self._paint_recent(p, recent_rect, pad, 0.06 * h if landscape else 0.04 * h)
        self._paint_fields(p, fields_rect, pad, 0.05 * h if landscape else 0.032 * h)
        p.end()
        self.painted.emit(self.model.last_event_id)

    def _paint_hero(self, p: QPainter, area: QRectF, rows: list[float], pad: float) -> None:
        """The latest call, as large as the screen allows: the number, then its counter."""
        last = self.model.recent[0] if self.model.recent else None
        ended = self.model.hero_ended        # finished or no-show: dimmed, and no longer an invitation
        flashing = (last is not None and not ended and self.flash_until.get(last.counter, 0) > time.monotonic()
                    and self.flash_on)
        p.fillRect(area, FLASH if flashing else PANEL)
        fg = BG if flashing else DIM if ended else TEXT
        caption_h, number_h, counter_h = rows
        spare = max(0.0, area.height() - sum(rows)) / 4
        y = area.y() + spare
        inner = area.adjusted(pad, 0, -pad, 0)
        # the sentence always names the number drawn under it (a recall of an older call must not pair the
        # older number's sentence with the newest number)
        caption = self.t("welcome") if ended or last is None else call_caption(last.label, last.counter)
        _fit(p, QRectF(inner.x(), y, inner.width(), caption_h), caption,
             caption_h * 0.62, True, color=TEXT if ended else fg, drawn=self.drawn, role="banner")
        y += caption_h + spare
        if last is not None:
            _fit(p, QRectF(inner.x(), y, inner.width(), number_h), last.label, number_h / LINE, True,
                 color=BG if flashing else DIM if ended else NUMBER, drawn=self.drawn,
                 role="ended_number" if ended else "called_number")
            y += number_h + spare
            _fit(p, QRectF(inner.x(), y, inner.width(), counter_h), self.t("counter_title", n=last.counter), counter_h * 0.8 / LINE,
                 True, color=fg, drawn=self.drawn, role="called_counter")

    def _paint_tiles(self, p: QPainter, area: QRectF, pad: float) -> None:
        tiles = sorted(self.model.counters.values(), key=lambda t: t.number)
        if not tiles or area.height() <= 0:
            return
        n = len(tiles)
        cols = min(n, 3 if area.width() / max(area.height(), 1) < 4 else 6)
        rows = -(-n // cols)
        gap = pad * 0.8
        tw, th = (area.width() - gap * (cols - 1)) / cols, (area.height() - gap * (rows - 1)) / rows
        mono = time.monotonic()
        for i, tile in enumerate(tiles):
            r = QRectF(area.x() + (i % cols) * (tw + gap), area.y() + (i // cols) * (th + gap), tw, th)
            flashing = self.flash_until.get(tile.number, 0) > mono and self.flash_on
            p.fillRect(r, FLASH if flashing else PANEL)
            fg = BG if flashing else TEXT
            title = QRectF(r.x(), r.y(), r.width(), th * 0.36)
            _fit(p, title, self.t("counter_title", n=tile.number), title.height() * 0.7 / LINE, True, color=fg,
                 drawn=self.drawn, role="counter_title")
            body = QRectF(r.x(), title.bottom(), r.width(), r.height() - title.height())
            if tile.paused:
                _fit(p, body, self.t("paused"), body.height() * 0.5 / LINE, False, color=PAUSED if not flashing else fg,
                     drawn=self.drawn, role="counter_paused")
            else:
                _fit(p, body, tile.label or "—", body.height() * 0.9 / LINE, True,
                     color=(BG if flashing else NUMBER) if tile.label else DIM, drawn=self.drawn,
                     role="counter_number")

    def _paint_recent(self, p: QPainter, area: QRectF, unit: float, line: float) -> None:
        p.fillRect(area, PANEL)
        line = min(area.height() / 5, line)
        _fit(p, QRectF(area.x() + unit, area.y(), area.width() - 2 * unit, line), self.t("recent_title"), line * 0.6 / LINE * 1.2,
             True, Qt.AlignLeft, DIM, self.drawn, "recent_title")
        y = area.y() + line
        for call in self.model.recent[: max(0, int((area.height() - line) // line))]:
            row = QRectF(area.x() + unit, y, area.width() - 2 * unit, line)
            _fit(p, QRectF(row.x(), row.y(), row.width() * 0.5, line), call.label, line * 0.85 / LINE * 1.1, True,
                 Qt.AlignLeft, NUMBER, self.drawn, "recent_number")
            _fit(p, QRectF(row.x() + row.width() * 0.5, row.y(), row.width() * 0.5, line),
                 self.t("to_counter", n=call.counter), line * 0.7 / LINE * 1.1, False, Qt.AlignRight, TEXT, self.drawn,
                 "recent_counter")
            y += line

    def _paint_fields(self, p: QPainter, area: QRectF, unit: float, line: float) -> None:
        p.fillRect(area, PANEL)
        fields = self.model.fields
        title_h = min(area.height() / 5, line * 1.1)
        loaded = self.model.loaded
        _fit(p, QRectF(area.x() + unit, area.y(), area.width() - 2 * unit, title_h),
             self.t("waiting_total", n=self.model.waiting_total if loaded else "…"), title_h * 0.75, True,
             Qt.AlignLeft, DIM, self.drawn, "waiting_title")
        if not loaded:                        # before the first snapshot it cannot know that nobody waits
            _fit(p, QRectF(area.x() + unit, area.y() + title_h, area.width() - 2 * unit, line), self.t("loading"),
                 line * 0.7, False, Qt.AlignLeft, DIM, self.drawn, "waiting_loading")
            return
        # readable from afar: only fields with people waiting, most first, rows never below a readable size
        busy = sorted((f for f in fields if f.waiting), key=lambda f: -f.waiting)
        y = area.y() + title_h
        if not busy:
            _fit(p, QRectF(area.x() + unit, y, area.width() - 2 * unit, line), self.t("board_nobody_waiting"),
                 line * 0.7, False, Qt.AlignLeft, TEXT, self.drawn, "waiting_none")
            return
        width = area.width() - 2 * unit

        def plan(line: float) -> list[tuple[str, list[str], float]]:
            """(detail, name lines, row height) per field; one name line beside the count when both fit."""
            px = line * 0.7
            # the count is always shown; a cap or paused counters is a note beside it, never instead of it
            texts = [(f.name, self.t("field_waiting", n=f.waiting, m=f.estimated_wait_min) if f.available
                      else self.t("field_waiting_note", n=f.waiting, note=f.note or self.t("not_available")))
                     for f in busy]
            if all(_width(name, px, False) <= width * 0.55 * 0.96 and _width(detail, px, True) <= width * 0.44 * 0.96
                   for name, detail in texts):
                return [(detail, [name], line) for name, detail in texts]
            # a long name or a note does not fit beside its count: every row has the name above (two lines if
            # need be) and the count below (side by side they were squeezed to a third of the other rows' size)
            rows = []
            for name, detail in texts:
                names = [name] if _width(name, px, False) <= width * 0.96 else _halves(name)
                rows.append((detail, names, line * (0.8 * len(names) + 0.85)))
            return rows

        rows = plan(line)
        room = area.bottom() - y
        needed = sum(h for _, _, h in rows)
        if needed > room:                      # every waiting field rather than the biggest few: a bit smaller
            line *= max(0.75, room / needed)
            rows = plan(line)
        px = line * 0.7
        side_by_side = all(h == line for _, _, h in rows)
        for detail, names, height in rows:
            if y + height > area.bottom() + 1:
                break
            if side_by_side:
                _fit(p, QRectF(area.x() + unit, y, width * 0.55, line), names[0], px, False, Qt.AlignLeft,
                     TEXT, self.drawn, "field_name")
                _fit(p, QRectF(area.x() + unit + width * 0.56, y, width * 0.44, line), detail, px, True,
                     Qt.AlignRight, NUMBER, self.drawn, "field_detail")
            else:
                for i, part in enumerate(names):
                    _fit(p, QRectF(area.x() + unit, y + i * line * 0.8, width, line * 0.85), part, px, False,
                         Qt.AlignLeft, TEXT, self.drawn, "field_name")
                _fit(p, QRectF(area.x() + unit, y + len(names) * line * 0.8, width, line * 0.8), detail,
                     line * 0.6, True, Qt.AlignLeft, NUMBER, self.drawn, "field_detail")
            y += height


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
        self.setWindowTitle(WORDS.both("board_title"))
        self.model = BoardModel(language=language)
        self.now = now or (lambda: dt.datetime.now(dt.timezone.utc))   # shown in the centre's zone
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

    def ui_state(self) -> dict:
        """What the UI dump (gui/uidump.py) reports: the board's painted text, in screen pixels."""
        origin = self.view.mapToGlobal(self.view.rect().topLeft())
        drawn = [dict(d, x=d["x"] + origin.x(), y=d["y"] + origin.y()) for d in self.view.drawn]
        return {"program": "board", "drawn": drawn, "clock": self.view.clock_text,
                "timezone": self.model.timezone, "loaded": self.model.loaded,
                "recent": [c.label for c in self.model.recent]}

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
