"""Database failures stay inside the error contract: each becomes ``Unavailable`` with a reason a person can
act on, the CLI exits 3, and no program but ``kiosk-admin init`` creates a database."""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

import db
import db.engine
from tests.conftest import REPO


@pytest.fixture
def sqlite_queue(tmp_path):
    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    svc = db.init_db(url, always_open=True)
    yield svc, url, tmp_path / "queue.sqlite3"
    svc.close()


def test_a_held_sqlite_write_lock_is_unavailable_busy_and_the_cli_exits_3(sqlite_queue, monkeypatch):
    svc, url, path = sqlite_queue
    monkeypatch.setattr(db.engine, "SQLITE_BUSY_TIMEOUT_S", 0.3)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")                        # another process holds the write lock
    try:
        with pytest.raises(db.Unavailable) as err:
            svc.issue("HT")
        assert "đang bận" in err.value.message_vi and "busy" in err.value.message_en
        env = dict(os.environ, KIOSK_DB_URL=url, KIOSK_SQLITE_BUSY_TIMEOUT_S="0.3")
        cli = subprocess.run([sys.executable, "-m", "admin", "--db", url, "issue", "HT"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=60)
        assert cli.returncode == 3, cli.stderr
        assert "Traceback" not in cli.stderr and "bận" in cli.stderr
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert svc.issue("HT").label == "A001"                  # and it recovers


def test_a_deleted_database_file_is_noticed_and_never_recreated(sqlite_queue):
    svc, url, path = sqlite_queue
    svc.issue("HT")
    feed = svc.follow()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    with pytest.raises(db.Unavailable) as err:
        svc.call_next(1)
    assert "bị xóa" in err.value.message_vi
    with pytest.raises(db.Unavailable):
        svc.issue("HT")
    feed.poll(0)
    assert not feed.connected and "xóa" in feed.last_error
    assert not path.exists()                               # nobody made an empty database in its place
    with pytest.raises(db.Unavailable):
        db.open_queue(url).fields()
    assert not path.exists()


def test_a_replaced_database_file_is_noticed(sqlite_queue, tmp_path):
    svc, url, path = sqlite_queue
    svc.issue("HT")
    copy = tmp_path / "copy.sqlite3"
    shutil.copy(path, copy)
    os.replace(copy, path)                                 # same name, another file (a restore, a sync tool)
    with pytest.raises(db.Unavailable) as err:
        svc.issue("HT")
    assert "thay thế" in err.value.message_vi
    assert db.open_queue(url).issue("HT").label == "A002"  # a program started afterwards uses the new file


def test_a_read_only_database_is_unavailable_read_only(sqlite_queue):
    from sqlalchemy import event
    svc, url, path = sqlite_queue
    ro = db.open_queue(url)
    if os.geteuid() == 0:   # root writes through file permissions: make SQLite itself refuse writes
        event.listen(ro.engine, "connect", lambda conn, _r: conn.execute("PRAGMA query_only=ON"))
    else:
        os.chmod(path, 0o444)
    try:
        with pytest.raises(db.Unavailable) as err:
            ro.issue("HT")
        assert "chỉ đọc" in err.value.message_vi and "read-only" in err.value.message_en
    finally:
        os.chmod(path, 0o644)


def test_a_corrupt_database_is_unavailable_corrupt(tmp_path):
    path = tmp_path / "queue.sqlite3"
    path.write_bytes(b"this is not a database" * 200)
    svc = db.open_queue(f"sqlite:///{path}")
    with pytest.raises(db.Unavailable) as err:
        svc.fields()
    assert "hỏng" in err.value.message_vi and "corrupt" in err.value.message_en


def test_disk_full_is_unavailable_disk_full():
    from db.faults import reason_for, DISK_FULL
    err = sqlite3.OperationalError("database or disk is full")
    err.sqlite_errorname = "SQLITE_FULL"
    assert reason_for(err) == DISK_FULL


def test_every_postgresql_error_is_a_queue_error(pg_url):
    import psycopg
    from db.faults import BUSY, DISK_FULL, reason_for
    conninfo = db.engine.make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("SELECT 1/0")
    assert reason_for(caught.value) is not None             # any SQLSTATE is mapped, none escapes raw
    for code, want in (("55P03", BUSY), ("57014", BUSY), ("53100", DISK_FULL)):
        assert reason_for(psycopg.errors.lookup(code)("x")) == want


def test_a_full_disk_during_an_issue_is_unavailable_disk_full(sqlite_queue):
    """A real SQLITE_FULL in the middle of issuing (the file may not grow: max_page_count), not only the
    mapping: the citizen's ticket is not half-written and the queue carries on once there is room."""
    from sqlalchemy import event
    svc, url, path = sqlite_queue
    svc.issue("HT")
    full = db.open_queue(url)

    def no_room(conn, _record):
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    event.listen(full.engine, "connect", no_room)
    with pytest.raises(db.Unavailable) as err:
        for _ in range(200):                                 # fills the last free pages, then fails
            full.issue("HT")
    assert "hết dung lượng đĩa" in err.value.message_vi.lower() and "disk" in err.value.message_en.lower()
    full.close()
    labels = [t.label for t in svc.waiting()]
    assert labels == [f"A{n:03d}" for n in range(1, len(labels) + 1)]   # no gap, nothing half-written
    assert svc.issue("HT").label == f"A{len(labels) + 1:03d}"


@pytest.mark.parametrize("fault", ["missing", "corrupt"])
def test_the_cli_exits_3_with_the_reason_for_a_missing_or_corrupt_file(tmp_path, fault):
    path = tmp_path / "queue.sqlite3"
    if fault == "corrupt":
        path.write_bytes(b"this is not a database" * 200)
    url = f"sqlite:///{path}"
    cli = subprocess.run([sys.executable, "-m", "admin", "--db", url, "status"], cwd=REPO,
                         env=dict(os.environ, KIOSK_DB_URL=url), capture_output=True, text=True, timeout=60)
    assert cli.returncode == 3, cli.stderr
    assert "Traceback" not in cli.stderr
    assert ("kiosk-admin init" in cli.stderr) if fault == "missing" else ("hỏng" in cli.stderr)
    assert path.exists() == (fault == "corrupt")             # the CLI made no database in its place
