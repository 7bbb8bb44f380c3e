"""The event feed: changes made in another process reach a follower in order; a follower that lost its
connection catches up from the last id it saw."""
from __future__ import annotations

import multiprocessing as mp
import time

import pytest

import db
from tests import queue_workers

CTX = mp.get_context("spawn")


def _collect(feed: db.EventFeed, count: int, seconds: float = 20.0) -> list[db.Event]:
    got: list[db.Event] = []
    end = time.monotonic() + seconds
    while len(got) < count and time.monotonic() < end:
        got.extend(feed.poll(timeout=0.2))
    return got


def test_follower_sees_another_process_changes_in_order(open_queue, db_url):
    feed = open_queue.follow()  # from now on
    open_queue.issue("TN")      # one event before the other process starts
    proc = CTX.Process(target=queue_workers.issue_many, args=(db_url, ["HT", "CT"], 25, 0))
    proc.start()
    events = _collect(feed, 26)
    proc.join(30)
    assert proc.exitcode == 0
    assert [e.kind for e in events] == ["issued"] * 26
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == 26
    assert events[0].ticket_label == "L001"
    assert {e.ticket_label for e in events[1:]} == {f"A{i:03d}" for i in range(1, 14)} | {
        f"B{i:03d}" for i in range(1, 13)}
    assert feed.connected and feed.last_id == ids[-1]
    feed.close()


def test_follower_started_at_zero_replays_history(open_queue):
    for _ in range(3):
        open_queue.issue("HT")
    with open_queue.follow(since=0) as feed:
        assert [e.ticket_label for e in feed.poll(0)] == ["A001", "A002", "A003"]
        assert feed.poll(0.05) == []


def test_follower_waits_for_a_database_that_is_not_there_yet(tmp_path):
    url = f"sqlite:///{tmp_path / 'later.sqlite3'}"
    feed = db.EventFeed(url, since=0)
    assert feed.poll(0.05) == [] and not feed.connected and feed.last_error
    svc = db.init_db(url, always_open=True)
    svc.issue("HT")
    assert [e.ticket_label for e in _collect(feed, 1)] == ["A001"] and feed.connected
    feed.close()
    svc.close()


def test_pg_follower_killed_connection_catches_up(open_queue, db_url):
    if not open_queue.is_postgres:
        pytest.skip("PostgreSQL only: a server-side disconnect")
    import psycopg
    from sqlalchemy.engine import make_url
    feed = open_queue.follow()
    open_queue.issue("HT")
    assert len(_collect(feed, 1)) == 1
    pid = feed._conn.info.backend_pid
    admin = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    # While the follower is cut off, the office goes on.
    for _ in range(3):
        open_queue.issue("CT")
    first = feed.poll(0.5)  # notices the drop (or already reconnected)
    events = first + _collect(feed, 3 - len(first))
    assert [e.ticket_label for e in events] == ["B001", "B002", "B003"]
    assert feed.connected


def test_sqlite_follower_reconnects_and_catches_up(open_queue):
    if open_queue.is_postgres:
        pytest.skip("SQLite only")
    feed = open_queue.follow()
    open_queue.issue("HT")
    assert len(_collect(feed, 1)) == 1
    feed._lost(RuntimeError("simulated drop"))  # what poll() does on a connection error
    assert not feed.connected
    open_queue.issue("HT")
    open_queue.issue("HT")
    assert [e.ticket_label for e in _collect(feed, 2)] == ["A002", "A003"]
    assert feed.connected


