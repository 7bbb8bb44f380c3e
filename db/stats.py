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

from sqlalchemy import Float, Integer, and_, case, cast, extract, func, literal, literal_column, select
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


class _Query:
    """The per-ticket expressions every view aggregates, for one dialect, office and period."""

    def __init__(self, is_pg: bool, office: Office, start: dt.date, end: dt.date, threshold_min: int):
        self.is_pg = is_pg
        self.office = office
        self.threshold_s = threshold_min * 60.0
        self.where = and_(Ticket.office_id == office.id, Ticket.service_day >= start, Ticket.service_day <= end)
        first_call = func.coalesce(Ticket.first_called_at, Ticket.called_at)
        self.wait = case((first_call.is_not(None), _seconds(is_pg, Ticket.issued_at, first_call)))
        self.service = case((and_(Ticket.status == DONE, Ticket.called_at.is_not(None),
                                  Ticket.finished_at.is_not(None)),
                             _seconds(is_pg, func.coalesce(Ticket.started_at, Ticket.called_at), Ticket.finished_at)))
        steps = case(*((Rating.scale == s.code, literal(float(s.n - 1))) for s in rating.SCALES.values()),
                     else_=literal(2.0))
        self.score = (cast(Rating.value, Float) - 1.0) * 100.0 / steps
        satisfied_from = case(*((Rating.scale == s.code, literal(s.satisfied_from)) for s in rating.SCALES.values()),
                              else_=literal(2))
        self.satisfied = case((Rating.id.is_(None), None), (Rating.value >= satisfied_from, 100.0), else_=0.0)
        tz = zoneinfo.ZoneInfo(office.timezone)
        if is_pg:
            local = func.timezone(office.timezone, func.timezone("UTC", Ticket.issued_at))
            self.hour = cast(extract("hour", local), Integer)
            self.weekday = cast(extract("isodow", Ticket.service_day) - 1, Integer)
        else:  # SQLite has no time zones: the zone's offset at the period's start (Việt Nam keeps one all year)
            offset = tz.utcoffset(dt.datetime.combine(start, dt.time(12)))
            minutes = int(offset.total_seconds() // 60) if offset else 0
            self.hour = cast(func.strftime("%H", Ticket.issued_at, f"{minutes:+d} minutes"), Integer)
            self.weekday = (cast(func.strftime("%w", Ticket.service_day), Integer) + 6) % 7

    def source(self, q):
        return q.select_from(Ticket).outerjoin(Rating, Rating.ticket_id == Ticket.id).where(self.where)

    def aggregates(self) -> list[ColumnElement]:
        wait, service = self.wait, self.service
        one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
        cols = [
            func.count().label("issued"),
            one(Ticket.status == DONE).label("served"),
            one(Ticket.status == NO_SHOW).label("no_show"),
            one(Ticket.transfer_count > 0).label("transferred"),
            one(Ticket.reactivation_count > 0).label("reactivated"),
            func.avg(wait).label("wait_mean"),
            func.avg(service).label("service_mean"),
            one(wait > self.threshold_s).label("waited_over"),
            one(Ticket.priority_reason.is_not(None)).label("priority"),
            func.avg(case((Ticket.priority_reason.is_not(None), wait))).label("priority_wait_mean"),
            func.count(Rating.id).label("ratings"),
            func.avg(case((Rating.id.is_not(None), self.score))).label("score"),
            func.avg(self.satisfied).label("satisfied"),
        ]
        if self.is_pg:
            for name, expr in (("wait", wait), ("service", service)):
                cols.append(func.percentile_cont(0.5).within_group(expr).label(f"{name}_median"))
                cols.append(func.percentile_cont(0.9).within_group(expr).label(f"{name}_p90"))
        return cols

    def percentiles(self, keys: list[ColumnElement], measure: ColumnElement, joins) -> select:
        """SQLite: percentile_cont(0.5) and (0.9) per group from ranks, interpolated linearly."""
        names = [f"k{i}" for i in range(len(keys))]
        ranked = joins(self.source(select(
            *(k.label(n) for k, n in zip(keys, names, strict=True)), measure.label("v"),
            func.row_number().over(partition_by=keys or None, order_by=measure).label("rn"),
            func.count().over(partition_by=keys or None).label("n"),
        )).where(measure.is_not(None))).subquery()
        cols = []
        for p, label in ((0.5, "median"), (0.9, "p90")):
            pos = 1.0 + p * (ranked.c.n - 1)
            lo = cast(pos, Integer)
            frac = pos - lo
            v_lo = func.max(case((ranked.c.rn == lo, ranked.c.v)))
            v_hi = func.max(case((ranked.c.rn == lo + 1, ranked.c.v)))
            cols.append((v_lo + frac * (func.coalesce(v_hi, v_lo) - v_lo)).label(label))
        group = [ranked.c[n] for n in names]
        return select(*group, *cols).group_by(*group, ranked.c.n)


def _minutes(seconds) -> float | None:
    return None if seconds is None else float(seconds) / 60.0


def _figures(row, pct: dict[str, tuple]) -> Figures:
    m = row._mapping
    wait = pct.get("wait") or (m.get("wait_median"), m.get("wait_p90"))
    service = pct.get("service") or (m.get("service_median"), m.get("service_p90"))
    return Figures(
        issued=int(m["issued"] or 0), served=int(m["served"] or 0), no_show=int(m["no_show"] or 0),
        transferred=int(m["transferred"] or 0), reactivated=int(m["reactivated"] or 0),
        wait_mean_min=_minutes(m["wait_mean"]), wait_median_min=_minutes(wait[0]), wait_p90_min=_minutes(wait[1]),
        service_mean_min=_minutes(m["service_mean"]), service_median_min=_minutes(service[0]),
        service_p90_min=_minutes(service[1]), waited_over=int(m["waited_over"] or 0),
        priority=int(m["priority"] or 0), priority_wait_mean_min=_minutes(m["priority_wait_mean"]),
        ratings=int(m["ratings"] or 0), score=None if m["score"] is None else float(m["score"]),
        satisfied_pct=None if m["satisfied"] is None else float(m["satisfied"]))


def _no_join(q):
    return q


def _view_defs(q: _Query, lang: str):
    """view -> (key expressions, joins, how a row is named from its key values)."""
    en = lang == "en"
    none = {"procedure": ("(không chọn thủ tục)", "(no procedure)"), "counter": ("(chưa gọi)", "(not called)"),
            "officer": ("(chưa gọi)", "(not called)"), "priority": ("Thường", "Normal")}
    pick = lambda pair: pair[1] if en else pair[0]  # noqa: E731
    return {
        "day": ([Ticket.service_day], _no_join, lambda k: k[0].strftime("%d/%m/%Y")),
        "hour": ([q.hour], _no_join, lambda k: f"{k[0]:02d}:00–{k[0] + 1:02d}:00"),
        "field": ([Field.code, Field.name_en if en else Field.name_vi],
                  lambda s: s.outerjoin(Field, Field.id == Ticket.field_id), lambda k: k[1]),
        "procedure": ([Procedure.code, Procedure.name_en if en else Procedure.name_vi],
                      lambda s: s.outerjoin(Procedure, Procedure.id == Ticket.procedure_id),
                      lambda k: k[1] if k[0] is not None else pick(none["procedure"])),
        "counter": ([Counter.number], lambda s: s.outerjoin(Counter, Counter.id == Ticket.counter_id),
                    lambda k: (f"Counter {k[0]}" if en else f"Quầy {k[0]}") if k[0] is not None
                    else pick(none["counter"])),
        "officer": ([Officer.name], lambda s: s.outerjoin(Officer, Officer.id == Ticket.officer_id),
                    lambda k: k[0] if k[0] is not None else pick(none["officer"])),
        "priority": ([Ticket.priority_reason], _no_join,
                     lambda k: _priority_name(k[0], lang) if k[0] is not None else pick(none["priority"])),
    }


def _priority_name(reason: str, lang: str) -> str:
    return priority_label(reason, lang) or reason


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
    with svc.session(write=False) as s:
        if office:
            o = s.scalars(select(Office).where(Office.code == office)).first()
            if o is None:
                raise NotFound(f"Không có trung tâm mã '{office}'", f"No office with code '{office}'")
        else:
            o = svc._office(s)
        q = _Query(svc.is_postgres, o, start, end, wait_threshold_min)
        conn = s.connection()

        def grouped(keys, joins):
            stmt = joins(q.source(select(*(k.label(f"k{i}") for i, k in enumerate(keys)), *q.aggregates())))
            if keys:   # by output names: PostgreSQL would not match expressions holding bound parameters
                stmt = stmt.group_by(*(literal_column(f"k{i}") for i in range(len(keys))))
            rows = conn.execute(stmt).all()
            pct: dict[tuple, dict[str, tuple]] = {}
            if not q.is_pg:
                for name, measure in (("wait", q.wait), ("service", q.service)):
                    for r in conn.execute(q.percentiles(keys, measure, joins)).all():
                        key = tuple(_normalise_key(v) for v in r[:len(keys)])
                        pct.setdefault(key, {})[name] = (r[-2], r[-1])
            out = []
            for r in rows:
                key = tuple(_normalise_key(v) for v in r[:len(keys)])
                out.append((key, _figures(r, pct.get(key, {"wait": (None, None), "service": (None, None)})
                                          if not q.is_pg else {})))
            return out

        (_, summary), = grouped([], _no_join) or [((), Figures())]
        defs = _view_defs(q, lang)
        result: dict[str, tuple[Row, ...]] = {}
        for view in views:
            keys, joins, name = defs[view]
            rows = grouped(keys, joins)
            rows.sort(key=lambda kf: tuple((v is None, v if v is not None else 0) for v in kf[0]))
            result[view] = tuple(Row(k[0], name(k), f) for k, f in rows)

        level_rows = conn.execute(select(Rating.scale, Rating.value, func.count()).select_from(Ticket).join(
            Rating, Rating.ticket_id == Ticket.id).where(q.where).group_by(Rating.scale, Rating.value)).all()
        total = sum(int(n) for _, _, n in level_rows)
        levels = tuple(sorted((LevelCount(sc, int(v), rating.level_label(sc, int(v), lang), int(n),
                                          100.0 * int(n) / total) for sc, v, n in level_rows),
                              key=lambda lc: (lc.scale, -lc.value)))
        padded = literal_column("','") + Rating.reasons + literal_column("','") if not q.is_pg else \
            func.concat(",", Rating.reasons, ",")
        reason_counts = conn.execute(select(*(
            func.sum(case((padded.like(f"%,{r},%"), 1), else_=0)).label(r) for r in rating.REASONS
        )).select_from(Ticket).join(Rating, Rating.ticket_id == Ticket.id).where(q.where)).one()
        reasons = tuple((r, rating.reason_label(r, lang), int(reason_counts._mapping[r] or 0))
                        for r in rating.REASONS)
        heat = conn.execute(q.source(select(q.weekday.label("k0"), q.hour.label("k1"), func.count()))
                            .group_by(literal_column("k0"), literal_column("k1"))).all()
        weekday_hour = tuple(sorted((int(w), int(h), int(n)) for w, h, n in heat))
        days = len(result["day"]) if "day" in result else 0
    return Report(o.code, o.name_en if lang == "en" else o.name_vi, start, end, wait_threshold_min, summary,
                  result, levels, reasons, weekday_hour, days)


__all__ = ["Figures", "Row", "LevelCount", "Report", "VIEWS", "DEFAULT_WAIT_THRESHOLD_MIN", "report"]
