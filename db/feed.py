"""Follow the events outbox from another process: every event exactly once, however slow a commit is.

SQLite: one writer at a time, so event ids become visible in id order; ``PRAGMA data_version`` (a cheap
counter that moves when another connection commits) is polled every ``poll_ms`` and events above the last
id delivered are read when it moves.

PostgreSQL: ids are taken before commit, so they can become visible out of order (id 11 before 10, or 10
thirty seconds later if its COMMIT is slow). No timer can tell a slow commit from an aborted one, but the
database can: every event row carries its transaction id (``txid``, migration 0004), and
``pg_snapshot_xmin(pg_current_snapshot())`` is the oldest transaction still running. The follower keeps a
*horizon*: every transaction older than it has finished, and all its events were delivered. Each read
delivers everything visible at or above the horizon that was not delivered yet (low latency: a call is
delivered the moment it commits) and then moves the horizon up to the current xmin, forgetting the ids
below it. An event of a transaction still running is simply not visible yet and is delivered when it
commits, however late. LISTEN/NOTIFY wakes the follower; a keep-alive notices a dead server.

A lost connection never raises out of ``poll()``: ``connected`` turns False, later polls reconnect and
catch up from the horizon. A database found *behind* the follower on reconnection (restored from a backup:
its newest event is older than the last one delivered) cannot be caught up from there: the feed starts
again from now and sets ``rewound``, so a follower that keeps state (a kiosk's gallery) reloads it. On PostgreSQL every poll runs under the client deadline (db/deadline.py), so a
silent network is noticed within ``timeout + PG_CLIENT_DEADLINE_S`` seconds.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time

from sqlalchemy.engine import make_url

from .deadline import Deadlines
from .dto import Event, FeedPosition
from .engine import PG_CONNECT_TIMEOUT_S, PG_KEEPALIVE, SQLITE_BUSY_TIMEOUT_S, is_sqlite, normalise_url, sqlite_path
from .errors import QueueError
from .faults import SqliteFile, reason_for
from .service import NOTIFY_CHANNEL

BATCH = 1000
FEED_DEADLINE_S = 3.0       # beyond the poll's own wait
_COLUMNS = "e.id, e.kind, e.at, o.code, e.ticket_label, e.counter_number, e.field_code, e.payload"
_SQLITE_SELECT = (f"SELECT {_COLUMNS} FROM events e JOIN offices o ON o.id = e.office_id "
                  f"WHERE e.id > ? ORDER BY e.id LIMIT {BATCH}")
_PG_SELECT = (f"SELECT {_COLUMNS}, e.txid::text FROM events e JOIN offices o ON o.id = e.office_id "
              "WHERE e.id > %s AND e.txid >= %s::text::xid8 AND (e.txid, e.id) > (%s::text::xid8, %s) "
              f"ORDER BY e.txid, e.id LIMIT {BATCH}")
_PG_HORIZON = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text"


PG_POSITION = ("SELECT COALESCE(MAX(id), 0), pg_snapshot_xmin(pg_current_snapshot())::text, "
               "COALESCE(string_agg(CASE WHEN txid >= pg_snapshot_xmin(pg_current_snapshot()) "
               "THEN id || ':' || txid::text END, ','), '') FROM events")


def position_from_row(row) -> FeedPosition:
    """PG_POSITION's one row (run in the snapshot's own transaction) as a FeedPosition."""
    last, horizon, above = row
    pairs = tuple((int(a), int(b)) for a, b in (p.split(":") for p in above.split(",") if p))
    return FeedPosition(int(last), int(horizon), pairs)


class EventFeed:
    def __init__(self, url: str, since: int | FeedPosition | None = None, poll_ms: int = 100,
                 deadlines: Deadlines | None = None):
        from .engine import DEADLINES
        self.url = normalise_url(url)
        self.sqlite = is_sqlite(self.url)
        self.poll_s = max(0.005, poll_ms / 1000)
        self._deadlines = deadlines or DEADLINES
        self._file = SqliteFile(sqlite_path(self.url)) if self.sqlite else None
        # SQLite: every id <= _min_id was delivered. PostgreSQL: only ids above _min_id are wanted (a
        # plain ``since`` id), every transaction below _horizon is done and delivered, and _seen holds
        # the ids delivered at or above the horizon (id -> txid).
        self._min_id: int | None = None
        self._horizon: int | None = None
        self._seen: dict[int, int] = {}
        self._last_id = 0
        if isinstance(since, FeedPosition):
            self._start(since)
        elif since is not None:
            self._min_id, self._last_id = int(since), int(since)
            self._horizon = 0
        self._conn = None
        self._data_version: int | None = None
        self.connected = False
        self.last_error = ""
        self.rewound = False          # set on reconnecting to a database behind the position; cleared by the reader
        self._was_connected = False
        if since is None:  # "from now" means from when the feed was made, not from its first poll
            try:
                self._connect()
            except Exception as exc:
                self._lost(exc)

    def _start(self, pos: FeedPosition) -> None:
        self._last_id = pos.last_id
        if self.sqlite or pos.horizon is None:
            self._min_id, self._horizon = pos.last_id, 0
        else:
            self._min_id, self._horizon = 0, pos.horizon
            self._seen = {int(i): int(t) for i, t in pos.above}

    # -------------------------------------------------------------- public
    @property
    def last_id(self) -> int:
        """The highest event id delivered (or the starting point)."""
        return self._last_id

    @property
    def position(self) -> FeedPosition:
        """Where a new feed would carry on from this one."""
        if self.sqlite:
            return FeedPosition(self._min_id or 0)
        return FeedPosition(self._last_id, self._horizon, tuple(self._seen.items()))

    def poll(self, timeout: float = 0.5) -> list[Event]:
        """New events, waiting up to ``timeout`` seconds for some to appear."""
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            with self._deadlines.operation(max(0.0, timeout) + FEED_DEADLINE_S):
                self._connect()
                events = self._read()
                while not events and time.monotonic() < deadline:
                    if self._wait(deadline - time.monotonic()) or self._pending():
                        events = self._read()
                return events
        except QueueError as exc:
            self._lost(exc)
        except Exception as exc:
            if reason_for(exc) is None:
                raise
            self._lost(exc)
        time.sleep(max(0.0, min(deadline - time.monotonic(), 0.5)))
        return []

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                pass
        self._conn = None
        self.connected = False

    def __enter__(self) -> "EventFeed":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -------------------------------------------------------------- connection
    def _lost(self, exc: Exception) -> None:
        self.last_error = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self.close()

    def _connect(self) -> None:
        if self._conn is not None:
            if self._file is not None:
                self._file.check()
            else:
                self._deadlines.attach(self._conn.pgconn.socket)   # this poll's deadline covers it
            return
        if self.sqlite:
            self._file.check()
            conn = sqlite3.connect(f"file:{self._file.path}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            self._data_version = None
            newest = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])
            if self._min_id is None or (self._was_connected and newest < self._min_id):
                self.rewound = self._min_id is not None
                self._min_id = self._last_id = newest   # start from now
        else:
            import psycopg
            conninfo = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=PG_CONNECT_TIMEOUT_S,
                                   **PG_KEEPALIVE)
            self._deadlines.attach(conn.pgconn.socket)
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            rewound = self._was_connected and int(conn.execute(
                "SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]) < self._last_id
            if self._horizon is None or rewound:  # start from now
                self.rewound = rewound
                self._seen = {}
                self._start(position_from_row(conn.execute(PG_POSITION).fetchone()))
        self._conn = conn
        self.connected = True
        self._was_connected = True
        self.last_error = ""

    def _wait(self, remaining: float) -> bool:
        """Block until the database may hold new events (True) or ``remaining`` runs out (False)."""
        if remaining <= 0:
            return False
        if self.sqlite:
            end = time.monotonic() + remaining
            while True:
                self._file.check()
                version = self._conn.execute("PRAGMA data_version").fetchone()[0]
                if self._data_version is None:
                    self._data_version = version
                elif version != self._data_version:
                    self._data_version = version
                    return True
                left = end - time.monotonic()
                if left <= 0:
                    return False
                time.sleep(min(self.poll_s, left))
        woke = False
        for _ in self._conn.notifies(timeout=min(remaining, 1.0), stop_after=1):
            woke = True
        if not woke:  # keep-alive: notices a dead server even when nothing happens
            self._conn.execute("SELECT 1")
        return woke

    def _pending(self) -> bool:
        """PostgreSQL: ids seen above the horizon mean transactions were still running: read again."""
        return not self.sqlite and bool(self._seen)

    # -------------------------------------------------------------- reading
    def _read(self) -> list[Event]:
        if self.sqlite:
            return self._read_sqlite()
        horizon = int(self._conn.execute(_PG_HORIZON).fetchone()[0])  # before the rows: conservative
        out: list[Event] = []
        after = (self._horizon, 0)
        while True:
            rows = self._conn.execute(_PG_SELECT, (self._min_id, str(self._horizon), str(after[0]),
                                                   after[1])).fetchall()
            for row in rows:
                eid, txid = int(row[0]), int(row[8])
                after = (txid, eid)
                if eid in self._seen:
                    continue
                self._seen[eid] = txid
                out.append(_event(row[:8], txid))
            if len(rows) < BATCH:
                break
        if horizon > self._horizon:
            self._horizon = horizon
            self._seen = {i: t for i, t in self._seen.items() if t >= horizon}
        out.sort(key=lambda e: e.id)
        if out:
            self._last_id = max(self._last_id, out[-1].id)
        return out

    def _read_sqlite(self) -> list[Event]:
        # taken before the read: a commit after it moves the version, so none is missed
        self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        out: list[Event] = []
        while True:
            rows = self._conn.execute(_SQLITE_SELECT, (self._min_id,)).fetchall()
            for row in rows:
                out.append(_event(row, None))
                self._min_id = int(row[0])
            if len(rows) < BATCH:
                break
        self._last_id = self._min_id
        return out


def _event(row, txid: int | None) -> Event:
    eid, kind, at, office_code, label, counter, field, payload = row
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    at = at.replace(tzinfo=dt.timezone.utc)
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    return Event(int(eid), kind, at, office_code, label, counter, field, dict(payload or {}), txid)
