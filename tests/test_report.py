"""kiosk-admin report: the workbook opened back with openpyxl (sheet names, headers, types, totals), CSV, JSON,
the summary on screen, and refusals (bad dates, empty period, unknown office) that write no file."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from admin.cli import main
from db.models import Ticket
from tests.stats_scene import MON, TUE, at, build_unfinished_day

SHEETS = ["Tổng hợp", "Theo ngày", "Theo giờ", "Theo lĩnh vực", "Theo thủ tục", "Theo quầy", "Theo cán bộ",
          "Ưu tiên", "Mức hài lòng", "Ngày trong tuần × giờ"]
FIGURE_HEADERS = ["Số phát", "Đã phục vụ", "Vắng mặt", "Không được phục vụ (đóng cuối ngày)", "Chuyển lĩnh vực",
                  "Khôi phục sau vắng mặt",
                  "Chờ trung bình (phút)", "Chờ trung vị (phút)", "Chờ P90 (phút)", "Phục vụ trung bình (phút)",
                  "Phục vụ trung vị (phút)", "Phục vụ P90 (phút)", "Chờ quá 30 phút", "Số ưu tiên",
                  "Ưu tiên chờ trung bình (phút)", "Số đánh giá", "Điểm hài lòng (0–100)", "Tỷ lệ hài lòng (%)"]


def run(office_svc, *args):
    return main(["--db", office_svc.url, "report", *args])


def test_the_workbook_has_a_summary_then_one_sheet_per_view(office, tmp_path, capsys):
    path = tmp_path / "out" / "bao_cao.xlsx"
    assert run(office, "--from", "2026-11-23", "--to", "24/11/2026", "--xlsx", str(path)) == 0
    assert "bao_cao.xlsx" in capsys.readouterr().err
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS

    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert [c.value for c in wb["Tổng hợp"][1]] == ["Chỉ tiêu", "Giá trị"]
    assert summary["Trung tâm"].endswith("(HD)")
    assert summary["Từ ngày"] == dt.datetime(2026, 11, 23) and summary["Đến ngày"] == dt.datetime(2026, 11, 24)
    assert wb["Tổng hợp"]["B3"].number_format == "DD/MM/YYYY"
    assert (summary["Số phát"], summary["Đã phục vụ"], summary["Vắng mặt"]) == (7, 5, 1)
    assert summary["Không được phục vụ (đóng cuối ngày)"] == 1                 # A004, never called on Monday
    assert summary["Chờ trung vị (phút)"] == 6.0 and summary["Chờ P90 (phút)"] == 32.5    # minutes
    assert summary["Phục vụ P90 (phút)"] == 16.0 and summary["Điểm hài lòng (0–100)"] == 62.5
    assert isinstance(summary["Số phát"], int) and isinstance(summary["Chờ trung bình (phút)"], float)

    days = wb["Theo ngày"]
    assert [c.value for c in days[1]] == ["Ngày"] + FIGURE_HEADERS
    rows = list(days.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [dt.datetime(2026, 11, 23), dt.datetime(2026, 11, 24), "Tổng"]
    assert days["A2"].is_date and days["A2"].number_format == "DD/MM/YYYY"
    for col in range(1, 7):   # the counts of the total row are the sums of the days
        assert rows[-1][col] == sum(r[col] for r in rows[:-1])
    assert rows[0][1:5] == (6, 4, 1, 1) and rows[0][8] == 4.0 and rows[0][9] == 15.2
    assert rows[1][4] == 0                                               # Tuesday: no ticket left unserved

    fields = wb["Theo lĩnh vực"]
    assert [c.value for c in fields[1]][:3] == ["Mã", "Lĩnh vực", "Số phát"]
    assert [r[:3] for r in fields.iter_rows(min_row=2, values_only=True)] == [
        ("CT", "Chứng thực", 3), ("HT", "Hộ tịch", 4), ("Tổng", None, 7)]
    counters = [r[:2] for r in wb["Theo quầy"].iter_rows(min_row=2, values_only=True)]
    assert counters == [(1, 3), (2, 3), ("(chưa gọi)", 1), ("Tổng", 7)]
    satisfaction = list(wb["Mức hài lòng"].iter_rows(min_row=2, values_only=True))
    assert satisfaction[:3] == [("three", "Rất hài lòng", 2, 50.0), ("three", "Hài lòng", 1, 25.0),
                                ("three", "Không hài lòng", 1, 25.0)]
    assert (None, "Lý do chưa hài lòng: Chờ lâu", 1, None) in satisfaction
    heat = list(wb["Ngày trong tuần × giờ"].iter_rows(values_only=True))
    assert heat == [("Thứ", "09:00", "10:00"), ("Thứ Hai", 5, 1), ("Thứ Ba", 1, 0)]


def test_csv_json_and_the_screen(office, tmp_path, capsys):
    folder = tmp_path / "csv"
    assert run(office, "--from", "2026-11-23", "--to", "2026-11-24", "--csv", str(folder), "--json") == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert data["summary"]["issued"] == 7 and data["views"]["day"][0]["key"] == "2026-11-23"
    assert data["summary"]["not_served"] == 1 and data["views"]["day"][0]["figures"]["not_served"] == 1
    files = sorted(p.name for p in folder.iterdir())
    assert files[0] == "00_tong_hop.csv" and "01_theo_ngay.csv" in files and len(files) == len(SHEETS)
    with open(folder / "01_theo_ngay.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Ngày"] + FIGURE_HEADERS and rows[1][:2] == ["2026-11-23", "6"]
    assert rows[1][4] == "1"                                             # not served
    assert run(office, "--from", "2026-11-24", "--to", "2026-11-24") == 0
    screen = capsys.readouterr().out
    assert "Số phát: 1" in screen and "Từ ngày: 24/11/2026" in screen
    assert "Không được phục vụ (đóng cuối ngày): 0" in screen


@pytest.mark.parametrize("args, words", [
    (["--from", "2026-13-01", "--to", "2026-12-31"], "Ngày không hợp lệ"),
    (["--from", "hôm qua", "--to", "2026-12-31"], "Ngày không hợp lệ"),
    (["--from", "2026-11-24", "--to", "2026-11-23"], "trước ngày bắt đầu"),
    (["--from", "2026-01-01", "--to", "2026-01-31"], "Không có số nào"),
    (["--from", "2026-11-23", "--to", "2026-11-24", "--office", "XX"], "Không có trung tâm"),
])
def test_bad_input_exits_2_and_writes_nothing(office, tmp_path, capsys, args, words):
    out = tmp_path / "out"
    out.mkdir()
    assert run(office, *args, "--xlsx", str(out / "r.xlsx"), "--csv", str(out / "csv")) == 2
    assert words in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_yesterday_s_tickets_closed_at_the_end_of_the_day_are_reported_as_not_served(queue, clock, tmp_path,
                                                                                      capsys):
    """Issue 11 where the leader meets it: Monday's waiting and called tickets (and the one being served),
    closed by the end-of-day rule on Tuesday, are in the report for Monday as not served — not as served or
    no-show — in the workbook, the CSV files, JSON and on screen."""
    build_unfinished_day(queue, clock)
    clock.set(at(TUE, 9, 0))
    assert queue.call_next(1) is None and queue.call_next(2) is None      # the end-of-day rule has run
    with queue.session(write=False) as s:
        monday = {t.label: t.status for t in s.scalars(select(Ticket).where(Ticket.service_day == MON))}
    assert monday == {"A001": "done", "A002": "not_served", "A003": "not_served", "B001": "not_served"}
    path = tmp_path / "hom_qua.xlsx"
    assert run(queue, "--from", "2026-11-23", "--to", "2026-11-23", "--xlsx", str(path),
               "--csv", str(tmp_path / "csv"), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    f = data["summary"]
    assert (f["issued"], f["served"], f["no_show"], f["not_served"]) == (4, 1, 0, 3)
    wb = load_workbook(path)
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Số phát"], summary["Đã phục vụ"], summary["Vắng mặt"],
            summary["Không được phục vụ (đóng cuối ngày)"]) == (4, 1, 0, 3)
    head = [c.value for c in wb["Theo quầy"][1]]
    col = head.index("Không được phục vụ (đóng cuối ngày)")
    served, no_show = head.index("Đã phục vụ"), head.index("Vắng mặt")
    counters = [(r[0], r[served], r[no_show], r[col]) for r in wb["Theo quầy"].iter_rows(min_row=2, values_only=True)]
    assert counters == [(1, 1, 0, 1), (2, 0, 0, 1), ("(chưa gọi)", 0, 0, 1), ("Tổng", 1, 0, 3)]
    with open(tmp_path / "csv" / "01_theo_ngay.csv", encoding="utf-8-sig") as fh:
        day = list(csv.reader(fh))[1]
    assert day[:5] == ["2026-11-23", "4", "1", "0", "3"]
    assert run(queue, "--from", "23/11/2026", "--to", "23/11/2026", "--lang", "en") == 0
    screen = capsys.readouterr().out
    assert "Not served (closed at the end of the day): 3" in screen and "No-show: 0" in screen
