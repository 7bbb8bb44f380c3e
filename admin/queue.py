"""``kiosk-admin`` commands on the queue: init, issue, call / recall / start / finish / no-show, reactivate,
transfer, pause / resume, status, events."""
from __future__ import annotations

import getpass
import sys
from typing import Any, Callable

import db

from admin import kiosk_pin
from admin.common import CODE, COUNTER, EVENT_ID, EXIT_UNAVAILABLE, LABEL, NAME, open_service, print_json, ticket_line


def cmd_init(args) -> int:
    url = args.config.resolved_db_url
    if args.roles_sql:   # for a DBA: nothing is changed
        from db.roles import role_statements  # noqa: PLC0415
        print(";\n".join(role_statements(args.role_prefix, args.schema)) + ";")
        return 0
    pin_hash = kiosk_pin.before_init(args)     # asked (and checked) before anything changes
    svc = db.init_db(url, catalogue=args.catalogue, always_open=args.always_open, actor=acting_as(args))
    fields = svc.fields()
    print(f"Đã khởi tạo {url}: {len(fields)} lĩnh vực, {len(svc.counters())} quầy / "
          f"initialised: {len(fields)} fields, {len(svc.counters())} counters")
    if not args.no_key:   # the one place a visitor key is made: every other program refuses without it
        from core.visitors.store import create_key_file  # noqa: PLC0415
        key = args.config.resolved_key_file
        if create_key_file(key):
            print(f"Đã tạo tệp khóa dữ liệu khách {key} (0600) — chép nó sang mọi kiosk/quầy cần nhận diện / "
                  f"created the visitor key file {key}: copy it to every kiosk and counter that recognises")
    if args.roles:
        from db.roles import create_roles  # noqa: PLC0415
        names = create_roles(url, args.role_prefix)
        print(f"Đã tạo/cấp quyền vai trò / roles created and granted: {', '.join(names)} "
              "(đặt mật khẩu / set passwords: ALTER ROLE … PASSWORD '…')")
    return kiosk_pin.after_init(args, pin_hash)


def cmd_catalogue_load(args) -> int:
    """Reload the catalogue into an existing database (no migration, no key, no roles) as ``--officer NAME``
    (refused unless that officer's role may change the catalogue, db.auth.CATALOGUE_ROLES) or as the
    administrator; the ``catalogue_loaded`` event names who."""
    cat = db.load_catalogue_file(args.file)
    svc = db.QueueService(args.config.resolved_db_url, office=cat.office["code"])
    svc.load_catalogue(cat, actor=acting_as(args), always_open=args.always_open)
    print(f"Đã nạp danh mục: {len(cat.fields)} lĩnh vực, {len(cat.counters)} quầy ({acting_as(args)}) / "
          f"catalogue loaded: {len(cat.fields)} fields, {len(cat.counters)} counters")
    return 0


def cmd_issue(args) -> int:
    r = open_service(args).issue(args.field, procedure=args.procedure, priority=args.priority, kiosk="admin")
    if args.json:
        print_json(r)
    else:
        counters = ", ".join(str(c) for c in r.counters)
        print(f"{r.label}  — {r.waiting_ahead} người đang chờ trước, quầy {counters}, "
              f"chờ khoảng {r.estimated_wait_min} phút")
    return 0


def acting_as(args) -> str:
    """Staff commands act as ``--officer NAME`` or as the administrator; the events say which."""
    return f"officer:{args.officer}" if getattr(args, "officer", None) else f"admin:{getpass.getuser()}"


def _counter_op(op: str) -> Callable:
    def run(args) -> int:
        svc = open_service(args)
        if op == "call" and args.label:
            t = svc.call_ticket(args.counter, args.label, actor=acting_as(args))
        else:
            t = getattr(svc, {"call": "call_next", "no-show": "no_show"}.get(op, op))(args.counter,
                                                                                     actor=acting_as(args))
        if args.json:
            print_json(t)
        else:
            print(ticket_line(t, args.config.language))
        return 0
    return run


def cmd_reactivate(args) -> int:
    print(ticket_line(open_service(args).reactivate(args.label, actor=acting_as(args)), args.config.language))
    return 0


def cmd_transfer(args) -> int:
    t = open_service(args).transfer(args.label, args.field, actor=acting_as(args))
    print(ticket_line(t, args.config.language))
    return 0


def cmd_pause(args) -> int:
    svc = open_service(args)
    op = svc.pause if args.command == "pause" else svc.resume
    c = op(args.counter, actor=acting_as(args))
    print(f"Quầy {c.number}: {'tạm dừng / paused' if c.paused else 'đang làm việc / open'}")
    return 0


def cmd_status(args) -> int:
    svc = open_service(args)
    office, fields, counters = svc.office_info(), svc.fields(), svc.counters()
    if args.json:
        print_json({"office": office, "fields": fields, "counters": counters})
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
    svc = open_service(args)
    since = args.since if args.since is not None else (None if args.follow else 0)
    feed = svc.follow(since=since)
    shown_offline = False
    try:
        while True:
            for ev in feed.poll(timeout=1.0 if args.follow else 0):
                if args.json:
                    print_json(ev)
                else:
                    who = ev.payload.get("actor") or ev.payload.get("officer") or ""   # who acted, or tried to
                    print(f"#{ev.id} {ev.at:%H:%M:%S} {ev.kind:<14} {ev.ticket_label or '':<6} "
                          f"{'quầy ' + str(ev.counter_number) if ev.counter_number else ''} {who}".rstrip(),
                          flush=True)
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



OFFICER_HELP = "act as this officer (written in the event); default: as the administrator"


def add_commands(sub: Any) -> None:
    p = sub.add_parser("init", help="tạo/nâng cấp CSDL và nạp danh mục / create or migrate, load the catalogue")
    p.add_argument("--catalogue", help="catalogue TOML (default: assets/catalogue.toml)")
    p.add_argument("--always-open", action="store_true", help="demo/tests: open around the clock")
    p.add_argument("--no-key", action="store_true", help="do not create the visitor key file (key_file)")
    p.add_argument("--roles", action="store_true",
                   help="PostgreSQL: create the kiosk, counter, board, register and admin roles (db/roles.py)")
    p.add_argument("--roles-sql", action="store_true", help="print the roles' SQL instead of running anything")
    p.add_argument("--role-prefix", default="", help="prefix of the role names (default: none)")
    p.add_argument("--schema", default="public", help="schema for --roles-sql (default: public)")
    kiosk_pin.add_init_arguments(p)
    p.set_defaults(handler=cmd_init, officer=None)

    p = sub.add_parser("catalogue", help="danh mục / the office catalogue")
    csub = p.add_subparsers(dest="catalogue_command", required=True)
    q = csub.add_parser("load", help="nạp lại danh mục / reload the catalogue (admin role only)")
    q.add_argument("file", nargs="?", help="catalogue TOML (default: assets/catalogue.toml)")
    q.add_argument("--always-open", action="store_true", help="demo/tests: open around the clock")
    q.add_argument("--officer", type=NAME, help="act as this officer (its role must be admin); "
                                                "default: as the administrator")
    q.set_defaults(handler=cmd_catalogue_load)

    p = sub.add_parser("issue", help="cấp số / issue a ticket")
    p.add_argument("field", type=CODE, help="field code or prefix letter (e.g. HT or A)")
    p.add_argument("--procedure", type=CODE)
    p.add_argument("--priority", choices=sorted(db.PRIORITY_REASONS))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_issue)

    for op, help_text in [("call", "gọi số tiếp theo / call next"), ("recall", "gọi lại / recall"),
                          ("start", "bắt đầu / start"), ("finish", "hoàn thành / finish"),
                          ("no-show", "vắng mặt / no-show")]:
        p = sub.add_parser(op, help=help_text)
        p.add_argument("counter", type=COUNTER)
        p.add_argument("--json", action="store_true")
        p.add_argument("--officer", type=NAME, help=OFFICER_HELP)
        if op == "call":
            p.add_argument("--label", type=LABEL, help="call this ticket instead of the next one")
        else:
            p.set_defaults(label=None)
        p.set_defaults(handler=_counter_op(op))

    p = sub.add_parser("reactivate", help="cho số vắng mặt chờ lại / a no-show waits again")
    p.add_argument("label", type=LABEL)
    p.add_argument("--officer", type=NAME, help=OFFICER_HELP)
    p.set_defaults(handler=cmd_reactivate)
    p = sub.add_parser("transfer", help="chuyển lĩnh vực / transfer to another field")
    p.add_argument("label", type=LABEL)
    p.add_argument("field", type=CODE)
    p.add_argument("--officer", type=NAME, help=OFFICER_HELP)
    p.set_defaults(handler=cmd_transfer)
    for op in ("pause", "resume"):
        p = sub.add_parser(op, help="tạm dừng / tiếp tục quầy — pause / resume a counter")
        p.add_argument("counter", type=COUNTER)
        p.add_argument("--officer", type=NAME, help=OFFICER_HELP)
        p.set_defaults(handler=cmd_pause)

    p = sub.add_parser("status", help="lĩnh vực, số chờ, quầy / fields, waiting, counters")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("events", help="sự kiện / events (one JSON object per line with --json)")
    p.add_argument("--follow", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--since", type=EVENT_ID, help="last event id already seen (default: all, or now with --follow)")
    p.set_defaults(handler=cmd_events)
