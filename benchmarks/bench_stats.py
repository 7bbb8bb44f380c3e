"""A full statistics report (db.stats.report: every view, percentiles, satisfaction, weekday × hour) over a
year of a busy centre — 300 working days × 1,200 tickets made by benchmarks/stats_fixture.py — on SQLite and
PostgreSQL; and the same report written as an Excel workbook (admin.report.write_xlsx).

    .venv/bin/python benchmarks/bench_stats.py [--pg-url URL] [--days 300] [--per-day 1200] [--runs 5]
                                               [--sqlite-file PATH] [--keep]

SQLite in a temporary directory (or --sqlite-file, reused when it exists); PostgreSQL in a fresh schema of
--pg-url (default env KIOSK_TEST_PG_URL), dropped afterwards unless --keep. Each report runs --runs times in
one process after one warm-up run (the database's pages in the OS cache, as on a server that runs all day);
the table gives the median and the fastest. First, the rollup of closed days (db/stats.py) is emptied and one
report builds it again: that report's time is given on its own.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import db  # noqa: E402
from admin.report import write_xlsx  # noqa: E402
from db import stats  # noqa: E402
from stats_fixture import generate  # noqa: E402
from sqlalchemy import delete  # noqa: E402

from db.models import StatsDay, StatsRollup  # noqa: E402


def _time(fn, runs: int) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def bench(url: str, label: str, days: int, per_day: int, runs: int, fresh: bool, tmp: Path,
          rebuild: bool = True) -> list[str]:
    made = generate(url, days, per_day) if fresh else None
    svc = db.open_queue(url)
    first, last = (made["first_day"], made["last_day"]) if made else (None, None)
    if first is None:
        with svc.session(write=False) as s:
            from sqlalchemy import func, select

            from db.models import Ticket
            first, last = s.execute(select(func.min(Ticket.service_day), func.max(Ticket.service_day))).one()
    lines = []
    if rebuild:   # the rollup from scratch (a database migrated from before 0007 has none)
        with svc.session() as s:
            s.execute(delete(StatsRollup))
            s.execute(delete(StatsDay))
    t = time.perf_counter()
    report = stats.report(svc, first, last)
    lines.append(f"| {label} | first report, whole fixture: rolls up {report.days} days | "
                 f"{time.perf_counter() - t:.2f} | — |")
    med, best = _time(lambda: stats.report(svc, first, last), runs)
    lines.append(f"| {label} | whole fixture ({report.days} days, {report.summary.issued:,} tickets, "
                 f"{report.summary.ratings:,} ratings) | {med:.2f} | {best:.2f} |")
    month_end = last
    month_start = month_end.replace(day=1)
    med, best = _time(lambda: stats.report(svc, month_start, month_end), runs)
    lines.append(f"| {label} | one month ({month_start:%d/%m}–{month_end:%d/%m}) | {med:.2f} | {best:.2f} |")
    out = tmp / f"report_{label.split()[0].lower()}.xlsx"
    med, best = _time(lambda: write_xlsx(stats.report(svc, first, last), out), max(1, runs // 2))
    lines.append(f"| {label} | whole fixture + Excel workbook ({out.stat().st_size // 1024} KiB) | {med:.2f} | {best:.2f} |")
    svc.close()
    if made:
        lines.append(f"<!-- {label} fixture: {made} -->")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg-url", default=os.environ.get("KIOSK_TEST_PG_URL", ""))
    ap.add_argument("--days", type=int, default=300)
    ap.add_argument("--per-day", type=int, default=1200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sqlite-file", help="reuse (or create) this SQLite file")
    ap.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (its name is printed)")
    args = ap.parse_args()
    rows = ["| database | period | median (s) | fastest (s) |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = Path(args.sqlite_file) if args.sqlite_file else tmp / "year.sqlite3"
        rows += bench(f"sqlite:///{path}", "SQLite", args.days, args.per_day, args.runs, not path.exists(), tmp)
        if args.pg_url:
            import psycopg
            from sqlalchemy.engine import make_url
            base = make_url(args.pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            url = make_url(args.pg_url).set(drivername="postgresql+psycopg").update_query_dict(
                {"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
            try:
                rows += bench(url, "PostgreSQL", args.days, args.per_day, args.runs, True, tmp)
            finally:
                if args.keep:
                    print(f"kept schema {schema}")
                else:
                    with psycopg.connect(base, autocommit=True) as conn:
                        conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print("\n".join(rows))
    print(f"load average at the end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
