"""Command line for the printer module (messages in Vietnamese, then English): `python -m printer` and
`kiosk-admin printer` (on the configured printer) run it.

    python -m printer render --ticket t.json [--width 576] [--column] [--text] --out t.bin [--png t.png]
    python -m printer send --device URL t.bin
    python -m printer status --device URL
    python -m printer test-page --device URL [--width 576]

Exit codes: 0 done / printer ready (also "paper low"), 1 the printer did not print or is not ready,
2 bad input (file, ticket data, device address).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import PrintStatus, Ticket, TicketError, encode_ticket_text, open_device
from .devices import DeviceError
from .encode import encode_image
from .layout import compose_test_page, draw, render_ticket

EXIT_OK, EXIT_NOT_PRINTED, EXIT_BAD_INPUT = 0, 1, 2


def _say(vi: str, en: str, stream=None) -> None:
    # sys.stdout looked up at call time: bound as a default it would be whatever stdout was at import
    print(f"{vi}\n  ({en})", file=stream or sys.stdout)


def _report(result, ready_wording: bool = False) -> int:
    if ready_wording and result.status is PrintStatus.PRINTED:
        _say("Máy in sẵn sàng.", "Printer ready.")
    else:
        _say(result.staff_message("vi"), result.staff_message("en"))
    if not result.verified:
        _say("Thiết bị này không báo được trạng thái: hãy kiểm tra phiếu đã ra chưa.",
             "This device cannot report its state: check that the ticket came out.")
    print(f"  detail: {result.detail}")
    return EXIT_OK if result.printed else EXIT_NOT_PRINTED


def cmd_render(a) -> int:
    try:
        ticket = Ticket.from_json(Path(a.ticket).read_bytes())
        if a.text:
            data, image = encode_ticket_text(ticket, a.width), None
        else:
            image = render_ticket(ticket, a.width)
            data = encode_image(image, column_mode=a.column)
    except OSError as exc:
        _say(f"Không đọc được tệp phiếu {a.ticket}: {exc.strerror}", f"cannot read the ticket file: {exc}",
             sys.stderr)
        return EXIT_BAD_INPUT
    except TicketError as exc:
        _say(f"Dữ liệu phiếu không hợp lệ: {exc.message('vi')}", f"invalid ticket data: {exc.message('en')}",
             sys.stderr)
        return EXIT_BAD_INPUT
    Path(a.out).write_bytes(data)
    if a.png:
        (image or render_ticket(ticket, a.width)).save(a.png)
    _say(f"Đã tạo phiếu {ticket.label}: {len(data)} byte -> {a.out}",
         f"ticket {ticket.label} written: {len(data)} bytes -> {a.out}" + (f", image {a.png}" if a.png else ""))
    return EXIT_OK


def _device(url: str):
    try:
        return open_device(url)
    except DeviceError as exc:
        _say(exc.message("vi"), exc.message("en"), sys.stderr)
        return None


def cmd_send(a) -> int:
    device = _device(a.device)
    if device is None:
        return EXIT_BAD_INPUT
    try:
        data = Path(a.job).read_bytes()
    except OSError as exc:
        _say(f"Không đọc được tệp lệnh in {a.job}", f"cannot read the job file: {exc}", sys.stderr)
        return EXIT_BAD_INPUT
    if not data:
        _say("Tệp lệnh in rỗng.", "the job file is empty", sys.stderr)
        return EXIT_BAD_INPUT
    return _report(device.send(data, a.timeout, name=Path(a.job).stem))


def cmd_status(a) -> int:
    device = _device(a.device)
    if device is None:
        return EXIT_BAD_INPUT
    return _report(device.check(a.timeout), ready_wording=True)


def cmd_test_page(a) -> int:
    device = _device(a.device)
    if device is None:
        return EXIT_BAD_INPUT
    try:
        image = draw(compose_test_page(a.width, a.lang, a.device))
    except TicketError as exc:
        _say(exc.message("vi"), exc.message("en"), sys.stderr)
        return EXIT_BAD_INPUT
    data = encode_image(image, device.spec.column_mode, device.spec.cut)
    return _report(device.send(data, a.timeout, image=image, name="test-page"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m printer", description="In phiếu số thứ tự / print queue tickets")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("render", help="ticket JSON -> ESC/POS bytes (+ PNG)")
    r.add_argument("--ticket", required=True, help="ticket JSON file (Ticket.to_json())")
    r.add_argument("--width", type=int, default=576, help="dots: 384 (58 mm), 576 (80 mm), 512, 640")
    r.add_argument("--column", action="store_true", help="ESC * column mode for old printers")
    r.add_argument("--text", action="store_true", help="ASCII text fallback for very slow serial printers")
    r.add_argument("--out", required=True)
    r.add_argument("--png")
    s = sub.add_parser("send", help="send an ESC/POS file to a printer, with status checks")
    s.add_argument("--device", required=True)
    s.add_argument("job")
    st = sub.add_parser("status", help="ask the printer's state (nothing is printed)")
    st.add_argument("--device", required=True)
    t = sub.add_parser("test-page", help="print a test page")
    t.add_argument("--device", required=True)
    t.add_argument("--width", type=int, default=576)
    t.add_argument("--lang", default="vi", choices=["vi", "en"])
    for p in (s, st, t):
        p.add_argument("--timeout", type=float, default=2.0, help="seconds per step (default 2)")
    a = ap.parse_args(argv)
    handler = {"render": cmd_render, "send": cmd_send, "status": cmd_status, "test-page": cmd_test_page}
    return handler[a.command](a)


if __name__ == "__main__":
    sys.exit(main())
