"""``kiosk-admin officer``: add and list the officers who sign in at the counters, reset their PINs, lift a
lockout, and hash a PIN for the kiosk's ``admin_pin_hash``."""
from __future__ import annotations

import getpass
import sys
from typing import Any

from admin.common import COUNTER, NAME, open_service
from db.auth import check_new_pin, hash_pin


def _read_pin(args, prompt: str = "PIN: ") -> str:
    if args.pin is not None:
        return args.pin
    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()


def cmd_officer_add(args) -> int:
    o = open_service(args).add_officer(args.name, _read_pin(args), role=args.role)
    print(f"Đã thêm cán bộ {o.name} ({o.role}) / officer added")
    return 0


def cmd_officer_list(args) -> int:
    for o in open_service(args).officers():
        print(f"{o.name}\t{o.role}")
    return 0


def cmd_officer_change_pin(args) -> int:
    """The officer types the old PIN, then the new one (twice on a terminal; one per line from stdin)."""
    if sys.stdin.isatty():
        old, new = getpass.getpass("PIN cũ / old PIN: "), getpass.getpass("PIN mới / new PIN: ")
        if getpass.getpass("Nhập lại / again: ") != new:
            print("Hai lần nhập không khớp / the two entries differ", file=sys.stderr)
            return 2
    else:
        old, new = sys.stdin.readline().strip(), sys.stdin.readline().strip()
    o = open_service(args).change_pin(args.name, old, new)
    print(f"Đã đổi mã PIN của {o.name} / PIN changed")
    return 0


def cmd_officer_unlock(args) -> int:
    n = open_service(args).unlock_sign_in(officer=args.name, counter=args.counter,
                                          actor=f"admin:{getpass.getuser()}")
    print(f"Đã mở khóa đăng nhập ({n}) / sign-in unlocked ({n})")
    return 0


def cmd_officer_hash_pin(args) -> int:
    """Print the argon2 hash of a PIN for ``admin_pin_hash`` in kiosk.toml (the PIN itself is never stored)."""
    print(hash_pin(check_new_pin(_read_pin(args, "PIN (≥ 6 chữ số / digits): "))))
    return 0


def add_commands(sub: Any) -> None:
    p = sub.add_parser("officer", help="cán bộ / officers")
    osub = p.add_subparsers(dest="officer_command", required=True)
    q = osub.add_parser("add", help="thêm cán bộ / add an officer")
    q.add_argument("name", type=NAME)
    q.add_argument("--role", default="officer", choices=["officer", "supervisor", "admin"])
    q.add_argument("--pin", help="6–12 digits (else prompted, or read from stdin)")
    q.set_defaults(handler=cmd_officer_add)
    q = osub.add_parser("list", help="danh sách / list")
    q.set_defaults(handler=cmd_officer_list)
    q = osub.add_parser("change-pin", help="đổi mã PIN / change a PIN (old, then new)")
    q.add_argument("name", type=NAME)
    q.set_defaults(handler=cmd_officer_change_pin)
    q = osub.add_parser("unlock", help="mở khóa đăng nhập / lift a sign-in lockout")
    q.add_argument("name", nargs="?", type=NAME, help="the officer (else: every lockout, or --counter's)")
    q.add_argument("--counter", type=COUNTER)
    q.set_defaults(handler=cmd_officer_unlock)
    q = osub.add_parser("hash-pin", help="băm mã PIN cho admin_pin_hash / hash a PIN for admin_pin_hash")
    q.add_argument("--pin", help="6–12 digits (else prompted, or read from stdin)")
    q.set_defaults(handler=cmd_officer_hash_pin)
