"""kiosk-admin report: the workbook opened back with openpyxl (sheet names, headers, types, totals), CSV, JSON,
the summary on screen, and refusals (bad dates, empty period, unknown office) that write no file."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from openpyxl import load_workbook

from admin.cli import main

SHEETS = ["Tổng hợp", "Theo ngày", "Theo giờ", "Theo lĩnh vực", "Theo thủ tục", "Theo quầy", "Theo cán bộ",
          "Ưu tiên", "Mức hài lòng", "Ngày trong tuần × giờ"]
FIGURE_HEADERS = ["Số phát", "Đã phục vụ", "Vắng mặt", "Chuyển lĩnh vực", "Khôi phục sau vắng mặt",
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
    assert summary["Chờ trung vị (phút)"] == 6.0 and summary["Chờ P90 (phút)"] == 32.5    # minutes
    assert summary["Phục vụ P90 (phút)"] == 16.0 and summary["Điểm hài lòng (0–100)"] == 62.5
    assert isinstance(summary["Số phát"], int) and isinstance(summary["Chờ trung bình (phút)"], float)

    days = wb["Theo ngày"]
    assert [c.value for c in days[1]] == ["Ngày"] + FIGURE_HEADERS
    rows = list(days.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [dt.datetime(2026, 11, 23), dt.datetime(2026, 11, 24), "Tổng"]
    assert days["A2"].is_date and days["A2"].number_format == "DD/MM/YYYY"
    for col in range(1, 6):   # the counts of the total row are the sums of the days
        assert rows[-1][col] == sum(r[col] for r in rows[:-1])
    assert rows[0][1:4] == (6, 4, 1) and rows[0][7] == 4.0 and rows[0][8] == 15.2

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
    files = sorted(p.name for p in folder.iterdir())
    assert files[0] == "00_tong_hop.csv" and "01_theo_ngay.csv" in files and len(files) == len(SHEETS)
    with open(folder / "01_theo_ngay.csv", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Ngày"] + FIGURE_HEADERS and rows[1][:2] == ["2026-11-23", "6"]
    assert run(office, "--from", "2026-11-24", "--to", "2026-11-24") == 0
    screen = capsys.readouterr().out
    assert "Số phát: 1" in screen and "Từ ngày: 24/11/2026" in screen


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
