"""The board model and window following a real event feed (SQLite; PostgreSQL when configured)."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from counter_display.board_model import BoardModel
from db import open_queue
from tests.counter_support import init_db, sqlite_queue

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def sqlite_url(tmp_path):
    return sqlite_queue(tmp_path)


class PgSchema:
    """The test's own PostgreSQL schema (conftest's pg_url: the one isolation scheme), and a way to run
    server-side SQL (roles, terminating backends) on the same server."""

    def __init__(self, url: str):
        from sqlalchemy.engine import make_url
        self.url = url
        self.name = make_url(url).query["options"].split("search_path=")[1]
        self.admin = make_url(url).set(drivername="postgresql", query={}).render_as_string(hide_password=False)

    def execute(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(sql)


@pytest.fixture
def pg(pg_url):
    init_db(pg_url, always_open=True).close()
    return PgSchema(pg_url)


def _drain(feed, model, rounds=20):
    calls = []
    for _ in range(rounds):
        events = feed.poll(timeout=0.2)
        if not events:
            break
        calls += model.apply_events(events)
    return calls


def test_model_follows_snapshot_then_events(sqlite_url):
    svc = open_queue(sqlite_url, actor="admin:tests")
    a = svc.issue("HT").ticket
    b = svc.issue("HT").ticket
    svc.issue("CT")
    model = BoardModel()
    snap = svc.snapshot()
    assert model.apply_snapshot(snap)
    assert model.office_name and set(model.counters) >= {1, 2, 3}
    assert {f.code: f.waiting for f in model.fields}["HT"] == 2
    assert model.counters[1].label is None

    feed = svc.follow(since=snap.last_event_id)
    svc.call_next(1)
    svc.recall(1)
    calls = _drain(feed, model)
    assert [(c.label, c.counter, c.recall) for c in calls] == [(a.label, 1, False), (a.label, 1, True)]
    assert model.counters[1].label == a.label
    assert [c.label for c in model.recent] == [a.label]        # a recall does not duplicate the line

    svc.pause(2)
    svc.call_next(1)        # finishes a, calls b
    calls = _drain(feed, model)
    assert [c.label for c in calls] == [b.label]
    assert model.counters[2].paused
    assert [c.label for c in model.recent] == [b.label, a.label]

    stale = snap  # a snapshot older than the events already applied must not roll the board back
    assert not model.apply_snapshot(stale)
    assert model.counters[1].label == b.label
    fresh = svc.snapshot()
    assert model.apply_snapshot(fresh)
    assert model.counters[1].label == b.label and model.counters[2].paused
    assert {f.code: f.waiting for f in model.fields}["HT"] == 0

    svc.finish(1)
    _drain(feed, model)
    assert model.counters[1].label is None
    again = model.apply_events(svc.events(since=0))          # replayed events change nothing
    assert again == [] and model.counters[1].label is None
    feed.close()
    svc.close()


def test_only_recent_calls_are_announced():
    from counter_display.board_model import Call
    model = BoardModel(announce_max_age=dt.timedelta(minutes=2))
    now = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)
    old = Call("A001", 1, now - dt.timedelta(minutes=5))
    new = Call("A002", 1, now - dt.timedelta(seconds=10))
    assert model.to_announce([old, new], now) == [new]


# ------------------------------------------------------------------------------- the window
def _board(qtbot, url, announcer=None, **kw):
    from counter_display.board import BoardWindow
    window = BoardWindow(lambda: open_queue(url), notice="Thông báo: giữ trật tự", announcer=announcer,
                         poll_timeout=0.1, **kw)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.model.loaded, timeout=10000)
    return window


def _announcer(tmp_path):
    from core.voice import Announcer, CallRenderer, ClipLibrary, FakePlayer, VoiceOptions
    player = FakePlayer()
    renderer = CallRenderer(ClipLibrary(Path(__file__).resolve().parent.parent / "assets" / "sounds" / "vi"),
                            VoiceOptions(repeat=0))
    return Announcer(player, renderer), player, renderer


SHOTS = os.environ.get("KIOSK_SCREENSHOTS")   # a folder: save board PNGs there to look at


def _screenshots(qtbot, window, svc):
    for field in ("CT", "DD", "HKD", "TN", "NCC"):
        svc.issue(field)
    svc.issue("CT")
    for counter in (2, 3, 4):
        svc.call_next(counter)
    svc.pause(5)
    qtbot.waitUntil(lambda: window.model.counters[4].label is not None and window.model.counters[5].paused,
                    timeout=10000)
    for size in ((1920, 1080), (1366, 768), (1080, 1920)):
        window.resize(*size)
        qtbot.wait(50)
        window.grab().save(str(Path(SHOTS) / f"board_{size[0]}x{size[1]}.png"))


def _follow_call_disconnect_catch_up(qtbot, tmp_path, board_url, service_url, break_feed, restore_feed):
    """Calls in this process reach the board's feed; a cut-off board says so and catches up, no restart."""
    announcer, player, renderer = _announcer(tmp_path)
    window = _board(qtbot, board_url, announcer)
    svc = open_queue(service_url, actor="admin:tests")
    tickets = [svc.issue("HT").ticket for _ in range(3)]
    try:
        svc.call_next(1)
        qtbot.waitUntil(lambda: window.model.counters[1].label == tickets[0].label, timeout=10000)
        assert player.playing is not None and announcer.current.label == tickets[0].label
        assert window.view.banner.endswith(f"{tickets[0].label} đến quầy số 1")
        qtbot.waitUntil(lambda: {f.code: f.waiting for f in window.model.fields}["HT"] == 2, timeout=10000)

        svc.recall(1)        # queued behind the first announcement, not cutting it off
        qtbot.waitUntil(lambda: len(announcer.pending) == 1, timeout=10000)
        assert player.overlaps == 0

        break_feed(window)
        qtbot.waitUntil(lambda: not window.model.connected, timeout=15000)
        svc.call_next(1)     # happens while the board is cut off
        svc.call_next(1)
        qtbot.wait(300)
        assert window.model.counters[1].label == tickets[0].label   # still the old state...
        restore_feed(window)
        qtbot.waitUntil(lambda: window.model.connected
                        and window.model.counters[1].label == tickets[2].label, timeout=20000)  # ...caught up
        assert [c.label for c in window.model.recent[:3]] == [t.label for t in reversed(tickets)]
        qtbot.waitUntil(lambda: {f.code: f.waiting for f in window.model.fields}["HT"] == 0, timeout=10000)
        while player.playing is not None:
            player.finish()
        said = [c.label for c in window.calls_seen]
        assert said == [tickets[0].label, tickets[0].label, tickets[1].label, tickets[2].label]
        # heard: the first call, then only counter 1's newest (the recall and the middle call were replaced
        # while the first was still playing, so the last call is heard at once, not after three others)
        assert player.overlaps == 0 and len(player.played) == 2
        assert player.played[-1] == renderer(tickets[2].label, 1)
        if SHOTS:
            _screenshots(qtbot, window, svc)
    finally:
        window.shutdown()
        svc.close()
        renderer.close()


def test_board_follows_sqlite_feed_through_a_disconnect(qtbot, tmp_path):
    real = Path(sqlite_queue(tmp_path).removeprefix("sqlite:///"))
    link = tmp_path / "board-link.sqlite3"   # the board reaches the file through a link we can cut
    link.symlink_to(real)

    def break_feed(window):
        conn = window.feed.worker.current_feed._conn      # taken first: the worker may drop it itself
        link.unlink()                                     # the share is gone: reconnects fail...
        if conn is not None:                              # (it does, as soon as it sees the link gone)
            conn.close()                                  # ...and the open connection drops

    def restore_feed(window):
        link.symlink_to(real)

    _follow_call_disconnect_catch_up(qtbot, tmp_path, f"sqlite:///{link}", f"sqlite:///{real}",
                                     break_feed, restore_feed)


@pytest.mark.postgres
def test_board_follows_postgres_feed_through_a_disconnect(qtbot, tmp_path, pg):
    role = f"board_{pg.name[-10:]}"
    pg.execute(f'CREATE ROLE "{role}" LOGIN SUPERUSER')
    from sqlalchemy.engine import make_url
    board_url = make_url(pg.url).set(username=role).render_as_string(hide_password=False)

    def break_feed(window):   # the board's login is refused and its sessions are cut
        pg.execute(f'ALTER ROLE "{role}" NOLOGIN')
        pg.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")

    def restore_feed(window):
        pg.execute(f'ALTER ROLE "{role}" LOGIN')

    try:
        _follow_call_disconnect_catch_up(qtbot, tmp_path, board_url, pg.url, break_feed, restore_feed)
    finally:
        pg.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'")
        pg.execute(f'DROP ROLE IF EXISTS "{role}"')
