"""One clock: the board and the counter window show the centre's time zone (from the database), whatever
the PC's zone is. The PC is set to UTC here; the centre is in Asia/Ho_Chi_Minh (UTC+7)."""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from db import init_db, open_queue

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
INSTANT = dt.datetime(2026, 11, 23, 2, 0, 5, tzinfo=dt.timezone.utc)     # 09:00:05 in Hà Nội


@pytest.fixture
def pc_in_utc():
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_board_clock_shows_the_centres_zone(qtbot, sqlite_url, pc_in_utc):
    from counter_display.board import BoardWindow
    init_db(sqlite_url, always_open=True).close()
    assert dt.datetime.now().astimezone().utcoffset() == dt.timedelta(0)      # the PC really is in UTC
    window = BoardWindow(lambda: open_queue(sqlite_url), poll_timeout=0.1, now=lambda: INSTANT)
    qtbot.addWidget(window)
    try:
        window.resize(1920, 1080)
        window.show()
        qtbot.waitUntil(lambda: window.model.loaded, timeout=10000)
        window.view.repaint()
        assert window.view.clock_text.startswith("09:00:05"), window.view.clock_text
        assert window.ui_state()["clock"].startswith("09:00")
    finally:
        window.shutdown()


def test_counter_clock_shows_the_centres_zone(qtbot, sqlite_url, pc_in_utc):
    from counter_display.staff import StaffWindow
    init_db(sqlite_url, always_open=True).close()
    window = StaffWindow(lambda: open_queue(sqlite_url), 1, now=lambda: INSTANT, poll_timeout=0.1)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.data is not None, timeout=10000)
        assert window.data.timezone == "Asia/Ho_Chi_Minh"
        assert window.clock_label.text() == "09:00"
    finally:
        window.shutdown()


def test_kiosk_clock_shows_the_centres_zone(qtbot, tmp_path, sqlite_url, pc_in_utc):
    from db import FixedClock
    from kiosk.app import create_window
    from tests.kiosk_support import kiosk_config, wait_home
    init_db(sqlite_url, always_open=True).close()
    w = create_window(kiosk_config(tmp_path, sqlite_url), clock=FixedClock(INSTANT))
    qtbot.addWidget(w)
    try:
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        w._tick()
        assert w.clock_label.text() == "09:00"
    finally:
        w.shutdown()
