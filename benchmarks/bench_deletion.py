"""How long a deletion takes to leave a running kiosk's memory (issue 16), on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_deletion.py [--pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                                  [--visitors 300] [--deletions 9]

A kiosk process (spawned: its own interpreter, as on a real kiosk) opens the visitor store, follows the
deletion feed (core.visitors.deletions.DeletionFollower, the kiosk's default poll) and loads its gallery;
this process (the counter) calls ``VisitorStore.forget`` on its own connections, one visitor at a time.
Latency: from the call of ``forget()`` to the moment the kiosk's gallery no longer holds the visitor (both
clocks are this machine's ``time.time()``). Also printed: how long ``forget()`` itself took.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def kiosk(url: str, key: str, out) -> None:
    """The kiosk side: follow, load, and report each visitor dropped with the time it left the gallery."""
    from core.visitors.deletions import DeletionFollower
    from core.visitors.flow import FaceFlow
    from core.visitors.recognition import Recognizer
    from core.visitors.store import VisitorStore
    store = VisitorStore.open(url, key, create_key=False)
    follower = DeletionFollower(url)
    flow = None
    try:
        while True:
            news = follower.poll(0.5)
            if news.reload:
                flow = FaceFlow(store, Recognizer(store), "bench-kiosk")
                out.send(("ready", len(flow.recognizer.gallery.identities())))
            if flow is not None and news.forgotten:
                flow.forgotten_elsewhere(news.forgotten)
                now = time.time()
                for vid in news.forgotten:
                    out.send(("dropped", vid, now))
            if out.poll():                        # the counter says stop
                break
    finally:
        follower.close()
        store.close()


def run(url: str, visitors: int, deletions: int) -> dict:
    from core.visitors.store import VisitorStore, create_key_file
    from db import init_db
    key = Path(tempfile.mkdtemp()) / "visitor.key"
    create_key_file(key)
    init_db(url, always_open=True).close()
    store = VisitorStore.open(url, key, create_key=False)
    rng = np.random.default_rng(1)
    ids = []
    for _ in range(visitors):
        vid = store.create_visitor(store.record_consent(True, "bench"))
        store.add_templates(vid, rng.normal(0, 0.1, (3, 128)))
        ids.append(vid)
    ctx = mp.get_context("spawn")
    here, there = ctx.Pipe()
    child = ctx.Process(target=kiosk, args=(url, str(key), there), daemon=True)
    child.start()
    kind, loaded = here.recv()
    assert kind == "ready" and loaded == visitors, (kind, loaded)
    latencies, forget_ms = [], []
    for vid in ids[:deletions]:
        time.sleep(0.3)                                  # not back to back: each one on its own
        t0 = time.time()
        store.forget(vid, actor="bench counter")
        forget_ms.append((time.time() - t0) * 1000)
        kind, dropped, at = here.recv()
        assert (kind, dropped) == ("dropped", vid)
        latencies.append((at - t0) * 1000)
    here.send("stop")
    child.join(10)
    store.close()
    return {"latency_ms": latencies, "forget_ms": forget_ms}


def pg_schema_url(base: str) -> tuple[str, str]:
    import psycopg
    from sqlalchemy.engine import make_url
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    raw = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(raw, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    url = make_url(base).set(drivername="postgresql+psycopg").update_query_dict(
        {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    return url, schema


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--pg-url", default=os.environ.get("KIOSK_TEST_PG_URL", ""))
    p.add_argument("--visitors", type=int, default=300)
    p.add_argument("--deletions", type=int, default=9)
    args = p.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f}; {args.visitors} visitors x 3 templates; "
          f"{args.deletions} deletions each")
    targets = [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp()) / 'queue.sqlite3'}", None)]
    if args.pg_url:
        url, schema = pg_schema_url(args.pg_url)
        targets.append(("PostgreSQL", url, schema))
    for name, url, schema in targets:
        try:
            r = run(url, args.visitors, args.deletions)
        finally:
            if schema:
                import psycopg
                from sqlalchemy.engine import make_url
                raw = make_url(args.pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
                with psycopg.connect(raw, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")
        lat, fm = r["latency_ms"], r["forget_ms"]
        print(f"{name}: deletion -> gone from the kiosk's gallery: median {statistics.median(lat):.0f} ms, "
              f"min {min(lat):.0f}, max {max(lat):.0f} (n={len(lat)}); forget() itself: median "
              f"{statistics.median(fm):.0f} ms")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
