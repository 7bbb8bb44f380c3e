"""Ticket layout and drawing: Ticket -> list of placed text lines -> 1-bit image exactly as wide as the paper.

Everything is drawn by Pillow with the bundled DejaVu Sans (full Vietnamese coverage), so the printer's
own code pages never matter. Long text wraps; nothing is clipped (each line's box is measured from the
real glyph extents, including stacked Vietnamese marks such as "Ẩ").
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image, ImageDraw, ImageFont

from .texts import WORDS
from .ticket import Ticket, TicketError, clean_text

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

PAPER_WIDTHS = {58: 384, 80: 576}    # mm -> dots at 203 dpi
MIN_WIDTH, MAX_WIDTH = 192, 832       # sane range for "other widths" (512, 640, ...)
THRESHOLD = 150                       # grey < THRESHOLD -> black dot (no dithering: crisp text)
_BW_LUT = [0 if v < THRESHOLD else 255 for v in range(256)]


@lru_cache(maxsize=128)
def font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), size)


@dataclass(frozen=True)
class TicketLayout:
    """What the centre can change on its tickets."""
    header: str | None = None          # extra line(s) above the centre name, e.g. "UBND PHƯỜNG BẾN NGHÉ"
    note: str | None = None            # replaces the default note ("" hides it); a ticket's own note wins
    show_centre: bool = True
    show_heading: bool = True          # "SỐ THỨ TỰ"
    show_field: bool = True
    show_procedure: bool = True
    show_counters: bool = True
    show_waiting: bool = True
    show_estimate: bool = True
    show_datetime: bool = True
    show_priority: bool = True
    show_note: bool = True
    show_qr: bool = True
    timezone: str | None = "Asia/Ho_Chi_Minh"  # zone aware times are printed in; None -> this machine's zone
    text_scale: float = 1.0            # 0.8 .. 1.5: bigger text for elderly eyes costs paper

    def __post_init__(self) -> None:
        if not 0.5 <= self.text_scale <= 2.0:
            raise TicketError("text_scale phải trong khoảng 0.5–2.0", "text_scale must be within 0.5–2.0")
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise TicketError(f"Múi giờ không hợp lệ: {self.timezone!r}",
                                  f"unknown time zone: {self.timezone!r}") from None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "TicketLayout":
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise TicketError(f"Tùy chọn bố cục không hợp lệ: {', '.join(unknown)}",
                              f"unknown layout options: {', '.join(unknown)}")
        return cls(**data)


DEFAULT_LAYOUT = TicketLayout()


@dataclass(frozen=True)
class TextLine:
    """One drawn line of text: `box` is where its glyphs (all marks included) lie on the ticket."""
    part: str                          # which part of the ticket: "centre", "label", "field", ...
    text: str
    bold: bool
    size: int
    box: tuple[int, int, int, int]     # x0, y0, x1, y1 (x1, y1 exclusive)
    origin: tuple[int, int]            # baseline-left point passed to ImageDraw.text(anchor="ls")
    inverted: bool = False             # white text on a black band (priority mark)


@dataclass(frozen=True)
class Composition:
    width: int
    height: int
    lines: tuple[TextLine, ...]
    bands: tuple[tuple[int, int, int, int], ...]       # black rectangles (priority band, rules)
    qr: tuple[tuple[int, int], int, tuple[tuple[bool, ...], ...]] | None  # (top-left, module size, matrix)

    def text(self, part: str | None = None) -> str:
        """The drawn text (optionally of one part), lines joined by spaces."""
        return " ".join(line.text for line in self.lines if part is None or line.part == part)


def check_width(width: int) -> int:
    if not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH or width % 8:
        raise TicketError(
            f"Khổ giấy {width!r} chấm không hợp lệ (384 = 58 mm, 576 = 80 mm; bội số của 8)",
            f"paper width {width!r} dots is not usable (384 = 58 mm, 576 = 80 mm; a multiple of 8)")
    return width


def _longest_prefix(word: str, fits) -> int:
    """The length of the longest prefix of ``word`` that fits (at least 1), with O(log n) measurements of
    prefixes no longer than about twice a line: doubling, then a binary search. (Trying every length from the
    end measured a 3,000-letter word thousands of times: minutes per ticket.)"""
    good, bad = 1, 2
    while bad <= len(word) and fits(word[:bad]):
        good, bad = bad, bad * 2
    bad = min(bad, len(word) + 1)
    while bad - good > 1:                   # fits(word[:good]) (or good == 1); not fits(word[:bad])
        mid = (good + bad) // 2
        if fits(word[:mid]):
            good = mid
        else:
            bad = mid
    return good


def wrap(text: str, fnt: ImageFont.FreeTypeFont, max_width: int) -> list[str]:
    """Greedy word wrap by measured ink width; words longer than a line are split between letters."""
    def fits(s: str) -> bool:
        left, _, right, _ = fnt.getbbox(s, anchor="ls")
        return right - min(left, 0) <= max_width

    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if fits(candidate):
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            while True:                         # split an over-long word (never measured whole again)
                cut = _longest_prefix(word, fits)
                if cut >= len(word):
                    break
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        if current:
            lines.append(current)
    return lines


class _Builder:
    """Places text lines top to bottom; knows the paper width and margins."""

    def __init__(self, width: int, text_scale: float):
        self.width = width
        self.scale = text_scale * (width / 576) ** 0.5   # 58 mm paper keeps text readable
        self.margin = max(8, round(width / 36))
        self.usable = width - 2 * self.margin
        self.y = self.margin
        self.lines: list[TextLine] = []
        self.bands: list[tuple[int, int, int, int]] = []
        self.qr = None

    def px(self, v: float) -> int:
        return max(1, round(v * self.scale))

    def gap(self, v: float) -> None:
        self.y += self.px(v)

    def text(self, part: str, text: str, size: float, bold: bool = False, align: str = "center",
             inverted: bool = False, tight: bool = False, inset: int = 0) -> None:
        text = clean_text(text).strip()
        if not text:
            return
        fnt = font(bold, self.px(size))
        ascent, descent = fnt.getmetrics()
        usable = self.usable - 2 * inset
        for line in wrap(text, fnt, usable):
            left, top, right, bottom = fnt.getbbox(line, anchor="ls")
            above = -top if tight else max(ascent, -top)
            below = bottom if tight else max(descent, bottom)
            ink_w = right - left
            x0 = self.margin + inset + (0 if align == "left" else (usable - ink_w) // 2)
            origin = (x0 - left, self.y + above)
            self.lines.append(TextLine(part, line, bold, fnt.size, (x0, self.y, x0 + ink_w, self.y + above + below),
                                       origin, inverted))
            self.y += above + below + self.px(4)

    def big_label(self, text: str) -> None:
        """The ticket number: as big as fits the paper width."""
        text = clean_text(text).strip()
        size = round(200 * self.width / 576 * min(self.scale, 1.2))
        while size > 20:
            left, _, right, _ = font(True, size).getbbox(text, anchor="ls")
            if right - left <= self.usable:
                break
            size -= 4
        self.text("label", text, size / self.scale, bold=True, tight=True)

    def rule(self) -> None:
        self.gap(6)
        self.bands.append((self.margin, self.y, self.width - self.margin, self.y + max(2, self.px(2))))
        self.y += max(2, self.px(2))
        self.gap(10)

    def band(self, part: str, text: str, size: float) -> None:
        """White text on a black band (the priority mark: visible from across the room)."""
        pad = self.px(10)
        top = self.y
        self.y += pad
        self.text(part, text, size, bold=True, inverted=True, inset=pad)
        self.y += pad - self.px(4)
        self.bands.append((self.margin, top, self.width - self.margin, self.y))

    def qr_code(self, payload: str) -> None:
        matrix = qr_matrix(payload)
        n = len(matrix)
        module = max(3, min(self.px(6), int(self.usable * 0.6) // n))
        if module * n > self.usable:
            module = max(1, self.usable // n)
        quiet = 4 * module
        self.y += quiet - self.px(4)
        self.qr = (((self.width - module * n) // 2, self.y), module, matrix)
        self.y += module * n + quiet

    def finish(self) -> Composition:
        height = self.y + self.margin
        return Composition(self.width, height, tuple(self.lines), tuple(self.bands), self.qr)


@lru_cache(maxsize=256)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """QR modules for a payload; cached because payloads repeat (one page per procedure) and choosing
    the best mask pattern in pure Python costs ~20 ms."""
    import qrcode  # imported here: only tickets with a QR pay for it

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return tuple(tuple(bool(v) for v in row) for row in code.get_matrix())


def format_time(issued_at: datetime, timezone: str | None) -> str:
    if issued_at.tzinfo is not None:
        issued_at = issued_at.astimezone(ZoneInfo(timezone) if timezone else None)
    return issued_at.strftime("%d/%m/%Y %H:%M")


def compose_ticket(ticket: Ticket, width: int = 576, layout: TicketLayout | None = None) -> Composition:
    """Decide every line of the ticket and where it goes (no pixels yet)."""
    layout = layout or DEFAULT_LAYOUT
    lang = ticket.language
    b = _Builder(check_width(width), layout.text_scale)

    if layout.header:
        b.text("header", layout.header, 24, bold=True)
    if layout.show_centre and ticket.centre_name.strip():
        b.text("centre", ticket.centre_name, 28, bold=True)
    if b.lines:
        b.rule()
    if layout.show_heading:
        b.text("heading", WORDS.text(lang, "ticket_heading"), 38, bold=True)
        b.gap(6)
    b.big_label(ticket.label)
    b.gap(14)
    if layout.show_priority and ticket.is_priority:
        reason = clean_text(ticket.priority_reason or "").strip()
        mark = WORDS.text(lang, "ticket_priority")
        b.band("priority", f"{mark}: {reason}" if reason else mark, 32)
        b.gap(12)
    if layout.show_field and ticket.field_name.strip():
        b.text("field", WORDS.text(lang, "ticket_field", name=ticket.field_name.strip()), 30, bold=True)
    if layout.show_procedure and ticket.procedure_name and ticket.procedure_name.strip():
        b.text("procedure", WORDS.text(lang, "ticket_procedure", name=ticket.procedure_name.strip()), 26)
    counters = [c.strip() for c in ticket.counters if c.strip()]
    if layout.show_counters and counters:
        b.gap(6)
        b.text("counters", WORDS.text(lang, "ticket_counters", n=len(counters), counters=", ".join(counters)),
               34, bold=True)
    b.rule()
    if layout.show_waiting:
        b.text("waiting", WORDS.text(lang, "ticket_waiting", n=ticket.waiting_ahead), 27, align="left")
    if layout.show_estimate and ticket.estimated_wait_min is not None:
        text = (WORDS.text(lang, "ticket_estimate", m=ticket.estimated_wait_min) if ticket.estimated_wait_min > 0
                else WORDS.text(lang, "ticket_estimate_none"))
        b.text("estimate", text, 27, align="left")
    if layout.show_datetime:
        b.text("issued", WORDS.text(lang, "ticket_issued", time=format_time(ticket.issued_at, layout.timezone)), 27,
               align="left")
    note = (ticket.note if ticket.note is not None
            else layout.note if layout.note is not None else WORDS.text(lang, "ticket_note"))
    if layout.show_note and note.strip():
        b.gap(10)
        b.text("note", note, 24, bold=True)
    if layout.show_qr and ticket.qr_payload:
        if ticket.qr_caption and ticket.qr_caption.strip():
            b.gap(10)
            b.text("qr_caption", clean_text(ticket.qr_caption).strip(), 24, bold=True)
        b.qr_code(ticket.qr_payload)
    return b.finish()


def compose_test_page(width: int = 576, language: str = "vi", title_extra: str = "") -> Composition:
    """A page to check a printer: width ruler, sizes, every Vietnamese letter with its marks."""
    b = _Builder(check_width(width), 1.0)
    b.text("heading", WORDS.text(language, "test_title"), 40, bold=True)
    if title_extra:
        b.text("info", title_extra, 24)
    b.text("info", f"{width} dots ({ {384: '58 mm', 576: '80 mm'}.get(width, 'custom') })", 24)
    b.rule()
    b.text("sample", "Tiếng Việt: ĂÂĐÊÔƠƯ ăâđêôơư", 28, bold=True)
    vowels = "aăâeêioôơuưy"
    marks = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]   # grave, acute, hook, tilde, dot below
    for upper in (False, True):
        row = " ".join(unicodedata.normalize("NFC", v + m) for v in vowels for m in marks)
        b.text("alphabet", row.upper() if upper else row, 24, align="left")
    b.text("sample", "Thủ tục hành chính — Ủy ban nhân dân phường Bến Nghé", 26)
    b.big_label("A023")
    b.rule()
    return b.finish()


def draw(comp: Composition) -> Image.Image:
    """Pixels: grey drawing (anti-aliased glyph edges) thresholded to pure black and white, no dithering."""
    img = Image.new("L", (comp.width, comp.height), 255)
    pen = ImageDraw.Draw(img)
    for x0, y0, x1, y1 in comp.bands:
        pen.rectangle((x0, y0, x1 - 1, y1 - 1), fill=0)
    for line in comp.lines:
        pen.text(line.origin, line.text, font=font(line.bold, line.size), anchor="ls",
                 fill=255 if line.inverted else 0)
    if comp.qr:
        (qx, qy), module, matrix = comp.qr
        n = len(matrix)
        small = Image.new("L", (n, n), 255)
        small.putdata([0 if dark else 255 for row in matrix for dark in row])
        img.paste(small.resize((n * module, n * module), Image.NEAREST), (qx, qy))
    return img.point(_BW_LUT, "1")


def render_ticket(ticket: Ticket, width: int = 576, layout: TicketLayout | None = None) -> Image.Image:
    """The ticket as a mode-"1" image exactly `width` dots wide."""
    return draw(compose_ticket(ticket, width, layout))


__all__ = ["TicketLayout", "TextLine", "Composition", "compose_ticket", "compose_test_page", "draw",
           "render_ticket", "wrap", "font", "PAPER_WIDTHS", "FONT_REGULAR", "FONT_BOLD"]
