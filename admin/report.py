"""``kiosk-admin report --from D --to D [--office CODE] [--xlsx FILE] [--csv DIR] [--json]``: the statistics
of a period (db.stats) as an Excel workbook (a summary sheet first, then one sheet per view: Vietnamese
headers, dates as dates, numbers as numbers, durations in minutes), CSV files, JSON, or a summary on screen.
Bad dates or a period without tickets get a plain message and exit code 2, and no file is written."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from admin.common import CODE, EXIT_USAGE, open_service
from bilingual import Catalogue
from db import InvalidState, NotFound, stats, to_jsonable

WORDS = Catalogue("report", {
    "title": ("BÁO CÁO THỐNG KÊ HÀNG ĐỢI", "QUEUE STATISTICS REPORT"),
    "office": ("Trung tâm", "Centre"),
    "from": ("Từ ngày", "From"),
    "to": ("Đến ngày", "To"),
    "days": ("Số ngày có số phát", "Days with tickets"),
    "figure": ("Chỉ tiêu", "Figure"),
    "value": ("Giá trị", "Value"),
    # the figures, in the order of every view sheet's columns
    "col_issued": ("Số phát", "Issued"),
    "col_served": ("Đã phục vụ", "Served"),
    "col_no_show": ("Vắng mặt", "No-show"),
    "col_not_served": ("Không được phục vụ (đóng cuối ngày)", "Not served (closed at the end of the day)"),
    "col_transferred": ("Chuyển lĩnh vực", "Transferred"),
    "col_reactivated": ("Khôi phục sau vắng mặt", "Reactivated"),
    "col_wait_mean_min": ("Chờ trung bình (phút)", "Mean wait (min)"),
    "col_wait_median_min": ("Chờ trung vị (phút)", "Median wait (min)"),
    "col_wait_p90_min": ("Chờ P90 (phút)", "90th percentile wait (min)"),
    "col_service_mean_min": ("Phục vụ trung bình (phút)", "Mean service (min)"),
    "col_service_median_min": ("Phục vụ trung vị (phút)", "Median service (min)"),
    "col_service_p90_min": ("Phục vụ P90 (phút)", "90th percentile service (min)"),
    "col_waited_over": ("Chờ quá {n} phút", "Waited over {n} min"),
    "col_priority": ("Số ưu tiên", "Priority tickets"),
    "col_priority_wait_mean_min": ("Ưu tiên chờ trung bình (phút)", "Priority mean wait (min)"),
    "col_ratings": ("Số đánh giá", "Ratings"),
    "col_score": ("Điểm hài lòng (0–100)", "Satisfaction score (0–100)"),
    "col_satisfied_pct": ("Tỷ lệ hài lòng (%)", "Satisfied (%)"),
    # the views: sheet name and the heading of the group column(s)
    "sheet_summary": ("Tổng hợp", "Summary"),
    "sheet_day": ("Theo ngày", "By day"),
    "sheet_hour": ("Theo giờ", "By hour"),
    "sheet_field": ("Theo lĩnh vực", "By field"),
    "sheet_procedure": ("Theo thủ tục", "By procedure"),
    "sheet_counter": ("Theo quầy", "By counter"),
    "sheet_officer": ("Theo cán bộ", "By officer"),
    "sheet_priority": ("Ưu tiên", "Priority"),
    "sheet_satisfaction": ("Mức hài lòng", "Satisfaction"),
    "sheet_heat": ("Ngày trong tuần × giờ", "Weekday × hour"),
    "key_day": ("Ngày", "Date"),
    "key_hour": ("Giờ", "Hour"),
    "key_field": ("Lĩnh vực", "Field"),
    "key_procedure": ("Thủ tục", "Procedure"),
    "key_counter": ("Quầy", "Counter"),
    "key_officer": ("Cán bộ", "Officer"),
    "key_priority": ("Đối tượng", "Priority reason"),
    "code": ("Mã", "Code"),
    "total": ("Tổng", "Total"),
    "scale": ("Thang", "Scale"),
    "level": ("Mức", "Answer"),
    "count": ("Số lượt", "Count"),
    "share": ("Tỷ lệ (%)", "Share (%)"),
    "reason": ("Lý do chưa hài lòng", "Reason given"),
    "weekday": ("Thứ", "Weekday"),
    "weekdays": ("Thứ Hai,Thứ Ba,Thứ Tư,Thứ Năm,Thứ Sáu,Thứ Bảy,Chủ Nhật",
                 "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday"),
    # messages
    "bad_date": ("Ngày không hợp lệ: {value!r} (dùng YYYY-MM-DD hoặc DD/MM/YYYY)",
                 "Invalid date: {value!r} (use YYYY-MM-DD or DD/MM/YYYY)"),
    "empty": ("Không có số nào được phát từ {start} đến {end}{office} — không tạo tệp báo cáo",
              "No tickets were issued from {start} to {end}{office} — no report file written"),
    "written": ("Đã ghi {path}", "Written: {path}"),
    "cli_help": ("báo cáo thống kê (Excel, CSV, JSON)", "statistics report (Excel, CSV, JSON)"),
}, dynamic_prefixes=("col_", "sheet_", "key_"))

FIGURES = ("issued", "served", "no_show", "not_served", "transferred", "reactivated", "wait_mean_min",
           "wait_median_min", "wait_p90_min", "service_mean_min", "service_median_min", "service_p90_min",
           "waited_over", "priority", "priority_wait_mean_min", "ratings", "score", "satisfied_pct")
MINUTES = {f for f in FIGURES if f.endswith("_min")}
PERCENT = {"score", "satisfied_pct"}


def parse_date(value: str) -> dt.date:
    text = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _rounded(name: str, value: Any) -> Any:
    if value is None:
        return None
    return round(float(value), 2) if name in MINUTES or name in PERCENT else int(value)


def _headers(lang: str, threshold: int) -> list[str]:
    return [WORDS.text(lang, f"col_{f}", n=threshold) if f == "waited_over" else WORDS.text(lang, f"col_{f}")
            for f in FIGURES]


def _key_columns(view: str, lang: str) -> tuple[list[str], Callable[[stats.Row], list[Any]]]:
    """The leading column(s) of a view sheet: their headings and their values for a row."""
    t = lambda key: WORDS.text(lang, key)  # noqa: E731
    if view == "day":
        return [t("key_day")], lambda r: [r.key]
    if view == "hour":
        return [t("key_hour")], lambda r: [r.name]
    if view in ("field", "procedure"):
        return [t("code"), t(f"key_{view}")], lambda r: [r.key, r.name]
    if view == "counter":
        return [t("key_counter")], lambda r: [r.key if r.key is not None else r.name]
    return [t(f"key_{view}")], lambda r: [r.name]


def tables(report: stats.Report, lang: str = "vi") -> list[tuple[str, list[str], list[list[Any]]]]:
    """Every sheet as (name, headers, rows), the summary first: what the workbook and the CSV files hold."""
    t = lambda key, **kw: WORDS.text(lang, key, **kw)  # noqa: E731
    s = report.summary
    heads = _headers(lang, report.wait_threshold_min)
    summary_rows: list[list[Any]] = [
        [t("office"), f"{report.office_name} ({report.office_code})"],
        [t("from"), report.start], [t("to"), report.end], [t("days"), report.days],
    ] + [[head, _rounded(f, getattr(s, f))] for head, f in zip(heads, FIGURES, strict=True)]
    out = [(t("sheet_summary"), [t("figure"), t("value")], summary_rows)]
    for view, rows in report.views.items():
        key_heads, key_values = _key_columns(view, lang)
        body = [key_values(r) + [_rounded(f, getattr(r.figures, f)) for f in FIGURES] for r in rows]
        total = [t("total")] + [None] * (len(key_heads) - 1) + [_rounded(f, getattr(s, f)) for f in FIGURES]
        out.append((t(f"sheet_{view}"), key_heads + heads, body + [total]))
    levels = [[lc.scale, lc.label, lc.count, round(lc.share_pct, 2)] for lc in report.levels]
    reasons = [[None, f"{t('reason')}: {label}", n, None] for _code, label, n in report.reasons]
    out.append((t("sheet_satisfaction"), [t("scale"), t("level"), t("count"), t("share")], levels + reasons))
    names = t("weekdays").split(",")
    hours = sorted({h for _, h, _ in report.weekday_hour})
    grid = {(w, h): n for w, h, n in report.weekday_hour}
    heat = [[names[w]] + [grid.get((w, h), 0) for h in hours] for w in sorted({w for w, _, _ in report.weekday_hour})]
    out.append((t("sheet_heat"), [t("weekday")] + [f"{h:02d}:00" for h in hours], heat))
    return out


def write_xlsx(report: stats.Report, path: Path, lang: str = "vi") -> None:
    from openpyxl import Workbook  # noqa: PLC0415  (only when a workbook is asked for)
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="D9E1F2")
    for name, headers, rows in tables(report, lang):
        ws = wb.create_sheet(name[:31])
        ws.append(headers)
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in rows:
            ws.append(row)
        for r in ws.iter_rows(min_row=2):
            for cell in r:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(cell.value, float):
                    cell.number_format = "0.0"
        if rows and rows[-1] and rows[-1][0] == WORDS.text(lang, "total"):
            for cell in ws[ws.max_row]:
                cell.font = bold
        ws.freeze_panes = "B2"
        for i, head in enumerate(headers, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(str(head)) + 2))
    ws = wb[WORDS.text(lang, "sheet_summary")[:31]]
    ws.oddHeader.center.text = WORDS.text(lang, "title")   # printed on every page
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 48
    _atomic_write(path, wb.save)


def write_csv(report: stats.Report, folder: Path, lang: str = "vi") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, (name, headers, rows) in enumerate(tables(report, lang)):
        path = folder / f"{i:02d}_{_slug(name)}.csv"

        def save(target: str, headers=headers, rows=rows) -> None:
            with open(target, "w", newline="", encoding="utf-8-sig") as fh:   # the BOM: Excel reads UTF-8
                w = csv.writer(fh)
                w.writerow(headers)
                w.writerows([[v.isoformat() if isinstance(v, dt.date) else v for v in row] for row in rows])
        _atomic_write(path, save)
        written.append(path)
    return written


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else "_" for c in text.lower()).strip("_")


def _atomic_write(path: Path, save: Callable[[str], None]) -> None:
    """A half-written report never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_report(args) -> int:
    lang = args.lang or "vi"
    try:
        start, end = parse_date(args.date_from), parse_date(args.date_to)
    except ValueError as exc:
        print(WORDS.both("bad_date", value=str(exc)), file=sys.stderr)
        return EXIT_USAGE
    svc = open_service(args)
    try:
        try:
            report = stats.report(svc, start, end, office=args.office, wait_threshold_min=args.threshold, lang=lang)
        except (InvalidState, NotFound) as exc:
            print(exc, file=sys.stderr)
            return EXIT_USAGE
    finally:
        svc.close()
    if report.empty:
        office = f" ({report.office_code})"
        print(WORDS.both("empty", start=f"{start:%d/%m/%Y}", end=f"{end:%d/%m/%Y}", office=office), file=sys.stderr)
        return EXIT_USAGE
    if args.xlsx:
        write_xlsx(report, Path(args.xlsx), lang)
        print(WORDS.both("written", path=args.xlsx), file=sys.stderr)
    if args.csv:
        for path in write_csv(report, Path(args.csv), lang):
            print(WORDS.both("written", path=path), file=sys.stderr)
    if args.json:
        print(json.dumps(to_jsonable(report), ensure_ascii=False), flush=True)
    elif not (args.xlsx or args.csv):
        _, _, rows = tables(report, lang)[0]
        for label, value in rows:
            shown = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else ("—" if value is None else value)
            print(f"{label}: {shown}")
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("report", help=WORDS.both("cli_help"))
    p.add_argument("--from", dest="date_from", required=True, help="first day (YYYY-MM-DD or DD/MM/YYYY)")
    p.add_argument("--to", dest="date_to", required=True, help="last day, included")
    p.add_argument("--office", type=CODE, help="office code (default: the database's office)")
    p.add_argument("--xlsx", help="write an Excel workbook here")
    p.add_argument("--csv", help="write one CSV file per sheet into this folder")
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.add_argument("--threshold", type=int, default=stats.DEFAULT_WAIT_THRESHOLD_MIN,
                   help="count tickets that waited longer than this many minutes (default 30)")
    p.add_argument("--lang", choices=("vi", "en"), help="language of the headers (default Vietnamese)")
    p.set_defaults(handler=cmd_report)
