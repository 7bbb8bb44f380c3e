"""Engines for SQLite (one machine) and PostgreSQL (a LAN), set up for atomic queue operations.

PostgreSQL gets deadlines everywhere, so a silent network or a stalled client never blocks anyone for
long (numbers measured in RELIABILITY.md):

- libpq: ``connect_timeout``, TCP keepalives and ``tcp_user_timeout`` (a dead link is noticed in seconds,
  not after the 2 h TCP default);
- the server, per connection: ``statement_timeout``, ``lock_timeout`` and
  ``idle_in_transaction_session_timeout`` (a client that stalls mid-transaction loses its locks), plus the
  server's own keepalives towards the client;
- the client: every operation runs under ``DEADLINES`` (db/deadline.py): when it runs out the connection's
  socket is shut down and the operation raises ``Unavailable``.

SQLite never creates its file unless asked (``create=True``: ``kiosk-admin init``, the kiosk's first-run
default); a missing file is ``Unavailable``.
"""
from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc as sa_exc
from sqlalchemy.engine import make_url

from .deadline import Deadlines
from .errors import Unavailable
from .faults import BUSY

SQLITE_BUSY_TIMEOUT_S = float(os.environ.get("KIOSK_SQLITE_BUSY_TIMEOUT_S", "10"))

# PostgreSQL deadlines (seconds). The client deadline is the longest, so the server's own timeouts (which
# say why) normally fire first; all of them stay under the 5 s a kiosk may wait before "unavailable".
PG_CONNECT_TIMEOUT_S = 3
PG_LOCK_TIMEOUT_S = 2.5
PG_STATEMENT_TIMEOUT_S = 3.5
PG_IDLE_IN_TRANSACTION_S = 5.0
PG_CLIENT_DEADLINE_S = 4.0
PG_KEEPALIVE = {"keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 1, "keepalives_count": 3,
                "tcp_user_timeout": 4000}
PG_PING_AFTER_IDLE_S = 1.0   # a pooled connection idle longer than this is pinged before use

# What the role should also have, for tools that connect without db.engine (README "PostgreSQL"):
ROLE_SETTINGS = {
    "statement_timeout": f"{int(PG_STATEMENT_TIMEOUT_S * 1000)}ms",
    "lock_timeout": f"{int(PG_LOCK_TIMEOUT_S * 1000)}ms",
    "idle_in_transaction_session_timeout": f"{int(PG_IDLE_IN_TRANSACTION_S * 1000)}ms",
    "tcp_keepalives_idle": "5", "tcp_keepalives_interval": "1", "tcp_keepalives_count": "3",
    "tcp_user_timeout": "4000",
}

DEADLINES = Deadlines(PG_CLIENT_DEADLINE_S)


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use psycopg 3 for them."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> str | None:
    if not is_sqlite(url):
        return None
    path = make_url(normalise_url(url)).database
    return path if path and path != ":memory:" else None


def make_engines(url: str, create: bool = False, deadlines: bool = True) -> tuple[Engine, Engine]:
    """(write engine, read engine). On SQLite every write transaction starts with BEGIN IMMEDIATE, so
    writers queue on the database lock instead of failing mid-way; reads use plain deferred BEGIN so
    screens never wait for a writer (WAL). On PostgreSQL one engine serves both; ``deadlines=False``
    (migrations) leaves out the statement and idle timeouts."""
    url = normalise_url(url)
    if not is_sqlite(url):
        engine = _postgres_engine(url, deadlines)
        return engine, engine
    path = sqlite_path(url)
    if path and create:
        _create_private(Path(path))
    return _sqlite_engine(url, "BEGIN IMMEDIATE", create), _sqlite_engine(url, "BEGIN", create)


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (0600; SQLite gives its -wal and -shm files the
    database file's mode). An existing file keeps its mode: a group the programs share stays possible."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))   # an empty file is an empty db
    except FileExistsError:
        pass


def _postgres_engine(url: str, deadlines: bool) -> Engine:
    engine = create_engine(url, pool_size=5, max_overflow=5,
                           connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, **PG_KEEPALIVE})
    settings = ROLE_SETTINGS if deadlines else {k: v for k, v in ROLE_SETTINGS.items()
                                                 if k.startswith("tcp")}

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):  # pragma: no cover - exercised by every PostgreSQL test
        DEADLINES.attach(dbapi_connection.pgconn.socket)
        was = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cur:
            for name, value in settings.items():
                cur.execute(f"SET {name} = '{value}'")
        dbapi_connection.autocommit = was
        record.info["used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy):  # pragma: no cover
        try:
            DEADLINES.attach(dbapi_connection.pgconn.socket)
            if time.monotonic() - record.info.get("used_at", 0.0) > PG_PING_AFTER_IDLE_S:
                dbapi_connection.execute("SELECT 1")  # pessimistic pre-ping, under the deadline
                dbapi_connection.rollback()
        except Exception as exc:
            raise sa_exc.DisconnectionError(str(exc)) from exc

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):  # pragma: no cover
        record.info["used_at"] = time.monotonic()
        try:
            DEADLINES.detach(dbapi_connection.pgconn.socket)
        except Exception:
            pass

    return engine


def _sqlite_engine(url: str, begin: str, create: bool) -> Engine:
    path = sqlite_path(url)
    connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False}
    kwargs = {}
    if path and not create:  # never create the file by connecting: a deleted database stays missing
        kwargs["creator"] = lambda: sqlite3.connect(f"file:{Path(path).as_posix()}?mode=rw", uri=True,
                                                    **connect_args)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

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
    a waiting kiosk could lose every race to a busy one for seconds; short random retries share the lock.
    Still locked after SQLITE_BUSY_TIMEOUT_S: ``Unavailable`` ("the database is busy")."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise Unavailable(*BUSY) from exc
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
