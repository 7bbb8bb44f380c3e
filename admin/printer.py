"""``kiosk-admin printer status | test-page | send JOB | render``: the printer commands of ``python -m printer``,
on the printer this machine's configuration names (``printer = ...``) unless ``--device`` says otherwise."""
from __future__ import annotations

from typing import Any

from admin.common import SECONDS, bounded_text
from printer.cli import main as printer_main

DEVICE = bounded_text(1000, "device")


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("printer", help="máy in / the ticket printer")
    sub = p.add_subparsers(dest="printer_command", required=True)
    for name, help_text in [("status", "hỏi trạng thái máy in / ask the printer's state"),
                            ("test-page", "in trang thử / print a test page")]:
        q = sub.add_parser(name, help=help_text)
        q.add_argument("--device", type=DEVICE, help="device URL (default: the configured printer)")
        q.add_argument("--timeout", type=SECONDS, default=2.0)
        q.set_defaults(handler=cmd_printer)
    q = sub.add_parser("send", help="gửi tệp lệnh in / send an ESC/POS file")
    q.add_argument("job")
    q.add_argument("--device", type=DEVICE, help="device URL (default: the configured printer)")
    q.add_argument("--timeout", type=SECONDS, default=2.0)
    q.set_defaults(handler=cmd_printer)


def cmd_printer(args: Any) -> int:
    device = args.device or args.config.resolved_printer
    argv = [args.printer_command, "--device", device, "--timeout", str(args.timeout)]
    if args.printer_command == "test-page":
        argv += ["--width", str(args.config.paper_width), "--lang", args.config.language]
    if args.printer_command == "send":
        argv.append(args.job)
    return printer_main(argv)
