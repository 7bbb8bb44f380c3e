"""What happened to a print job, and what to tell the citizen and the staff about it.

Printer state comes from the Epson real-time status requests DLE EOT n (supported by nearly every
ESC/POS printer). Each reply is one byte whose bits 1 and 4 are always 1 and bits 0 and 7 always 0.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from .texts import WORDS

STATUS_REQUESTS = b"\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"   # DLE EOT 1, 2, 3, 4
REALTIME_N = (1, 2, 3, 4)


def is_status_byte(b: int) -> bool:
    return b & 0x93 == 0x12


def count_status_requests(data: bytes) -> int:
    """How many DLE EOT n sequences `data` holds (the printer answers those found inside image data too)."""
    count, i = 0, data.find(b"\x10\x04")
    while i != -1:
        if i + 2 < len(data) and data[i + 2] in REALTIME_N:
            count += 1
            i = data.find(b"\x10\x04", i + 3)
        else:
            i = data.find(b"\x10\x04", i + 1)
    return count


class PrintStatus(enum.Enum):
    PRINTED = "printed"
    PAPER_LOW = "paper_low"        # printed; warn the staff to change the roll soon
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"            # the printer says it is offline / has an error (cutter jam, ...)
    NO_RESPONSE = "no_response"    # no connection, or no answer to status requests
    REFUSED = "refused"            # connection refused (wrong port, printer busy with another host)
    ERROR = "error"                # anything else: bad device URL, connection dropped mid-job, ...


@dataclass(frozen=True)
class PrinterState:
    """Decoded DLE EOT 1..4 replies."""
    online: bool
    cover_open: bool
    paper_out: bool
    paper_low: bool
    error: bool           # cutter / unrecoverable / auto-recoverable error

    @classmethod
    def from_replies(cls, replies: bytes) -> "PrinterState":
        printer, offline_cause, error_cause, paper = replies[:4]
        return cls(online=not printer & 0x08,
                   cover_open=bool(offline_cause & 0x04),
                   paper_out=bool(offline_cause & 0x20) or paper & 0x60 == 0x60,
                   paper_low=paper & 0x0C == 0x0C,
                   error=bool(offline_cause & 0x40) or bool(error_cause & 0x68))

    def status(self) -> PrintStatus:
        """The status that matters most to the person fixing the printer."""
        if self.cover_open:
            return PrintStatus.COVER_OPEN
        if self.paper_out:
            return PrintStatus.PAPER_OUT
        if self.error or not self.online:
            return PrintStatus.OFFLINE
        if self.paper_low:
            return PrintStatus.PAPER_LOW
        return PrintStatus.PRINTED

    def describe(self) -> str:
        flags = [name for name in ("cover_open", "paper_out", "paper_low", "error") if getattr(self, name)]
        return ("online" if self.online else "offline") + (f" ({', '.join(flags)})" if flags else "")


@dataclass(frozen=True)
class PrintResult:
    status: PrintStatus
    detail: str = ""               # technical detail for the log (English)
    verified: bool = True          # False: the device cannot report status; PRINTED means "sent"
    bytes_sent: int = 0

    @property
    def printed(self) -> bool:
        return self.status in (PrintStatus.PRINTED, PrintStatus.PAPER_LOW)

    def citizen_message(self, lang: str = "vi") -> str:
        return WORDS.text(lang, "citizen_printed" if self.printed else "citizen_not_printed")

    def staff_message(self, lang: str = "vi") -> str:
        text = WORDS.text(lang, f"staff_{self.status.value}")
        if self.status is PrintStatus.ERROR and self.detail:
            text += f": {self.detail}"
        return text
