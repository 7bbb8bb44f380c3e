"""``kiosk-admin officer``: add and list the officers who sign in at the counters."""
from __future__ import annotations

import getpass
import sys
from typing import Any

from admin.common import open_service


def cmd_officer_add(args) -> int:
    pin = args.pin
    if pin is None:
        pin = getpass.getpass("PIN: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    o = open_service(args).add_officer(args.name, pin, role=args.role)
    print(f"Đã thêm cán bộ {o.name} ({o.role}) / officer added")
    return 0


def cmd_officer_list(args) -> int:
    for o in open_service(args).officers():
        print(f"{o.name}\t{o.role}")
    return 0



def add_commands(sub: Any) -> None:
    p = sub.add_parser("officer", help="cán bộ / officers")
    osub = p.add_subparsers(dest="officer_command", required=True)
    q = osub.add_parser("add", help="thêm cán bộ / add an officer")
    q.add_argument("name")
    q.add_argument("--role", default="officer", choices=["officer", "supervisor", "admin"])
    q.add_argument("--pin", help="4–8 digits (else prompted, or read from stdin)")
    q.set_defaults(handler=cmd_officer_add)
    q = osub.add_parser("list", help="danh sách / list")
    q.set_defaults(handler=cmd_officer_list)
