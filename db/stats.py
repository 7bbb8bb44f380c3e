"""Statistics for a centre's leader (Qt-free): for a period and an office, by day, hour, field, procedure,
counter, officer and priority reason — tickets issued, served, no-show, not served (closed at the end of the
day), transferred, reactivated; waiting and service time (mean, median, 90th percentile); tickets that waited
longer than a threshold; satisfaction (number of ratings, a 0–100 score, the share satisfied) — plus the
distribution of answers and reasons, and the load by weekday × hour.

How (issue 15: under 2 s for a year of a busy centre): a closed service day never changes, so its figures
are kept in a rollup (migration 0007): ``stats_rollup`` has one row per day, view and group with the additive
figures as SQL sums and counts (issued, served, ..., the sums and counts behind each mean), and the group's
waiting and service times themselves (seconds as computed by the database, sorted, float64); ``stats_days``
has each rolled-up day with the fingerprint of what it was computed from (its tickets' and ratings' count
and highest id). A report first rolls up the closed days of its period that are missing or whose fingerprint
changed (computed in read transactions, written in short write ones; a service method that changes a closed
day's ticket marks that day changed, QueueService._event); today is computed from its tickets by the same code, in memory. Then
the additive figures are summed by SQL over the rollup, and each group's durations are concatenated: the
percentiles, and the tickets that waited longer than the threshold, come from the exact merged values —
numpy (SQLite 3.40 has no percentile function; a per-second histogram row per group and day would be 13
times the tickets). Python assembles the grouped rows.

Definitions (one place):
- a ticket counts in the groups of where it ended: its last field, procedure, counter and officer (a
  transferred ticket counts under the field that served it, and as "transferred");
- waiting time: from issuing to the first call (recalls, transfers and reactivations do not restart it);
  "waited longer than the threshold": waiting time > the threshold (strictly);
- service time: from the start of service (or the call, when the officer did not press "start") to finish,
  for served tickets;
- not served: tickets of a closed service day that were never finished nor marked no-show — closed by the
  end-of-day rule (status ``not_served``, QueueService.close_past_days), or still waiting, called or being
  served on a day that is over (the rule closes them before the next day's first call; the figure is the
  same before and after it runs). Today's open tickets are not counted: the day is not over;
- transferred / reactivated: tickets transferred or reactivated at least once;
- median and 90th percentile: ``percentile_cont`` — linear interpolation between the values at ranks
  1 + p (n - 1) (rounded down) and the next, of the group's times over the whole period;
- hour: of issuing, in the office's time zone (SQLite: the zone's offset on that day);
- score: the mean of the answers mapped to 0 (worst) .. 100 (best), so 3-level and 5-level scales compare;
  satisfied: the share of answers at or above the scale's "satisfied" level (db.rating.SCALES).
"""
from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from dataclasses import dataclass
from dataclasses import field as dc_field

import numpy as np

from sqlalchemy import (
    Column,
    Date,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    cast,
    extract,
    func,
    insert,
    literal,
    literal_column,
    select,
    delete,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ColumnElement

from bilingual import Catalogue

from . import rating
from .errors import InvalidState, NotFound, Unavailable
from .models import (CALLED, DONE, NO_SHOW, NOT_SERVED, SERVING, WAITING, Counter, Field, Office, Officer,
                     Procedure, Rating, StatsDay, StatsRollup, Ticket)
from .vocabulary import priority_label

_log = logging.getLogger(__name__)
VIEWS = ("day", "hour", "field", "procedure", "counter", "officer", "priority")
DEFAULT_WAIT_THRESHOLD_MIN = 30
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Figures:
    issued: int = 0
    served: int = 0
    no_show: int = 0
    not_served: int = 0                    # closed at the end of the day without service
    transferred: int = 0
    reactivated: int = 0
    wait_mean_min: float | None = None
    wait_median_min: float | None = None
    wait_p90_min: float | None = None
    service_mean_min: float | None = None
    service_median_min: float | None = None
    service_p90_min: float | None = None
    waited_over: int = 0                   # waited longer than the report's threshold
    priority: int = 0                      # priority tickets
    priority_wait_mean_min: float | None = None
    ratings: int = 0
    score: float | None = None             # 0..100
    satisfied_pct: float | None = None     # 0..100


@dataclass(frozen=True)
class Row:
    key: object           # the group: a date, an hour, a code or a number (None: none, e.g. never called)
    name: str             # what a person reads for the group
    figures: Figures


@dataclass(frozen=True)
class LevelCount:
    scale: str
    value: int
    label: str
    count: int
    share_pct: float


@dataclass(frozen=True)
class Report:
    office_code: str
    office_name: str
    start: dt.date
    end: dt.date
    wait_threshold_min: int
    summary: Figures
    views: dict[str, tuple[Row, ...]]
    levels: tuple[LevelCount, ...]                  # satisfaction distribution
    reasons: tuple[tuple[str, str, int], ...]       # (reason code, label, count)
    weekday_hour: tuple[tuple[int, int, int], ...]  # (weekday 0=Monday, hour, tickets issued)
    days: int = 0                                   # days with tickets
    extra: dict = dc_field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.summary.issued == 0


def _seconds(is_pg: bool, start: ColumnElement, end: ColumnElement) -> ColumnElement:
    if is_pg:
        return cast(extract("epoch", end - start), Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


# One row per ticket of the days being computed, every figure's ingredient computed once (the durations'
# date arithmetic is most of the cost); each view then aggregates this narrow table. Temporary: dropped at
# the end of the computation (SQLite's temporary tables live as long as the connection).
_meta = MetaData()
_T = Table(
    "stat_tickets", _meta,
    Column("day", Date), Column("hour", Integer), Column("weekday", Integer), Column("field_id", Integer),
    Column("procedure_id", Integer), Column("counter_id", Integer), Column("officer_id", Integer),
    Column("prio", String(32)), Column("served", Integer), Column("no_show", Integer), Column("not_served", Integer),
    Column("transferred", Integer), Column("reactivated", Integer), Column("wait", Float),
    Column("service", Float), Column("rated", Integer), Column("score", Float), Column("satisfied", Float),
    prefixes=["TEMPORARY"])
# the group column of each view in that table
VIEW_KEYS = {"day": "day", "hour": "hour", "field": "field_id", "procedure": "procedure_id",
             "counter": "counter_id", "officer": "officer_id", "priority": "prio"}
# the rollup's additive columns: counts, and sums with their counts for the means
ADDITIVE = ("issued", "served", "no_show", "not_served", "transferred", "reactivated", "waits", "wait_sum", "services",
            "service_sum", "priority", "priority_waits", "priority_wait_sum", "ratings", "score_sum",
            "satisfied_sum")
_R = StatsRollup.__table__
_BUILD_BATCH_DAYS = 10    # days computed per transaction (each stays well inside the client deadline)


def _ticket_rows(is_pg: bool, office: Office, days: list[dt.date], today: dt.date):
    """SELECT of the per-ticket ingredients of ``days``, in the columns of ``stat_tickets``. On SQLite (no
    time zones) the hour uses the zone's offset at noon of the first day: callers pass days of one offset.
    ``today``: the office's service day now (its open tickets are not "not served" yet)."""
    first_call = func.coalesce(Ticket.first_called_at, Ticket.called_at)
    wait = case((first_call.is_not(None), _seconds(is_pg, Ticket.issued_at, first_call)))
    service = case((and_(Ticket.status == DONE, Ticket.called_at.is_not(None), Ticket.finished_at.is_not(None)),
                    _seconds(is_pg, func.coalesce(Ticket.started_at, Ticket.called_at), Ticket.finished_at)))
    steps = case(*((Rating.scale == sc.code, literal(float(sc.n - 1))) for sc in rating.SCALES.values()),
                 else_=literal(2.0))
    satisfied_from = case(*((Rating.scale == sc.code, literal(sc.satisfied_from)) for sc in rating.SCALES.values()),
                          else_=literal(2))
    flag = lambda cond: case((cond, 1), else_=0)  # noqa: E731
    not_served = (Ticket.status == NOT_SERVED) | (
        Ticket.status.in_((WAITING, CALLED, SERVING)) & (Ticket.service_day < today))
    if is_pg:
        local = func.timezone(office.timezone, func.timezone("UTC", Ticket.issued_at))
        hour = cast(extract("hour", local), Integer)
        weekday = cast(extract("isodow", Ticket.service_day) - 1, Integer)
    else:
        minutes = _offset_minutes(office, days[0])
        hour = cast(func.strftime("%H", Ticket.issued_at, f"{minutes:+d} minutes"), Integer)
        weekday = (cast(func.strftime("%w", Ticket.service_day), Integer) + 6) % 7
    values = (
        Ticket.service_day, hour, weekday, Ticket.field_id, Ticket.procedure_id, Ticket.counter_id,
        Ticket.officer_id, Ticket.priority_reason, flag(Ticket.status == DONE), flag(Ticket.status == NO_SHOW),
        flag(not_served), flag(Ticket.transfer_count > 0), flag(Ticket.reactivation_count > 0), wait, service,
        flag(Rating.id.is_not(None)),
        case((Rating.id.is_not(None), (cast(Rating.value, Float) - 1.0) * 100.0 / steps)),
        case((Rating.id.is_(None), None), (Rating.value >= satisfied_from, 100.0), else_=0.0),
    )
    labelled = (v.label(c.name) for v, c in zip(values, _T.c, strict=True))
    return select(*labelled).select_from(Ticket).outerjoin(Rating, Rating.ticket_id == Ticket.id).where(
        Ticket.office_id == office.id, _in_days(Ticket.service_day, days))


def _offset_minutes(office: Office, day: dt.date) -> int:
    offset = zoneinfo.ZoneInfo(office.timezone).utcoffset(dt.datetime.combine(day, dt.time(12)))
    return int(offset.total_seconds() // 60) if offset else 0


def _in_days(column, days: list[dt.date]):
    if days == [days[0] + dt.timedelta(d) for d in range(len(days))]:    # a range: the index range scan
        return and_(column >= days[0], column <= days[-1])
    return column.in_(days)


def _key_text(column) -> ColumnElement:
    """A group as the rollup stores it: text, '' for none."""
    return func.coalesce(cast(column, String(40)), literal(""))


def _compute_days(conn, is_pg: bool, o: Office, days: list[dt.date], today: dt.date) -> list[dict]:
    """Every rollup row (view × group) of ``days``, computed from tickets and ratings: the same rows whether
    they are stored (closed days) or merged straight into a report (today). Additive figures by SQL GROUP BY
    per view over the per-ticket ingredients; each group's durations as a sorted float64 array."""
    rows: list[dict] = []
    if is_pg:
        conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    else:
        conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    conn.exec_driver_sql("DROP TABLE IF EXISTS stat_tickets")
    _T.create(conn)
    try:
        conn.execute(insert(_T).from_select([c.name for c in _T.c], _ticket_rows(is_pg, o, days, today)))
        t = _T.c
        prio_wait = case((t.prio.is_not(None), t.wait))
        sums = (func.count(), func.sum(t.served), func.sum(t.no_show), func.sum(t.not_served),
                func.sum(t.transferred), func.sum(t.reactivated), func.count(t.wait), func.sum(t.wait),
                func.count(t.service), func.sum(t.service), func.count(t.prio), func.count(prio_wait),
                func.sum(prio_wait), func.sum(t.rated), func.sum(t.score), func.sum(t.satisfied))
        for view in VIEW_KEYS:
            key = _key_text(t.day) if view == "day" else _key_text(t[VIEW_KEYS[view]])
            for r in conn.execute(select(t.day, key, *sums).group_by(t.day, key)).all():
                rows.append({"day": _normalise_key(r[0]), "view": view, "key": r[1],
                             **{name: v or 0 for name, v in zip(ADDITIVE, r[2:], strict=True)}})
        # each group's durations: fetched once per ticket (plain numbers), grouped and sorted by numpy
        by_group = {(r["day"], r["view"], r["key"]): r for r in rows}
        ints = [func.coalesce(t[VIEW_KEYS[v]], -1) for v in VIEW_KEYS if v not in ("day", "priority")]
        values = conn.execute(select(cast(t.day, String(10)), *ints, func.coalesce(t.prio, ""), t.wait,
                                     t.service)).all()
        if values:
            cols = list(zip(*values, strict=True))
            day_names = sorted(set(cols[0]))
            day_index = {d: i for i, d in enumerate(day_names)}
            prio_names = sorted(set(cols[-3]))
            prio_index = {p: i for i, p in enumerate(prio_names)}
            day_codes = np.array([day_index[d] for d in cols[0]], dtype=np.int64)
            keys = {"day": (np.zeros(len(values), dtype=np.int64), lambda k, d: d)}
            for i, view in enumerate(v for v in VIEW_KEYS if v not in ("day", "priority")):
                keys[view] = (np.array(cols[1 + i], dtype=np.int64), lambda k, d: "" if k < 0 else str(k))
            keys["priority"] = (np.array([prio_index[p] for p in cols[-3]], dtype=np.int64),
                                lambda k, d: prio_names[k])
            measures = {"wait_values": np.array(cols[-2], dtype=np.float64),
                        "service_values": np.array(cols[-1], dtype=np.float64)}
            for view, (key_codes, key_text) in keys.items():
                groups = day_codes * (1 << 32) + key_codes + 1
                for measure, v in measures.items():
                    keep = ~np.isnan(v)
                    v, g = v[keep], groups[keep]
                    if not g.size:
                        continue
                    order = np.lexsort((v, g))
                    v, g = v[order], g[order]
                    cuts = np.flatnonzero(np.diff(g)) + 1
                    for code, part in zip(g[np.r_[0, cuts]].tolist(), np.split(v, cuts), strict=True):
                        d = day_names[code >> 32]
                        k = key_text((code & 0xFFFFFFFF) - 1, d)
                        by_group[(dt.date.fromisoformat(d), view, k)][measure] = part.astype("<f8").tobytes()
        # the satisfaction distribution and the reasons, per day
        in_days = and_(Ticket.office_id == o.id, _in_days(Ticket.service_day, days))
        level_key = Rating.scale + literal(":") + cast(Rating.value, String(8)) if not is_pg else \
            func.concat(Rating.scale, ":", Rating.value)
        for d, k, n in conn.execute(select(Ticket.service_day, level_key, func.count()).select_from(Ticket).join(
                Rating, Rating.ticket_id == Ticket.id).where(in_days).group_by(Ticket.service_day, level_key)):
            rows.append({"day": _normalise_key(d), "view": "level", "key": k, "ratings": int(n)})
        padded = func.concat(",", Rating.reasons, ",") if is_pg else \
            literal_column("','") + Rating.reasons + literal_column("','")
        for r in conn.execute(select(Ticket.service_day, *(
                func.sum(case((padded.like(f"%,{code},%"), 1), else_=0)) for code in rating.REASONS
        )).select_from(Ticket).join(Rating, Rating.ticket_id == Ticket.id).where(in_days).group_by(
                Ticket.service_day)):
            for code, n in zip(rating.REASONS, r[1:], strict=True):
                if n:
                    rows.append({"day": _normalise_key(r[0]), "view": "reason", "key": code, "ratings": int(n)})
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS stat_tickets")
    for r in rows:
        for name in ADDITIVE:
            r.setdefault(name, 0)
        r.setdefault("wait_values", None)
        r.setdefault("service_values", None)
    return rows


def _fingerprints(conn, o: Office, start: dt.date, end: dt.date) -> dict[dt.date, tuple[int, int, int, int]]:
    """(tickets, highest ticket id, ratings, highest rating id) of each day with tickets: what a rolled-up
    day was computed from. A ticket issued, deleted or rated later changes it."""
    found: dict[dt.date, list[int]] = {}
    for d, n, top in conn.execute(select(Ticket.service_day, func.count(), func.max(Ticket.id)).where(
            Ticket.office_id == o.id, Ticket.service_day >= start, Ticket.service_day <= end).group_by(
            Ticket.service_day)):
        found[_normalise_key(d)] = [int(n), int(top), 0, 0]
    for d, n, top in conn.execute(select(Rating.service_day, func.count(), func.max(Rating.id)).where(
            Rating.office_id == o.id, Rating.service_day >= start, Rating.service_day <= end).group_by(
            Rating.service_day)):
        found.setdefault(_normalise_key(d), [0, 0, 0, 0])[2:] = [int(n), int(top)]
    return {d: tuple(v) for d, v in found.items()}


def _stored(conn, o: Office, start: dt.date, end: dt.date) -> dict[dt.date, tuple[int, int, int, int]]:
    """The fingerprints in ``stats_days``; a negative count marks a day a service method found changed."""
    return {_normalise_key(d): (n, top, nr, topr) for d, n, top, nr, topr in conn.execute(
        select(StatsDay.day, StatsDay.tickets, StatsDay.last_ticket_id, StatsDay.ratings,
               StatsDay.last_rating_id).where(StatsDay.office_id == o.id, StatsDay.day >= start,
                                              StatsDay.day <= end))}


def build_rollup(svc, o: Office, start: dt.date, end: dt.date) -> tuple[int, set[dt.date]]:
    """Roll up the closed days of ``start``..``end`` (before today in the office's zone) that are missing
    from the rollup or whose tickets or ratings changed since. Returns how many days were (re)computed, and
    the closed days that have tickets. Idempotent: two reports doing it at once write the same rows
    (conflicts are skipped)."""
    today = svc._local_now(o).date()
    end = min(end, today - dt.timedelta(days=1))
    if end < start:
        return 0, set()
    with svc.session(write=False) as s:
        conn = s.connection()
        now = _fingerprints(conn, o, start, end)
        stored = _stored(conn, o, start, end)
    todo = sorted(d for d in now.keys() | stored.keys() if now.get(d) != stored.get(d))
    batches: list[list[dt.date]] = []
    for d in todo:   # SQLite computes hours with one offset per batch
        if batches and len(batches[-1]) < _BUILD_BATCH_DAYS and (
                svc.is_postgres or _offset_minutes(o, batches[-1][0]) == _offset_minutes(o, d)):
            batches[-1].append(d)
        else:
            batches.append([d])
    ins = pg_insert if svc.is_postgres else sqlite_insert
    for batch in batches:
        # computed in a read transaction, written in a short write one (SQLite: kiosks wait for the lock)
        with svc.session(write=False) as s:
            conn = s.connection()
            prints = _fingerprints(conn, o, batch[0], batch[-1])   # before the rows: a change after shows
            seen = _stored(conn, o, batch[0], batch[-1])
            kept = [d for d in batch if d in prints]
            rows = _compute_days(conn, svc.is_postgres, o, kept, today) if kept else []
        with svc.session() as s:
            conn = s.connection()
            for d, (n, top, nr, topr) in seen.items():   # only as seen: a day marked changed since stays so
                conn.execute(delete(StatsDay).where(
                    StatsDay.office_id == o.id, StatsDay.day == d, StatsDay.tickets == n,
                    StatsDay.last_ticket_id == top, StatsDay.ratings == nr, StatsDay.last_rating_id == topr))
            conn.execute(delete(_R).where(_R.c.office_id == o.id, _R.c.day.in_(batch)))
            if not kept:
                continue
            conn.execute(ins(_R).on_conflict_do_nothing(), [{"office_id": o.id, **r} for r in rows])
            at = svc.clock.now()
            conn.execute(ins(StatsDay.__table__).on_conflict_do_nothing(), [
                {"office_id": o.id, "day": d, "tickets": prints[d][0], "last_ticket_id": prints[d][1],
                 "ratings": prints[d][2], "last_rating_id": prints[d][3], "built_at": at} for d in kept])
    return len(todo), set(now)


def _merge(conn, o: Office, start: dt.date, end: dt.date, rolled_end: dt.date, rolled: set[dt.date],
           live: list[dict], views):
    """The period's groups: the rollup's rows summed by SQL, today's computed rows added; each group's
    durations concatenated. Returns ({(view, key): additive sums}, {(view, key): (waits, services)},
    [(day, hour key, issued)])."""
    in_rollup = and_(_R.c.office_id == o.id, _R.c.day >= start, _R.c.day <= rolled_end,
                     _R.c.day.in_(sorted(rolled)))    # not a day marked changed meanwhile
    totals: dict[tuple[str, str], dict] = {}
    if rolled:
        stmt = select(_R.c.view, _R.c.key, *(func.sum(_R.c[n]).label(n) for n in ADDITIVE)).where(
            in_rollup).group_by(_R.c.view, _R.c.key)
        for r in conn.execute(stmt):
            totals[(r.view, r.key)] = {n: r._mapping[n] or 0 for n in ADDITIVE}
    for r in live:
        t = totals.setdefault((r["view"], r["key"]), dict.fromkeys(ADDITIVE, 0))
        for n in ADDITIVE:
            t[n] += r[n]
    parts: dict[tuple[str, str], tuple[list, list]] = {}
    stored = []
    if rolled:
        stored = conn.execute(select(_R.c.view, _R.c.key, _R.c.wait_values, _R.c.service_values).where(
            in_rollup, _R.c.view.in_(tuple(dict.fromkeys(("day", *views)))))).all()
    for view, key, waits, services in [*stored, *((r["view"], r["key"], r["wait_values"], r["service_values"])
                                                   for r in live if r["view"] in VIEW_KEYS)]:
        for group in ((view, key), ("summary", "")) if view == "day" else ((view, key),):
            w, sv = parts.setdefault(group, ([], []))
            if waits:
                w.append(np.frombuffer(waits, dtype="<f8"))
            if services:
                sv.append(np.frombuffer(services, dtype="<f8"))
    hours = []
    if rolled:
        hours = [(_normalise_key(d), k, int(n)) for d, k, n in conn.execute(
            select(_R.c.day, _R.c.key, _R.c.issued).where(in_rollup, _R.c.view == "hour"))]
    hours += [(r["day"], r["key"], int(r["issued"])) for r in live if r["view"] == "hour"]
    return totals, parts, hours


def _joined(arrays: list) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.empty(0)


def _percentiles(values: np.ndarray) -> tuple[float | None, float | None]:
    """percentile_cont(0.5) and (0.9): linear interpolation between the ranks 1 + p (n - 1)."""
    if values.size == 0:
        return None, None
    median, p90 = np.percentile(values, [50.0, 90.0])
    return float(median), float(p90)


def _group_figures(sums: dict, waits: np.ndarray, services: np.ndarray, threshold_s: float) -> Figures:
    mean = lambda total, n: float(total) / n if n else None  # noqa: E731
    wait_median, wait_p90 = _percentiles(waits)
    service_median, service_p90 = _percentiles(services)
    ratings = int(sums["ratings"])
    return Figures(
        issued=int(sums["issued"]), served=int(sums["served"]), no_show=int(sums["no_show"]),
        not_served=int(sums["not_served"]),
        transferred=int(sums["transferred"]), reactivated=int(sums["reactivated"]),
        wait_mean_min=_minutes(mean(sums["wait_sum"], sums["waits"])), wait_median_min=_minutes(wait_median),
        wait_p90_min=_minutes(wait_p90),
        service_mean_min=_minutes(mean(sums["service_sum"], sums["services"])),
        service_median_min=_minutes(service_median), service_p90_min=_minutes(service_p90),
        waited_over=int(np.count_nonzero(waits > threshold_s)),
        priority=int(sums["priority"]),
        priority_wait_mean_min=_minutes(mean(sums["priority_wait_sum"], sums["priority_waits"])),
        ratings=ratings, score=mean(sums["score_sum"], ratings), satisfied_pct=mean(sums["satisfied_sum"], ratings))


def _minutes(seconds) -> float | None:
    return None if seconds is None else float(seconds) / 60.0


# a group's name when the ticket has none in that view (no procedure chosen, never called, no priority)
WORDS = Catalogue("stats", {
    "none_procedure": ("(không chọn thủ tục)", "(no procedure)"),
    "none_counter": ("(chưa gọi)", "(not called)"),
    "none_officer": ("(chưa gọi)", "(not called)"),
    "none_priority": ("Thường", "Normal"),
}, dynamic_prefixes=("none_",))


def _namer(s, office: Office, view: str, lang: str):
    """(group key -> (sort key, shown key, name)) for a view: ids become codes, numbers and names."""
    en = lang == "en"
    none_name = WORDS.text(lang, f"none_{view}") if f"none_{view}" in WORDS else "—"
    if view == "day":
        return lambda k: ((k,), k, k.strftime("%d/%m/%Y"))
    if view == "hour":
        return lambda k: ((k,), k, f"{k:02d}:00–{k + 1:02d}:00")
    if view == "priority":
        return lambda k: ((k is None, k or ""), k, (priority_label(k, lang) or k) if k else none_name)
    if view == "field":
        rows = {f.id: (f.code, f.name_en if en else f.name_vi)
                for f in s.scalars(select(Field).where(Field.office_id == office.id))}
    elif view == "procedure":
        rows = {p.id: (p.code, p.name_en if en else p.name_vi) for p in s.scalars(
            select(Procedure).join(Field, Field.id == Procedure.field_id).where(Field.office_id == office.id))}
    elif view == "counter":
        rows = {c.id: (c.number, f"Counter {c.number}" if en else f"Quầy {c.number}")
                for c in s.scalars(select(Counter).where(Counter.office_id == office.id))}
    else:
        rows = {o.id: (o.name, o.name) for o in s.scalars(select(Officer).where(Officer.office_id == office.id))}

    def name(k):
        if k is None or k not in rows:
            return (True, 0), None, none_name
        code, shown = rows[k]
        return (False, code), code, shown
    return name


def _normalise_key(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":   # SQLite: a date as text
        return dt.date.fromisoformat(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def report(svc, start: dt.date, end: dt.date, office: str | None = None,
           wait_threshold_min: int = DEFAULT_WAIT_THRESHOLD_MIN, lang: str = "vi",
           views: tuple[str, ...] = VIEWS) -> Report:
    """The whole report for ``start``..``end`` (inclusive service days): closed days from the rollup (those
    missing or changed are rolled up first, in short write transactions), today computed from its tickets
    the same way, merged in one read transaction."""
    if end < start:
        raise InvalidState(f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}",
                           f"The end date {end:%Y-%m-%d} is before the start date {start:%Y-%m-%d}")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidState(f"Khoảng thời gian quá dài (tối đa {MAX_DAYS} ngày)",
                           f"The period is too long (at most {MAX_DAYS} days)")
    if wait_threshold_min < 0:
        raise InvalidState("Ngưỡng thời gian chờ không được âm", "The waiting threshold cannot be negative")
    with svc.session(write=False) as s:
        if office:
            o = s.scalars(select(Office).where(Office.code == office)).first()
            if o is None:
                raise NotFound(f"Không có trung tâm mã '{office}'", f"No office with code '{office}'")
        else:
            o = svc._office(s)
    try:
        _, closed = build_rollup(svc, o, start, end)
    except (Unavailable, SQLAlchemyError) as exc:   # busy, or a login that may not write: still a report
        _log.warning("statistics rollup not written (%s): closed days computed from tickets", exc)
        closed = None
    today = svc._local_now(o).date()
    threshold_s = wait_threshold_min * 60.0
    with svc.session(write=False) as s:
        conn = s.connection()
        rolled_end = min(end, today - dt.timedelta(days=1))
        if closed is None:
            closed = set(_fingerprints(conn, o, start, rolled_end)) if rolled_end >= start else set()
        rolled = {_normalise_key(d) for (d,) in conn.execute(select(StatsDay.day).where(
            StatsDay.office_id == o.id, StatsDay.day >= start, StatsDay.day <= rolled_end, StatsDay.tickets >= 0))}
        # today (and a closed day whose rollup a change deleted meanwhile) straight from its tickets
        live_days = sorted(closed - rolled)
        live = _compute_days(conn, svc.is_postgres, o, live_days, today) if live_days else []
        if end >= today:
            live += _compute_days(conn, svc.is_postgres, o, [max(start, today) + dt.timedelta(days=i)
                                                             for i in range((end - max(start, today)).days + 1)],
                                  today)
        totals, parts, hours = _merge(conn, o, start, end, rolled_end, rolled, live, views)
        empty = ([], [])
        summary = Figures()
        if any(v == "day" for v, _ in totals):
            total = dict.fromkeys(ADDITIVE, 0)
            for (v, _), sums in totals.items():
                if v == "day":
                    for n in ADDITIVE:
                        total[n] += sums[n]
            w, sv = parts.get(("summary", ""), empty)
            summary = _group_figures(total, _joined(w), _joined(sv), threshold_s)
        result: dict[str, tuple[Row, ...]] = {}
        for view in views:
            namer = _namer(s, o, view, lang)
            rows = []
            for (v, key), sums in totals.items():
                if v != view:
                    continue
                w, sv = parts.get((v, key), empty)
                order, shown, name = namer(_group_key(view, key))
                rows.append((order, Row(shown, name, _group_figures(sums, _joined(w), _joined(sv), threshold_s))))
            rows.sort(key=lambda r: r[0])
            result[view] = tuple(r for _, r in rows)
    level_rows = [(k.split(":", 1)[0], int(k.split(":", 1)[1]), int(sums["ratings"]))
                  for (v, k), sums in totals.items() if v == "level" and sums["ratings"]]
    count = sum(n for _, _, n in level_rows)
    levels = tuple(sorted((LevelCount(sc, v, rating.level_label(sc, v, lang), n, 100.0 * n / count)
                           for sc, v, n in level_rows), key=lambda lc: (lc.scale, -lc.value)))
    reasons = tuple((r, rating.reason_label(r, lang), int(totals.get(("reason", r), {}).get("ratings", 0)))
                    for r in rating.REASONS)
    heat: dict[tuple[int, int], int] = {}
    for d, k, n in hours:
        heat[(d.weekday(), int(k))] = heat.get((d.weekday(), int(k)), 0) + n
    weekday_hour = tuple(sorted((w, h, n) for (w, h), n in heat.items()))
    days = len(result["day"]) if "day" in result else 0
    return Report(o.code, o.name_en if lang == "en" else o.name_vi, start, end, wait_threshold_min, summary,
                  result, levels, reasons, weekday_hour, days)


def _group_key(view: str, key: str):
    """The rollup's text key back to the group's value."""
    if view == "day":
        return dt.date.fromisoformat(key)
    if key == "":
        return None
    return key if view == "priority" else int(key)


__all__ = ["Figures", "Row", "LevelCount", "Report", "VIEWS", "DEFAULT_WAIT_THRESHOLD_MIN", "report",
           "build_rollup"]
