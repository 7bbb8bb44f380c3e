"""Worker threads, the one way every window runs blocking work (database, crypto, network, camera) off the
GUI thread.

    owner = WorkerThread(worker, "kiosk-queue")        # worker: a QObject; its slots run in the new thread
    owner = WorkerThread(loop, "camera", run=loop.run)  # or a long loop: the thread ends when it returns
    owner.stop()                                       # the thread has ended when this returns

    jobs = Jobs("kiosk-visitors")                      # callables, one at a time, in order, off the GUI thread
    jobs.submit(lambda: store.greeting(7), done=show, failed=report)   # done/failed run on the GUI thread

A worker's ``close()`` (if it has one) runs *in its own thread* as the thread ends, so a database connection
is closed by the thread that opened it. A worker's ``stop()`` (if it has one) is called first by
``WorkerThread.stop()``: a loop must return soon after it. A QThread left running aborts the process.
"""
from __future__ import annotations

import itertools
import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

log = logging.getLogger(__name__)


class WorkerThread:
    """Owns one QThread and the worker living in it. ``stop()`` is idempotent and waits for the end."""

    def __init__(self, worker: QObject, name: str | None = None, run: Callable[[], None] | None = None,
                 start: bool = True):
        self.worker = worker
        self.thread = QThread()
        self.thread.setObjectName(name or type(worker).__name__)
        worker.moveToThread(self.thread)
        if run is not None:
            def loop() -> None:                   # in the new thread: the loop, then the thread ends
                try:
                    run()
                finally:
                    self.thread.quit()
            self.thread.started.connect(loop, Qt.DirectConnection)
        close = getattr(worker, "close", None)
        if callable(close):
            # emitted from the ending thread itself: close() runs there, after the last job or loop
            self.thread.finished.connect(close, Qt.DirectConnection)
        self._started = False
        if start:
            self.start()

    def start(self) -> None:
        if not self._started:
            self._started = True
            self.thread.start()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def stop(self, timeout_ms: int = 15_000) -> bool:
        """Ask the worker to stop (its ``stop()``), end the thread's event loop, wait. True if it ended."""
        stop = getattr(self.worker, "stop", None)
        if callable(stop):
            stop()
        if self.thread.isRunning():
            self.thread.quit()
            if not self.thread.wait(timeout_ms):
                log.error("worker thread %s did not stop within %d ms", self.thread.objectName(), timeout_ms)
                return False
        return True


class _Runner(QObject):
    """Lives in the Jobs thread: runs each callable it is sent, reports (token, result, error)."""

    finished_job = Signal(object, object, object)
    _run = Signal(object, object)

    def __init__(self, on_close: Callable[[], None] | None):
        super().__init__()
        self._on_close = on_close
        self.stopping = threading.Event()
        self._run.connect(self._execute)          # queued: the runner lives in the worker thread

    def stop(self) -> None:
        self.stopping.set()                       # jobs still queued are dropped

    @Slot(object, object)
    def _execute(self, token: int, fn: Callable[[], Any]) -> None:
        if self.stopping.is_set():
            return
        try:
            result, error = fn(), None
        except Exception as exc:  # noqa: BLE001 - reported to the caller's ``failed``
            result, error = None, exc
        self.finished_job.emit(token, result, error)

    def close(self) -> None:
        if self._on_close is not None:
            try:
                self._on_close()
            except Exception:  # noqa: BLE001 - closing must not keep the thread from ending
                log.exception("closing the worker's resources failed")


class Jobs(QObject):
    """Runs callables on its own thread, one at a time, in the order submitted. ``done(result)`` or
    ``failed(error)`` is then called on the thread that owns this object (the GUI thread). After ``stop()``
    nothing more is called back. ``on_close`` runs in the worker thread as it ends."""

    def __init__(self, name: str, parent: QObject | None = None, on_close: Callable[[], None] | None = None):
        super().__init__(parent)
        self._tokens = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._stopped = False
        self._runner = _Runner(on_close)
        self._runner.finished_job.connect(self._finished)   # queued back to this object's thread
        self.thread = WorkerThread(self._runner, name)

    @property
    def pending(self) -> int:
        """Jobs submitted whose callback has not run yet."""
        return len(self._callbacks)

    def submit(self, fn: Callable[[], Any], done: Callable[[Any], None] | None = None,
               failed: Callable[[Exception], None] | None = None) -> int:
        if self._stopped:
            return 0
        token = next(self._tokens)
        self._callbacks[token] = (done, failed)
        self._runner._run.emit(token, fn)
        return token

    @Slot(object, object, object)
    def _finished(self, token: int, result: Any, error: Exception | None) -> None:
        done, failed = self._callbacks.pop(token, (None, None))
        if self._stopped:
            return
        if error is None:
            if done is not None:
                done(result)
        elif failed is not None:
            failed(error)
        else:
            log.error("background job failed", exc_info=(type(error), error, error.__traceback__))

    def stop(self) -> bool:
        """The job in progress finishes, the rest are dropped, ``on_close`` runs; returns once the thread ended."""
        self._stopped = True
        self._callbacks.clear()
        return self.thread.stop()
