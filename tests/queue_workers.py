"""Functions run in separate processes by the concurrency and crash tests (spawned, so importable)."""
from __future__ import annotations

import random
import time


def issue_many(url: str, fields: list[str], n: int, go_at: float, spans: bool = False):
    """Issue ``n`` tickets; the labels, or with ``spans`` (labels, first start, last end) in wall-clock time so
    the test can show the processes really issued at the same time."""
    import db
    svc = db.open_queue(url, actor="admin:tests")
    while time.time() < go_at:  # start together
        time.sleep(0.001)
    start = time.time()
    labels = [svc.issue(fields[i % len(fields)], priority="elderly" if i % 7 == 0 else None).label
              for i in range(n)]
    end = time.time()
    svc.close()
    return (labels, start, end) if spans else labels


def call_until_empty(url: str, counter: int, go_at: float) -> list[tuple[str, float]]:
    """Call until nobody waits: (label, wall-clock time of the call) each."""
    import db
    svc = db.open_queue(url, actor="admin:tests")
    while time.time() < go_at:
        time.sleep(0.001)
    called = []
    while (t := svc.call_next(counter)) is not None:
        called.append((t.label, time.time()))
    svc.close()
    return called


def churn_forever(url: str, seed: int) -> None:
    """Issue, call, start, finish and transfer at random until killed."""
    import db
    rnd = random.Random(seed)
    svc = db.open_queue(url, actor="admin:tests")
    fields = ["HT", "CT", "DD", "TN"]
    while True:
        op = rnd.random()
        try:
            if op < 0.5:
                svc.issue(rnd.choice(fields), priority="merit" if rnd.random() < 0.1 else None)
            elif op < 0.8:
                svc.call_next(rnd.choice([1, 2, 3, 5, 6]))
            elif op < 0.9:
                svc.finish(rnd.choice([1, 2, 3, 5]))
            else:
                waiting = svc.waiting()
                if waiting:
                    svc.transfer(waiting[0].label, rnd.choice([f for f in fields if f != waiting[0].field_code]))
        except db.QueueError:
            pass
