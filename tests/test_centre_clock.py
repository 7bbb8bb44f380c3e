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


def _announcer(tmp_path):
    from pathlib import Path

    from core.voice import Announcer, CallRenderer, ClipLibrary, FakePlayer, VoiceOptions
    renderer = CallRenderer(ClipLibrary(Path(__file__).resolve().parent.parent / "assets" / "sounds" / "vi"),
                            VoiceOptions(repeat=0))
    return Announcer(FakePlayer(), renderer)


def test_a_board_pc_whose_clock_is_fast_still_says_the_call_and_shows_the_database_s_time(qtbot, tmp_path,
                                                                                          sqlite_url):
    """The board PC's clock is 10 min fast; calls are stamped with the database's time. The board says the
    call (it took every call for one 10 min old, past announce_max_age, and stayed silent) and its clock
    shows the database's time."""
    import zoneinfo

    from counter_display.board import BoardWindow
    from db import DatabaseClock, OffsetClock, SystemClock
    init_db(sqlite_url, always_open=True).close()
    fast_pc = OffsetClock(600)
    announcer = _announcer(tmp_path)
    window = BoardWindow(lambda: open_queue(sqlite_url, clock=DatabaseClock(SystemClock().now, local=fast_pc)),
                         announcer=announcer, now=fast_pc.now, poll_timeout=0.1)
    qtbot.addWidget(window)
    counter = open_queue(sqlite_url, actor="admin:tests")
    try:
        window.resize(1920, 1080)
        window.show()
        qtbot.waitUntil(lambda: window.model.loaded, timeout=10000)
        assert abs(window.model.clock_skew_s + 600) < 5
        label = counter.issue("HT").label
        counter.call_next(1)
        qtbot.waitUntil(lambda: window.model.counters[1].label == label, timeout=10000)
        assert announcer.current is not None and announcer.current.label == label
        window.view.repaint()
        real = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
        shown = window.view.clock_text[:5]
        assert shown in {(real - dt.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}, shown
    finally:
        counter.close()
        window.shutdown()


def test_a_counter_pc_whose_clock_is_slow_says_so_and_shows_the_database_s_time(qtbot, sqlite_url):
    """The counter PC's clock is 10 min slow: the window tells the officer (Vietnamese first) and its clock
    shows the database's time, not the PC's."""
    import zoneinfo

    from counter_display.staff import StaffWindow
    from db import DatabaseClock, OffsetClock, SystemClock
    init_db(sqlite_url, always_open=True).close()
    slow_pc = OffsetClock(-600)
    window = StaffWindow(lambda: open_queue(sqlite_url, clock=DatabaseClock(SystemClock().now, local=slow_pc)), 1,
                         now=slow_pc.now, poll_timeout=0.1)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.data is not None, timeout=10000)
        assert abs(window.data.clock_skew_s - 600) < 5
        text = window.message.text()
        assert text.index("chậm 10 phút") < text.index("10 min slow"), text
        window._tick()
        real = dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
        assert window.clock_label.text() in {(real - dt.timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    finally:
        window.shutdown()
