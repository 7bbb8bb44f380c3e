"""Helpers for driving the kiosk window in tests, and the check of a screen for elderly eyes and hands (the
fixtures that use them are in conftest.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel
from sqlalchemy.engine import make_url

from core.config import AppConfig
from gui import theme
from kiosk.ui.screens import ProceduresScreen, TicketScreen

WAIT_MS = 15_000


def kiosk_config(tmp_path, url: str, **settings) -> AppConfig:
    values = dict(db_url=url, printer=f"preview://{tmp_path / 'printed'}", fullscreen=False,
                  idle_seconds=600, ticket_seconds=600)
    values.update(settings)
    return AppConfig(**values)


def print_jobs(tmp_path) -> list:
    return sorted((tmp_path / "printed").glob("*.bin"))


def db_path(url: str) -> str:
    return make_url(url).database


def wait_home(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.data is not None and w.current() is w.home, timeout=WAIT_MS)


def tap(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.LeftButton, pos=widget.rect().center())


def settle(qtbot, w) -> None:
    """Wait until the worker has handled every request sent so far (it serves them in order)."""
    with qtbot.waitSignal(w.backend.refreshed, timeout=WAIT_MS):
        w.backend._refresh_requested.emit()


def wait_printed(qtbot, w) -> None:
    qtbot.waitUntil(lambda: w.ticket.state in (TicketScreen.PRINTED, TicketScreen.PRINT_FAILED),
                    timeout=WAIT_MS)


def visible(widgets):
    return [w for w in widgets if w.isVisibleTo(w.window()) and w.isVisible()]


def check_for_elderly_eyes(window) -> list[str]:
    problems = []
    screen = window.current()
    scroll = screen.scroll if isinstance(screen, ProceduresScreen) else None
    for lbl in visible(window.findChildren(QLabel)):
        if not lbl.text() or (screen not in _ancestors(lbl) and window.header not in _ancestors(lbl)):
            continue
        name = f"label {lbl.text()[:40]!r}"
        if lbl.font().pixelSize() < theme.MIN_TEXT_PX:
            problems.append(f"{name}: {lbl.font().pixelSize()} px text")
        inside_scroll = scroll is not None and scroll.widget() in _ancestors(lbl)
        if lbl.wordWrap():
            if lbl.heightForWidth(lbl.width()) > lbl.height() + 1 and not inside_scroll:
                problems.append(f"{name}: wrapped text cut ({lbl.heightForWidth(lbl.width())} > {lbl.height()})")
        elif max(lbl.fontMetrics().horizontalAdvance(line) for line in lbl.text().split("\n")) \
                > lbl.contentsRect().width() + 1:
            problems.append(f"{name}: text wider than its label")
    for b in visible(window.findChildren(QAbstractButton)):
        if screen not in _ancestors(b) and window.header not in _ancestors(b):
            continue
        if b.width() < theme.MIN_TARGET_PX or b.height() < theme.MIN_TARGET_PX:
            problems.append(f"button {b.text()!r}: {b.width()}×{b.height()} px")
        if max(b.fontMetrics().horizontalAdvance(line) for line in b.text().split("\n")) > b.width() - 8:
            problems.append(f"button {b.text()!r}: text wider than the button")
    for tile in window.home.tiles.values() if screen is window.home else ():
        if tile.height() < theme.MIN_TARGET_PX or tile.width() < theme.MIN_TARGET_PX:
            problems.append(f"tile {tile.code}: {tile.width()}×{tile.height()} px")
    return problems


def _ancestors(w):
    out = []
    while w is not None:
        out.append(w)
        w = w.parentWidget()
    return out
