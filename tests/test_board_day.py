"""The waiting-room board through a day (issue 12): counts at the daily cap, a finished call no longer
invites, and "loading" until the board knows."""
from __future__ import annotations

import os

from counter_display.board import BoardWindow
from counter_display.texts import WORDS
from db import init_db, open_queue

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _board(qtbot):
    window = BoardWindow(lambda: None, follow=False)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    return window


def _drawn(qtbot, window) -> dict[str, list[str]]:
    window.view.grab()                 # paints now (offscreen windows are not exposed)
    out: dict[str, list[str]] = {}
    for d in window.view.drawn:
        out.setdefault(d["role"], []).append(d["text"])
    return out


def _drain(feed, window):
    for _ in range(20):
        events = feed.poll(timeout=0.2)
        if not events:
            break
        window.apply_events(events)


def test_a_field_at_its_daily_cap_still_shows_how_many_wait(qtbot, tmp_path):
    from core.config import ASSETS_DIR
    text = (ASSETS_DIR / "catalogue.toml").read_text(encoding="utf-8").replace("daily_cap = 400", "daily_cap = 3")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    svc = init_db(url, catalogue=catalogue, always_open=True)
    try:
        for _ in range(3):
            svc.issue("CT")
        snapshot = svc.snapshot()
    finally:
        svc.close()
    [ct] = [f for f in snapshot.fields if f.code == "CT"]
    assert not ct.available and ct.waiting == 3
    window = _board(qtbot)
    try:
        window.apply_snapshot(snapshot)
        drawn = _drawn(qtbot, window)
        assert "3 người · Đã hết số hôm nay" in drawn["field_detail"]
        assert WORDS.text("vi", "not_available") not in drawn["field_detail"]
        assert drawn["waiting_title"] == ["ĐANG CHỜ: 3"]
    finally:
        window.shutdown()


def test_the_hero_is_dimmed_and_stops_inviting_when_its_call_ends(qtbot, tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    init_db(url, always_open=True).close()
    svc = open_queue(url, actor="admin:tests")
    window = _board(qtbot)
    try:
        a = svc.issue("HT").ticket
        b = svc.issue("HT").ticket
        snapshot = svc.snapshot()
        window.apply_snapshot(snapshot)
        feed = svc.follow(since=snapshot.position)
        svc.call_next(1)
        _drain(feed, window)
        drawn = _drawn(qtbot, window)
        assert drawn["banner"] == [f"Mời công dân có số thứ tự {a.label} đến quầy số 1"]
        assert drawn["called_number"] == [a.label]

        svc.finish(1)
        _drain(feed, window)
        drawn = _drawn(qtbot, window)
        assert drawn["banner"] == [WORDS.text("vi", "welcome")]       # no longer inviting A001
        assert drawn["ended_number"] == [a.label] and "called_number" not in drawn

        svc.call_next(1)                                               # the next call is a hero again
        _drain(feed, window)
        drawn = _drawn(qtbot, window)
        assert drawn["called_number"] == [b.label] and b.label in drawn["banner"][0]
        svc.no_show(1)
        _drain(feed, window)
        assert window.model.hero_ended and "ended_number" in _drawn(qtbot, window)

        window.apply_snapshot(svc.snapshot())                          # a later snapshot agrees
        assert window.model.hero_ended
    finally:
        window.shutdown()
        svc.close()


def test_before_the_first_snapshot_the_board_says_loading_not_nobody_waiting(qtbot):
    window = _board(qtbot)
    try:
        drawn = _drawn(qtbot, window)
        assert "waiting_none" not in drawn
        assert drawn["waiting_loading"] == [WORDS.text("vi", "loading")]
        assert "0" not in drawn["waiting_title"][0]
    finally:
        window.shutdown()


def test_the_sentence_over_the_big_number_names_that_number_after_a_recall(qtbot, tmp_path):
    """Counter 1 calls A001, counter 2 calls B001, then counter 1 recalls A001: the big number stays the newest
    line of "VỪA GỌI" and the sentence above it names that same number (it once named the recalled one)."""
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    svc = init_db(url, always_open=True)
    svc.default_actor = "admin:tests"
    window = _board(qtbot)
    try:
        snapshot = svc.snapshot()
        window.apply_snapshot(snapshot)
        feed = svc.follow(since=snapshot.last_event_id)
        a, b = svc.issue("HT").ticket, svc.issue("CT").ticket
        for step in (lambda: svc.call_next(1), lambda: svc.call_next(2), lambda: svc.recall(1)):
            step()
            _drain(feed, window)       # one batch each, as a board meets them over a day
        window.apply_snapshot(svc.snapshot())   # the refresh after events rebuilds the lists
        drawn = _drawn(qtbot, window)
        [number] = drawn["called_number"]
        [sentence] = drawn["banner"]
        assert number in (a.label, b.label)
        assert sentence.endswith(f"{number} đến quầy số {1 if number == a.label else 2}"), (sentence, number)
        feed.close()
    finally:
        window.shutdown()
        svc.close()


def test_an_outage_is_logged_once_per_cause_not_at_every_retry(qtbot, caplog):
    """Issue 12: a board or counter retrying a dead database every second leaves one line per cause."""
    import logging
    import threading
    import time

    from counter_display.workers import FeedWorker
    from db import Unavailable

    attempts = []

    def open_service():
        attempts.append(1)
        raise Unavailable("Mất kết nối cơ sở dữ liệu", "database connection lost (probe 7)")

    caplog.set_level(logging.INFO)
    worker = FeedWorker(open_service, refresh=lambda svc: None, retry_seconds=0.01)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while len(attempts) < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        worker.stop()
        thread.join(5)
    assert len(attempts) >= 20                              # it kept retrying
    lines = [r.getMessage() for r in caplog.records if r.name == "counter_display.workers"]
    assert lines == ["feed worker: Unavailable: Mất kết nối cơ sở dữ liệu / database connection lost (probe 7)"]


def test_every_waiting_field_is_written_big_even_with_a_long_name(qtbot, tmp_path):
    """On a portrait TV, "Tiếp nhận chung / Trả kết quả" beside its count was squeezed to a third of the other
    rows' size (seen on Xvfb at 1080x1920): a row whose name and count do not fit side by side puts the count
    under the name, both still big."""
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    svc = init_db(url, always_open=True)
    try:
        for code in ("HT", "HT", "CT", "DD", "TN", "TP"):
            svc.issue(code)
        snapshot = svc.snapshot()
    finally:
        svc.close()
    for size in ((1080, 1920), (1920, 1080), (1366, 768)):
        window = _board(qtbot)
        try:
            window.resize(*size)
            window.apply_snapshot(snapshot)
            window.view.grab()
            names = [d for d in window.view.drawn if d["role"] == "field_name"]
            details = [d for d in window.view.drawn if d["role"] == "field_detail"]
            assert len(details) == 5, (size, [d["text"] for d in names])
            assert any("Tiếp nhận chung" in d["text"] for d in names)
            biggest = max(d["px"] for d in names)
            for d in names + details:
                assert d["px"] >= 0.8 * biggest, (size, d["text"], d["px"], biggest)
                assert 0 <= d["x"] and d["x"] + d["w"] <= size[0], (size, d)
        finally:
            window.shutdown()
