"""Engines for SQLite (one machine) and PostgreSQL (a LAN), set up for atomic queue operations."""
from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_S = 10.0


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use psycopg 3 for them."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engines(url: str) -> tuple[Engine, Engine]:
    """(write engine, read engine). On SQLite every write transaction starts with BEGIN IMMEDIATE, so
    writers queue on the database lock instead of failing mid-way; reads use plain deferred BEGIN so
    screens never wait for a writer (WAL). On PostgreSQL one engine serves both."""
    url = normalise_url(url)
    if not is_sqlite(url):
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                               connect_args={"connect_timeout": 3})
        return engine, engine
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return _sqlite_engine(url, "BEGIN IMMEDIATE"), _sqlite_engine(url, "BEGIN")


def _sqlite_engine(url: str, begin: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (pysqlite's own is deferred)
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")   # a committed ticket survives a power cut
        cur.execute("PRAGMA foreign_keys=ON")
        # Writers wait for the lock in _begin_immediate (fair); SQLite's own busy handler only covers the
        # short waits of readers and checkpoints.
        cur.execute(f"PRAGMA busy_timeout={0 if begin == 'BEGIN IMMEDIATE' else int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        if begin == "BEGIN IMMEDIATE":
            _begin_immediate(conn.connection.driver_connection)
        else:
            conn.exec_driver_sql(begin)

    return engine


def _begin_immediate(dbapi_connection: sqlite3.Connection) -> None:
    """Take the write lock, retrying every 0.5–3 ms. SQLite's busy handler backs off to 100 ms sleeps, so
    a waiting kiosk could lose every race to a busy one for seconds; short random retries share the lock."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.0005, 0.003))


def is_transient_error(exc: BaseException) -> bool:
    """True for trouble that passes by itself: SQLite busy/locked, a lost or refused connection, a PostgreSQL
    lock or statement timeout — and the queue's ``Unavailable``. Retry later; never give up a feature for it."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, TimeoutError as PoolTimeout

    from .errors import Unavailable
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, (Unavailable, OperationalError, InterfaceError, PoolTimeout, sqlite3.OperationalError)):
            return True
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return True
        exc, seen = exc.__cause__, seen + 1
    return False
