"""``kiosk-admin cccd parse < payload.txt``: read one CCCD QR payload, print it as JSON (exit 2 with the reason)."""
from __future__ import annotations

import json
import sys
from typing import Any

import argparse

from admin.visitors import EXIT_REFUSED, _fail


def add_commands(subparsers: Any) -> None:
    cccd = subparsers.add_parser("cccd", help="mã QR CCCD / CCCD QR code")
    cccd_sub = cccd.add_subparsers(dest="cccd_command", required=True)
    p = cccd_sub.add_parser("parse", help="đọc một mã QR từ stdin / parse one payload from stdin")
    p.set_defaults(handler=cmd_cccd_parse)


def cmd_cccd_parse(args: argparse.Namespace) -> int:
    from core.visitors.cccd import CccdError, parse_cccd  # noqa: PLC0415

    payload = sys.stdin.read()
    try:
        info = parse_cccd(payload.rstrip("\r\n"))
    except CccdError as exc:
        return _fail(str(exc))
    print(json.dumps(info.to_json_dict(), ensure_ascii=False))
    return 0


__all__ = ["EXIT_REFUSED", "add_commands", "cmd_cccd_parse"]
