"""A year of a busy centre, for the statistics benchmark: N working days (Monday–Saturday) × M tickets, with
calls, starts, transfers, no-shows (some reactivated) and ratings at realistic rates, written straight into
the tables (bulk inserts: issuing 360,000 tickets one by one through the queue would take longer than the
benchmark itself). Events are not written: the statistics never read them.

    .venv/bin/python benchmarks/stats_fixture.py --url sqlite:///year.sqlite3 [--days 300] [--per-day 1200]

Rates (seeded, repeatable): priority 8 %; a procedure chosen 85 %; 2 % still waiting at closing time;
of those called, 5 % no-show (a fifth of them come back and are served), 3 % transferred to another field
before the first call, the rest served; 15 % of served tickets never pressed "start"; 45 % of served tickets
rated (3 levels: 62 % / 28 % / 10 %, low answers with one or two reasons). Waiting time ~ exponential, mean
14 min (capped at 3 h); service ~ log-normal, median 7 min.
"""
from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import sys
import time
import zoneinfo
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import insert, select, text  # noqa: E402

import db  # noqa: E402
from db.models import (DONE, NO_SHOW, NOT_SERVED, WAITING, Counter, Field, Officer, Procedure, Rating,  # noqa: E402
                       Ticket, counter_fields)

SESSIONS = ((7 * 60 + 30, 11 * 60), (13 * 60, 16 * 60 + 30))   # issuing minutes of the day (local)
BATCH = 20000


def working_days(last: dt.date, n: int) -> list[dt.date]:
    days, d = [], last
    while len(days) < n:
        if d.weekday() != 6:
            days.append(d)
        d -= dt.timedelta(days=1)
    return sorted(days)


def generate(url: str, days: int = 300, per_day: int = 1200, seed: int = 1,
             last_day: dt.date = dt.date(2026, 11, 28)) -> dict:
    started = time.perf_counter()
    svc = db.init_db(url)
    rnd = random.Random(seed)
    with svc.session() as s:
        office = svc._office(s)
        tz = zoneinfo.ZoneInfo(office.timezone)
        fields = s.scalars(select(Field).where(Field.office_id == office.id, Field.active.is_(True))
                           .order_by(Field.sort_order)).all()
        procs = {f.id: [p.id for p in s.scalars(select(Procedure).where(Procedure.field_id == f.id))]
                 for f in fields}
        serving = {f.id: [] for f in fields}
        for counter_id, field_id in s.execute(select(counter_fields.c.counter_id, counter_fields.c.field_id)):
            if field_id in serving:
                serving[field_id].append(counter_id)
        counters = s.scalars(select(Counter).where(Counter.office_id == office.id)).all()
        names = [f"Cán bộ {i:02d}" for i in range(1, 15)]
        existing = {o.name: o.id for o in s.scalars(select(Officer))}
        for name in names:
            if name not in existing:
                o = Officer(office_id=office.id, name=name, pin_hash="-", role="officer")
                s.add(o)
                s.flush()
                existing[name] = o.id
        officer_ids = [existing[n] for n in names]
        office_id = office.id
        first_id = int(s.scalar(text("SELECT COALESCE(MAX(id), 0) FROM tickets"))) + 1
        first_rating = int(s.scalar(text("SELECT COALESCE(MAX(id), 0) FROM ratings"))) + 1
    field_weights = [30, 25, 12, 6, 8, 7, 5, 4, 3][:len(fields)] + [3] * max(0, len(fields) - 9)
    served_fields = [f for f in fields if serving[f.id]]
    weights = [field_weights[fields.index(f)] for f in served_fields]
    tickets, ratings = [], []
    tid, rid = first_id, first_rating
    counts = {"tickets": 0, "ratings": 0, "no_show": 0, "not_served": 0, "transferred": 0, "reactivated": 0}
    engine = svc.engine

    def flush(force: bool = False) -> None:
        nonlocal tickets, ratings
        if tickets and (force or len(tickets) >= BATCH):
            with engine.begin() as conn:
                conn.execute(insert(Ticket), tickets)
                if ratings:
                    conn.execute(insert(Rating), ratings)
            tickets, ratings = [], []

    utc = dt.timezone.utc
    for day in working_days(last_day, days):
        officers_today = dict(zip([c.id for c in counters], rnd.sample(officer_ids, len(counters)), strict=False))
        numbers = {f.id: f.start_number - 1 for f in fields}
        minutes_total = sum(b - a for a, b in SESSIONS)
        for _ in range(per_day):
            m = rnd.random() * minutes_total
            for a, b in SESSIONS:
                if m < b - a:
                    minute = a + m
                    break
                m -= b - a
            issued = dt.datetime.combine(day, dt.time(), tz) + dt.timedelta(minutes=minute)
            issued = issued.astimezone(utc)
            f = rnd.choices(served_fields, weights)[0]
            numbers[f.id] += 1
            prio = rnd.choice(db.PRIORITY_REASONS) if rnd.random() < 0.08 else None
            row = dict(id=tid, office_id=office_id, field_id=f.id, number_field_id=f.id,
                       procedure_id=rnd.choice(procs[f.id]) if procs[f.id] and rnd.random() < 0.85 else None,
                       service_day=day, number=numbers[f.id], label=f"{f.prefix}{numbers[f.id]:0{f.number_width}d}",
                       priority_reason=prio, status=WAITING, issued_at=issued, arrival_at=issued,
                       called_at=None, started_at=None, finished_at=None, first_called_at=None, call_count=0,
                       counter_id=None, officer_id=None, visitor_id=None, print_status="printed",
                       booking_code=None, kiosk_id="kiosk-1", transfer_count=0, reactivation_count=0)
            tid += 1
            counts["tickets"] += 1
            tickets.append(row)
            if rnd.random() < 0.02:   # still waiting when the centre closed: the end-of-day rule closed it
                closed = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(7, 30), tz).astimezone(utc)
                row.update(status=NOT_SERVED, finished_at=closed)
                counts["not_served"] += 1
                continue
            wait = min(180.0, rnd.expovariate(1 / (6 if prio else 14)))
            first_call = issued + dt.timedelta(minutes=wait)
            final_field = f
            if rnd.random() < 0.03:
                others = [g for g in served_fields if g.id != f.id]
                final_field = rnd.choice(others)
                row.update(field_id=final_field.id, procedure_id=None, transfer_count=1)
                counts["transferred"] += 1
            counter = rnd.choice(serving[final_field.id])
            called = first_call
            row.update(first_called_at=first_call, called_at=called, call_count=1, counter_id=counter,
                       officer_id=officers_today[counter])
            if rnd.random() < 0.05:
                counts["no_show"] += 1
                if rnd.random() >= 0.2:
                    row.update(status=NO_SHOW, finished_at=called + dt.timedelta(minutes=2), call_count=2)
                    continue
                counts["reactivated"] += 1
                called = called + dt.timedelta(minutes=rnd.uniform(5, 40))
                row.update(called_at=called, call_count=2, reactivation_count=1)
            service = min(120.0, math.exp(rnd.gauss(math.log(7), 0.5)))
            start = None if rnd.random() < 0.15 else called + dt.timedelta(minutes=rnd.uniform(0.3, 2))
            finished = (start or called) + dt.timedelta(minutes=service)
            row.update(status=DONE, started_at=start, finished_at=finished)
            if rnd.random() < 0.45:
                value = rnd.choices((3, 2, 1), (62, 28, 10))[0]
                reasons = ",".join(rnd.sample(("wait_long", "attitude", "guidance", "late_result", "other"),
                                              rnd.choice((1, 1, 2)))) if value == 1 else ""
                ratings.append(dict(id=rid, office_id=office_id, ticket_id=row["id"], counter_id=counter,
                                    officer_id=row["officer_id"], service_day=day, scale="three", value=value,
                                    reasons=reasons, created_at=finished + dt.timedelta(seconds=rnd.uniform(2, 25))))
                rid += 1
                counts["ratings"] += 1
        flush()
    flush(force=True)
    with engine.begin() as conn:
        if svc.is_postgres:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT MAX(id) FROM tickets))"))
            conn.execute(text("SELECT setval(pg_get_serial_sequence('ratings', 'id'), "
                              "(SELECT COALESCE(MAX(id), 1) FROM ratings))"))
    with engine.begin() as conn:   # fresh planner statistics, as autovacuum (or a nightly ANALYZE) leaves them
        conn.execute(text("ANALYZE"))
    svc.close()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    counts["first_day"], counts["last_day"] = working_days(last_day, days)[0], last_day
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--days", type=int, default=300)
    ap.add_argument("--per-day", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(generate(args.url, args.days, args.per_day, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
