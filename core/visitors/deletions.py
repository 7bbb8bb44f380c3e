"""Deletions reach every running kiosk (Qt-free): follow the queue's event feed for ``visitors_forgotten``.

A deletion made anywhere (the kiosk's "delete my data", a counter, ``kiosk-admin visitors forget``, the
retention purge) commits, with the deletion, an event carrying the bare visitor ids (VisitorStore). A kiosk
keeps every template in memory (the gallery); this follower tells it which visitors to drop:

    follower = DeletionFollower(url)         # one thread calls poll(); kiosk/deletions.py runs it
    news = follower.poll(timeout=0.5)
    if news.reload: ...                      # (re)load the gallery from the store now
    drop(news.forgotten)                     # visitor ids deleted since

``reload`` comes first when following starts (the feed's position is fixed at that moment, so a gallery
loaded after it misses no deletion), and again whenever the position was lost (a database restored behind
it, or the feed had to be made again after an unexpected error). After an ordinary outage the feed catches
up from its position (db/feed.py) and no reload is needed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

from db.feed import EventFeed

from core.visitors.store import FORGOTTEN_EVENT

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeletionNews:
    forgotten: frozenset[int] = frozenset()   # visitor ids deleted since the last poll
    reload: bool = False                      # following (re)started now: load the gallery from the store

    def __bool__(self) -> bool:
        return self.reload or bool(self.forgotten)


def forgotten_in(events: Iterable) -> set[int]:
    """The visitor ids the deletion events among ``events`` name (other events are ignored)."""
    out: set[int] = set()
    for event in events:
        if event.kind == FORGOTTEN_EVENT:
            out.update(int(v) for v in (event.payload or {}).get("visitors", ()) if isinstance(v, int))
    return out


class DeletionFollower:
    """The event feed, read for deletions only. Not thread-safe: one thread polls (and closes)."""

    def __init__(self, url: str, poll_ms: int = 100):
        self.url, self.poll_ms = url, poll_ms
        self.feed: EventFeed | None = None
        self._anchored = False                # the feed has a position (set at its first connection)

    @property
    def connected(self) -> bool:
        return self.feed is not None and self.feed.connected

    def poll(self, timeout: float = 0.5) -> DeletionNews:
        """Deletions since the last call, waiting up to ``timeout``; a lost database gives empty news
        (the feed reconnects and catches up by itself). An unexpected error is raised once, and the next
        call starts following again from now (with ``reload``)."""
        try:
            if self.feed is None:
                self.feed = EventFeed(self.url, since=None, poll_ms=self.poll_ms)   # "from now"
            events = self.feed.poll(timeout)
        except Exception:
            self.close()
            raise
        reload = False
        if self.feed.connected and not self._anchored:
            self._anchored = reload = True
        if self.feed.rewound:                 # the database is behind the position: start over
            self.feed.rewound = False
            reload = True
            log.warning("the database is behind the deletion feed's position (restored?): reloading the gallery")
        return DeletionNews(frozenset(forgotten_in(events)), reload)

    def close(self) -> None:
        if self.feed is not None:
            self.feed.close()
        self.feed, self._anchored = None, False
