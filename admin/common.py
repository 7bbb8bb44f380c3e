"""What every ``kiosk-admin`` command group shares: exit codes, output helpers, the queue it acts on."""
from __future__ import annotations

import argparse
import json
import math
from typing import Any

import db
from db import to_jsonable

EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE = 1, 2, 3


def print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), ensure_ascii=False), flush=True)


def ticket_line(t: db.TicketInfo | None, lang: str) -> str:
    if t is None:
        return "Không có ai đang chờ / Nobody is waiting"
    field = t.field_name_en if lang == "en" else t.field_name_vi
    where = f" → quầy {t.counter_number}" if t.counter_number else ""
    prio = f" [ƯU TIÊN: {t.priority_reason}]" if t.priority_reason else ""
    return f"{t.label}  {field}{prio}  ({t.status}){where}"


def open_service(args) -> db.QueueService:
    return db.open_queue(args.config.resolved_db_url, office=args.config.office or None)


# ---- argument types: bad input is refused by argparse (exit 2, one short line), never reaches the database
MAX_ID = 2 ** 63 - 1          # SQLite INTEGER / PostgreSQL BIGINT


def bounded_int(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{what}: cần một số nguyên / an integer is needed: {text[:20]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}: phải từ {low} đến {high} / must be {low}..{high}: {text[:20]}")
        return value
    parse.__name__ = what      # argparse names the type in its messages
    return parse


def bounded_float(low: float, high: float, what: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}: cần một số / a number is needed: {text[:20]!r}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}: phải từ {low:g} đến {high:g} / must be {low:g}..{high:g}")
        return value
    parse.__name__ = what
    return parse


def bounded_text(max_length: int, what: str, allow_empty: bool = False):
    def parse(text: str) -> str:
        if not text.strip() and not allow_empty:
            raise argparse.ArgumentTypeError(f"{what}: không được để trống / must not be empty")
        if len(text) > max_length:
            raise argparse.ArgumentTypeError(f"{what}: dài quá {max_length} ký tự / longer than {max_length} "
                                             f"characters ({len(text)})")
        return text
    parse.__name__ = what
    return parse


COUNTER = bounded_int(1, 9999, "counter")
EVENT_ID = bounded_int(0, MAX_ID, "event id")
VISITOR_ID = bounded_int(1, MAX_ID, "visitor id")
LABEL = bounded_text(16, "label")
CODE = bounded_text(32, "code")
NAME = bounded_text(100, "name")
SECONDS = bounded_float(0.05, 600, "timeout")
