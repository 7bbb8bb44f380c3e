"""The citizen kiosk, driven like a citizen would: real widgets offscreen, a real SQLite queue, the preview
printer (PNG + ESC/POS bytes per job) or the project's fake TCP printer for faults."""
from __future__ import annotations

import datetime as dt
import sqlite3

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from db import init_db, open_queue
from kiosk.i18n import tr
from kiosk.ui.screens import TicketScreen
from tests.conftest import MONDAY_9AM
from tests.escpos_fake import FakeEscposPrinter
from tests.kiosk_support import WAIT_MS, db_path, kiosk_config, print_jobs, settle, tap, wait_home, wait_printed  # noqa: F401

def tickets(url: str, clock):
    svc = open_queue(url, clock=clock)
    try:
        return svc.waiting()
    finally:
        svc.close()


# ------------------------------------------------------------------------------------ one tap, one ticket
def test_tapping_a_field_issues_one_ticket_and_prints_one_job(qtbot, tmp_path, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    tap(qtbot, w.home.tiles["HT"])
    wait_printed(qtbot, w)
    settle(qtbot, w)

    issued = tickets(ready_db, clock)
    assert [t.label for t in issued] == ["A001"]
    assert issued[0].field_code == "HT" and issued[0].print_status == "printed"
    assert len(print_jobs(tmp_path)) == 1
    assert w.ticket.state == TicketScreen.PRINTED
    assert w.ticket.number.text() == "A001"
    assert w.ticket.printed_text.text() == tr("vi", "take_ticket")
    assert w.ticket.counters.text() == tr("vi", "counter_one", c="1")


def test_two_fast_taps_and_taps_while_printing_give_one_ticket(qtbot, tmp_path, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    tile = w.home.tiles["CT"]
    tap(qtbot, tile)
    tap(qtbot, tile)                                   # a double tap
    tap(qtbot, w.home.tiles["HT"])                     # another field while the first prints
    qtbot.mousePress(tile, Qt.LeftButton, pos=QPoint(20, 20))   # a held finger: no release, no ticket
    wait_printed(qtbot, w)
    tap(qtbot, tile)                                   # a tap on the (hidden) tile after printing
    settle(qtbot, w)

    assert [t.label for t in tickets(ready_db, clock)] == ["B001"]
    assert len(print_jobs(tmp_path)) == 1


def test_ticket_screen_goes_home_by_itself_and_the_next_citizen_gets_the_next_number(
        qtbot, tmp_path, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db, ticket_seconds=1)
    wait_home(qtbot, w)
    tap(qtbot, w.home.tiles["HT"])
    wait_printed(qtbot, w)
    wait_home(qtbot, w)                                # back home without a touch
    tap(qtbot, w.home.tiles["HT"])
    qtbot.waitUntil(lambda: w.ticket.number.text() == "A002" and w.ticket.state == TicketScreen.PRINTED,
                    timeout=WAIT_MS)
    assert len(print_jobs(tmp_path)) == 2


# ------------------------------------------------------------------------------------ procedures
def test_procedure_screen_shows_documents_time_and_fee_from_the_catalogue(qtbot, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    tap(qtbot, w.home.tiles["HT"].info)
    assert w.current() is w.procedures

    svc = open_queue(ready_db, clock=clock)
    field = next(f for f in svc.fields() if f.code == "HT")
    svc.close()
    shown = "\n".join(lbl.text() for lbl in w.procedures.list_widget.findChildren(QLabel))
    assert len(w.procedures.cards) == len(field.procedures) == 4
    for p in field.procedures:
        assert p.name_vi in shown and p.time_limit_vi in shown and p.fee_vi in shown
        for doc in p.documents_vi:
            assert doc in shown

    take = w.procedures.findChild(QPushButton, "take_HT-KH")
    tap(qtbot, take)
    wait_printed(qtbot, w)
    settle(qtbot, w)
    issued = tickets(ready_db, clock)
    assert [(t.label, t.procedure_code) for t in issued] == [("A001", "HT-KH")]
    assert w.ticket.procedure.text() == "Đăng ký kết hôn"


def test_a_field_without_procedures_still_offers_a_number(qtbot, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    assert w.home.tiles["TN"].info.isHidden()          # no "Procedures" button leading to an empty page
    tap(qtbot, w.home.tiles["TN"])
    wait_printed(qtbot, w)
    assert w.ticket.number.text() == "L001"


# ------------------------------------------------------------------------------------ priority
def test_priority_entry_issues_a_priority_ticket(qtbot, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    tap(qtbot, w.home.priority_entry)
    assert w.current() is w.priority_screen
    tap(qtbot, w.priority_screen.buttons["elderly"])
    assert w.current() is w.home and w.home.banner.isVisible()
    tap(qtbot, w.home.tiles["CT"])
    wait_printed(qtbot, w)
    settle(qtbot, w)
    [t] = tickets(ready_db, clock)
    assert t.priority_reason == "elderly"
    assert "Người cao tuổi" in w.ticket.priority_tag.text()
    assert "6" in w.ticket.counters.text()             # the priority-only counter serves it too


# ------------------------------------------------------------------------------------ printer trouble
def test_paper_out_keeps_the_number_on_screen_and_tells_the_staff(qtbot, ready_db, clock, start_kiosk):
    with FakeEscposPrinter(state="paper_out") as fake:
        w = start_kiosk(ready_db, printer=fake.url)
        wait_home(qtbot, w)
        tap(qtbot, w.home.tiles["HT"])
        wait_printed(qtbot, w)
        settle(qtbot, w)

    assert w.ticket.state == TicketScreen.PRINT_FAILED
    assert w.ticket.number.isVisible() and w.ticket.number.text() == "A001"
    assert w.ticket.warning.isVisible()
    assert w.ticket.warning_text.text() == tr("vi", "print_failed")
    assert w.ticket.staff_text.text() == tr("vi", "staff_told")
    assert not w.ticket.printed_panel.isVisible()

    svc = open_queue(ready_db, clock=clock)
    try:
        assert svc.ticket("A001").print_status == "paper_out"
        faults = [e for e in svc.events() if e.kind == "printer_fault"]
    finally:
        svc.close()
    assert len(faults) == 1 and faults[0].ticket_label == "A001"
    assert faults[0].payload["status"] == "paper_out" and "hết giấy" in faults[0].payload["detail"]


# ------------------------------------------------------------------------------------ database trouble
def test_database_down_shows_the_unavailable_screen_then_recovers_by_itself(qtbot, sqlite_url, clock,
                                                                            start_kiosk):
    w = start_kiosk(sqlite_url)                        # a database nobody has set up yet
    qtbot.waitUntil(lambda: w.current() is w.unavailable, timeout=WAIT_MS)
    assert w.unavailable.title.text() == tr("vi", "unavailable_title")
    assert not w.online

    init_db(sqlite_url, clock=clock).close()           # the administrator fixes it
    wait_home(qtbot, w)                                # retried in the background
    assert w.online and len(w.home.tiles) == 9


def test_database_lost_mid_session_loses_no_number_and_recovers(qtbot, tmp_path, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    con = sqlite3.connect(db_path(ready_db), isolation_level=None)
    try:
        con.execute("ALTER TABLE offices RENAME TO offices_away")     # the database breaks
        tap(qtbot, w.home.tiles["HT"])
        qtbot.waitUntil(lambda: w.current() is w.unavailable, timeout=WAIT_MS)
        assert not w.issuing and print_jobs(tmp_path) == []
        con.execute("ALTER TABLE offices_away RENAME TO offices")     # and is repaired
    finally:
        con.close()
    wait_home(qtbot, w)
    tap(qtbot, w.home.tiles["HT"])
    wait_printed(qtbot, w)
    assert w.ticket.number.text() == "A001" and len(print_jobs(tmp_path)) == 1


# ------------------------------------------------------------------------------------ hours and caps
def test_outside_opening_hours_the_closed_screen_shows_the_hours(qtbot, sqlite_url, clock, start_kiosk):
    init_db(sqlite_url, clock=clock).close()
    clock.set(MONDAY_9AM.replace(hour=19))
    w = start_kiosk(sqlite_url)
    qtbot.waitUntil(lambda: w.current() is w.closed, timeout=WAIT_MS)
    assert w.closed.title.text() == tr("vi", "closed_title")
    assert "Ngoài giờ làm việc" in w.closed.reason.text()
    hours_text = " ".join(lbl.text() for lbl in w.closed.hours_card.findChildren(QLabel))
    assert "07:30 – 11:30" in hours_text and "13:00 – 17:00" in hours_text and "Chủ Nhật" in hours_text
    assert not w.take_number("HT")                     # no number can be asked for

    clock.set(MONDAY_9AM)                              # morning comes: it opens by itself
    w.backend.refresh()
    wait_home(qtbot, w)


def test_a_field_at_its_cap_shows_why_and_cannot_be_tapped(qtbot, tmp_path, sqlite_url, clock, start_kiosk):
    from core.config import ASSETS_DIR
    text = (ASSETS_DIR / "catalogue.toml").read_text(encoding="utf-8").replace("daily_cap = 400", "daily_cap = 1")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text, encoding="utf-8")
    svc = init_db(sqlite_url, catalogue=catalogue, clock=clock)
    svc.issue("CT")
    svc.close()

    w = start_kiosk(sqlite_url)
    wait_home(qtbot, w)
    tile = w.home.tiles["CT"]
    assert not tile.available
    assert tile.waiting.text() == "Đã hết số hôm nay"
    tap(qtbot, tile)
    settle(qtbot, w)
    assert w.current() is w.home
    assert [t.label for t in tickets(sqlite_url, clock)] == ["B001"]


# ------------------------------------------------------------------------------------ idle, language, admin
def test_idle_returns_home_and_resets_language_and_priority(qtbot, ready_db, start_kiosk):
    w = start_kiosk(ready_db, idle_seconds=1)
    wait_home(qtbot, w)
    tap(qtbot, w.lang_buttons["en"])
    tap(qtbot, w.home.priority_entry)
    assert w.current() is w.priority_screen and w.lang == "en"
    qtbot.waitUntil(lambda: w.current() is w.home and w.lang == "vi", timeout=WAIT_MS)
    assert w.priority is None and w.home.prompt.text() == tr("vi", "choose_field")


def test_english_switch_translates_every_screen_and_the_ticket(qtbot, ready_db, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    tap(qtbot, w.lang_buttons["en"])
    assert w.home.prompt.text() == tr("en", "choose_field")
    assert w.home.tiles["HT"].name.text() == "Civil status"
    assert w.centre.text() == "Ha Dong Ward Public Administration Service Centre"
    assert w.home.priority_title.text() == "Priority"
    tap(qtbot, w.home.tiles["HT"].info)
    assert w.procedures.title.text() == "Procedures: Civil status"
    tap(qtbot, w.procedures.back_button)
    tap(qtbot, w.home.tiles["HT"])
    wait_printed(qtbot, w)
    assert w.ticket.caption.text() == "Your number"
    assert w.ticket.printed_text.text() == "Please take your ticket"
    assert w.ticket.field.text() == "Civil status"
    assert w._request.language == "en"                 # the ticket is printed in English
    tap(qtbot, w.lang_buttons["vi"])
    assert w.ticket.field.text() == "Hộ tịch"


def test_only_the_admin_pin_closes_the_full_screen_kiosk(qtbot, ready_db, start_kiosk):
    w = start_kiosk(ready_db, fullscreen=True, admin_pin="2468")
    wait_home(qtbot, w)
    w.close()
    assert w.isVisible()                               # no way out without the PIN
    w.clock_label.long_pressed.emit()                  # (the 3-second hold on the clock)
    assert w.pin_pad.isVisible()
    for key in "1111":
        tap(qtbot, w.pin_pad.keys[key])
    assert w.pin_pad.message.text() == tr("vi", "admin_wrong") and w.isVisible()
    with qtbot.waitSignal(w.admin_exit, timeout=WAIT_MS):
        for key in "2468":
            tap(qtbot, w.pin_pad.keys[key])
    assert not w.isVisible()
    assert not w.backend.thread.isRunning()


def test_admin_pin_pad_takes_a_hash_and_locks_after_five_wrong_pins(qtbot, ready_db, start_kiosk):
    from db.auth import hash_pin
    w = start_kiosk(ready_db, fullscreen=True, admin_pin_hash=hash_pin("582047"))
    wait_home(qtbot, w)
    now = [1000.0]
    w.pin_pad.check.clock = lambda: now[0]             # the pad's own time: no waiting in the test
    w.clock_label.long_pressed.emit()
    pad = w.pin_pad

    def enter(pin):
        for key in pin:
            tap(qtbot, pad.keys[key])
        tap(qtbot, pad.ok)

    for i in range(5):
        enter(f"11111{i}")
        assert w.isVisible() and pad.message.text()
        now[0] += 10                                    # past the growing wait (its timer re-enables)
        pad._unblock()
    assert pad.check.guard.failures == 5
    pad.reset()
    assert "tạm khóa" in pad.message.text() and "5 phút" in pad.message.text()
    assert not pad.keys["5"].isEnabled()                # nothing can be typed while locked ...
    pad.entered = "582047"
    pad._submit()                                      # ... and the right PIN is refused
    assert w.isVisible() and "tạm khóa" in pad.message.text()
    now[0] += 5 * 60
    pad.reset()
    assert pad.keys["5"].isEnabled() and pad.message.text() == ""
    with qtbot.waitSignal(w.admin_exit, timeout=WAIT_MS):
        enter("582047")
    assert not w.isVisible()


def test_the_pin_set_by_kiosk_admin_init_leaves_the_kiosk(qtbot, tmp_path, ready_db, start_kiosk):
    """Issue 13: `kiosk-admin init` stores the hash in the kiosk's config file; that file's kiosk opens with it."""
    from core.config import load_config
    from tests.admin_support import admin
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("# this kiosk\nkiosk_id = \"kiosk-door\"\n", encoding="utf-8")
    r = admin(ready_db, "--config", str(cfg), "init", "--always-open", "--admin-pin-from-stdin", stdin="582047\n",
              env={"KIOSK_KEY_FILE": str(tmp_path / "visitor.key")})
    assert r.returncode == 0, r.stderr
    loaded = load_config(cfg, env={})
    assert loaded.kiosk_id == "kiosk-door" and "582047" not in cfg.read_text(encoding="utf-8")
    w = start_kiosk(ready_db, fullscreen=True, admin_pin_hash=loaded.admin_pin_hash)
    wait_home(qtbot, w)
    w.clock_label.long_pressed.emit()
    pad = w.pin_pad
    assert pad.isVisible() and pad.keys["5"].isEnabled()
    for key in "582047":
        tap(qtbot, pad.keys[key])
    with qtbot.waitSignal(w.admin_exit, timeout=WAIT_MS):
        tap(qtbot, pad.ok)
    assert not w.isVisible()


def test_a_locked_pin_pad_speaks_the_kiosks_language_only(qtbot, ready_db, start_kiosk):
    """The lockout's refusal was shown as 'Vietnamese\nEnglish' whatever the language: it follows the screen's."""
    from db.auth import hash_pin
    w = start_kiosk(ready_db, fullscreen=True, admin_pin_hash=hash_pin("582047"))
    wait_home(qtbot, w)
    pad = w.pin_pad
    now = [1000.0]
    pad.check.clock = lambda: now[0]
    for i in range(5):                                 # five wrong PINs, each after the growing wait
        assert pad.check.attempt(f"11111{i}") is not None
        now[0] += 10
    tap(qtbot, w.lang_buttons["en"])
    w.clock_label.long_pressed.emit()
    assert pad.isVisible() and not pad.keys["5"].isEnabled()
    assert "5 minutes" in pad.message.text() and "tạm khóa" not in pad.message.text()
    tap(qtbot, pad.close_button)
    w.set_language("vi")
    w.clock_label.long_pressed.emit()
    assert "tạm khóa" in pad.message.text() and "minutes" not in pad.message.text()


def test_a_kiosk_without_an_admin_pin_says_so_and_cannot_be_left(qtbot, ready_db, start_kiosk):
    w = start_kiosk(ready_db, fullscreen=True)           # no admin_pin, no admin_pin_hash: no default
    wait_home(qtbot, w)
    w.clock_label.long_pressed.emit()
    assert w.pin_pad.isVisible() and w.pin_pad.message.text() == tr("vi", "admin_unset")
    assert not w.pin_pad.keys["2"].isEnabled()
    for pin in ("2468", ""):
        w.pin_pad.entered = pin
        w.pin_pad._submit()
    w.close()
    assert w.isVisible()
    svc = open_queue(ready_db)                            # ... and the staff side is told (the counter windows)
    qtbot.waitUntil(lambda: any(e.kind == "kiosk_problem" and e.payload["problem"] == "no_admin_pin"
                                for e in svc.events()), timeout=10_000)
    svc.close()


def test_the_clock_shows_office_time(qtbot, ready_db, clock, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    w._tick()
    assert w.clock_label.text() == "09:00"
    clock.advance(minutes=7)
    w._tick()
    assert w.clock_label.text() == "09:07"
    assert w.clock_label.text() == (MONDAY_9AM + dt.timedelta(minutes=7)).strftime("%H:%M")
