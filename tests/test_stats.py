"""The statistics, on SQLite and PostgreSQL, against figures computed by hand for a small two-day office.

The scene (Hà Nội time; counter 1 = officer Lan, field HT; counter 2 = officer Bình, field CT):
  Mon 09:00 A001 (HT-KS) and A002 (elderly) issued; 09:01 B001
  09:02 c1 calls A002 (waited 2 min), starts 09:03, finishes 09:08 (service 5) -> rated 3 (very satisfied)
  09:05 c2 calls B001 (waited 4), no-show 09:06, reactivated 09:10, called again 09:12, started 09:14,
        finished 09:20 (service 6; its wait stays 4: the first call counts)
  09:08 c1 calls A001 (waited 8), finishes 09:18 without "start" (service 10) -> rated 1, reason "wait_long"
  09:20 A003 issued (HT), transferred to CT 09:25, called by c2 09:40 (waited 20), finished 10:00 (service 20)
        -> rated 2
  09:21 B002 issued, called 09:22 (waited 1), no-show 09:24, never back
  10:05 A004 issued, never called: closed as not served by the end-of-day rule (Tuesday's first call)
  Tue 09:00 A001 issued, called 09:45 (waited 45 > 30), finished 09:47 (service 2) -> rated 3
Waits (min): 1 2 4 8 20 45; service: 2 5 6 10 20. percentile_cont: median at rank 1 + 0.5 (n - 1), p90 at
1 + 0.9 (n - 1), interpolated between neighbours.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

import db
from db import stats

from db.models import Ticket
from tests.stats_scene import MON, TUE, at, build_unfinished_day

def approx(x):
    return pytest.approx(x, abs=1e-4)


def test_summary_figures(office):
    r = stats.report(office, MON, TUE)
    f = r.summary
    assert (r.office_code, r.start, r.end, r.days, r.empty) == ("HD", MON, TUE, 2, False)
    assert (f.issued, f.served, f.no_show, f.not_served, f.transferred, f.reactivated) == (7, 5, 1, 1, 1, 1)
    assert (f.wait_mean_min, f.wait_median_min, f.wait_p90_min) == (approx(80 / 6), approx(6), approx(32.5))
    assert (f.service_mean_min, f.service_median_min, f.service_p90_min) == (approx(8.6), approx(6), approx(16))
    assert f.waited_over == 1
    assert (f.priority, f.priority_wait_mean_min) == (1, approx(2))
    assert (f.ratings, f.score, f.satisfied_pct) == (4, approx(62.5), approx(75))


def test_by_day_and_hour(office):
    r = stats.report(office, MON, TUE)
    mon, tue = r.views["day"]
    assert (mon.key, mon.name, tue.key) == (MON, "23/11/2026", TUE)
    assert (mon.figures.issued, mon.figures.served, mon.figures.no_show, mon.figures.not_served) == (6, 4, 1, 1)
    assert (tue.figures.served, tue.figures.not_served) == (1, 0)
    assert (mon.figures.wait_mean_min, mon.figures.wait_median_min, mon.figures.wait_p90_min) == (
        approx(7), approx(4), approx(15.2))
    assert (tue.figures.issued, tue.figures.wait_median_min, tue.figures.wait_p90_min) == (1, approx(45), approx(45))
    assert (tue.figures.service_median_min, tue.figures.waited_over, tue.figures.ratings) == (approx(2), 1, 1)
    hours = [(row.key, row.name, row.figures.issued) for row in r.views["hour"]]
    assert hours == [(9, "09:00–10:00", 6), (10, "10:00–11:00", 1)]
    assert [row.figures.not_served for row in r.views["hour"]] == [0, 1]                 # A004 at 10:05
    assert r.weekday_hour == ((0, 9, 5), (0, 10, 1), (1, 9, 1))


def test_by_field_procedure_and_priority(office):
    r = stats.report(office, MON, TUE)
    ct, ht = r.views["field"]
    assert (ct.key, ct.name, ht.key, ht.name) == ("CT", "Chứng thực", "HT", "Hộ tịch")
    assert (ht.figures.issued, ht.figures.served, ht.figures.transferred, ht.figures.not_served) == (4, 3, 0, 1)
    assert ct.figures.not_served == 0
    assert (ht.figures.wait_median_min, ht.figures.wait_p90_min) == (approx(8), approx(37.6))
    assert (ct.figures.issued, ct.figures.served, ct.figures.no_show, ct.figures.transferred,
            ct.figures.reactivated) == (3, 2, 1, 1, 1)
    assert (ct.figures.wait_median_min, ct.figures.wait_p90_min) == (approx(4), approx(16.8))
    assert (ct.figures.service_mean_min, ct.figures.service_median_min) == (approx(13), approx(13))
    procs = [(row.key, row.name, row.figures.issued) for row in r.views["procedure"]]
    assert procs == [("HT-KS", "Đăng ký khai sinh", 1), (None, "(không chọn thủ tục)", 6)]
    prio = [(row.key, row.name, row.figures.issued, row.figures.wait_mean_min) for row in r.views["priority"]]
    assert prio == [("elderly", "Người cao tuổi", 1, approx(2)),
                    (None, "Thường", 6, approx((8 + 4 + 1 + 20 + 45) / 5))]
    assert [row.figures.not_served for row in r.views["priority"]] == [0, 1]
    assert [(row.key, row.figures.not_served) for row in r.views["procedure"]] == [("HT-KS", 0), (None, 1)]


def test_by_counter_and_officer_with_satisfaction(office):
    r = stats.report(office, MON, TUE)
    c1, c2, never = r.views["counter"]
    assert [(c.key, c.name, c.figures.issued) for c in (c1, c2, never)] == [
        (1, "Quầy 1", 3), (2, "Quầy 2", 3), (None, "(chưa gọi)", 1)]
    assert [c.figures.not_served for c in (c1, c2, never)] == [0, 0, 1]
    assert (c1.figures.service_mean_min, c1.figures.service_p90_min) == (approx(17 / 3), approx(9))
    by_name = {row.name: row.figures for row in r.views["officer"]}
    assert set(by_name) == {"Lan", "Bình", "(chưa gọi)"}
    assert (by_name["Lan"].ratings, by_name["Lan"].score, by_name["Lan"].satisfied_pct) == (
        3, approx(200 / 3), approx(200 / 3))
    binh = by_name["Bình"]
    assert (binh.ratings, binh.score, binh.satisfied_pct) == (1, approx(50), approx(100))
    assert (by_name["(chưa gọi)"].ratings, by_name["(chưa gọi)"].score) == (0, None)
    assert (by_name["Lan"].not_served, by_name["Bình"].not_served, by_name["(chưa gọi)"].not_served) == (0, 0, 1)


def test_satisfaction_distribution_and_reasons(office):
    r = stats.report(office, MON, TUE)
    assert [(lc.scale, lc.value, lc.label, lc.count, lc.share_pct) for lc in r.levels] == [
        ("three", 3, "Rất hài lòng", 2, 50.0), ("three", 2, "Hài lòng", 1, 25.0),
        ("three", 1, "Không hài lòng", 1, 25.0)]
    assert dict((code, n) for code, _label, n in r.reasons) == {
        "wait_long": 1, "attitude": 0, "guidance": 0, "late_result": 0, "other": 0}


def test_one_day_and_threshold_and_english(office):
    r = stats.report(office, TUE, TUE, wait_threshold_min=50, lang="en")
    assert (r.summary.issued, r.summary.waited_over, r.days) == (1, 0, 1)
    assert r.views["counter"][0].name == "Counter 1"
    assert r.views["field"][0].name == "Civil status"
    assert r.levels[0].label == "Very satisfied"


def test_empty_period_bad_period_and_unknown_office(office):
    r = stats.report(office, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert r.empty and r.summary.issued == 0 and r.summary.wait_median_min is None
    assert all(rows == () for rows in r.views.values()) and r.levels == ()
    with pytest.raises(db.InvalidState) as err:
        stats.report(office, TUE, MON)
    assert "trước ngày bắt đầu" in err.value.message_vi
    with pytest.raises(db.NotFound):
        stats.report(office, MON, TUE, office="XX")
    with pytest.raises(db.InvalidState):
        stats.report(office, dt.date(2020, 1, 1), dt.date(2026, 1, 1))


def test_yesterday_s_unfinished_tickets_count_as_not_served_before_and_after_the_end_of_day_rule(queue, clock):
    """Issue 11: the waiting, called and being-served tickets a day ends with are closed as not served and
    counted so — not as served or no-show — in every view; the same figures before the rule has run (a report
    at 08:00) and after it (the first call of the day), from the rollup and from tickets."""
    build_unfinished_day(queue, clock)                      # Tuesday 08:00
    before = stats.report(queue, MON, MON)
    clock.set(at(TUE, 9, 0))
    queue.issue("HT")                                       # Tuesday's A001, waiting: today is not over
    assert queue.call_next(1).label == "A001"               # the end-of-day rule closes Monday's three
    with queue.session(write=False) as s:
        assert sorted(t.label for t in s.scalars(select(Ticket).where(
            Ticket.service_day == MON, Ticket.status == "not_served"))) == ["A002", "A003", "B001"]
    after = stats.report(queue, MON, MON)
    for r in (before, after):
        f = r.summary
        assert (f.issued, f.served, f.no_show, f.not_served) == (4, 1, 0, 3)
        assert (f.service_mean_min, f.wait_median_min) == (approx(5), approx(10))    # A001 only is served
        assert [(row.key, row.figures.not_served, row.figures.served) for row in r.views["counter"]] == [
            (1, 1, 1), (2, 1, 0), (None, 1, 0)]
        assert [(row.key, row.figures.not_served) for row in r.views["field"]] == [("CT", 1), ("HT", 2)]
        assert [row.figures.not_served for row in r.views["day"]] == [3]
    clock.set(at(TUE, 9, 1))
    queue.issue("HT")                                       # still waiting today
    both = stats.report(queue, MON, TUE)
    assert [(row.key, row.figures.not_served) for row in both.views["day"]] == [(MON, 3), (TUE, 0)]
    assert (both.summary.issued, both.summary.not_served) == (6, 3)
