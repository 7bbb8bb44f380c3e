"""Follow the events outbox from another process.

PostgreSQL: LISTEN/NOTIFY wakes the follower, which then reads events with id greater than the last it saw.
SQLite: ``PRAGMA data_version`` (a cheap counter that moves when another connection commits) is polled
every ``poll_ms``; new events are read when it moves.

A lost connection never raises out of ``poll()``: ``connected`` turns False, later polls reconnect and
catch up from the last id seen. On PostgreSQL ids can commit out of order (id 11 visible before 10), so
the follower reads from the highest id below which it has seen everything and remembers what it already
delivered above that; a hole that stays open for ``GAP_WAIT_S`` is an aborted transaction and is skipped.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time

from sqlalchemy.engine import make_url

from .dto import Event
from .engine import SQLITE_BUSY_TIMEOUT_S, is_sqlite, normalise_url
from .service import NOTIFY_CHANNEL

GAP_WAIT_S = 2.0
BATCH = 1000
_SELECT = ("SELECT e.id, e.kind, e.at, o.code, e.ticket_label, e.counter_number, e.field_code, e.payload "
           "FROM events e JOIN offices o ON o.id = e.office_id WHERE e.id > {p} ORDER BY e.id LIMIT {n}")


class EventFeed:
    def __init__(self, url: str, since: int | None = None, poll_ms: int = 100):
        self.url = normalise_url(url)
        self.sqlite = is_sqlite(self.url)
        self.poll_s = max(0.005, poll_ms / 1000)
        self._floor = since            # every id <= floor was delivered or given up on
        self._seen: set[int] = set()   # delivered ids above the floor
        self._gap_since: float | None = None
        self._conn = None
        self._data_version: int | None = None
        self.connected = False
        self.last_error = ""
        if since is None:  # "from now" means from when the feed was made, not from its first poll
            try:
                self._connect()
            except Exception as exc:
                self._lost(exc)

    # -------------------------------------------------------------- public
    @property
    def last_id(self) -> int:
        """The highest event id delivered (or the starting point)."""
        return max([self._floor or 0, *self._seen])

    def poll(self, timeout: float = 0.5) -> list[Event]:
        """New events, waiting up to ``timeout`` seconds for some to appear."""
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            self._connect()
            events = self._read()
            while not events and time.monotonic() < deadline:
                if not self._wait(deadline - time.monotonic()):
                    if self._seen or self._gap_since is not None:  # re-check a pending gap
                        events = self._read()
                    continue
                events = self._read()
            return events
        except (sqlite3.Error, OSError) as exc:
            self._lost(exc)
        except Exception as exc:  # psycopg errors: imported lazily, so matched by module
            if type(exc).__module__.startswith("psycopg"):
                self._lost(exc)
            else:
                raise
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
            return
        if self.sqlite:
            path = make_url(self.url).database
            conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=SQLITE_BUSY_TIMEOUT_S,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only=ON")
            self._data_version = None
        else:
            import psycopg
            conninfo = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
            conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=3)
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        self._conn = conn
        if self._floor is None:  # start from now
            row = conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()
            self._floor = int(row[0])
        self.connected = True
        self.last_error = ""

    def _wait(self, remaining: float) -> bool:
        """Block until the database may hold new events (True) or ``remaining`` runs out (False)."""
        if remaining <= 0:
            return False
        if self.sqlite:
            end = time.monotonic() + remaining
            while True:
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

    # -------------------------------------------------------------- reading
    def _read(self) -> list[Event]:
        if self.sqlite:  # taken before the read: a commit after it moves the version, so none is missed
            self._data_version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        placeholder = "?" if self.sqlite else "%s"
        rows = self._conn.execute(_SELECT.format(p=placeholder, n=BATCH), (self._floor,)).fetchall()
        out = []
        for row in rows:
            if row[0] in self._seen:
                continue
            self._seen.add(row[0])
            out.append(_event(row))
        self._advance_floor()
        return out

    def _advance_floor(self) -> None:
        while self._seen:
            nxt = self._floor + 1
            if nxt in self._seen:
                self._seen.discard(nxt)
                self._floor = nxt
                self._gap_since = None
                continue
            # a hole below ids already seen: wait for it a little, then give up on it
            now = time.monotonic()
            if self._gap_since is None:
                self._gap_since = now
            if now - self._gap_since < GAP_WAIT_S:
                return
            self._floor = nxt
            self._gap_since = None
        self._gap_since = None


def _event(row) -> Event:
    eid, kind, at, office_code, label, counter, field, payload = row
    if isinstance(at, str):
        at = dt.datetime.fromisoformat(at)
    at = at.replace(tzinfo=dt.timezone.utc)
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    return Event(int(eid), kind, at, office_code, label, counter, field, dict(payload or {}))
