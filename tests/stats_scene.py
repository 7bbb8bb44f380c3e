"""The two-day office scene of the statistics tests, with figures computed by hand (see tests/test_stats.py)."""
from __future__ import annotations

import datetime as dt

from tests.conftest import VN

MON, TUE = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


def at(day: dt.date, hh: int, mm: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=VN)


def build_office(queue, clock):
    q = queue
    q.add_officer("Lan", "583920")
    q.add_officer("Bình", "691847")
    q.sign_in(1, "Lan", "583920")
    q.sign_in(2, "Bình", "691847")
    steps = [
        (at(MON, 9, 0), lambda: (q.issue("HT", procedure="HT-KS"), q.issue("HT", priority="elderly"))),
        (at(MON, 9, 1), lambda: q.issue("CT")),
        (at(MON, 9, 2), lambda: q.call_next(1)),
        (at(MON, 9, 3), lambda: q.start(1)),
        (at(MON, 9, 5), lambda: q.call_next(2)),
        (at(MON, 9, 6), lambda: q.no_show(2)),
        (at(MON, 9, 8), lambda: (q.finish(1), q.rate("A002", 3), q.call_next(1))),
        (at(MON, 9, 10), lambda: q.reactivate("B001")),
        (at(MON, 9, 12), lambda: q.call_next(2)),
        (at(MON, 9, 14), lambda: q.start(2)),
        (at(MON, 9, 18), lambda: (q.finish(1), q.rate("A001", 1, reasons=["wait_long"]))),
        (at(MON, 9, 20), lambda: (q.finish(2), q.issue("HT"))),
        (at(MON, 9, 21), lambda: q.issue("CT")),
        (at(MON, 9, 22), lambda: q.call_next(2)),
        (at(MON, 9, 24), lambda: q.no_show(2)),
        (at(MON, 9, 25), lambda: q.transfer("A003", "CT")),
        (at(MON, 9, 40), lambda: q.call_next(2)),
        (at(MON, 10, 0), lambda: (q.finish(2), q.rate("A003", 2))),
        (at(MON, 10, 5), lambda: q.issue("HT")),
        (at(TUE, 9, 0), lambda: q.issue("HT")),
        (at(TUE, 9, 45), lambda: q.call_next(1)),
        (at(TUE, 9, 47), lambda: (q.finish(1), q.rate("A001", 3))),
    ]
    for when, step in steps:
        clock.set(when)
        step()
    return q


def build_unfinished_day(queue, clock):
    """Monday: A001 served at counter 1; A002 called at counter 1 and B001 being served at counter 2 when the
    day ends; A003 still waiting. Tuesday 08:00: nothing has run the end-of-day rule yet."""
    q = queue
    steps = [
        (at(MON, 9, 0), lambda: [q.issue(field) for field in ("HT", "HT", "HT", "CT")]),
        (at(MON, 9, 5), lambda: q.call_next(1)),
        (at(MON, 9, 10), lambda: (q.finish(1), q.call_next(1))),
        (at(MON, 9, 15), lambda: (q.call_next(2), q.start(2))),
        (at(TUE, 8, 0), lambda: None),
    ]
    for when, step in steps:
        clock.set(when)
        step()
    return q
