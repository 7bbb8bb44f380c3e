"""Queue throughput (tickets/s with 1, 4, 8 processes) and event latency (commit in one process →
follower in another), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_queue.py [--quick] [--pg-url URL] [--no-normal]

Throughput: N spawned processes connect, warm up, then start together and issue tickets for a fixed
time (fields round-robin, every 7th a priority ticket). tickets/s = tickets issued ÷ wall time from the
common start to the last issue's return (process start-up excluded). Afterwards every run is checked:
no duplicate label, numbers of each prefix are exactly 1..n, and the database holds as many tickets and
"issued" events as the processes were handed. The catalogue's daily caps are removed for this (a cap
check is one comparison, no query); everything else is assets/catalogue.toml with always-open hours.

Latency: a writer process issues a ticket every --pace-ms and stamps time.time() just before the call
and just after issue() returned (the commit is between the two); a follower process runs EventFeed.poll()
in a loop and stamps time.time() when each "issued" event arrives. Latency = arrival − writer's
post-return stamp (the "upper" column uses the pre-call stamp, so it also counts the transaction).

SQLite runs in a temporary directory (on this machine /tmp is ext4, so fsync is real); PostgreSQL in a
fresh schema of --pg-url (default env KIOSK_TEST_PG_URL), dropped afterwards. db/ sets SQLite
synchronous=FULL; the "NORMAL" rows add a connect listener in the benchmark processes only, to show
what durability costs.
"""
from __future__ import annotations

import argparse
import collections
import multiprocessing as mp
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CTX = mp.get_context("spawn")
FIELDS = ["HT", "CT", "DD", "XD", "HKD", "TN"]
PRIORITY_EVERY = 7


# ---------------------------------------------------------------- processes (spawned: module level)
def _open(url: str, sync: str | None):
    """A QueueService with both connections opened, so the timed part measures issuing only."""
    from sqlalchemy import event, text

    import db
    svc = db.open_queue(url)
    if sync:  # runs after db/engine.py's own connect listener, so it overrides synchronous=FULL
        @event.listens_for(svc.engine, "connect")
        def _sync(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA synchronous={sync}")
    with svc.session() as s:
        s.execute(text("SELECT 1"))
    svc.office_info()
    return svc


def issuer(url: str, index: int, sync: str | None, ready, go, deadline, out) -> None:
    import db
    svc = _open(url, sync)
    ready.put(index)
    go.wait()
    end = deadline.value
    issued, durations, errors = [], [], collections.Counter()
    i = index
    while time.time() < end:
        t0 = time.perf_counter()
        try:
            it = svc.issue(FIELDS[i % len(FIELDS)], priority="elderly" if i % PRIORITY_EVERY == 0 else None)
        except db.QueueError as exc:
            errors[type(exc).__name__] += 1
        else:
            durations.append(time.perf_counter() - t0)
            issued.append((it.ticket.service_day.isoformat(), it.ticket.label))
        i += 1
    out.put((index, issued, durations, dict(errors), time.time()))
    svc.close()


def latency_writer(url: str, n: int, pace_s: float, ready, go, out) -> None:
    svc = _open(url, None)
    ready.put("writer")
    go.wait()
    stamps = {}
    next_at = time.monotonic()
    for i in range(n):
        before = time.time()
        label = svc.issue(FIELDS[i % len(FIELDS)]).ticket.label
        stamps[label] = (before, time.time())
        next_at += pace_s
        time.sleep(max(0.0, next_at - time.monotonic()))
    out.put(("writer", stamps))
    svc.close()


def latency_follower(url: str, poll_ms: int, n: int, give_up_s: float, ready, out) -> None:
    from db import EventFeed
    feed = EventFeed(url, since=None, poll_ms=poll_ms)  # "from now": connects here
    feed.poll(timeout=0)
    ready.put("follower")
    arrived = {}
    end = time.time() + give_up_s
    while len(arrived) < n and time.time() < end:
        for ev in feed.poll(timeout=0.5):
            now = time.time()
            if ev.kind == "issued":
                arrived.setdefault(ev.ticket_label, now)
    out.put(("follower", arrived))
    feed.close()


# ---------------------------------------------------------------- databases
@contextmanager
def fresh_db(kind: str, pg_url: str | None, catalogue: Path):
    """A new, initialised database: SQLite file in a temp dir, or a fresh PostgreSQL schema."""
    import db
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench_queue_") as tmp:
            url = f"sqlite:///{Path(tmp) / 'queue.sqlite3'}"
            db.init_db(url, catalogue=catalogue, always_open=True).close()
            yield url
        return
    import psycopg
    from sqlalchemy.engine import make_url
    base = make_url(pg_url)
    plain = base.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        url = (base.set(drivername="postgresql+psycopg").update_query_dict({"options": f"-csearch_path={schema}"})
               .render_as_string(hide_password=False))
        db.init_db(url, catalogue=catalogue, always_open=True).close()
        yield url
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def uncapped_catalogue(directory: Path) -> Path:
    text = (REPO / "assets" / "catalogue.toml").read_text(encoding="utf-8")
    path = directory / "catalogue_uncapped.toml"
    path.write_text(re.sub(r"(?m)^daily_cap\s*=.*$", "", text), encoding="utf-8")
    return path


# ---------------------------------------------------------------- runs
def _start_together(procs, ready, n_ready: int, timeout: float = 120.0) -> None:
    for p in procs:
        p.start()
    for _ in range(n_ready):
        ready.get(timeout=timeout)


def run_throughput(url: str, n_procs: int, duration: float, sync: str | None) -> dict:
    ready, out, go = CTX.Queue(), CTX.Queue(), CTX.Event()
    deadline = CTX.Value("d", 0.0)
    procs = [CTX.Process(target=issuer, args=(url, i, sync, ready, go, deadline, out)) for i in range(n_procs)]
    _start_together(procs, ready, n_procs)
    t0 = time.time() + 0.05
    deadline.value = t0 + duration
    while time.time() < t0:
        time.sleep(0.001)
    go.set()
    results = [out.get(timeout=duration + 120) for _ in procs]
    for p in procs:
        p.join()
    issued = [x for r in results for x in r[1]]
    durations = [d for r in results for d in r[2]]
    errors = collections.Counter()
    for r in results:
        errors.update(r[3])
    wall = max(r[4] for r in results) - t0
    per_proc = [len(r[1]) for r in results]
    return {"procs": n_procs, "issued": len(issued), "wall": wall, "rate": len(issued) / wall,
            "per_proc": f"{min(per_proc)}–{max(per_proc)}" if n_procs > 1 else str(per_proc[0]),
            "per_issue_ms": _pcts([d * 1000 for d in durations]), "errors": dict(errors),
            "check": check_numbers(url, issued)}


def check_numbers(url: str, issued: list[tuple[str, str]]) -> str:
    """'ok' or what is wrong: duplicates, gaps, or database rows the processes never got back."""
    from sqlalchemy import func, select

    import db
    from db.models import Event, Ticket
    problems = []
    dupes = len(issued) - len(set(issued))
    if dupes:
        problems.append(f"{dupes} duplicate labels")
    numbers = collections.defaultdict(list)
    for day, label in issued:
        prefix = label.rstrip("0123456789")
        numbers[(day, prefix)].append(int(label[len(prefix):]))
    for key, got in sorted(numbers.items()):
        if sorted(got) != list(range(1, len(got) + 1)):
            problems.append(f"gap in {key[1]} ({key[0]}): {len(got)} numbers, highest {max(got)}")
    svc = db.open_queue(url)
    with svc.session(write=False) as s:
        tickets = s.scalar(select(func.count()).select_from(Ticket))
        events = s.scalar(select(func.count()).select_from(Event).where(Event.kind == "issued"))
    svc.close()
    if tickets != len(issued) or events != len(issued):
        problems.append(f"database holds {tickets} tickets / {events} issued events for {len(issued)} returned")
    return "ok" if not problems else "; ".join(problems)


def run_latency(url: str, poll_ms: int, n: int, pace_s: float) -> dict:
    ready, out, go = CTX.Queue(), CTX.Queue(), CTX.Event()
    follower = CTX.Process(target=latency_follower, args=(url, poll_ms, n, n * pace_s + 30, ready, out))
    writer = CTX.Process(target=latency_writer, args=(url, n, pace_s, ready, go, out))
    _start_together([follower, writer], ready, 2)
    go.set()
    got = dict(out.get(timeout=n * pace_s + 120) for _ in range(2))
    follower.join()
    writer.join()
    stamps, arrived = got["writer"], got["follower"]
    after = [(arrived[label] - a) * 1000 for label, (b, a) in stamps.items() if label in arrived]
    upper = [(arrived[label] - b) * 1000 for label, (b, a) in stamps.items() if label in arrived]
    return {"poll_ms": poll_ms, "n": n, "received": len(after), "after": _pcts(after), "upper": _pcts(upper)}


def _pcts(values: list[float]) -> dict:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "max": float("nan"), "mean": float("nan")}
    v = sorted(values)
    return {"p50": statistics.median(v), "p95": v[min(len(v) - 1, int(round(0.95 * (len(v) - 1))))], "max": v[-1],
            "mean": statistics.fmean(v)}


def _load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# ---------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="short run (2 s per throughput cell, 60 events)")
    ap.add_argument("--pg-url", default=os.environ.get("KIOSK_TEST_PG_URL", ""),
                    help="PostgreSQL URL (default env KIOSK_TEST_PG_URL); empty = SQLite only")
    ap.add_argument("--duration", type=float, help="seconds of issuing per throughput cell (default 10)")
    ap.add_argument("--procs", default="1,4,8")
    ap.add_argument("--events", type=int, help="tickets in the latency run (default 300)")
    ap.add_argument("--pace-ms", type=float, default=20.0)
    ap.add_argument("--no-normal", action="store_true", help="skip the SQLite synchronous=NORMAL comparison")
    args = ap.parse_args()
    duration = args.duration or (2.0 if args.quick else 10.0)
    n_events = args.events or (60 if args.quick else 300)
    procs = [int(x) for x in args.procs.split(",")]

    backends = [("SQLite", "sqlite", None)]
    if not args.no_normal:
        backends.append(("SQLite, synchronous=NORMAL (comparison only)", "sqlite", "NORMAL"))
    if args.pg_url:
        backends.append(("PostgreSQL", "postgres", None))
    else:
        print("PostgreSQL skipped: pass --pg-url or set KIOSK_TEST_PG_URL")

    print(f"cores: {os.cpu_count()}  load average at start: {_load()}  "
          f"issuing {duration:g} s per cell; latency: {n_events} tickets every {args.pace_ms:g} ms")
    with tempfile.TemporaryDirectory(prefix="bench_queue_cat_") as tmp:
        catalogue = uncapped_catalogue(Path(tmp))
        rows = []
        for name, kind, sync in backends:
            for n in procs:
                with fresh_db(kind, args.pg_url, catalogue) as url:
                    r = run_throughput(url, n, duration, sync)
                r.update(name=name, load=_load())
                rows.append(r)
                print(f"  {name:45s} {n} proc: {r['rate']:7.0f} tickets/s ({r['issued']} in {r['wall']:.2f} s) "
                      f"check={r['check']} errors={r['errors'] or 0} load={r['load']}", flush=True)

        lat_rows = []
        lat_cases = [("SQLite", "sqlite", 100), ("SQLite", "sqlite", 20)]
        if args.pg_url:
            lat_cases.append(("PostgreSQL", "postgres", 100))
        for name, kind, poll_ms in lat_cases:
            with fresh_db(kind, args.pg_url, catalogue) as url:
                r = run_latency(url, poll_ms, n_events, args.pace_ms / 1000)
            r.update(name=name, load=_load())
            lat_rows.append(r)
            print(f"  {name} poll_ms={poll_ms}: p50 {r['after']['p50']:.1f} ms p95 {r['after']['p95']:.1f} ms "
                  f"max {r['after']['max']:.1f} ms ({r['received']}/{r['n']} received) load={r['load']}", flush=True)

    print("\n| database | processes | tickets/s | tickets (per process) | one issue() p50 / p95 / mean / max (ms) "
          "| duplicates & gaps | errors |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        p = r["per_issue_ms"]
        print(f"| {r['name']} | {r['procs']} | {r['rate']:.0f} | {r['issued']} ({r['per_proc']}) | {p['p50']:.1f} / "
              f"{p['p95']:.1f} / {p['mean']:.1f} / {p['max']:.0f} "
              f"| {r['check']} | {sum(r['errors'].values())} |")
    print("\n| database | follower poll_ms | events | p50 (ms) | p95 (ms) | max (ms) | p95 incl. transaction (ms) |")
    print("|---|---|---|---|---|---|---|")
    for r in lat_rows:
        a, u = r["after"], r["upper"]
        poll = r["poll_ms"] if r["name"] == "SQLite" else "— (LISTEN/NOTIFY)"
        print(f"| {r['name']} | {poll} | {r['received']}/{r['n']} | {a['p50']:.1f} | {a['p95']:.1f} | "
              f"{a['max']:.1f} | {u['p95']:.1f} |")
    print(f"\nload average at end: {_load()}")
    if any(r["check"] != "ok" for r in rows) or any(r["received"] != r["n"] for r in lat_rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
