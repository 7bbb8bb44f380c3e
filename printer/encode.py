"""Image -> ESC/POS bytes with python-escpos: ESC @, the image (GS v 0, or ESC * column mode), feed, cut."""
from __future__ import annotations

import copy
import textwrap
import unicodedata

from PIL import Image

from ._escpos import escpos_printers
from .layout import TicketLayout, check_width, compose_test_page, compose_ticket, draw
from .ticket import Ticket, clean_text

FRAGMENT_HEIGHT = 960   # rows per GS v 0 block (python-escpos's default; within every printer's limit)
FEED_LINES = 2          # a little white below the last line; the cut command itself feeds to the cutter
# GS V 65/66 n: "feed to the cutting position (+ n) and cut": each printer knows its own cutter distance,
# so no paper is wasted guessing it. 65 = full cut (kiosk: the citizen takes the ticket), 66 = partial.
CUTS = {"full": b"\x1dVA\x00", "partial": b"\x1dVB\x00"}


def new_job(width: int):
    """A python-escpos Dummy printer that collects bytes, already initialised (ESC @).

    Its profile gets the paper width: python-escpos then refuses over-wide images instead of
    print()-ing a warning to stdout for every image.
    """
    job = escpos_printers().Dummy()
    job.profile.profile_data = copy.deepcopy(job.profile.profile_data)
    job.profile.profile_data["media"]["width"]["pixels"] = width
    job.hw("INIT")
    return job


def finish_job(job, cut: str) -> bytes:
    """Feed, cut, and nothing after the cut (the next job starts clean with its own ESC @)."""
    job.print_and_feed(FEED_LINES)
    job._raw(CUTS[cut])
    return job.output


def encode_image(img: Image.Image, column_mode: bool = False, cut: str = "full") -> bytes:
    """ESC @, `img` (mode "1": sent as is, python-escpos would otherwise dither), feed, cut."""
    if img.mode != "1":
        raise ValueError(f"encode_image needs a thresholded mode-'1' image, got mode {img.mode!r}")
    if cut not in CUTS:
        raise ValueError(f"cut must be one of {sorted(CUTS)}, not {cut!r}")
    job = new_job(check_width(img.width))
    impl = "bitImageColumn" if column_mode else "bitImageRaster"
    # python-escpos would split a tall image itself, but only after converting the whole image once
    # more: hand it the fragments directly (same bytes, a third of the work)
    for top in range(0, img.height, FRAGMENT_HEIGHT):
        job.image(img.crop((0, top, img.width, min(top + FRAGMENT_HEIGHT, img.height))), impl=impl,
                  fragment_height=FRAGMENT_HEIGHT)
    return finish_job(job, cut)


def encode_ticket(ticket: Ticket, width: int = 576, column_mode: bool = False,
                  layout: TicketLayout | None = None) -> bytes:
    return encode_image(draw(compose_ticket(ticket, width, layout)), column_mode)


def encode_test_page(width: int = 576, column_mode: bool = False, language: str = "vi",
                     title_extra: str = "") -> bytes:
    return encode_image(draw(compose_test_page(width, language, title_extra)), column_mode)


def ascii_fold(text: str) -> str:
    """'Số thứ tự' -> 'So thu tu': the fallback for printers too slow for images (no code page issues)."""
    text = clean_text(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "replace").decode()


def encode_ticket_text(ticket: Ticket, width: int = 576, layout: TicketLayout | None = None) -> bytes:
    """ASCII-folded text ticket (a few hundred bytes): only for very slow serial printers.

    It uses the same lines as the image ticket, so it shows the same parts; Vietnamese marks are lost.
    """
    comp = compose_ticket(ticket, width, layout)
    job = new_job(width)
    columns = width // 12                  # font A is 12 dots wide
    for part in _parts_in_order(comp):
        text = ascii_fold(" ".join(line.text for line in comp.lines if line.part == part))
        if part == "label":
            job.set(align="center", bold=True, width=4, height=4, custom_size=True)
            job._raw(text.encode("ascii") + b"\n")
            job.set(align="center", bold=False, normal_textsize=True)
            continue
        align = "left" if part in ("waiting", "estimate", "issued") else "center"
        job.set(align=align, bold=part in ("heading", "centre", "priority", "counters", "field"),
                normal_textsize=True)
        for row in textwrap.wrap(text, columns) or [""]:
            job._raw(row.encode("ascii") + b"\n")
    job.set(align="left", bold=False, normal_textsize=True)
    return finish_job(job, "full")


def _parts_in_order(comp) -> list[str]:
    seen: list[str] = []
    for line in comp.lines:
        if line.part not in seen:
            seen.append(line.part)
    return seen
