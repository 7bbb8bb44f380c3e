"""What the leader's statistics window draws, taken from a db.stats.Report (Qt-free): the load by weekday and
hour, waiting time by field, satisfaction over time and by counter, the busiest days. Only aggregates: no
single rating is ever shown, and officers appear only as groups of many tickets."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bilingual import Catalogue, Plural

# roles that may open the statistics (the centre's leader; supervisors and administrators too)
LEADER_ROLES = ("leader", "supervisor", "admin")

WORDS = Catalogue("stats_window", {
    "window_title": ("Thống kê — Lãnh đạo trung tâm", "Statistics — Centre leader"),
    "sign_in_title": ("Đăng nhập lãnh đạo", "Leader sign-in"),
    "name": ("Tên", "Name"),
    "pin": ("Mã PIN", "PIN"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "not_leader": ("Chỉ lãnh đạo trung tâm được xem thống kê", "Only the centre's leader may see the statistics"),
    "period": ("Khoảng thời gian:", "Period:"),
    "days": ("{n} ngày gần nhất", Plural("Last {n} day", "Last {n} days")),
    "refresh": ("Làm mới", "Refresh"),
    "loading": ("Đang tải…", "Loading…"),
    "empty": ("Không có số nào trong khoảng thời gian này", "No tickets in this period"),
    "summary": ("{issued} số · {served} đã phục vụ · {no_show} vắng mặt · {not_served} không được phục vụ "
                "(đóng cuối ngày) · chờ trung vị {wait} phút · điểm hài lòng {score}",
                "{issued} tickets · {served} served · {no_show} no-show · {not_served} not served (closed at the "
                "end of the day) · median wait {wait} min · satisfaction {score}"),
    "heat_title": ("Lượng số theo giờ trong tuần", "Tickets by hour of the week"),
    "wait_title": ("Thời gian chờ theo lĩnh vực (phút)", "Waiting time by field (min)"),
    "median": ("Trung vị", "Median"),
    "percentile": ("90% số chờ ít hơn", "90th percentile"),
    "score_title": ("Điểm hài lòng theo ngày (0–100)", "Satisfaction by day (0–100)"),
    "counter_title": ("Điểm hài lòng theo quầy (0–100)", "Satisfaction by counter (0–100)"),
    "busiest_title": ("Những ngày đông nhất", "Busiest days"),
    "busy_line": ("{day}: {n} số", Plural("{day}: {n} ticket", "{day}: {n} tickets")),
    "weekdays": ("T2,T3,T4,T5,T6,T7,CN", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    "cli_stats": ("thống kê cho lãnh đạo trung tâm", "statistics for the centre's leader"),
})


@dataclass(frozen=True)
class ChartData:
    heat: dict[tuple[int, int], int]          # (weekday 0=Monday, hour) -> tickets issued
    hours: tuple[int, ...]
    weekdays: tuple[int, ...]
    field_waits: tuple[tuple[str, float, float], ...]     # (field name, median, p90) in minutes
    score_by_day: tuple[tuple[dt.date, float], ...]
    score_by_counter: tuple[tuple[str, float], ...]
    busiest: tuple[tuple[dt.date, int], ...]
    summary: str


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def chart_data(report, lang: str = "vi", busiest: int = 5) -> ChartData:
    heat = {(w, h): n for w, h, n in report.weekday_hour}
    days = report.views.get("day", ())
    fields = tuple((r.name, r.figures.wait_median_min or 0.0, r.figures.wait_p90_min or 0.0)
                   for r in report.views.get("field", ()) if r.figures.wait_median_min is not None)
    s = report.summary
    return ChartData(
        heat=heat, hours=tuple(sorted({h for _, h in heat})), weekdays=tuple(sorted({w for w, _ in heat})),
        field_waits=tuple(sorted(fields, key=lambda f: -f[1])),
        score_by_day=tuple((r.key, r.figures.score) for r in days if r.figures.score is not None),
        score_by_counter=tuple((r.name, r.figures.score) for r in report.views.get("counter", ())
                               if r.key is not None and r.figures.score is not None),
        busiest=tuple(sorted(((r.key, r.figures.issued) for r in days), key=lambda d: (-d[1], d[0]))[:busiest]),
        summary=WORDS.text(lang, "summary", issued=s.issued, served=s.served, no_show=s.no_show,
                           not_served=s.not_served, wait=_num(s.wait_median_min),
                           score=_num(s.score, 0)))


__all__ = ["ChartData", "LEADER_ROLES", "WORDS", "chart_data"]
