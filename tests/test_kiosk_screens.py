"""Every kiosk screen at 1080×1920 (portrait kiosk) and 1920×1080, in Vietnamese and English: saved as PNG
under artifacts/kiosk/ (looked at by eye; not goldens) and checked for what elderly eyes and hands need:
text ≥ 28 px, touch targets ≥ 120 px, nothing clipped, the window not forced bigger than the screen."""
from __future__ import annotations

from pathlib import Path

import pytest

from db import init_db
from kiosk.app import create_window
from kiosk.ui.screens import TicketScreen
from kiosk.worker import IssueFailure, PrintOutcome
from printer import PrintResult, PrintStatus
from tests.conftest import MONDAY_9AM
from tests.kiosk_support import WAIT_MS, check_for_elderly_eyes, kiosk_config, wait_home

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "kiosk"
SIZES = [(1080, 1920), (768, 1366), (1920, 1080), (1366, 768), (1280, 1024), (1024, 768)]


def refresh_until(qtbot, w, condition) -> None:
    """Ask the worker for fresh data until the screen shows what the clock now says."""
    def check() -> bool:
        w.backend.refresh()                            # merged while one is pending
        return condition()
    qtbot.waitUntil(check, timeout=WAIT_MS)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_and_is_readable(qtbot, tmp_path, sqlite_url, clock, size):
    svc = init_db(sqlite_url, clock=clock)
    for _ in range(4):
        svc.issue("HT")
    svc.issue("CT")
    svc.close()
    w = create_window(kiosk_config(tmp_path, sqlite_url), clock=clock)
    qtbot.addWidget(w)                                 # deleted at teardown, not at interpreter exit
    try:
        w.resize(*size)
        w.show()
        wait_home(qtbot, w)
        tag = f"{size[0]}x{size[1]}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        problems: list[str] = []

        def shot(name: str) -> None:
            # a screen just shown is laid out by the events that follow (later on a loaded machine): wait for
            # the check to pass, up to 3 s, and report what is still wrong after that
            try:
                qtbot.waitUntil(lambda: not check_for_elderly_eyes(w), timeout=3_000)
            except AssertionError:
                pass
            assert (w.width(), w.height()) == size, f"{name}: window forced to {w.width()}×{w.height()}"
            w.grab().save(str(ARTIFACTS / f"{name}_{w.lang}_{tag}.png"))
            problems.extend(f"{name} ({w.lang}): {p}" for p in check_for_elderly_eyes(w))

        for lang in ("vi", "en"):
            w.set_language(lang)
            w.show_home()
            shot("home")
            w.show(w.priority_screen)
            shot("priority")
            w._priority_chosen("pregnant")
            shot("home_priority")
            w.set_priority(None)
            w.show_procedures("HT")
            shot("procedures")
            w.show_home()

            assert w.take_number("HT", "HT-KS")
            qtbot.waitUntil(lambda: w.ticket.state == TicketScreen.PRINTED, timeout=WAIT_MS)
            issued = w.ticket.issued
            w.ticket.show_issued(issued)               # the moment between the number and the paper
            shot("ticket_printing")
            w.ticket.show_printed(PrintOutcome(w._request, issued, PrintResult(PrintStatus.PRINTED), True))
            shot("ticket_printed")
            w.ticket.show_printed(PrintOutcome(w._request, issued, PrintResult(PrintStatus.PAPER_OUT), True))
            shot("ticket_print_failed")
            from db import CapReached
            w.ticket.show_failed(IssueFailure(w._request, CapReached(
                "Lĩnh vực Hộ tịch đã hết số hôm nay (300 số)", "Civil status has given all 300 numbers for today")
            ).error)
            shot("ticket_not_issued")
            w.next_citizen()
            w.set_language(lang)

            clock.set(MONDAY_9AM.replace(hour=19))
            refresh_until(qtbot, w, lambda: w.current() is w.closed)
            shot("closed")
            clock.set(MONDAY_9AM)
            refresh_until(qtbot, w, lambda: w.current() is w.home)
            w.online = False
            w.show(w.unavailable)
            shot("unavailable")
            w.online = True
            w.show_pin_pad()
            shot("admin_pin")
            w.pin_pad.hide()
        assert problems == []
    finally:
        w.shutdown()
