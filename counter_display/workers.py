"""The counter window's and the board's workers: follow the event feed; run queue commands one at a time.

Each runs on a ``gui.worker.WorkerThread`` and opens its own QueueService inside that thread (a database
connection stays with the thread that made it); ``close()`` runs there when the thread ends.
"""
from __future__ import annotations

import logging
import threading
import time
import traceback
import uuid
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

from bilingual import LocalizedError
from core.logs import OncePerCause

log = logging.getLogger(__name__)
log.addFilter(OncePerCause())      # a feed retried every second through an outage: one line per cause

OpenService = Callable[[], Any]   # -> db.QueueService


class FeedWorker(QObject):
    """Runs in its own thread: refresh() once, then follow the feed; refresh again after events and on
    reconnection. Never raises: a lost database only flips ``connection_changed(False)``."""

    refreshed = Signal(object)          # whatever refresh(svc) returned (board: a Snapshot)
    events = Signal(object)             # list[Event], in id order
    connection_changed = Signal(bool)
    finished = Signal()

    def __init__(self, open_service: OpenService, refresh: Callable[[Any], Any],
                 poll_timeout: float = 0.25, retry_seconds: float = 1.0, refresh_delay: float = 0.08):
        super().__init__()
        self.open_service, self.refresh = open_service, refresh
        self.poll_timeout, self.retry_seconds = poll_timeout, retry_seconds
        # the refresh after events waits a moment: the GUI paints the call first (one GIL), and a burst
        # of events costs one refresh
        self.refresh_delay = refresh_delay
        self._stop = threading.Event()
        self.current_feed = None   # the EventFeed, once following (tests break its connection)

    def stop(self) -> None:
        self._stop.set()

    def _set_connected(self, value: bool, state: dict) -> None:
        if state.get("connected") != value:
            state["connected"] = value
            self.connection_changed.emit(value)

    @Slot()
    def run(self) -> None:
        svc = feed = None
        state: dict = {}
        need_refresh, refresh_at = True, 0.0
        try:
            while not self._stop.is_set():
                try:
                    if svc is None:
                        svc = self.open_service()
                    if need_refresh and (feed is None or time.monotonic() >= refresh_at):
                        result = self.refresh(svc)
                        self.refreshed.emit(result)
                        need_refresh = False
                        if feed is None:
                            feed = self.current_feed = svc.follow(since=_position(result))
                    timeout = self.poll_timeout
                    if need_refresh:
                        timeout = min(timeout, max(0.0, refresh_at - time.monotonic()))
                    events = feed.poll(timeout=timeout)
                except Exception as exc:  # database down or locked: say so, retry, never die
                    log.warning("feed worker: %s: %s", type(exc).__name__, exc)
                    self._set_connected(False, state)
                    need_refresh = True
                    self._stop.wait(self.retry_seconds)
                    continue
                if events:
                    self.events.emit(list(events))
                    if not need_refresh:
                        refresh_at = time.monotonic() + self.refresh_delay
                    need_refresh = True
                if feed.connected:
                    if state.get("connected") is not True:
                        need_refresh = True  # (re)connected: catch up counts as well as events
                    self._set_connected(True, state)
                else:
                    self._set_connected(False, state)  # poll() keeps reconnecting and catches up itself
        finally:
            for closable in (feed, svc):
                try:
                    if closable is not None:
                        closable.close()
                except Exception:
                    log.debug("closing %r failed", closable, exc_info=True)
            self.finished.emit()


def idempotent(command: Callable[[Any, str], Any], attempts: int = 3, within_s: float = 1.0):
    """A counter command under one request id per press (``command(svc, request_id)``): a fast
    ``Unavailable`` (a lost reply, a dropped connection) is retried under the same id, so the retry
    returns what the first attempt did instead of doing it twice."""
    request_id = str(uuid.uuid4())

    def run(svc: Any) -> Any:
        from db import Unavailable
        started = time.monotonic()
        for attempt in range(attempts):
            try:
                return command(svc, request_id)
            except Unavailable:
                if attempt == attempts - 1 or time.monotonic() - started > within_s:
                    raise
                log.warning("counter command %s: database unavailable, retrying under its request id", request_id)
                time.sleep(0.2)
    return run


def _position(result: Any):
    """Where the feed starts: right after what ``result`` (a Snapshot) shows, else from now."""
    position = getattr(result, "position", None)
    return position if position is not None else getattr(result, "last_event_id", None)


class CommandWorker(QObject):
    """Runs queue commands (callables taking the service) in its thread, in order, one at a time."""

    done = Signal(object, object, object)   # (tag, result, error: Exception | None)
    _submit = Signal(object, object)

    def __init__(self, open_service: OpenService):
        super().__init__()
        self.open_service = open_service
        self.svc = None
        self._submit.connect(self._run)

    def submit(self, tag: Any, command: Callable[[Any], Any]) -> None:
        self._submit.emit(tag, command)   # queued into the worker thread

    @Slot(object, object)
    def _run(self, tag: Any, command: Callable[[Any], Any]) -> None:
        try:
            if self.svc is None:
                self.svc = self.open_service()
            result, error = command(self.svc), None
        except Exception as exc:
            if not isinstance(exc, LocalizedError):   # a refusal a person reads is no failure to log
                log.error("command %s failed:\n%s", tag, traceback.format_exc())
            result, error = None, exc
        self.done.emit(tag, result, error)

    def close(self) -> None:
        """Called in the worker thread as it ends (WorkerThread)."""
        if self.svc is not None:
            try:
                self.svc.close()
            finally:
                self.svc = None
