"""kiosk-admin: set up and operate the queue from a terminal (Qt-free).

    kiosk-admin [--db URL] [--config PATH] init | issue | call | recall | start | finish | no-show |
                reactivate | transfer | pause | resume | status | events | officer add | face | cccd | privacy

The database is ``--db``, else ``KIOSK_DB_URL`` (or the config file), else a SQLite file in the user's data
directory. Errors go to stderr in plain words with a non-zero exit code: 1 the queue refused, 2 bad input,
3 the database is unreachable.
"""
from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any, Callable

import db
from db import QueueError, Unavailable, to_jsonable

from core.config import ConfigError, load_config

EXIT_REFUSED, EXIT_USAGE, EXIT_UNAVAILABLE = 1, 2, 3


def _print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), ensure_ascii=False), flush=True)


def _ticket_line(t: db.TicketInfo | None, lang: str) -> str:
    if t is None:
        return "Không có ai đang chờ / Nobody is waiting"
    field = t.field_name_en if lang == "en" else t.field_name_vi
    where = f" → quầy {t.counter_number}" if t.counter_number else ""
    prio = f" [ƯU TIÊN: {t.priority_reason}]" if t.priority_reason else ""
    return f"{t.label}  {field}{prio}  ({t.status}){where}"


def _service(args) -> db.QueueService:
    return db.open_queue(args.config.resolved_db_url, office=args.config.office or None)


# ------------------------------------------------------------------ commands
def cmd_init(args) -> int:
    url = args.config.resolved_db_url
    svc = db.init_db(url, catalogue=args.catalogue, always_open=args.always_open)
    fields = svc.fields()
    print(f"Đã khởi tạo {url}: {len(fields)} lĩnh vực, {len(svc.counters())} quầy / "
          f"initialised: {len(fields)} fields, {len(svc.counters())} counters")
    return 0


def cmd_issue(args) -> int:
    r = _service(args).issue(args.field, procedure=args.procedure, priority=args.priority, kiosk="admin")
    if args.json:
        _print_json(r)
    else:
        counters = ", ".join(str(c) for c in r.counters)
        print(f"{r.label}  — {r.waiting_ahead} người đang chờ trước, quầy {counters}, "
              f"chờ khoảng {r.estimated_wait_min} phút")
    return 0


def _counter_op(op: str) -> Callable:
    def run(args) -> int:
        svc = _service(args)
        if op == "call" and args.label:
            t = svc.call_ticket(args.counter, args.label)
        else:
            t = getattr(svc, {"call": "call_next", "no-show": "no_show"}.get(op, op))(args.counter)
        if args.json:
            _print_json(t)
        else:
            print(_ticket_line(t, args.config.language))
        return 0
    return run


def cmd_reactivate(args) -> int:
    print(_ticket_line(_service(args).reactivate(args.label), args.config.language))
    return 0


def cmd_transfer(args) -> int:
    print(_ticket_line(_service(args).transfer(args.label, args.field), args.config.language))
    return 0


def cmd_pause(args) -> int:
    svc = _service(args)
    c = svc.pause(args.counter) if args.command == "pause" else svc.resume(args.counter)
    print(f"Quầy {c.number}: {'tạm dừng / paused' if c.paused else 'đang làm việc / open'}")
    return 0


def cmd_status(args) -> int:
    svc = _service(args)
    office, fields, counters = svc.office_info(), svc.fields(), svc.counters()
    if args.json:
        _print_json({"office": office, "fields": fields, "counters": counters})
        return 0
    en = args.config.language == "en"
    print(office.name_en if en else office.name_vi)
    if not office.is_open:
        print(f"  {office.closed_reason_en if en else office.closed_reason_vi}")
    print(f"{'Mã':<6}{'Số':<5}{'Lĩnh vực':<44}{'Chờ':>5}{'Phút':>6}")
    for f in fields:
        name = f.name_en if en else f.name_vi
        note = "" if f.available else f"  ({f.unavailable_reason_en if en else f.unavailable_reason_vi})"
        print(f"{f.code:<6}{f.prefix:<5}{name[:43]:<44}{f.waiting:>5}{f.estimated_wait_min:>6}{note}")
    print()
    for c in counters:
        state = "tạm dừng" if c.paused else "mở"
        who = f", {c.officer_name}" if c.officer_name else ""
        print(f"Quầy {c.number:<3} {','.join(c.field_codes):<34} {'ưu tiên ' if c.priority_only else ''}{state}{who}")
    return 0


def cmd_events(args) -> int:
    svc = _service(args)
    since = args.since if args.since is not None else (None if args.follow else 0)
    feed = svc.follow(since=since)
    shown_offline = False
    try:
        while True:
            for ev in feed.poll(timeout=1.0 if args.follow else 0):
                if args.json:
                    _print_json(ev)
                else:
                    print(f"#{ev.id} {ev.at:%H:%M:%S} {ev.kind:<14} {ev.ticket_label or '':<6} "
                          f"{'quầy ' + str(ev.counter_number) if ev.counter_number else ''}", flush=True)
            if not feed.connected and not shown_offline:
                print(f"(mất kết nối, đang thử lại / connection lost, retrying: {feed.last_error})",
                      file=sys.stderr, flush=True)
            shown_offline = not feed.connected
            if not args.follow:
                if not feed.connected:
                    return EXIT_UNAVAILABLE
                return 0
    except KeyboardInterrupt:
        return 0
    finally:
        feed.close()


def cmd_officer_add(args) -> int:
    pin = args.pin
    if pin is None:
        pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    o = _service(args).add_officer(args.name, pin, role=args.role)
    print(f"Đã thêm cán bộ {o.name} ({o.role}) / officer added")
    return 0


def cmd_officer_list(args) -> int:
    for o in _service(args).officers():
        print(f"{o.name}\t{o.role}")
    return 0


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="kiosk-admin", description="Quản trị hàng đợi / queue administration")
    ap.add_argument("--db", help="database URL (else KIOSK_DB_URL, else a SQLite file in the data directory)")
    ap.add_argument("--config", help="configuration file (TOML)")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="tạo/nâng cấp CSDL và nạp danh mục / create or migrate, load the catalogue")
    p.add_argument("--catalogue", help="catalogue TOML (default: assets/catalogue.toml)")
    p.add_argument("--always-open", action="store_true", help="demo/tests: open around the clock")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("issue", help="cấp số / issue a ticket")
    p.add_argument("field", help="field code or prefix letter (e.g. HT or A)")
    p.add_argument("--procedure")
    p.add_argument("--priority", choices=sorted(db.PRIORITY_REASONS))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_issue)

    for op, help_text in [("call", "gọi số tiếp theo / call next"), ("recall", "gọi lại / recall"),
                          ("start", "bắt đầu / start"), ("finish", "hoàn thành / finish"),
                          ("no-show", "vắng mặt / no-show")]:
        p = sub.add_parser(op, help=help_text)
        p.add_argument("counter", type=int)
        p.add_argument("--json", action="store_true")
        if op == "call":
            p.add_argument("--label", help="call this ticket instead of the next one")
        else:
            p.set_defaults(label=None)
        p.set_defaults(handler=_counter_op(op))

    p = sub.add_parser("reactivate", help="cho số vắng mặt chờ lại / a no-show waits again")
    p.add_argument("label")
    p.set_defaults(handler=cmd_reactivate)
    p = sub.add_parser("transfer", help="chuyển lĩnh vực / transfer to another field")
    p.add_argument("label")
    p.add_argument("field")
    p.set_defaults(handler=cmd_transfer)
    for op in ("pause", "resume"):
        p = sub.add_parser(op, help="tạm dừng / tiếp tục quầy — pause / resume a counter")
        p.add_argument("counter", type=int)
        p.set_defaults(handler=cmd_pause)

    p = sub.add_parser("status", help="lĩnh vực, số chờ, quầy / fields, waiting, counters")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("events", help="sự kiện / events (one JSON object per line with --json)")
    p.add_argument("--follow", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--since", type=int, help="last event id already seen (default: all, or now with --follow)")
    p.set_defaults(handler=cmd_events)

    p = sub.add_parser("officer", help="cán bộ / officers")
    osub = p.add_subparsers(dest="officer_command", required=True)
    q = osub.add_parser("add", help="thêm cán bộ / add an officer")
    q.add_argument("name")
    q.add_argument("--role", default="officer", choices=["officer", "supervisor", "admin"])
    q.add_argument("--pin", help="4–8 digits (else prompted, or read from stdin)")
    q.set_defaults(handler=cmd_officer_add)
    q = osub.add_parser("list", help="danh sách / list")
    q.set_defaults(handler=cmd_officer_list)

    from admin.visitors import add_commands  # face, cccd, privacy
    add_commands(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.config = load_config(args.config, db_url=args.db)
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        print(f"Lỗi cấu hình / configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Unavailable as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except db.CatalogueError as exc:
        print(f"Danh mục không hợp lệ, không thay đổi gì / invalid catalogue, nothing changed:\n  {exc}",
              file=sys.stderr)
        return EXIT_USAGE
    except QueueError as exc:
        print(f"Không thực hiện được / refused: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
