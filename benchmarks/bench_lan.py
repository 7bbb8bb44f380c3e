"""LAN faults, measured: the project's TCP proxy (tests/tcp_proxy.py) between the programs and PostgreSQL.

    .venv/bin/python benchmarks/bench_lan.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Prints the RELIABILITY.md table rows: for each fault what the programs did, what was lost, how long
recovery took. Each scenario runs in a fresh schema.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

import db  # noqa: E402
from counter_display.board_model import BoardModel  # noqa: E402
from db.models import Event, Ticket  # noqa: E402
from tests.tcp_proxy import TcpProxy  # noqa: E402


@contextlib.contextmanager
def schema(base_url: str):
    plain = make_url(base_url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    url = make_url(base_url).set(drivername="postgresql+psycopg").update_query_dict(
        {"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def slow_commit(url: str, delay: float, calls: int) -> str:
    direct = db.init_db(url, always_open=True)
    for _ in range(calls):
        direct.issue("HT")
    snap = direct.snapshot()
    with direct.session(write=False) as s:
        before = set(s.scalars(select(Event.id)))
    board = BoardModel()
    board.apply_snapshot(snap)
    feed = direct.follow(since=snap.position)
    with TcpProxy(5432) as proxy:
        counter = db.open_queue(proxy.url(url))
        counter.current(1)
        proxy.commit_delay = delay
        done, returned_at, errors = threading.Event(), {}, []

        def officer():
            try:
                for _ in range(calls):
                    try:
                        t = counter.call_next(1, request_id=str(uuid.uuid4()))
                        returned_at[t.label] = time.monotonic()
                    except db.Unavailable as exc:
                        errors.append(exc)
            finally:
                done.set()

        threading.Thread(target=officer, daemon=True).start()
        got, flashed, applied_at = [], [], {}
        fields = itertools.cycle(["CT", "DD", "XD", "HKD", "NCC"])
        end = None
        while end is None or time.monotonic() < end:
            if not done.is_set():
                direct.issue(next(fields))
                time.sleep(0.03)
            elif end is None:
                end = time.monotonic() + 3
            events = feed.poll(timeout=0.02)
            got += events
            for c in board.apply_events(events):
                flashed.append(c)
                applied_at[c.label] = time.monotonic()
        proxy.commit_delay = 0
        counter.close()
    with direct.session(write=False) as s:
        want = set(s.scalars(select(Event.id))) - before
    ids = [e.id for e in got]
    late = sum(1 for n, e in enumerate(got) if any(o.id > e.id for o in got[:n]))
    called = [e for e in got if e.kind == "called"]
    lag = max((applied_at[c] - returned_at[c] for c in returned_at if c in applied_at), default=0.0)
    feed.close()
    direct.close()
    return (f"| COMMIT of the counter {delay:g} s slow, kiosk issuing every 30 ms | {len(want)} events, "
            f"{late} became visible after a higher id; {len(errors)} call(s) Unavailable | "
            f"missed {len(want - set(ids))}, repeated {len(ids) - len(set(ids))}; board: {len(called)} calls, "
            f"{len(flashed)} flashed | late event on the board {lag * 1000:.0f} ms after call_next returned |")


def commit_held_30s(url: str) -> str:
    direct = db.init_db(url, always_open=True)
    for _ in range(2):
        direct.issue("HT")
    with TcpProxy(5432) as proxy:
        counter = db.open_queue(proxy.url(url))
        counter.current(1)
        press = str(uuid.uuid4())
        proxy.slow_next_commit(30.0)
        t0 = time.monotonic()
        with contextlib.suppress(db.Unavailable):
            counter.call_next(1, request_id=press)
        first_error = time.monotonic() - t0
        t = None
        while t is None:
            try:
                t = counter.call_next(1, request_id=press)
            except db.Unavailable:
                time.sleep(0.2)
        recovered = time.monotonic() - t0
        time.sleep(max(0.0, 31 - (time.monotonic() - t0)))
        calls = [e for e in direct.events(0, limit=10000) if e.kind == "called"]
        counter.close()
    direct.close()
    return (f"| COMMIT held 30 s (longer than every deadline) | call_next Unavailable after {first_error:.1f} s; "
            f"the server dropped the idle transaction; the retry (same request id) called {t.label} | "
            f"nothing; {len(calls)} `called` event after the held COMMIT arrived | {recovered:.1f} s |")


def frozen(url: str) -> str:
    direct = db.init_db(url, always_open=True)
    with TcpProxy(5432) as proxy:
        purl = proxy.url(url)
        kiosk = db.open_queue(purl)
        kiosk.issue("HT")
        feed = db.EventFeed(purl, since=None)
        feed.poll(0)
        proxy.freeze()
        took = {}
        for name, op in (("issue", lambda: kiosk.issue("HT")), ("call_next", lambda: kiosk.call_next(1)),
                         ("snapshot", kiosk.snapshot)):
            t0 = time.monotonic()
            with contextlib.suppress(db.Unavailable):
                op()
            took[name] = time.monotonic() - t0
        t0 = time.monotonic()
        while feed.connected:
            feed.poll(timeout=0.5)
        feed_noticed = time.monotonic() - t0
        made = [direct.issue("CT").label for _ in range(5)]
        time.sleep(2)
        proxy.thaw()
        t0 = time.monotonic()
        got = []
        while len([e for e in got if e.kind == "issued"]) < 5 and time.monotonic() - t0 < 30:
            got += feed.poll(timeout=0.2)
        feed_back = time.monotonic() - t0
        t0 = time.monotonic()
        while True:
            try:
                kiosk.issue("HT")
                break
            except db.Unavailable:
                time.sleep(0.1)
        kiosk_back = time.monotonic() - t0
        missed = set(made) - {e.ticket_label for e in got}
        kiosk.close()
        feed.close()
    direct.close()
    return (f"| Link frozen (no reset), then thawed | Unavailable after issue {took['issue']:.1f} s, call_next "
            f"{took['call_next']:.1f} s, snapshot {took['snapshot']:.1f} s; the feed noticed in {feed_noticed:.1f} s "
            f"| missed {len(missed)} of {len(made)} events made meanwhile | feed caught up {feed_back:.1f} s and "
            f"the kiosk issued {kiosk_back:.1f} s after the thaw |")


def stalled(url: str) -> str:
    direct = db.init_db(url, always_open=True)
    with TcpProxy(5432) as proxy:
        other = db.open_queue(proxy.url(url))
        other.issue("HT")
        raw = other.engine.raw_connection()
        raw.cursor().execute("UPDATE number_sequences SET last_number = last_number + 1")
        proxy.freeze()
        t0 = time.monotonic()
        errors = 0
        while True:
            try:
                label = direct.issue("HT").label
                break
            except db.Unavailable:
                errors += 1
        waited = time.monotonic() - t0
        proxy.thaw()
    with direct.session(write=False) as s:
        n = s.scalar(select(func.count()).select_from(Ticket))
    direct.close()
    return (f"| A kiosk stalls mid-issue (number row locked, link silent) | the others: {errors} × Unavailable "
            f"(lock_timeout), then {label}; the server ended the stalled session (idle_in_transaction) | "
            f"nothing ({n} tickets, no gap) | {waited:.1f} s |")


def cut_after_commit(url: str) -> str:
    direct = db.init_db(url, always_open=True)
    with TcpProxy(5432) as proxy:
        kiosk = db.open_queue(proxy.url(url))
        kiosk.issue("HT")
        tap = str(uuid.uuid4())
        proxy.cut_after_next_commit()
        t0 = time.monotonic()
        with contextlib.suppress(db.Unavailable):
            kiosk.issue("HT", request_id=tap)
        again = kiosk.issue("HT", request_id=tap)
        took = time.monotonic() - t0
        kiosk.close()
    with direct.session(write=False) as s:
        n = s.scalar(select(func.count()).select_from(Ticket))
    direct.close()
    return (f"| Link cut right after an issue's COMMIT (reply lost) | Unavailable, then the retry under the tap's "
            f"request id returned {again.label} | no duplicate ({n} tickets for 2 taps) | {took * 1000:.0f} ms |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg-url", required=True)
    ap.add_argument("--quick", action="store_true", help="skip the 30 s cases")
    args = ap.parse_args()
    print("| fault | what the programs did | lost | recovery |")
    print("|---|---|---|---|")
    cases = [lambda u: slow_commit(u, 0.02, 20), lambda u: slow_commit(u, 0.2, 10),
             lambda u: slow_commit(u, 3.0, 3), lambda u: slow_commit(u, 30.0, 1)]
    if not args.quick:
        cases.append(commit_held_30s)
    cases += [frozen, stalled, cut_after_commit]
    if args.quick:
        cases.remove(cases[3])
    for case in cases:
        with schema(args.pg_url) as url:
            print(case(url), flush=True)


if __name__ == "__main__":
    main()
