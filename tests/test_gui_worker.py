"""gui/worker.py, the one worker abstraction of every window: work runs off the GUI thread, in order, results
come back on the GUI thread, and stop() ends the thread cleanly (a QThread left running aborts the process)."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from gui.worker import Jobs, WorkerThread


class Loop(QObject):
    """A long-lived loop worker (like the camera or the event feed)."""

    ticked = Signal(int)

    def __init__(self, rounds: int | None = None):
        super().__init__()
        self.rounds = rounds
        self.stopping = threading.Event()
        self.ran_on: int | None = None
        self.closed_on: int | None = None

    def run(self) -> None:
        self.ran_on = threading.get_ident()
        n = 0
        while not self.stopping.is_set() and (self.rounds is None or n < self.rounds):
            n += 1
            self.ticked.emit(n)
            self.stopping.wait(0.005)

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        self.closed_on = threading.get_ident()


def test_a_loop_worker_runs_off_the_gui_thread_and_stops_cleanly(qtbot):
    loop = Loop()
    owner = WorkerThread(loop, "test-loop", run=loop.run)
    ticks: list[int] = []
    loop.ticked.connect(ticks.append)
    qtbot.waitUntil(lambda: len(ticks) >= 3, timeout=10_000)
    assert owner.stop() is True
    assert not owner.is_running() and loop.stopping.is_set()
    gui = threading.get_ident()
    assert loop.ran_on is not None and loop.ran_on != gui
    assert loop.closed_on == loop.ran_on                  # resources closed by the thread that used them
    assert owner.stop() is True                           # idempotent


def test_a_loop_that_returns_by_itself_ends_its_thread(qtbot):
    loop = Loop(rounds=2)                                  # e.g. the camera is unplugged
    owner = WorkerThread(loop, "test-loop", run=loop.run)
    qtbot.waitUntil(lambda: not owner.is_running(), timeout=10_000)
    assert loop.closed_on == loop.ran_on and not loop.stopping.is_set()
    owner.stop()


def test_jobs_run_in_order_off_the_gui_thread_and_answer_on_it(qtbot):
    closed_on: list[int] = []
    jobs = Jobs("test-jobs", on_close=lambda: closed_on.append(threading.get_ident()))
    ran: list[tuple[int, int]] = []
    answers: list[tuple[int, int]] = []
    errors: list[Exception] = []

    def job(i: int):
        def run() -> int:
            ran.append((i, threading.get_ident()))
            if i == 3:
                raise ValueError("three")
            return i * 10
        return run

    for i in range(5):
        jobs.submit(job(i), done=lambda r: answers.append((r, threading.get_ident())), failed=errors.append)
    assert jobs.pending == 5
    qtbot.waitUntil(lambda: jobs.pending == 0, timeout=10_000)
    gui = threading.get_ident()
    assert [i for i, _ in ran] == [0, 1, 2, 3, 4]
    assert all(ident != gui for _, ident in ran)
    assert [r for r, _ in answers] == [0, 10, 20, 40] and all(ident == gui for _, ident in answers)
    assert [str(e) for e in errors] == ["three"]
    assert jobs.stop() is True
    assert not jobs.thread.is_running()
    assert closed_on == [ran[0][1]]                       # on_close ran in the worker thread, once


def test_stopping_jobs_finishes_the_job_in_progress_and_calls_nothing_back(qtbot):
    jobs = Jobs("test-jobs")
    started, release = threading.Event(), threading.Event()
    ran: list[int] = []
    answers: list[int] = []

    def slow() -> int:
        started.set()
        release.wait(10)
        ran.append(1)
        return 1

    jobs.submit(slow, done=answers.append)
    for i in range(2, 5):
        jobs.submit(lambda i=i: ran.append(i), done=answers.append)
    assert started.wait(10)
    threading.Timer(0.05, release.set).start()           # the database answers while we are stopping
    assert jobs.stop() is True
    assert not jobs.thread.is_running()
    assert ran == [1]                                     # the job in progress finished, the queued ones dropped
    qtbot.wait(50)
    assert answers == [] and jobs.pending == 0            # nothing reaches widgets that are going away
    assert jobs.submit(lambda: ran.append(99)) == 0       # a stopped worker takes no more work
