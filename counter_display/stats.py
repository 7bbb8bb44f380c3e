"""The centre leader's statistics window (`counter-display stats`): sign in with a leader's name and PIN, then
charts a director reads at a glance — the load by hour over the week (a heat map), waiting time by field,
satisfaction over time and by counter, the busiest days — for the last 7/30/90/365 days. Drawn with QtCharts
on a white background (readable when printed). The figures come from db.stats on a worker thread; what is
drawn is counter_display.stats_model (Qt-free)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QDateTimeAxis,
                              QHorizontalBarSeries, QLineSeries, QValueAxis)
from PySide6.QtCore import QDateTime, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QStackedWidget, QVBoxLayout, QWidget)

from bilingual import LocalizedError
from db import stats

from .stats_model import LEADER_ROLES, WORDS, ChartData, chart_data
from gui import theme
from gui.worker import WorkerThread

from .workers import CommandWorker

PERIODS = (7, 30, 90, 365)
BLUE, ORANGE, GREEN = (QColor(c) for c in theme.CHARTS.series)
WHITE, BLACK = QColor(theme.CHARTS.background), QColor(theme.CHARTS.text)
_font = theme.desk_font


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setTitleFont(_font(20, True))
    chart.setBackgroundBrush(WHITE)
    chart.legend().setFont(_font(15))
    chart.setAnimationOptions(QChart.NoAnimation)
    return chart


def _value_axis(top: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setLabelFormat("%.0f")
    axis.setLabelsFont(_font(14))
    return axis


def _categories(names: list[str]) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(names)
    axis.setLabelsFont(_font(14))
    return axis


def _attach(chart: QChart, series, *axes) -> None:
    """Put each (axis, side) on the chart and tie the series to it."""
    for axis, side in axes:
        chart.addAxis(axis, side)
        series.attachAxis(axis)


class HeatMap(QWidget):
    """Tickets by weekday (rows) and hour (columns): darker is busier, the number in each cell."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.data: ChartData | None = None
        self.title = WORDS.text("vi", "heat_title")
        self.names = WORDS.text("vi", "weekdays").split(",")
        self.setMinimumSize(420, 260)

    def set_data(self, data: ChartData) -> None:
        self.data = data
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), WHITE)
        p.setPen(BLACK)
        p.setFont(_font(20, True))
        p.drawText(QRectF(0, 0, self.width(), 34), int(Qt.AlignCenter), self.title)
        d = self.data
        if not d or not d.hours:
            p.end()
            return
        left, top = 56.0, 64.0
        cw = (self.width() - left - 8) / len(d.hours)
        ch = (self.height() - top - 8) / 7
        peak = max(d.heat.values()) or 1
        p.setFont(_font(15))
        for j, h in enumerate(d.hours):
            p.drawText(QRectF(left + j * cw, 38, cw, 24), int(Qt.AlignCenter), f"{h}h")
        for w in range(7):
            p.setPen(BLACK)
            p.drawText(QRectF(0, top + w * ch, left - 6, ch), int(Qt.AlignRight | Qt.AlignVCenter), self.names[w])
            for j, h in enumerate(d.hours):
                n = d.heat.get((w, h), 0)
                t = n / peak
                colour = QColor.fromRgbF(1 - 0.95 * t, 1 - 0.75 * t, 1 - 0.43 * t)
                cell = QRectF(left + j * cw + 1, top + w * ch + 1, cw - 2, ch - 2)
                p.fillRect(cell, colour)
                if n:
                    p.setPen(WHITE if t > 0.55 else BLACK)
                    p.drawText(cell, int(Qt.AlignCenter), str(n))
        p.end()


class StatsWindow(QWidget):
    def __init__(self, open_service: Callable[[], Any], today: Callable[[], dt.date] | None = None):
        super().__init__()
        self.today = today or dt.date.today
        self.leader = None
        self.report = None
        self.data: ChartData | None = None
        self.busy = False
        self.setWindowTitle(WORDS.both("window_title"))
        self.setStyleSheet(theme.stats_stylesheet())
        self.commands = CommandWorker(open_service)
        self.commands.done.connect(self._done)
        self.command_thread = WorkerThread(self.commands, "stats-commands")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_sign_in())
        self.pages.addWidget(self._build_dashboard())
        self.message = QLabel("")
        self.message.setStyleSheet(f"color: {theme.CHARTS.error}; font-weight: bold;")
        root = QVBoxLayout(self)
        root.addWidget(self.message)
        root.addWidget(self.pages, 1)

    # --- building --------------------------------------------------------------------------
    def _build_sign_in(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        title = QLabel(WORDS.both("sign_in_title"))
        title.setFont(_font(28, True))
        box.addWidget(title)
        self.name_edit = QLineEdit(placeholderText=WORDS.text("vi", "name"))
        self.pin_edit = QLineEdit(placeholderText=WORDS.text("vi", "pin"), echoMode=QLineEdit.Password)
        self.pin_edit.returnPressed.connect(self.sign_in)
        self.sign_in_button = QPushButton(WORDS.text("vi", "sign_in"))
        self.sign_in_button.clicked.connect(self.sign_in)
        for w in (self.name_edit, self.pin_edit, self.sign_in_button):
            w.setMaximumWidth(480)
            box.addWidget(w)
        box.addStretch(2)
        return page

    def _build_dashboard(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(WORDS.text("vi", "period")))
        self.period = QComboBox()
        for n in PERIODS:
            self.period.addItem(WORDS.text("vi", "days", n=n), n)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(lambda _i: self.load())
        bar.addWidget(self.period)
        self.refresh_button = QPushButton(WORDS.text("vi", "refresh"))
        self.refresh_button.clicked.connect(self.load)
        bar.addWidget(self.refresh_button)
        self.summary = QLabel("")
        self.summary.setFont(_font(20, True))
        self.summary.setWordWrap(True)   # the counts and the figures: two lines on a narrow screen
        bar.addWidget(self.summary, 1)
        box.addLayout(bar)
        grid = QGridLayout()
        self.heat = HeatMap()
        self.wait_view, self.score_view, self.counter_view = (QChartView() for _ in range(3))
        for view in (self.wait_view, self.score_view, self.counter_view):
            view.setRenderHint(QPainter.Antialiasing)
            view.setMinimumSize(420, 260)
        self.busiest = QLabel("")
        self.busiest.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.busiest.setWordWrap(True)
        grid.addWidget(self.heat, 0, 0)
        grid.addWidget(self.wait_view, 0, 1)
        grid.addWidget(self.score_view, 1, 0)
        grid.addWidget(self.counter_view, 1, 1)
        box.addLayout(grid, 1)
        box.addWidget(self.busiest)
        return page

    # --- actions ---------------------------------------------------------------------------
    def sign_in(self) -> None:
        name, pin = self.name_edit.text().strip(), self.pin_edit.text()
        self._submit("sign_in", lambda svc: svc.authenticate(name, pin))

    def load(self) -> None:
        if self.leader is None:
            return
        days = int(self.period.currentData())
        end = self.today()
        start = end - dt.timedelta(days=days - 1)
        self.summary.setText(WORDS.text("vi", "loading"))
        self._submit("report", lambda svc: stats.report(svc, start, end))

    def _submit(self, tag: str, command) -> None:
        if self.busy:
            return
        self.busy = True
        self.commands.submit(tag, command)

    def _done(self, tag: str, result: Any, error: Exception | None) -> None:
        self.busy = False
        if error is not None:
            self.message.setText(error.message("vi") if isinstance(error, LocalizedError) else str(error))
            return
        self.message.setText("")
        if tag == "sign_in":
            self.pin_edit.clear()
            if result.role not in LEADER_ROLES:
                self.message.setText(WORDS.text("vi", "not_leader"))
                return
            self.leader = result
            self.pages.setCurrentIndex(1)
            self.load()
        elif tag == "report":
            self.show_report(result)

    # --- drawing ---------------------------------------------------------------------------
    def show_report(self, report) -> None:
        self.report = report
        self.data = d = chart_data(report, "vi")
        self.summary.setText(WORDS.text("vi", "empty") if report.empty else d.summary)
        self.heat.set_data(d)
        self.wait_view.setChart(self._wait_chart(d))
        self.score_view.setChart(self._score_chart(d))
        self.counter_view.setChart(self._counter_chart(d))
        lines = [WORDS.text("vi", "busy_line", day=day.strftime("%d/%m/%Y"), n=n) for day, n in d.busiest]
        self.busiest.setText(f"<b>{WORDS.text('vi', 'busiest_title')}:</b> " + " · ".join(lines))

    def _wait_chart(self, d: ChartData) -> QChart:
        chart = _chart(WORDS.text("vi", "wait_title"))
        median, p90 = QBarSet(WORDS.text("vi", "median")), QBarSet(WORDS.text("vi", "percentile"))
        median.setColor(BLUE)
        p90.setColor(ORANGE)
        rows = list(reversed(d.field_waits))   # the longest wait on top
        for _name, m, p in rows:
            median.append(m)
            p90.append(p)
        series = QHorizontalBarSeries()
        series.append(median)
        series.append(p90)
        chart.addSeries(series)
        _attach(chart, series, (_categories([name for name, _m, _p in rows]), Qt.AlignLeft),
                (_value_axis(max([p for _n, _m, p in rows] + [1]) * 1.1), Qt.AlignBottom))
        return chart

    def _score_chart(self, d: ChartData) -> QChart:
        chart = _chart(WORDS.text("vi", "score_title"))
        chart.legend().hide()
        line = QLineSeries()
        pen = line.pen()
        pen.setColor(GREEN)
        pen.setWidth(4)
        line.setPen(pen)
        line.setPointsVisible(True)
        for day, score in d.score_by_day:
            stamp = QDateTime(dt.datetime.combine(day, dt.time(12)))
            line.append(QPointF(stamp.toMSecsSinceEpoch(), score))
        chart.addSeries(line)
        axis_x = QDateTimeAxis()
        axis_x.setFormat("dd/MM")
        axis_x.setLabelsFont(_font(14))
        if d.score_by_day:
            first, last = d.score_by_day[0][0], d.score_by_day[-1][0]
            axis_x.setRange(QDateTime(dt.datetime.combine(first, dt.time(0))),
                            QDateTime(dt.datetime.combine(last, dt.time(23, 59))))
        _attach(chart, line, (axis_x, Qt.AlignBottom), (_value_axis(100), Qt.AlignLeft))
        return chart

    def _counter_chart(self, d: ChartData) -> QChart:
        chart = _chart(WORDS.text("vi", "counter_title"))
        chart.legend().hide()
        bars = QBarSet("")
        bars.setColor(GREEN)
        for _name, score in d.score_by_counter:
            bars.append(round(score, 1))
        series = QBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        _attach(chart, series, (_categories([name for name, _s in d.score_by_counter]), Qt.AlignBottom),
                (_value_axis(100), Qt.AlignLeft))
        return chart

    def shutdown(self) -> None:
        self.command_thread.stop()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)
