"""Helpers for driving the kiosk window in tests (the fixtures that use them are in conftest.py)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from core.config import AppConfig
from kiosk.ui.screens import TicketScreen

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
