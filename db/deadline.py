"""A client-side deadline for PostgreSQL operations (Qt-free).

Server settings (statement_timeout, lock_timeout, ...) cannot help when the network goes silent: the
server never hears the query, and TCP itself may wait for minutes (a local proxy or switch even ACKs the
bytes). So every queue operation runs under a deadline: when it runs out, the sockets the operation is
using are shut down, libpq fails at once ("server closed the connection"), SQLAlchemy invalidates the
connection and the caller gets ``Unavailable``. One watchdog thread serves every operation of a process.
"""
from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class _Operation:
    __slots__ = ("expires", "fds", "done", "expired")

    def __init__(self, expires: float):
        self.expires = expires
        self.fds: list[int] = []
        self.done = False
        self.expired = False


def shutdown_fd(fd: int) -> None:
    """Shut a socket down under its owner (libpq): its next read sees end-of-file."""
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        s.close()


class Deadlines:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._local = threading.local()
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Operation]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        self.fired = 0            # how many operations ran out (for tests and logs)

    @contextmanager
    def operation(self, seconds: float | None = None) -> Iterator[None]:
        """Run the block under the deadline (a nested block shares its outer deadline)."""
        if getattr(self._local, "op", None) is not None:
            yield
            return
        op = _Operation(time.monotonic() + (self.seconds if seconds is None else seconds))
        with self._cond:
            self._ensure_thread()
            heapq.heappush(self._heap, (op.expires, next(self._seq), op))
            self._cond.notify()
        self._local.op = op
        try:
            yield
        finally:
            self._local.op = None
            with self._cond:
                op.done = True

    def attach(self, fd: int) -> None:
        """The current operation uses this socket (called from the engine's connect/checkout events)."""
        op = getattr(self._local, "op", None)
        if op is None or fd < 0:
            return
        with self._cond:
            if fd not in op.fds:
                op.fds.append(fd)
            if op.expired:
                shutdown_fd(fd)

    def detach(self, fd: int) -> None:
        """The socket went back to the pool: a late deadline must not hit its next user."""
        op = getattr(self._local, "op", None)
        if op is None:
            return
        with self._cond:
            if fd in op.fds:
                op.fds.remove(fd)

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="db-deadline", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        with self._cond:
            while True:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait(30.0)
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _, _, op = heapq.heappop(self._heap)
                if op.done:
                    continue
                op.expired = True
                self.fired += 1
                for fd in op.fds:
                    shutdown_fd(fd)
