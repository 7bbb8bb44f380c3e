"""The kiosk's deletion follower, off the GUI thread: a visitor deleted anywhere leaves this kiosk's memory.

    worker = DeletionWorker(cfg.resolved_db_url)
    worker.news.connect(...)          # core.visitors.deletions.DeletionNews (reload and/or forgotten ids)
    thread = WorkerThread(worker, "kiosk-deletions", run=worker.run); ...; thread.stop()   # gui.worker

The loop only reads the event feed (its own connection, made and closed in its thread); what to drop is
done by the visitor worker, which owns the gallery (kiosk/ui/face_screens.py).
"""
from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from core.logs import OncePerCause
from core.visitors.deletions import DeletionFollower

log = logging.getLogger(__name__)
log.addFilter(OncePerCause())      # an unexpected error retried every second: one line per cause

POLL_TIMEOUT_S = 0.5
RETRY_S = 1.0


class DeletionWorker(QObject):
    news = Signal(object)             # DeletionNews, only when it says something
    connection_changed = Signal(bool)

    def __init__(self, url: str, poll_timeout: float = POLL_TIMEOUT_S, retry_s: float = RETRY_S,
                 poll_ms: int = 100):
        super().__init__()
        self.follower = DeletionFollower(url, poll_ms=poll_ms)
        self.poll_timeout, self.retry_s = poll_timeout, retry_s
        self.stopping = threading.Event()
        self._connected: bool | None = None

    @Slot()
    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                news = self.follower.poll(self.poll_timeout)
            except Exception:  # noqa: BLE001 - never dies: the next poll follows again from now (reload)
                log.exception("following deletions failed; starting again")
                self._set_connected(False)
                self.stopping.wait(self.retry_s)
                continue
            self._set_connected(self.follower.connected)
            if news:
                self.news.emit(news)

    def _set_connected(self, value: bool) -> None:
        if value != self._connected:
            self._connected = value
            if not value:
                log.warning("deletion feed lost (%s): catching up when the database answers",
                            self.follower.feed.last_error if self.follower.feed else "restarting")
            self.connection_changed.emit(value)

    def stop(self) -> None:
        """Ask the loop to end (within one poll). Safe from any thread."""
        self.stopping.set()

    def close(self) -> None:
        """In the worker's thread, as it ends (gui.worker.WorkerThread)."""
        self.follower.close()
