"""The citizen-facing rating window: its state machine (Qt-free), then the window on a real SQLite queue with
pytest-qt — asked when the officer finishes, one rating per ticket, reasons for a low answer, timeout, outage."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from counter_display.rating_model import ASK, IDLE, REASONS, SENDING, THANKS, RatingModel
from db import Event, RatingSettings, open_queue
from db.models import Rating
from tests.counter_support import sqlite_queue

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SHOTS = os.environ.get("KIOSK_SCREENSHOTS")
NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def _finished(counter, ticket_id, at=NOW, label="A001", kind="finished"):
    return Event(1, kind, at, "HD", label, counter, "HT", {"ticket": {"id": ticket_id, "label": label}})


def test_model_asks_only_for_its_counters_recent_finished_tickets():
    m = RatingModel(2)
    assert not m.apply_events([_finished(1, 10), _finished(2, 11, kind="called")], NOW)
    assert m.state == IDLE
    assert not m.apply_events([_finished(2, 12, at=NOW - dt.timedelta(seconds=31))], NOW)   # replayed, stale
    assert m.apply_events([_finished(2, 13, label="A013")], NOW)
    assert (m.state, m.ticket_id, m.ticket_label) == (ASK, 13, "A013")
    assert m.deadline == NOW + dt.timedelta(seconds=30)


def test_model_takes_one_tap_and_asks_reasons_only_for_a_low_answer():
    m = RatingModel(1)
    m.apply_events([_finished(1, 5)], NOW)
    sub = m.choose(3)
    assert (sub.ticket_id, sub.value, sub.reasons) == (5, 3, ()) and m.state == SENDING
    assert m.choose(1) is None and m.choose(3) is None               # a second tap sends nothing
    m.sent()
    assert m.state == THANKS and m.message == ""
    m.reset()
    assert not m.apply_events([_finished(1, 5)], NOW)                # the same ticket is never asked again

    m.apply_events([_finished(1, 6)], NOW)
    assert m.choose(1) is None and m.state == REASONS
    m.toggle_reason("attitude")
    m.toggle_reason("wait_long")
    m.toggle_reason("attitude")
    m.toggle_reason("nonsense")
    sub = m.send_reasons()
    assert (sub.value, sub.reasons) == (1, ("wait_long",))
    assert m.send_reasons() is None


def test_model_goes_idle_after_the_timeout_and_follows_the_scale():
    m = RatingModel(1)
    m.apply_settings(RatingSettings("stars", 20))
    assert m.levels == (5, 4, 3, 2, 1)
    m.apply_events([_finished(1, 7)], NOW)
    assert not m.expire(NOW + dt.timedelta(seconds=19))
    assert m.choose(3) is None and m.state == REASONS               # 3 stars: reasons asked
    assert m.expire(NOW + dt.timedelta(seconds=20))
    assert m.state == IDLE and m.ticket_id is None


@pytest.fixture
def queue(tmp_path):
    url = sqlite_queue(tmp_path)
    svc = open_queue(url, actor="admin:tests")   # counter 2 has nobody signed in
    svc.add_officer("Nguyễn Thị Lan", "482913")
    svc.sign_in(1, "Nguyễn Thị Lan", "482913")
    yield url, svc
    svc.close()


def _window(qtbot, url, counter=1, **kw):
    from counter_display.rating import RatingWindow
    window = RatingWindow(lambda: open_queue(url), counter, poll_timeout=0.1, **kw)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitUntil(lambda: window.feed.worker.current_feed is not None, timeout=10000)
    return window


def _serve(svc, counter=1):
    svc.issue({1: "HT", 2: "CT"}[counter])
    svc.call_next(counter)
    return svc.finish(counter)


def _ratings(svc):
    with svc.session() as s:
        return [(r.ticket_id, r.value, r.reasons) for r in s.scalars(select(Rating).order_by(Rating.id))]


def _page(window):
    return next(name for name, i in window.page_index.items() if i == window.pages.currentIndex())


def test_window_asks_after_finish_and_records_one_rating(qtbot, queue):
    from gui import theme
    url, svc = queue
    window = _window(qtbot, url)
    try:
        assert _page(window) == IDLE
        _serve(svc, counter=2)                                        # another counter: stays idle
        qtbot.wait(400)
        assert _page(window) == IDLE
        done = _serve(svc)
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
        assert window.question.text().startswith("Ông/bà có hài lòng với sự phục vụ?")
        assert done.label in window.ticket_caption.text()
        buttons = window.answer_buttons
        assert [b.text().split("\n")[0] for b in buttons.values()] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "rating_ask.png"))
        for b in buttons.values():
            assert b.height() >= theme.MIN_TARGET_PX and b.font().pixelSize() >= theme.MIN_TEXT_PX
        buttons[3].click()
        buttons[3].click()                                            # a second tap
        buttons[2].click()
        qtbot.waitUntil(lambda: _page(window) == THANKS, timeout=10000)
        assert _ratings(svc) == [(done.id, 3, "")]
        assert len(window.submitted) == 1
    finally:
        window.shutdown()


def test_a_rating_pc_whose_clock_is_fast_still_asks(qtbot, queue):
    """The rating PC's clock is 40 s fast (under the one-minute warning): a finish stamped with the database's
    time must not look older than the 30 s window (it did: every citizen of that counter went unasked)."""
    from counter_display.rating import RatingWindow
    from db import DatabaseClock, OffsetClock, SystemClock
    url, svc = queue
    fast_pc = OffsetClock(40)
    window = RatingWindow(lambda: open_queue(url, clock=DatabaseClock(SystemClock().now, local=fast_pc)), 1,
                          poll_timeout=0.1, now=fast_pc.now)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitUntil(lambda: window.feed.worker.current_feed is not None, timeout=10000)
        qtbot.waitUntil(lambda: abs(window.model.clock_skew_s + 40) < 5, timeout=10000)
        done = _serve(svc)
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
        assert window.model.ticket_id == done.id
    finally:
        window.shutdown()


def test_a_low_answer_asks_reasons_and_sends_them(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        done = _serve(svc)
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
        window.answer_buttons[1].click()
        assert _page(window) == REASONS
        labels = [b.text().split("\n")[0] for b in window.reason_buttons.values()]
        assert labels == ["Chờ lâu", "Thái độ chưa tốt", "Hướng dẫn chưa rõ", "Hẹn trả kết quả trễ", "Khác"]
        window.reason_buttons["wait_long"].click()
        window.reason_buttons["late_result"].click()
        assert window.reason_buttons["wait_long"].isChecked()
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "rating_reasons.png"))
        window.send_button.click()
        qtbot.waitUntil(lambda: _page(window) == THANKS, timeout=10000)
        assert _ratings(svc) == [(done.id, 1, "wait_long,late_result")]
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "rating_thanks.png"))
    finally:
        window.shutdown()


def test_no_answer_goes_back_to_idle_without_a_rating(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url, timeout_s=0.6, thanks_s=0.3)
    try:
        _serve(svc)
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
        qtbot.waitUntil(lambda: _page(window) == IDLE, timeout=10000)
        assert _ratings(svc) == []
        window.choose(3)                                              # a late tap on an idle screen
        qtbot.wait(300)
        assert _ratings(svc) == [] and window.submitted == []
        second = _serve(svc)                                          # the next citizen is asked again
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
        window.answer_buttons[2].click()
        qtbot.waitUntil(lambda: _page(window) == THANKS, timeout=10000)
        qtbot.waitUntil(lambda: _page(window) == IDLE, timeout=10000)  # thanks, then idle
        assert _ratings(svc) == [(second.id, 2, "")]
    finally:
        window.shutdown()


def test_a_refused_rating_is_said_plainly(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        done = _serve(svc)
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
        svc.rate(done.id, 2)                                          # rated meanwhile (e.g. on the kiosk)
        window.answer_buttons[3].click()
        qtbot.waitUntil(lambda: _page(window) == THANKS, timeout=10000)
        assert "đã được đánh giá" in window.thanks_note.text()
        assert _ratings(svc) == [(done.id, 2, "")]
    finally:
        window.shutdown()


def test_the_window_shows_an_outage_and_recovers(qtbot, tmp_path):
    real = Path(sqlite_queue(tmp_path).removeprefix("sqlite:///"))
    link = tmp_path / "rating-link.sqlite3"
    link.symlink_to(real)
    svc = open_queue(f"sqlite:///{real}", actor="admin:tests")
    window = _window(qtbot, f"sqlite:///{link}")
    try:
        assert window.banner.isHidden()
        conn = window.feed.worker.current_feed._conn      # taken first: the worker may drop it itself
        link.unlink()
        if conn is not None:                              # (it does, as soon as it sees the link gone)
            conn.close()                                  # ...and the open connection drops
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=15000)
        assert "Mất kết nối cơ sở dữ liệu" in window.banner_label.text()
        link.symlink_to(real)
        qtbot.waitUntil(lambda: window.banner.isHidden(), timeout=20000)
        _serve(svc)
        qtbot.waitUntil(lambda: _page(window) == ASK, timeout=10000)
    finally:
        window.shutdown()
        svc.close()
