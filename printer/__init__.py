"""Ticket printing: ticket data -> image -> ESC/POS -> device. Never imports Qt.

    from printer import Ticket, render_ticket, encode_ticket, print_ticket
    result = print_ticket(ticket, "tcp://192.168.1.50:9100")      # never raises for device problems
    if not result.printed: show(result.citizen_message("vi")); tell_staff(result.staff_message("vi"))

The ticket is drawn with Pillow and the bundled DejaVu Sans (assets/fonts), thresholded to 1 bit,
exactly as wide as the paper (384 dots = 58 mm, 576 = 80 mm, or 512/640...), then sent as ESC @,
GS v 0 image (or ESC * column mode), feed and cut. Status is asked before and after each job.
"""
from __future__ import annotations

from .devices import Device, DeviceError, DeviceSpec, open_device, parse_device
from .encode import encode_image, encode_test_page, encode_ticket, encode_ticket_text
from .layout import PAPER_WIDTHS, Composition, TextLine, TicketLayout, compose_ticket, render_ticket
from .status import PrinterState, PrintResult, PrintStatus
from .ticket import Ticket, TicketError


def encode_for_device(ticket: Ticket, device: Device, width: int = 576, layout: TicketLayout | None = None):
    """(image or None, job bytes) in the form the device is configured for (raster, column or text)."""
    if device.spec.mode == "text":
        return None, encode_ticket_text(ticket, width, layout)
    image = render_ticket(ticket, width, layout)
    return image, encode_image(image, device.spec.column_mode, device.spec.cut)


def preload() -> None:
    """Import python-escpos now instead of at the first ticket: its import parses a printer database in C,
    holding Python's GIL for ~50–100 ms, which would freeze a GUI thread if done by a worker later."""
    from ._escpos import escpos_printers
    escpos_printers()


def print_ticket(ticket: Ticket, device_url: str, width: int = 576, timeout: float = 2.0,
                 layout: TicketLayout | None = None) -> PrintResult:
    """Render, encode and print one ticket; returns what happened, never raises.

    Blocks at most about 2 x timeout plus the time the link needs to carry the job (a fraction of a
    second on USB or network; seconds on a serial line: use ?mode=text there). The ticket stays valid
    whatever happens: reprint it later.
    """
    try:
        device = open_device(device_url)
        image, data = encode_for_device(ticket, device, width, layout)
    except (DeviceError, TicketError) as exc:
        return PrintResult(PrintStatus.ERROR, str(exc))
    except Exception as exc:  # a bug must not stop the kiosk from handing out numbers
        return PrintResult(PrintStatus.ERROR, f"could not prepare the ticket: {exc.__class__.__name__}: {exc}")
    return device.send(data, timeout, image=image, name=ticket.label)


__all__ = [
    "Ticket", "TicketError", "TicketLayout", "PrintResult", "PrintStatus", "PrinterState",
    "render_ticket", "compose_ticket", "Composition", "TextLine", "encode_ticket", "encode_ticket_text",
    "encode_image", "encode_test_page", "encode_for_device", "open_device", "parse_device", "Device",
    "DeviceSpec", "DeviceError", "print_ticket", "preload", "PAPER_WIDTHS",
]
