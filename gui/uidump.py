"""What a window really shows, as JSON: every visible widget's place on screen, its text, font and whether
the text fits. The tests read it (offscreen, and on a real X display from another process) to check text
size, touch targets, clipping and overlap on what is really on the screen.

A program started with ``KIOSK_UI_DUMP=/path/file.json`` writes the file once shortly after its window is
shown (then the SIGUSR1 handler is in place), and again whenever it receives SIGUSR1 (POSIX; on other systems
the hook is simply absent). Nothing is written otherwise.
"""
from __future__ import annotations

import json
import logging
import os
import signal
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QFontInfo
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QWidget

log = logging.getLogger(__name__)

ENV_VAR = "KIOSK_UI_DUMP"
FIRST_DUMP_MS = 500


def _rect(widget: QWidget) -> dict[str, int]:
    top_left = widget.mapToGlobal(QPoint(0, 0))
    return {"x": top_left.x(), "y": top_left.y(), "w": widget.width(), "h": widget.height()}


def _text_box(widget: QWidget, text: str) -> tuple[int, int]:
    """Width and height the text needs on one line per line break, in the widget's font."""
    fm = widget.fontMetrics()
    box = fm.boundingRect(QRect(0, 0, 100_000, 100_000), int(Qt.AlignLeft | Qt.AlignTop), text)
    return box.width(), box.height()


def widget_info(widget: QWidget) -> dict[str, Any]:
    info: dict[str, Any] = {"class": type(widget).__name__, "name": widget.objectName(), **_rect(widget)}
    info["font_px"] = QFontInfo(widget.font()).pixelSize()
    if widget.property("overlay"):
        info["overlay"] = True                 # drawn over its siblings on purpose (the PIN pad)
    parent = widget.parentWidget()
    if parent is not None and isinstance(parent.parentWidget(), QAbstractScrollArea) \
            and parent is parent.parentWidget().viewport():
        info["scrolled"] = True                # the content of a scroll area: may extend past the viewport
    if isinstance(widget, QLabel):
        text = widget.text()
        info["kind"] = "label"
        info["text"] = text
        info["wrap"] = widget.wordWrap()
        cr = widget.contentsRect()
        info["contents_w"], info["contents_h"] = cr.width(), cr.height()
        if text and widget.textFormat() != Qt.RichText and not (widget.textFormat() == Qt.AutoText
                                                                 and "<" in text and ">" in text):
            info["text_w"], info["text_h"] = _text_box(widget, text)
        if text and widget.wordWrap():
            info["needed_h"] = widget.heightForWidth(widget.width())
    elif isinstance(widget, QAbstractButton):
        info["kind"] = "button"
        info["text"] = widget.text()
        if widget.text():
            info["text_w"], info["text_h"] = _text_box(widget, widget.text())
        info["enabled"] = widget.isEnabled()
    elif widget.property("tappable"):
        info["kind"] = "target"                # a frame that acts as one big button (a field tile)
    children = [c for c in widget.findChildren(QWidget, options=Qt.FindDirectChildrenOnly)
                if c.isVisible() and not c.isWindow()]
    if children:
        info["children"] = [widget_info(c) for c in children]
    return info


def snapshot(window: QWidget, extra: Callable[[], dict] | None = None) -> dict[str, Any]:
    """The whole visible tree of ``window``, its screen, and the fonts the program registered."""
    screen = window.screen()
    g = screen.geometry() if screen is not None else QRect()
    frame = window.frameGeometry()
    from . import theme
    families = sorted({f for font_id in theme.LOADED_FONTS.values()
                       for f in QFontDatabase.applicationFontFamilies(font_id)})
    probe = QLabel("Quầy", window)                 # the family a plain label really draws with
    probe_family = QFontInfo(probe.font()).family()
    probe.deleteLater()
    data = {
        "screen": {"name": screen.name() if screen else "", "x": g.x(), "y": g.y(), "w": g.width(),
                   "h": g.height()},
        "window": {"x": frame.x(), "y": frame.y(), "w": frame.width(), "h": frame.height(),
                   "state": int(window.windowState().value) if hasattr(window.windowState(), "value")
                   else int(window.windowState())},
        "app_font_families": families,
        "label_font_family": probe_family,
        "tree": widget_info(window),
    }
    if extra is not None:
        data["state"] = extra()
    return data


def write(path: str | os.PathLike, window: QWidget, extra: Callable[[], dict] | None = None) -> None:
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(json.dumps(snapshot(window, extra), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)                         # a reader never sees half a file


def install(window: QWidget, extra: Callable[[], dict] | None = None,
            env: dict[str, str] | None = None) -> bool:
    """If ``KIOSK_UI_DUMP`` is set, write the dump there on every SIGUSR1. Returns True if installed."""
    path = (os.environ if env is None else env).get(ENV_VAR, "")
    if not path or not hasattr(signal, "SIGUSR1"):
        return False

    def dump() -> None:
        try:
            write(path, window, extra)
        except Exception:                           # a test hook must never take the program down
            log.exception("cannot write the UI dump to %s", path)

    # the handler runs between Python bytecodes on the main thread; the dump itself waits for the event loop
    signal.signal(signal.SIGUSR1, lambda *_: QTimer.singleShot(0, dump))
    QTimer.singleShot(FIRST_DUMP_MS, dump)          # "I am up": only then may a test send SIGUSR1
    return True
