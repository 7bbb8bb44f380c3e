"""Load the office catalogue (TOML) into the database: validate everything first, then apply in one
transaction. Idempotent: entries are matched by code (counters by number) and updated in place."""
from __future__ import annotations

import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import CatalogueError
from .models import Counter, Field, Office, Procedure
from .rating import DEFAULT_SCALE, DEFAULT_TIMEOUT_S, SCALES

DEFAULT_CATALOGUE = Path(__file__).resolve().parent.parent / "assets" / "catalogue.toml"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SESSION = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
PRIORITY_MODES = ("strict", "interleave")


@dataclass
class Catalogue:
    office: dict[str, Any]
    fields: list[dict[str, Any]] = dc_field(default_factory=list)
    counters: list[dict[str, Any]] = dc_field(default_factory=list)


class _Checker:
    def __init__(self, source: str):
        self.source = source

    def fail(self, entry: str, problem_vi: str, problem_en: str) -> None:
        raise CatalogueError(f"{self.source}: {entry}: {problem_vi}", f"{self.source}: {entry}: {problem_en}")

    def text(self, data: dict, key: str, entry: str, required: bool = True, default: str = "") -> str:
        value = data.get(key, None)
        if value is None:
            if required:
                self.fail(entry, f"thiếu '{key}'", f"missing '{key}'")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(entry, f"'{key}' phải là chuỗi không rỗng", f"'{key}' must be a non-empty string")
        return value.strip()

    def integer(self, data: dict, key: str, entry: str, default: int | None, lo: int = 0,
                hi: int = 10**6, optional: bool = False) -> int | None:
        value = data.get(key, default)
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            self.fail(entry, f"'{key}' phải là số nguyên từ {lo} đến {hi}, không phải {value!r}",
                      f"'{key}' must be a whole number from {lo} to {hi}, not {value!r}")
        return value

    def strings(self, data: dict, key: str, entry: str) -> list[str]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(entry, f"'{key}' phải là danh sách chuỗi", f"'{key}' must be a list of strings")
        return [v.strip() for v in value]

    def known_keys(self, data: dict, allowed: set[str], entry: str) -> None:
        unknown = sorted(set(data) - allowed)
        if unknown:
            self.fail(entry, f"khóa không rõ: {', '.join(unknown)}", f"unknown keys: {', '.join(unknown)}")


def parse_catalogue(text: str, source: str = "<catalogue>") -> Catalogue:
    """Validate a catalogue; raise CatalogueError naming the file, the entry and the problem."""
    check = _Checker(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{source}: sai cú pháp TOML: {exc}", f"{source}: malformed TOML: {exc}") from None

    office_raw = data.get("office")
    if not isinstance(office_raw, dict):
        check.fail("[office]", "thiếu mục [office]", "missing [office] section")
    check.known_keys(office_raw, {"code", "name_vi", "name_en", "timezone", "issue_cutoff_minutes",
                                  "priority_mode", "interleave_after", "default_service_minutes", "hours",
                                  "sign_in_max_failures", "sign_in_lockout_minutes",
                                  "rating_scale", "rating_timeout_seconds", "kiosk_rating",
                                  "kiosk_rating_minutes"},
                     "[office]")
    office = {
        "code": check.text(office_raw, "code", "[office]"),
        "name_vi": check.text(office_raw, "name_vi", "[office]"),
        "name_en": check.text(office_raw, "name_en", "[office]"),
        "timezone": check.text(office_raw, "timezone", "[office]", required=False, default="Asia/Ho_Chi_Minh"),
        "issue_cutoff_minutes": check.integer(office_raw, "issue_cutoff_minutes", "[office]", 30, 0, 600),
        "priority_mode": check.text(office_raw, "priority_mode", "[office]", required=False, default="strict"),
        "interleave_after": check.integer(office_raw, "interleave_after", "[office]", 3, 1, 100),
        "default_service_minutes": check.integer(office_raw, "default_service_minutes", "[office]", 8, 1, 600),
        # wrong PINs in a row before a lockout, and its first length (db.auth.LockoutPolicy)
        "sign_in_max_failures": check.integer(office_raw, "sign_in_max_failures", "[office]", 5, 2, 20),
        "sign_in_lockout_minutes": check.integer(office_raw, "sign_in_lockout_minutes", "[office]", 5, 1, 1440),
        "rating_scale": check.text(office_raw, "rating_scale", "[office]", required=False, default=DEFAULT_SCALE),
        "rating_timeout_seconds": check.integer(office_raw, "rating_timeout_seconds", "[office]",
                                                DEFAULT_TIMEOUT_S, 5, 600),
        # the same question at the kiosk, for a ticket whose QR is scanned after service (its rating code)
        "kiosk_rating": office_raw.get("kiosk_rating", False),
        "kiosk_rating_minutes": check.integer(office_raw, "kiosk_rating_minutes", "[office]", 120, 5, 1440),
    }
    if not isinstance(office["kiosk_rating"], bool):
        check.fail("[office]", "kiosk_rating phải là true hoặc false", "kiosk_rating must be true or false")
    if office["rating_scale"] not in SCALES:
        check.fail("[office]", f"rating_scale phải là một trong: {', '.join(SCALES)}",
                   f"rating_scale must be one of: {', '.join(SCALES)}")
    try:
        zoneinfo.ZoneInfo(office["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        check.fail("[office]", f"múi giờ không tồn tại: {office['timezone']!r}",
                   f"unknown time zone: {office['timezone']!r}")
    if office["priority_mode"] not in PRIORITY_MODES:
        check.fail("[office]", "priority_mode phải là 'strict' hoặc 'interleave'",
                   "priority_mode must be 'strict' or 'interleave'")
    office["hours"] = _parse_hours(office_raw.get("hours", {}), check)

    fields: list[dict[str, Any]] = []
    raw_fields = data.get("fields", [])
    if not isinstance(raw_fields, list) or not raw_fields:
        check.fail("[[fields]]", "cần ít nhất một lĩnh vực", "at least one field is needed")
    codes: set[str] = set()
    prefixes: set[str] = set()
    proc_codes: set[str] = set()
    for i, raw in enumerate(raw_fields, 1):
        entry = f"[[fields]] #{i}"
        if not isinstance(raw, dict):
            check.fail(entry, "phải là một bảng", "must be a table")
        check.known_keys(raw, {"code", "prefix", "name_vi", "name_en", "icon", "number_width", "start_number",
                               "daily_cap", "procedures"}, entry)
        code = check.text(raw, "code", entry)
        entry = f"[[fields]] {code!r}"
        if not _CODE.match(code):
            check.fail(entry, "mã chỉ gồm chữ, số, '-' hoặc '_'", "code may hold only letters, digits, '-', '_'")
        if code in codes:
            check.fail(entry, "mã lĩnh vực bị trùng", "duplicate field code")
        prefix = check.text(raw, "prefix", entry)
        if not re.fullmatch(r"[A-Z]{1,3}|\d", prefix):
            check.fail(entry, "tiền tố phải là 1–3 chữ in hoa hoặc một chữ số",
                       "prefix must be 1–3 capital letters or one digit")
        if prefix in prefixes:
            check.fail(entry, f"tiền tố {prefix!r} bị trùng", f"duplicate prefix {prefix!r}")
        codes.add(code)
        prefixes.add(prefix)
        item = {
            "code": code, "prefix": prefix,
            "name_vi": check.text(raw, "name_vi", entry), "name_en": check.text(raw, "name_en", entry),
            "icon": check.text(raw, "icon", entry, required=False),
            "number_width": check.integer(raw, "number_width", entry, 3, 1, 6),
            "start_number": check.integer(raw, "start_number", entry, 1, 0, 999999),
            "daily_cap": check.integer(raw, "daily_cap", entry, None, 1, 999999, optional=True),
            "procedures": [],
        }
        highest = item["start_number"] + (item["daily_cap"] or 1) - 1
        if item["daily_cap"] and len(str(highest)) > item["number_width"]:
            check.fail(entry, f"daily_cap vượt quá số chữ số ({item['number_width']})",
                       f"daily_cap does not fit in {item['number_width']} digits")
        raw_procs = raw.get("procedures", [])
        if not isinstance(raw_procs, list):
            check.fail(entry, "'procedures' phải là danh sách", "'procedures' must be a list")
        for j, proc in enumerate(raw_procs, 1):
            pentry = f"{entry} procedure #{j}"
            if not isinstance(proc, dict):
                check.fail(pentry, "phải là một bảng", "must be a table")
            check.known_keys(proc, {"code", "national_code", "name_vi", "name_en", "documents_vi",
                                    "documents_en", "time_limit_vi", "time_limit_en", "fee_vi", "fee_en"}, pentry)
            pcode = check.text(proc, "code", pentry)
            pentry = f"{entry} procedure {pcode!r}"
            if pcode in proc_codes:
                check.fail(pentry, "mã thủ tục bị trùng", "duplicate procedure code")
            proc_codes.add(pcode)
            item["procedures"].append({
                "code": pcode,
                "national_code": check.text(proc, "national_code", pentry, required=False),
                "name_vi": check.text(proc, "name_vi", pentry), "name_en": check.text(proc, "name_en", pentry),
                "documents_vi": check.strings(proc, "documents_vi", pentry),
                "documents_en": check.strings(proc, "documents_en", pentry),
                "time_limit_vi": check.text(proc, "time_limit_vi", pentry),
                "time_limit_en": check.text(proc, "time_limit_en", pentry),
                "fee_vi": check.text(proc, "fee_vi", pentry), "fee_en": check.text(proc, "fee_en", pentry),
            })
        fields.append(item)

    counters: list[dict[str, Any]] = []
    numbers: set[int] = set()
    for i, raw in enumerate(data.get("counters", []), 1):
        entry = f"[[counters]] #{i}"
        if not isinstance(raw, dict):
            check.fail(entry, "phải là một bảng", "must be a table")
        check.known_keys(raw, {"number", "name_vi", "name_en", "fields", "priority_only"}, entry)
        number = check.integer(raw, "number", entry, None, 1, 999)
        entry = f"[[counters]] {number}"
        if number in numbers:
            check.fail(entry, "số quầy bị trùng", "duplicate counter number")
        numbers.add(number)
        served = check.strings(raw, "fields", entry)
        if not served:
            check.fail(entry, "quầy phải phục vụ ít nhất một lĩnh vực", "a counter must serve at least one field")
        for code in served:
            if code not in codes:
                check.fail(entry, f"lĩnh vực không tồn tại: {code!r}", f"unknown field: {code!r}")
        priority_only = raw.get("priority_only", False)
        if not isinstance(priority_only, bool):
            check.fail(entry, "'priority_only' phải là true/false", "'priority_only' must be true or false")
        counters.append({"number": number, "fields": served, "priority_only": priority_only,
                         "name_vi": check.text(raw, "name_vi", entry, required=False, default=f"Quầy {number}"),
                         "name_en": check.text(raw, "name_en", entry, required=False, default=f"Counter {number}")})
    return Catalogue(office=office, fields=fields, counters=counters)


def _parse_hours(raw: Any, check: _Checker) -> dict[str, list[list[str]]]:
    if not isinstance(raw, dict):
        check.fail("[office.hours]", "phải là một bảng", "must be a table")
    hours: dict[str, list[list[str]]] = {}
    for day, sessions in raw.items():
        entry = f"[office.hours] {day}"
        if day not in DAYS:
            check.fail(entry, f"ngày không hợp lệ (dùng {', '.join(DAYS)})", f"invalid day (use {', '.join(DAYS)})")
        if not isinstance(sessions, list):
            check.fail(entry, "phải là danh sách \"HH:MM-HH:MM\"", "must be a list of \"HH:MM-HH:MM\"")
        parsed = []
        for s in sessions:
            m = _SESSION.match(s) if isinstance(s, str) else None
            if not m or f"{m[1]}:{m[2]}" >= f"{m[3]}:{m[4]}" or int(m[3]) * 60 + int(m[4]) > 1440:
                check.fail(entry, f"khung giờ không hợp lệ: {s!r}", f"invalid session: {s!r}")
            parsed.append([f"{m[1]}:{m[2]}", f"{m[3]}:{m[4]}"])
        hours[day] = sorted(parsed)
    return hours


def load_catalogue_file(path: str | Path | None = None) -> Catalogue:
    p = Path(path) if path else DEFAULT_CATALOGUE
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"{p}: không đọc được tệp: {exc.strerror}",
                             f"{p}: cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise CatalogueError(f"{p}: tệp không phải UTF-8", f"{p}: file is not UTF-8") from None
    return parse_catalogue(text, str(p))


def apply_catalogue(session: Session, cat: Catalogue, always_open: bool = False) -> Office:
    """Upsert the catalogue inside the caller's transaction. Entries missing from the file are
    deactivated, never deleted (old tickets still point at them)."""
    office = session.scalar(select(Office).where(Office.code == cat.office["code"]))
    values = dict(cat.office)
    if always_open:  # demo and tests: open around the clock, no cut-off
        values["hours"] = {d: [["00:00", "24:00"]] for d in DAYS}
        values["issue_cutoff_minutes"] = 0
    if office is None:
        office = Office(**values)
        session.add(office)
        session.flush()
    else:
        for k, v in values.items():
            setattr(office, k, v)

    existing = {f.code: f for f in session.scalars(select(Field).where(Field.office_id == office.id))}
    by_code: dict[str, Field] = {}
    # Prefixes are unique per office: clear retired fields' prefixes first so a swap does not collide.
    for code, f in existing.items():
        if code not in {x["code"] for x in cat.fields}:
            f.active = False
            f.prefix = f"~{f.id}"[:4]
    session.flush()
    _refuse_colliding_prefixes(session, office, cat, existing)
    for order, item in enumerate(cat.fields):
        procs = item.pop("procedures")
        f = existing.get(item["code"]) or Field(office_id=office.id, code=item["code"])
        for k, v in item.items():
            setattr(f, k, v)
        f.sort_order, f.active = order, True
        session.add(f)
        item["procedures"] = procs
        by_code[f.code] = f
    session.flush()
    for item in cat.fields:
        f = by_code[item["code"]]
        old = {p.code: p for p in session.scalars(select(Procedure).where(Procedure.field_id == f.id))}
        wanted = {p["code"] for p in item["procedures"]}
        for code, p in old.items():
            if code not in wanted:
                p.active = False
        for order, pdata in enumerate(item["procedures"]):
            p = old.get(pdata["code"]) or Procedure(field_id=f.id)
            for k, v in pdata.items():
                setattr(p, k, v)
            p.sort_order, p.active = order, True
            session.add(p)

    old_counters = {c.number: c for c in session.scalars(select(Counter).where(Counter.office_id == office.id))}
    wanted_numbers = {c["number"] for c in cat.counters}
    for number, c in old_counters.items():
        if number not in wanted_numbers:
            c.active = False
    for item in cat.counters:
        c = old_counters.get(item["number"]) or Counter(office_id=office.id, number=item["number"])
        c.name_vi, c.name_en = item["name_vi"], item["name_en"]
        c.priority_only, c.active = item["priority_only"], True
        c.fields = [by_code[code] for code in item["fields"]]
        session.add(c)
    session.flush()
    return office


def _refuse_colliding_prefixes(session: Session, office: Office, cat: Catalogue, existing: dict) -> None:
    """A label names one ticket per day: a field may not take a prefix that another field's tickets of
    today already carry (A001 would be given twice)."""
    import datetime as dt
    import zoneinfo

    from .models import Ticket
    today = dt.datetime.now(zoneinfo.ZoneInfo(office.timezone)).date()
    used = dict(session.execute(select(Ticket.label, Ticket.number_field_id).where(
        Ticket.office_id == office.id, Ticket.service_day >= today)).all())
    if not used:
        return
    for item in cat.fields:
        f = existing.get(item["code"])
        if f is not None and f.prefix == item["prefix"]:
            continue
        prefix = item["prefix"]
        clash = [label for label, field_id in used.items()
                 if label.startswith(prefix) and label[len(prefix):].isdigit()
                 and (f is None or field_id != f.id)]
        if clash:
            raise CatalogueError(
                f"Không đổi được tiền tố của lĩnh vực {item['code']} thành {prefix!r}: hôm nay đã cấp số "
                f"{clash[0]} với tiền tố này. Hãy đổi sau khi hết ngày làm việc.",
                f"Cannot give field {item['code']} the prefix {prefix!r}: {clash[0]} was already issued "
                f"with it today. Change it after the end of the day.")
