"""The statistics rollup (db/stats.py, migration 0007), on SQLite and PostgreSQL: closed days' figures kept per
view and group; a report from the rollup equals the report computed straight from tickets, figure by figure;
a change to a rolled-up day (a late rating, a counter finishing yesterday's ticket, a deleted ticket) shows in
the next report; two reports building it at once agree."""
from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, func, inspect, select

import db
from db import stats
from db.models import Base, StatsDay, StatsRollup, Ticket
from tests.conftest import VN
from tests.stats_scene import MON, TUE, at, build_unfinished_day

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from stats_fixture import generate, working_days  # noqa: E402

LAST_DAY = dt.date(2026, 11, 28)   # the fixture's last day (a Saturday)


def rolled_days(svc) -> list[dt.date]:
    with svc.session(write=False) as s:
        return sorted(s.scalars(select(StatsDay.day).where(StatsDay.tickets >= 0)))   # < 0: marked changed


def ticket_id(svc, day: dt.date, label: str) -> int:
    with svc.session(write=False) as s:
        return s.scalar(select(Ticket.id).where(Ticket.service_day == day, Ticket.label == label))


def test_closed_days_are_rolled_up_once_and_today_stays_live(office):
    assert rolled_days(office) == []
    r = stats.report(office, MON, TUE)                      # at Tuesday 09:47: Monday is closed
    assert rolled_days(office) == [MON]
    assert (r.summary.issued, r.views["day"][1].figures.issued) == (7, 1)   # Tuesday from its tickets
    with office.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(StatsRollup).where(StatsRollup.day == TUE)) == 0
    o = office_row(office)
    assert stats.build_rollup(office, o, MON, TUE)[0] == 0  # nothing changed: nothing to do


def office_row(svc):
    with svc.session(write=False) as s:
        return svc._office(s)


def test_a_late_rating_on_a_rolled_up_day_shows_in_the_next_report(office):
    mon = stats.report(office, MON, MON).summary
    assert (mon.ratings, mon.score) == (3, pytest.approx(50.0))
    office.rating_grace_seconds = 2 * 86400               # let Monday's B001 be rated on Tuesday
    office.rate(ticket_id(office, MON, "B001"), 3)
    again = stats.report(office, MON, MON).summary
    assert (again.ratings, again.score, again.satisfied_pct) == (4, pytest.approx(62.5), pytest.approx(75.0))
    assert dict((c, n) for c, _, n in stats.report(office, MON, MON).reasons)["wait_long"] == 1


def test_a_counter_finishing_yesterdays_ticket_shows_in_the_next_report(queue, clock):
    clock.set(at(MON, 9, 0))
    queue.issue("HT")
    clock.set(at(MON, 9, 10))
    queue.call_next(1)                                    # still at counter 1 when Monday ends
    clock.set(at(TUE, 8, 0))
    before = stats.report(queue, MON, TUE).summary
    assert (before.issued, before.served, before.service_mean_min) == (1, 0, None)
    assert rolled_days(queue) == [MON]
    queue.finish(1)                                       # Tuesday morning, before any call closes Monday
    assert rolled_days(queue) == []                       # the service marked the day changed
    after = stats.report(queue, MON, TUE).summary
    assert (after.served, after.service_mean_min) == (1, pytest.approx(22 * 60 + 50))


def test_the_end_of_day_rule_on_a_rolled_up_day_shows_in_the_next_report(queue, clock):
    build_unfinished_day(queue, clock)                    # Tuesday 08:00: Monday ends with three open tickets
    before = stats.report(queue, MON, MON).summary
    assert rolled_days(queue) == [MON]
    with queue.session(write=False) as s:
        row = s.scalars(select(StatsRollup).where(StatsRollup.day == MON, StatsRollup.view == "day")).one()
        assert (row.issued, row.served, row.not_served) == (4, 1, 3)     # kept in the rollup's new column
    clock.set(at(TUE, 9, 0))
    assert queue.call_next(1) is None                     # closes Monday's three as not served ...
    assert rolled_days(queue) == []                       # ... and marks the rolled-up day changed
    after = stats.report(queue, MON, MON)
    assert rolled_days(queue) == [MON]
    assert (after.summary.served, after.summary.no_show, after.summary.not_served) == (1, 0, 3)
    _figures_equal(after, stats.report(queue, MON, MON))  # the rebuilt rollup
    assert dataclasses.asdict(before) == dataclasses.asdict(after.summary)


def test_a_change_while_a_report_rolls_the_day_up_is_not_lost(queue, clock, monkeypatch):
    clock.set(at(MON, 9, 0))
    queue.issue("HT")
    clock.set(at(MON, 9, 10))
    queue.call_next(1)
    clock.set(at(TUE, 8, 0))
    compute = stats._compute_days

    def finish_meanwhile(conn, is_pg, o, days, today):
        rows = compute(conn, is_pg, o, days, today)   # Monday computed, not yet written ...
        queue.finish(1)                          # ... when counter 1 finishes Monday's ticket
        return rows
    monkeypatch.setattr(stats, "_compute_days", finish_meanwhile)
    stats.build_rollup(queue, office_row(queue), MON, TUE)
    monkeypatch.setattr(stats, "_compute_days", compute)
    assert rolled_days(queue) == []              # written, but still marked changed
    assert stats.report(queue, MON, TUE).summary.served == 1
    assert rolled_days(queue) == [MON]


def test_a_report_that_cannot_write_the_rollup_computes_closed_days_from_tickets(office, monkeypatch):
    expected = stats.report(office, MON, TUE)
    with office.session() as s:
        s.execute(delete(StatsRollup))
        s.execute(delete(StatsDay))

    def busy(*args):
        raise db.Unavailable("Cơ sở dữ liệu đang bận", "The database is busy")
    monkeypatch.setattr(stats, "build_rollup", busy)
    _figures_equal(stats.report(office, MON, TUE), expected)
    assert rolled_days(office) == []


def test_a_deleted_ticket_shows_in_the_next_report(office):
    assert stats.report(office, MON, TUE).views["day"][0].figures.issued == 6
    with office.session() as s:
        s.execute(delete(Ticket).where(Ticket.id == ticket_id(office, MON, "B002")))
    day = stats.report(office, MON, TUE).views["day"][0].figures
    assert (day.issued, day.no_show, day.wait_median_min) == (5, 0, pytest.approx(6, abs=1e-4))   # 2 4 8 20


def _figures_equal(a: stats.Report, b: stats.Report) -> None:
    def same(x, y, where):
        if isinstance(x, float) and isinstance(y, float):
            assert x == pytest.approx(y, rel=1e-9, abs=1e-9), where
        else:
            assert x == y, where
    for name, x in dataclasses.asdict(a.summary).items():
        same(x, getattr(b.summary, name), f"summary.{name}")
    assert set(a.views) == set(b.views)
    for view, rows in a.views.items():
        assert [(r.key, r.name) for r in rows] == [(r.key, r.name) for r in b.views[view]], view
        for ra, rb in zip(rows, b.views[view], strict=True):
            for name, x in dataclasses.asdict(ra.figures).items():
                same(x, getattr(rb.figures, name), f"{view}[{ra.key}].{name}")
    assert (a.levels, a.reasons, a.weekday_hour, a.days) == (b.levels, b.reasons, b.weekday_hour, b.days)


def test_the_report_from_the_rollup_equals_the_report_from_tickets(db_url):
    days = working_days(LAST_DAY, 8)
    generate(db_url, days=8, per_day=150, last_day=LAST_DAY)
    before = dt.datetime.combine(days[0] - dt.timedelta(days=1), dt.time(12), VN)
    after = dt.datetime.combine(LAST_DAY + dt.timedelta(days=2), dt.time(12), VN)
    middle = dt.datetime.combine(days[4], dt.time(12), VN)
    live_svc = db.open_queue(db_url, clock=db.FixedClock(before))     # every day is today or later: live
    live = stats.report(live_svc, days[0], LAST_DAY, wait_threshold_min=20)
    assert rolled_days(live_svc) == []
    half_svc = db.open_queue(db_url, clock=db.FixedClock(middle))     # four days rolled up, the rest live
    half = stats.report(half_svc, days[0], LAST_DAY, wait_threshold_min=20)
    assert rolled_days(half_svc) == days[:4]
    rolled_svc = db.open_queue(db_url, clock=db.FixedClock(after))
    rolled = stats.report(rolled_svc, days[0], LAST_DAY, wait_threshold_min=20)
    assert rolled_days(rolled_svc) == days
    assert live.summary.issued == 8 * 150 and live.summary.ratings > 0 and live.summary.waited_over > 0
    assert live.summary.not_served > 0 and all(r.figures.not_served >= 0 for r in live.views["field"])
    _figures_equal(live, rolled)
    _figures_equal(live, half)
    # and the definition itself, from the tickets in Python: percentile_cont = linear between ranks
    with rolled_svc.session(write=False) as s:
        waits = [((t.first_called_at or t.called_at) - t.issued_at).total_seconds() / 60 for t in s.scalars(
            select(Ticket)) if (t.first_called_at or t.called_at) is not None]
    deciles = statistics.quantiles(waits, n=10, method="inclusive")
    # (SQLite: julianday arithmetic is exact to a few milliseconds)
    assert rolled.summary.wait_median_min == pytest.approx(statistics.median(waits), abs=1e-4)
    assert rolled.summary.wait_p90_min == pytest.approx(deciles[-1], abs=1e-4)
    assert rolled.summary.waited_over == sum(w > 20 for w in waits)
    for svc in (live_svc, half_svc, rolled_svc):
        svc.close()


def test_two_reports_building_the_rollup_at_once_agree(db_url):
    days = working_days(LAST_DAY, 6)
    generate(db_url, days=6, per_day=80, last_day=LAST_DAY)
    after = db.FixedClock(dt.datetime.combine(LAST_DAY + dt.timedelta(days=2), dt.time(12), VN))
    services = [db.open_queue(db_url, clock=after) for _ in range(2)]
    start = threading.Barrier(2)
    results, errors = [None, None], []

    def run(i):
        try:
            start.wait()
            results[i] = stats.report(services[i], days[0], LAST_DAY)
        except Exception as exc:   # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _figures_equal(results[0], results[1])
    assert rolled_days(services[0]) == days
    _figures_equal(results[0], stats.report(services[0], days[0], LAST_DAY))
    for svc in services:
        svc.close()


def _migrate(url: str, target: str, downgrade: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    from db.engine import make_engines
    engine, reader = make_engines(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if downgrade else command.upgrade)(cfg, target)
    finally:
        engine.dispose()
        reader.dispose()


def test_migration_0007_matches_the_models_and_goes_back(office, db_url):
    from alembic.script import ScriptDirectory
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_revision("0007_stats_rollup").down_revision == "0006_ratings"
    stats.report(office, MON, TUE)
    insp = inspect(office.engine)
    for table in ("stats_days", "stats_rollup"):
        assert {c["name"] for c in insp.get_columns(table)} == set(Base.metadata.tables[table].columns.keys())
    office.close()
    _migrate(db_url, "0006_ratings", downgrade=True)
    assert not {"stats_days", "stats_rollup"} & set(inspect(office.engine).get_table_names())
    _migrate(db_url, "head")
    svc = db.open_queue(db_url, clock=db.FixedClock(at(TUE, 10, 0)))
    assert stats.report(svc, MON, TUE).summary.issued == 7          # rolled up again from the tickets
    assert rolled_days(svc) == [MON]
    svc.close()


def test_migration_0009_adds_not_served_and_rebuilds_the_days_rolled_up_before_it(office, db_url):
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    assert script.get_revision("0009_stats_not_served").down_revision == "0008_rating_codes"
    assert script.get_current_head() == "0009_stats_not_served"
    assert stats.report(office, MON, TUE).summary.not_served == 1            # A004, never called on Monday
    assert rolled_days(office) == [MON]
    office.close()
    _migrate(db_url, "0008_rating_codes", downgrade=True)                    # the code before the column
    assert "not_served" not in {c["name"] for c in inspect(office.engine).get_columns("stats_rollup")}
    with office.engine.begin() as conn:                                      # Monday rolled up without it
        assert conn.execute(select(func.count()).select_from(StatsDay.__table__)).scalar() == 1
    office.engine.dispose()
    _migrate(db_url, "head")
    svc = db.open_queue(db_url, clock=db.FixedClock(at(TUE, 10, 0)))
    insp = inspect(svc.engine)
    assert {c["name"] for c in insp.get_columns("stats_rollup")} == set(
        Base.metadata.tables["stats_rollup"].columns.keys())                 # the migration matches the model
    assert rolled_days(svc) == []                                            # cleared: not read as 0
    r = stats.report(svc, MON, TUE)
    assert (r.summary.issued, r.summary.not_served, r.views["day"][0].figures.not_served) == (7, 1, 1)
    assert rolled_days(svc) == [MON]
    svc.close()
