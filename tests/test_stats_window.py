"""The leader's statistics window, offscreen on the two-day scene of test_stats: only a leader gets in, and
the charts hold the report's figures (a PNG is saved with KIOSK_SCREENSHOTS to look at)."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from counter_display.stats_model import chart_data
from db import open_queue, stats
from tests.stats_scene import MON, TUE

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SHOTS = os.environ.get("KIOSK_SCREENSHOTS")


def test_chart_data_is_the_reports_aggregates(office):
    d = chart_data(stats.report(office, MON, TUE))
    assert d.heat == {(0, 9): 5, (0, 10): 1, (1, 9): 1} and d.hours == (9, 10)
    assert [(name, round(m, 4), round(p, 4)) for name, m, p in d.field_waits] == [
        ("Hộ tịch", 8.0, 37.6), ("Chứng thực", 4.0, 16.8)]            # longest median first
    assert [(day, round(s, 2)) for day, s in d.score_by_day] == [(MON, 50.0), (TUE, 100.0)]
    assert [(name, round(s, 2)) for name, s in d.score_by_counter] == [("Quầy 1", 66.67), ("Quầy 2", 50.0)]
    assert d.busiest == ((MON, 6), (TUE, 1))
    assert "7 số" in d.summary and "chờ trung vị 6.0 phút" in d.summary
    assert "1 vắng mặt" in d.summary and "1 không được phục vụ (đóng cuối ngày)" in d.summary   # A004
    english = chart_data(stats.report(office, MON, TUE), "en").summary
    assert "1 no-show" in english and "1 not served (closed at the end of the day)" in english


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_only_a_leader_sees_the_charts(qtbot, office):
    from counter_display.stats import StatsWindow
    office.add_officer("Giám đốc Hà", "702938", role="supervisor")
    url = office.url
    window = StatsWindow(lambda: open_queue(url), today=lambda: TUE)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    try:
        window.name_edit.setText("Lan")                                 # an officer: refused
        window.pin_edit.setText("583920")
        window.sign_in_button.click()
        qtbot.waitUntil(lambda: not window.busy, timeout=10000)
        assert window.pages.currentIndex() == 0 and "Chỉ lãnh đạo" in window.message.text()
        window.name_edit.setText("Giám đốc Hà")
        window.pin_edit.setText("702938")
        window.sign_in_button.click()
        qtbot.waitUntil(lambda: window.report is not None, timeout=20000)
        assert window.pages.currentIndex() == 1
        assert (window.report.start, window.report.end) == (TUE - dt.timedelta(days=29), TUE)   # 30 days
        assert window.report.summary.issued == 7
        assert "1 không được phục vụ (đóng cuối ngày)" in window.summary.text()   # Monday's A004
        assert window.minimumSizeHint().width() <= 1400     # the longer line wraps rather than widen the window
        bars = window.counter_view.chart().series()[0].barSets()[0]
        assert [bars.at(i) for i in range(bars.count())] == [66.7, 50.0]
        waits = window.wait_view.chart().series()[0].barSets()
        assert [round(waits[1].at(i), 1) for i in range(waits[1].count())] == [16.8, 37.6]   # p90, shortest first
        assert window.score_view.chart().series()[0].count() == 2
        assert "23/11/2026: 6 số" in window.busiest.text()
        qtbot.wait(100)
        if SHOTS:
            window.grab().save(str(Path(SHOTS) / "stats_window.png"))
    finally:
        window.shutdown()
