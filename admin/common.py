"""What every ``kiosk-admin`` command group shares: exit codes, output helpers, the queue it acts on."""
from __future__ import annotations

import json
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
