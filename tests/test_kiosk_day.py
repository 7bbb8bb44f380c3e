"""A whole day at the kiosk (issue 12): the idle reset on every screen, buttons that cannot act and say why,
the issuing cut-off, paused counters, tickets without a procedure, a database gone bad."""
from __future__ import annotations

import pytest

from kiosk.app import create_window
from kiosk.i18n import tr
from tests.test_kiosk_app import WAIT_MS, kiosk_config, ready_db, tap, wait_home  # noqa: F401 - fixture


@pytest.fixture
def kiosk(qtbot, tmp_path, clock):
    windows = []

    def start(url: str, refresh_ms: int = 15_000, size=(1080, 1920), **settings):
        w = create_window(kiosk_config(tmp_path, url, **settings), clock=clock, retry_ms=100,
                          refresh_ms=refresh_ms)
        qtbot.addWidget(w)
        windows.append(w)
        w.resize(*size)
        w.show()
        return w

    yield start
    for w in windows:
        w.shutdown()


def test_idle_resets_priority_and_language_on_the_home_screen_despite_the_refresh(qtbot, ready_db, kiosk):
    # the home refresh runs far more often than the idle time: it must not keep the choices alive
    w = kiosk(ready_db, refresh_ms=150, idle_seconds=1)
    wait_home(qtbot, w)
    tap(qtbot, w.lang_buttons["en"])
    tap(qtbot, w.home.priority_entry)
    tap(qtbot, w.priority_screen.buttons["pregnant"])
    assert w.current() is w.home and w.priority == "pregnant" and w.lang == "en"
    refreshes = []
    w.backend.refreshed.connect(refreshes.append)
    qtbot.waitUntil(lambda: w.priority is None and w.lang == "vi", timeout=WAIT_MS)
    assert len(refreshes) >= 3                         # the refresh did run meanwhile
    assert w.current() is w.home and not w.home.banner.isVisibleTo(w)
    assert w.home.prompt.text() == tr("vi", "choose_field")


def test_idle_clears_a_greeting_on_the_home_screen(qtbot, ready_db, kiosk):
    w = kiosk(ready_db, refresh_ms=150, idle_seconds=1)
    wait_home(qtbot, w)
    w.home.set_greeting("bác An", ("HT",))
    w.idle_timer.start()
    qtbot.waitUntil(lambda: w.home.greeting_name is None, timeout=WAIT_MS)
    assert not w.home.greeting.isVisibleTo(w)
