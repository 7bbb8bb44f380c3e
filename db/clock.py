"""Injectable clocks: the service day and opening hours depend on 'now' in the centre's time zone."""
from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """An aware datetime."""


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)


class FixedClock:
    """A clock for tests and benchmarks: stands still until moved."""

    def __init__(self, at: dt.datetime):
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)

    def set(self, at: dt.datetime) -> None:
        self.at = at


class OffsetClock:
    """A PC clock that is ``offset_s`` seconds off (tests: a kiosk whose clock is 10 min slow)."""

    def __init__(self, offset_s: float, base: Clock | None = None):
        self.offset = dt.timedelta(seconds=offset_s)
        self.base = base or SystemClock()

    def now(self) -> dt.datetime:
        return self.base.now() + self.offset


class DatabaseClock:
    """One clock for the whole centre: the database's. ``now()`` is this PC's clock corrected by the offset
    measured against the database (PostgreSQL ``clock_timestamp()``, half the round trip allowed for),
    measured again every ``resync_s``. Arrival order and opening hours then agree between PCs whatever
    their own clocks say. A PC more than ``warn_s`` off says so in its log; ``skew_s`` shows it to people.
    ``measure=None`` (SQLite: the database is on this machine) means no correction."""

    def __init__(self, measure=None, local: Clock | None = None, resync_s: float = 300.0,
                 warn_s: float = 60.0, retry_s: float = 30.0):
        import logging
        self._log = logging.getLogger(__name__)
        self.measure = measure
        self.local = local or SystemClock()
        self.resync_s, self.warn_s, self.retry_s = resync_s, warn_s, retry_s
        self.offset = dt.timedelta(0)
        self._next_sync = 0.0
        self.synced = measure is None

    @property
    def skew_s(self) -> float:
        """Database time minus this PC's time, in seconds (positive: the PC is slow)."""
        return self.offset.total_seconds()

    def sync(self) -> None:
        import time
        t0 = time.monotonic()
        db_now = self.measure()
        t1 = time.monotonic()
        local = self.local.now()
        # db_now was read about half a round trip before ``local``
        self.offset = db_now + dt.timedelta(seconds=(t1 - t0) / 2) - local
        self.synced = True
        self._next_sync = t1 + self.resync_s
        if abs(self.skew_s) > self.warn_s:
            self._log.warning("this PC's clock is %+.0f s off the database's clock; the queue uses the "
                              "database's (đồng hồ máy này lệch %+.0f giây so với cơ sở dữ liệu)",
                              -self.skew_s, -self.skew_s)

    def now(self) -> dt.datetime:
        if self.measure is not None:
            import time
            if time.monotonic() >= self._next_sync:
                try:
                    self.sync()
                except Exception:  # the database is away: keep the last offset, try again soon
                    self._next_sync = time.monotonic() + self.retry_s
        return self.local.now() + self.offset
