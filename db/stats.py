"""Statistics for a centre's leader (Qt-free): for a period and an office, by day, hour, field, procedure,
counter, officer and priority reason — tickets issued, served, no-show, transferred, reactivated; waiting and
service time (mean, median, 90th percentile); tickets that waited longer than a threshold; satisfaction
(number of ratings, a 0–100 score, the share satisfied) — plus the distribution of answers and reasons, and
the load by weekday × hour.

Every figure is computed by SQL aggregation over the indexed (office, service day) range; percentiles too:
``percentile_cont`` on PostgreSQL, and on SQLite (which has none) the same linear interpolation from
``row_number()`` / ``count()`` window functions. Python only assembles the grouped rows.

Definitions (one place):
- a ticket counts in the groups of where it ended: its last field, procedure, counter and officer (a
  transferred ticket counts under the field that served it, and as "transferred");
- waiting time: from issuing to the first call (recalls, transfers and reactivations do not restart it);
- service time: from the start of service (or the call, when the officer did not press "start") to finish,
  for served tickets;
- transferred / reactivated: tickets transferred or reactivated at least once;
- score: the mean of the answers mapped to 0 (worst) .. 100 (best), so 3-level and 5-level scales compare;
  satisfied: the share of answers at or above the scale's "satisfied" level (db.rating.SCALES).
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from dataclasses import field as dc_field

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
    tuple_,
)
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.sql import ColumnElement

from . import rating
from .errors import InvalidState, NotFound
from .models import DONE, NO_SHOW, Counter, Field, Office, Officer, Procedure, Rating, Ticket
from .vocabulary import priority_label

VIEWS = ("day", "hour", "field", "procedure", "counter", "officer", "priority")
DEFAULT_WAIT_THRESHOLD_MIN = 30
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Figures:
    issued: int = 0
    served: int = 0
    no_show: int = 0
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


# One row per ticket of the period, every figure's ingredient computed once (the durations' date arithmetic
# is most of the cost); each view then aggregates this narrow table. Temporary: gone with the transaction
# (PostgreSQL) or dropped at the end (SQLite, whose temporary tables live as long as the connection).
_meta = MetaData()
_T = Table(
    "stat_tickets", _meta,
    Column("day", Date), Column("hour", Integer), Column("weekday", Integer), Column("field_id", Integer),
    Column("procedure_id", Integer), Column("counter_id", Integer), Column("officer_id", Integer),
    Column("prio", String(32)), Column("served", Integer), Column("no_show", Integer),
    Column("transferred", Integer), Column("reactivated", Integer), Column("wait", Float),
    Column("service", Float), Column("rated", Integer), Column("score", Float), Column("satisfied", Float),
    prefixes=["TEMPORARY"])
# the group column of each view in that table (None: the whole period)
VIEW_KEYS = {"day": "day", "hour": "hour", "field": "field_id", "procedure": "procedure_id",
             "counter": "counter_id", "officer": "officer_id", "priority": "prio"}


def _ticket_rows(is_pg: bool, office: Office, start: dt.date, end: dt.date):
    """SELECT of the per-ticket ingredients, in the columns of ``stat_tickets``."""
    first_call = func.coalesce(Ticket.first_called_at, Ticket.called_at)
    wait = case((first_call.is_not(None), _seconds(is_pg, Ticket.issued_at, first_call)))
    service = case((and_(Ticket.status == DONE, Ticket.called_at.is_not(None), Ticket.finished_at.is_not(None)),
                    _seconds(is_pg, func.coalesce(Ticket.started_at, Ticket.called_at), Ticket.finished_at)))
    steps = case(*((Rating.scale == sc.code, literal(float(sc.n - 1))) for sc in rating.SCALES.values()),
                 else_=literal(2.0))
    satisfied_from = case(*((Rating.scale == sc.code, literal(sc.satisfied_from)) for sc in rating.SCALES.values()),
                          else_=literal(2))
    flag = lambda cond: case((cond, 1), else_=0)  # noqa: E731
    if is_pg:
        local = func.timezone(office.timezone, func.timezone("UTC", Ticket.issued_at))
        hour = cast(extract("hour", local), Integer)
        weekday = cast(extract("isodow", Ticket.service_day) - 1, Integer)
    else:  # SQLite has no time zones: the zone's offset at the period's start (Việt Nam keeps one all year)
        offset = zoneinfo.ZoneInfo(office.timezone).utcoffset(dt.datetime.combine(start, dt.time(12)))
        minutes = int(offset.total_seconds() // 60) if offset else 0
        hour = cast(func.strftime("%H", Ticket.issued_at, f"{minutes:+d} minutes"), Integer)
        weekday = (cast(func.strftime("%w", Ticket.service_day), Integer) + 6) % 7
    values = (
        Ticket.service_day, hour, weekday, Ticket.field_id, Ticket.procedure_id, Ticket.counter_id,
        Ticket.officer_id, Ticket.priority_reason, flag(Ticket.status == DONE), flag(Ticket.status == NO_SHOW),
        flag(Ticket.transfer_count > 0), flag(Ticket.reactivation_count > 0), wait, service,
        flag(Rating.id.is_not(None)),
        case((Rating.id.is_not(None), (cast(Rating.value, Float) - 1.0) * 100.0 / steps)),
        case((Rating.id.is_(None), None), (Rating.value >= satisfied_from, 100.0), else_=0.0),
    )
    labelled = (v.label(c.name) for v, c in zip(values, _T.c, strict=True))
    return select(*labelled).select_from(Ticket).outerjoin(Rating, Rating.ticket_id == Ticket.id).where(
        Ticket.office_id == office.id, Ticket.service_day >= start, Ticket.service_day <= end)


def _aggregates(c, is_pg: bool, threshold_s: float) -> list[ColumnElement]:
    cols = [
        func.count().label("issued"), func.sum(c.served).label("served"), func.sum(c.no_show).label("no_show"),
        func.sum(c.transferred).label("transferred"), func.sum(c.reactivated).label("reactivated"),
        func.avg(c.wait).label("wait_mean"), func.avg(c.service).label("service_mean"),
        func.sum(case((c.wait > threshold_s, 1), else_=0)).label("waited_over"),
        func.count(c.prio).label("priority"), func.avg(case((c.prio.is_not(None), c.wait))).label("priority_wait_mean"),
        func.sum(c.rated).label("ratings"), func.avg(c.score).label("score"), func.avg(c.satisfied).label("satisfied"),
    ]
    if is_pg:   # both percentiles from one sort per group
        for name in ("wait", "service"):
            cols.append(func.percentile_cont(pg_array([0.5, 0.9])).within_group(c[name]).label(f"{name}_p"))
    return cols


def _sqlite_percentiles(conn, measure: str, keys: dict[str, str | None]) -> dict[str, dict]:
    """percentile_cont(0.5) and (0.9) of ``measure`` for every group of every view, on SQLite (which has no
    percentile function): an index on (group, measure) puts each group's values in order, and for each group
    the database reads only the two values at rank 1 + p (n - 1) (rounded down) and the next, walking the
    index (LIMIT 2 OFFSET r); they are interpolated as percentile_cont does. One index build (a sort) per
    view instead of a window over all rows, which SQLite evaluates several times slower."""
    out: dict[str, dict] = {}
    group_cols = ", ".join(k for k in keys.values() if k)
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.stat_values")
    conn.exec_driver_sql(f"CREATE TEMP TABLE stat_values AS SELECT {group_cols}, {measure} FROM stat_tickets "
                         f"WHERE {measure} IS NOT NULL")   # narrow rows: the index builds read less
    for view, key in keys.items():
        conn.exec_driver_sql("DROP INDEX IF EXISTS temp.stat_rank")
        cols = f"{key}, {measure}" if key else measure
        conn.exec_driver_sql(f"CREATE INDEX temp.stat_rank ON stat_values ({cols})")
        group = f"{key}" if key else "'all'"
        counts = conn.exec_driver_sql(f"SELECT {group}, COUNT(*) FROM stat_values GROUP BY {group}").all()
        found: dict = {}
        for k, n in counts:
            where = (f"{key} IS NULL" if k is None else f"{key} = ?") if key else "1"
            args = () if k is None or not key else (k,)
            sql = f"SELECT {measure} FROM stat_values WHERE {where} ORDER BY {measure} LIMIT 2 OFFSET ?"
            values = {}
            for p in (0.5, 0.9):
                pos = p * (n - 1)
                lo = int(pos)
                pair = [r[0] for r in conn.exec_driver_sql(sql, (*args, lo)).all()]
                hi = pair[1] if len(pair) > 1 else pair[0]
                values[p] = pair[0] + (pos - lo) * (hi - pair[0])
            found[_normalise_key(k) if key else ()] = values
        out[view] = found
        conn.exec_driver_sql("DROP INDEX temp.stat_rank")
    conn.exec_driver_sql("DROP TABLE temp.stat_values")
    return out


def _pg_groups(conn, o: Office, start: dt.date, end: dt.date, keys: dict[str, str | None], threshold_s: float):
    """PostgreSQL: every view (and the weekday × hour load) in one pass, GROUP BY GROUPING SETS, with
    percentile_cont per group."""
    conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")   # the groups' sorts stay in memory (this transaction)
    sub = _ticket_rows(True, o, start, end).subquery("t")
    group_cols = [sub.c[k] for k in dict.fromkeys(k for k in keys.values() if k)]
    if "hour" not in keys.values():
        group_cols.append(sub.c.hour)
    sets = [tuple_(*([sub.c[k]] if k else [])) for k in keys.values()] + [tuple_(sub.c.weekday, sub.c.hour)]
    names = [c.name for c in group_cols] + ["weekday"]
    bits = func.grouping(*group_cols, sub.c.weekday).label("g")
    stmt = select(*group_cols, sub.c.weekday, bits, *_aggregates(sub.c, True, threshold_s)).group_by(
        func.grouping_sets(*sets))
    # GROUPING(): one bit per column, the first the highest; a bit is 0 where the set groups by that column
    full = (1 << len(names)) - 1
    bit = lambda name: 1 << (len(names) - 1 - names.index(name))  # noqa: E731
    mask = {view: full if key is None else full & ~bit(key) for view, key in keys.items()}
    heat_mask = full & ~bit("weekday") & ~bit("hour")
    out: dict[str, list] = {view: [] for view in keys}
    heat = []
    for row in conn.execute(stmt).all():
        m = row._mapping
        if m["g"] == heat_mask:
            heat.append((int(m["weekday"]), int(m["hour"]), int(m["issued"])))
            continue
        for view, key in keys.items():
            if m["g"] == mask[view]:
                k = _normalise_key(m[key]) if key else ()
                wait, service = m["wait_p"] or (None, None), m["service_p"] or (None, None)
                out[view].append((k, _figures(m, tuple(wait), tuple(service))))
    if out["summary"] and not out["summary"][0][1].issued:
        out = {view: [] for view in keys} | {"summary": out["summary"]}
    return out, tuple(sorted(heat))


def _sqlite_groups(conn, o: Office, start: dt.date, end: dt.date, keys: dict[str, str | None], threshold_s: float):
    """SQLite (no grouping sets, no percentile function): the per-ticket ingredients once into a temporary
    table, then one GROUP BY per view, and ranks for the percentiles."""
    conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.stat_tickets")
    _T.create(conn)
    try:
        conn.execute(insert(_T).from_select([c.name for c in _T.c], _ticket_rows(False, o, start, end)))
        pct = {m: _sqlite_percentiles(conn, m, keys) for m in ("wait", "service")}
        aggregates = _aggregates(_T.c, False, threshold_s)
        out: dict[str, list] = {}
        for view, key in keys.items():
            stmt = select(*([_T.c[key].label("k")] if key else []), *aggregates).select_from(_T)
            if key:
                stmt = stmt.group_by(_T.c[key])
            out[view] = []
            for row in conn.execute(stmt).all():
                m = row._mapping
                k = _normalise_key(m["k"]) if key else ()
                w, sv = pct["wait"][view].get(k, {}), pct["service"][view].get(k, {})
                out[view].append((k, _figures(m, (w.get(0.5), w.get(0.9)), (sv.get(0.5), sv.get(0.9)))))
        heat = conn.execute(select(_T.c.weekday, _T.c.hour, func.count()).group_by(_T.c.weekday, _T.c.hour)).all()
        return out, tuple(sorted((int(w), int(h), int(n)) for w, h, n in heat))
    finally:
        conn.exec_driver_sql("DROP TABLE IF EXISTS temp.stat_tickets")


def _minutes(seconds) -> float | None:
    return None if seconds is None else float(seconds) / 60.0


def _figures(m, wait: tuple, service: tuple) -> Figures:
    return Figures(
        issued=int(m["issued"] or 0), served=int(m["served"] or 0), no_show=int(m["no_show"] or 0),
        transferred=int(m["transferred"] or 0), reactivated=int(m["reactivated"] or 0),
        wait_mean_min=_minutes(m["wait_mean"]), wait_median_min=_minutes(wait[0]), wait_p90_min=_minutes(wait[1]),
        service_mean_min=_minutes(m["service_mean"]), service_median_min=_minutes(service[0]),
        service_p90_min=_minutes(service[1]), waited_over=int(m["waited_over"] or 0),
        priority=int(m["priority"] or 0), priority_wait_mean_min=_minutes(m["priority_wait_mean"]),
        ratings=int(m["ratings"] or 0), score=None if m["score"] is None else float(m["score"]),
        satisfied_pct=None if m["satisfied"] is None else float(m["satisfied"]))


_NONE_NAMES = {"procedure": ("(không chọn thủ tục)", "(no procedure)"), "counter": ("(chưa gọi)", "(not called)"),
               "officer": ("(chưa gọi)", "(not called)"), "priority": ("Thường", "Normal")}


def _namer(s, office: Office, view: str, lang: str):
    """(group key -> (sort key, shown key, name)) for a view: ids become codes, numbers and names."""
    en = lang == "en"
    none_name = _NONE_NAMES.get(view, ("—", "—"))[1 if en else 0]
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
    """The whole report for ``start``..``end`` (inclusive service days) in one read transaction."""
    if end < start:
        raise InvalidState(f"Ngày kết thúc {end:%d/%m/%Y} trước ngày bắt đầu {start:%d/%m/%Y}",
                           f"The end date {end:%Y-%m-%d} is before the start date {start:%Y-%m-%d}")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidState(f"Khoảng thời gian quá dài (tối đa {MAX_DAYS} ngày)",
                           f"The period is too long (at most {MAX_DAYS} days)")
    if wait_threshold_min < 0:
        raise InvalidState("Ngưỡng thời gian chờ không được âm", "The waiting threshold cannot be negative")
    is_pg = svc.is_postgres
    with svc.session(write=False) as s:
        if office:
            o = s.scalars(select(Office).where(Office.code == office)).first()
            if o is None:
                raise NotFound(f"Không có trung tâm mã '{office}'", f"No office with code '{office}'")
        else:
            o = svc._office(s)
        conn = s.connection()
        keys = {"summary": None} | {v: VIEW_KEYS[v] for v in views}
        threshold_s = wait_threshold_min * 60.0
        if is_pg:
            grouped, weekday_hour = _pg_groups(conn, o, start, end, keys, threshold_s)
        else:
            grouped, weekday_hour = _sqlite_groups(conn, o, start, end, keys, threshold_s)
        ((_, summary),) = grouped["summary"] or [((), Figures())]
        result: dict[str, tuple[Row, ...]] = {}
        for view in views:
            namer = _namer(s, o, view, lang)
            rows = []
            for k, figures in grouped[view]:
                order, shown, name = namer(k)
                rows.append((order, Row(shown, name, figures)))
            rows.sort(key=lambda r: r[0])
            result[view] = tuple(r for _, r in rows)

        in_period = and_(Ticket.office_id == o.id, Ticket.service_day >= start, Ticket.service_day <= end)
        level_rows = conn.execute(select(Rating.scale, Rating.value, func.count()).select_from(Ticket).join(
            Rating, Rating.ticket_id == Ticket.id).where(in_period).group_by(Rating.scale, Rating.value)).all()
        total = sum(int(n) for _, _, n in level_rows)
        levels = tuple(sorted((LevelCount(sc, int(v), rating.level_label(sc, int(v), lang), int(n),
                                          100.0 * int(n) / total) for sc, v, n in level_rows),
                              key=lambda lc: (lc.scale, -lc.value)))
        padded = func.concat(",", Rating.reasons, ",") if is_pg else \
            literal_column("','") + Rating.reasons + literal_column("','")
        reason_counts = conn.execute(select(*(
            func.sum(case((padded.like(f"%,{r},%"), 1), else_=0)).label(r) for r in rating.REASONS
        )).select_from(Ticket).join(Rating, Rating.ticket_id == Ticket.id).where(in_period)).one()
        reasons = tuple((r, rating.reason_label(r, lang), int(reason_counts._mapping[r] or 0))
                        for r in rating.REASONS)
        days = len(result["day"]) if "day" in result else 0
    return Report(o.code, o.name_en if lang == "en" else o.name_vi, start, end, wait_threshold_min, summary,
                  result, levels, reasons, weekday_hour, days)


__all__ = ["Figures", "Row", "LevelCount", "Report", "VIEWS", "DEFAULT_WAIT_THRESHOLD_MIN", "report"]
