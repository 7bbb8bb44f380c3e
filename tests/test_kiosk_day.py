"""A whole day at the kiosk (issue 12): the idle reset on every screen, buttons that cannot act and say why,
the issuing cut-off, paused counters, tickets without a procedure, a database gone bad."""
from __future__ import annotations


from kiosk.app import create_window
from kiosk.i18n import tr
from tests.kiosk_support import WAIT_MS, kiosk_config, tap, wait_home


def test_idle_resets_priority_and_language_on_the_home_screen_despite_the_refresh(qtbot, ready_db, start_kiosk):
    # the home refresh runs far more often than the idle time: it must not keep the choices alive
    w = start_kiosk(ready_db, refresh_ms=150, idle_seconds=1)
    wait_home(qtbot, w)
    tap(qtbot, w.lang_buttons["en"])
    tap(qtbot, w.home.priority_entry)
    tap(qtbot, w.priority_screen.buttons["pregnant"])
    assert w.current() is w.home and w.priority == "pregnant" and w.lang == "en"
    refreshes = []
    w.backend.refreshed.connect(refreshes.append)
    qtbot.waitUntil(lambda: w.priority is None and w.lang == "vi", timeout=WAIT_MS)
    assert len(refreshes) >= 3                         # the refresh did run meanwhile
    assert w.current() is w.home and not w.home.banner.isVisibleTo(w)
    assert w.home.prompt.text() == tr("vi", "choose_field")


def test_idle_clears_a_visitors_usual_field_on_the_home_screen(qtbot, ready_db, start_kiosk):
    w = start_kiosk(ready_db, refresh_ms=150, idle_seconds=1)
    wait_home(qtbot, w)
    last = w.home.ordered_fields()[-1].code
    w.home.set_preferred((last,))
    assert w.home.ordered_fields()[0].code == last
    w.idle_timer.start()
    qtbot.waitUntil(lambda: w.home.preferred == (), timeout=WAIT_MS)
    assert w.home.ordered_fields()[-1].code == last


def test_the_home_screen_has_no_greeting_of_its_own(qtbot, ready_db, start_kiosk):
    """The greeting is the face screens' banner; the home screen's own greeting frame was never shown."""
    from PySide6.QtWidgets import QFrame
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    assert [f for f in w.home.findChildren(QFrame) if f.objectName() == "greeting"] == []


def _cap_one_catalogue(tmp_path):
    from core.config import ASSETS_DIR
    text = (ASSETS_DIR / "catalogue.toml").read_text(encoding="utf-8").replace("daily_cap = 400", "daily_cap = 1")
    catalogue = tmp_path / "catalogue.toml"
    catalogue.write_text(text, encoding="utf-8")
    return catalogue


def test_take_buttons_of_a_full_field_look_disabled_and_say_why(qtbot, tmp_path, sqlite_url, clock, start_kiosk):
    from db import init_db
    svc = init_db(sqlite_url, catalogue=_cap_one_catalogue(tmp_path), clock=clock)
    svc.issue("CT")
    svc.close()
    w = start_kiosk(sqlite_url)
    wait_home(qtbot, w)
    tap(qtbot, w.home.tiles["CT"].info)
    assert w.current() is w.procedures
    buttons = [w.procedures.take_field] + [b for card in w.procedures.cards
                                           for b in card.findChildren(type(w.procedures.take_field))]
    assert len(buttons) > 1
    for b in buttons:
        assert not b.isEnabled()
        assert b.text() == "Đã hết số hôm nay"        # the reason, in words, where "Lấy số" was
    w.set_language("en")
    assert w.procedures.take_field.text() == "No numbers left today"


def test_after_the_cutoff_the_kiosk_says_numbers_stopped_not_that_the_centre_is_closed(qtbot, ready_db,
                                                                                     clock, start_kiosk):
    from tests.conftest import MONDAY_9AM
    clock.set(MONDAY_9AM.replace(hour=16, minute=45))     # the afternoon session ends at 17:00, cut-off 30 min
    w = start_kiosk(ready_db)
    qtbot.waitUntil(lambda: w.current() is w.closed, timeout=WAIT_MS)
    assert w.data.office.serving
    assert w.closed.title.text() == tr("vi", "cutoff_title") == "Đã ngừng cấp số hôm nay"
    assert "16:30" in w.closed.reason.text()
    assert w.closed.title.text() != tr("vi", "closed_title")

    clock.set(MONDAY_9AM.replace(hour=11, minute=15))     # the morning's cut-off: the afternoon still comes
    w.backend.refresh()
    qtbot.waitUntil(lambda: w.closed.title.text() == tr("vi", "cutoff_title_session"), timeout=WAIT_MS)

    clock.set(MONDAY_9AM.replace(hour=19))                # the evening: really closed
    w.backend.refresh()
    qtbot.waitUntil(lambda: w.closed.title.text() == tr("vi", "closed_title"), timeout=WAIT_MS)


def test_a_field_whose_counters_are_all_paused_is_not_offered_with_a_wait(qtbot, ready_db, clock, start_kiosk):
    from db import open_queue
    svc = open_queue(ready_db, clock=clock)
    try:
        svc.issue("HT")
        [ht] = [f for f in svc.fields() if f.code == "HT"]
        for number in ht.counters:
            svc.pause(number, actor="admin:tests")
        paused = [c.number for c in svc.counters() if c.paused]
    finally:
        svc.close()
    assert paused
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    tile = w.home.tiles["HT"]
    assert not tile.available
    assert tile.waiting.text() == "Các quầy đang tạm dừng — xin hỏi cán bộ"
    assert not tile.wait.isVisibleTo(w) and "phút" not in tile.wait.text()
    assert not w.take_number("HT")
    assert w.home.tiles["CT"].available                   # other fields are not affected


def test_a_tap_on_a_field_paused_since_the_last_refresh_is_refused_in_words(qtbot, ready_db, clock, start_kiosk,
                                                                          caplog):
    """The kiosk's list is up to a refresh old: the queue itself refuses a number nobody would call."""
    import logging

    from db import open_queue
    caplog.set_level(logging.INFO)
    w = start_kiosk(ready_db, refresh_ms=60_000)
    wait_home(qtbot, w)
    assert w.home.tiles["HT"].available
    svc = open_queue(ready_db, clock=clock)
    try:
        for number in [f for f in svc.fields() if f.code == "HT"][0].counters:
            svc.pause(number, actor="admin:tests")
        tap(qtbot, w.home.tiles["HT"])
        qtbot.waitUntil(lambda: w.ticket.state == w.ticket.FAILED, timeout=WAIT_MS)
        assert w.ticket.warning_text.text() == "Các quầy đang tạm dừng — xin hỏi cán bộ"
        assert not w.ticket.number.isVisibleTo(w)
        assert svc.waiting() == ()                     # no ticket was made
        refused = [r.getMessage() for r in caplog.records if "issue refused" in r.getMessage()]
        assert refused == ["issue refused for field HT: InvalidState: The counters are paused — please ask staff"]
        qtbot.waitUntil(lambda: not w.home.tiles["HT"].available, timeout=WAIT_MS)   # the tiles now say why
    finally:
        svc.close()


def test_a_ticket_without_a_procedure_prints_no_qr_to_an_incomplete_url(ready_db, clock):
    from core.config import AppConfig
    from db import open_queue
    from kiosk.worker import build_ticket
    cfg = AppConfig(ticket_qr="https://dvc.example/tt/{procedure_code}?so={label}")
    svc = open_queue(ready_db, clock=clock)
    try:
        office = svc.office_info()
        issued = svc.issue("HT")
        plain = build_ticket(cfg, office, issued, "vi")
        with_procedure = build_ticket(cfg, office, svc.issue("HT", procedure="HT-KS"), "vi")
    finally:
        svc.close()
    assert plain.qr_payload is None
    assert with_procedure.qr_payload == "https://dvc.example/tt/HT-KS?so=A002"
    # a template that needs nothing the ticket lacks still prints its QR
    assert build_ticket(AppConfig(ticket_qr="https://dvc.example/so/{label}"), office, issued,
                        "vi").qr_payload == "https://dvc.example/so/A001"


def test_procedures_are_not_offered_for_a_field_without_procedures(qtbot, ready_db, start_kiosk):
    w = start_kiosk(ready_db)
    wait_home(qtbot, w)
    empty = [f.code for f in w.data.fields if not f.procedures]
    assert empty
    for code in empty:
        assert w.home.tiles[code].info.isHidden()
        w.show_procedures(code)
        assert w.current() is w.home                  # never an empty page
    assert not w.home.tiles["HT"].info.isHidden()


def test_a_read_only_database_keeps_the_kiosk_unavailable_and_is_logged_once(qtbot, ready_db, start_kiosk, caplog):
    """Reads work, writes do not: the kiosk must not offer the home screen to each citizen in turn."""
    import logging

    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    read_only = {"on": False}

    def checkout(dbapi_conn, _record, _proxy):
        dbapi_conn.execute(f"PRAGMA query_only={1 if read_only['on'] else 0}")

    event.listen(Pool, "checkout", checkout)
    try:
        w = start_kiosk(ready_db)
        wait_home(qtbot, w)
        caplog.set_level(logging.INFO)
        read_only["on"] = True
        screens = []
        w.stack.currentChanged.connect(lambda _i: screens.append(w.current()))
        tap(qtbot, w.home.tiles["HT"])
        qtbot.waitUntil(lambda: w.current() is w.unavailable, timeout=WAIT_MS)
        failures = []
        w.backend.unavailable.connect(failures.append)
        qtbot.waitUntil(lambda: len(failures) >= 5, timeout=WAIT_MS)     # retried, every 100 ms here
        assert w.current() is w.unavailable and w.home not in screens
        assert "chỉ đọc" in failures[-1].message_vi
        logged = [r for r in caplog.records if "queue unavailable" in r.getMessage()]
        assert len(logged) == 1 and "read" in logged[0].getMessage().lower()

        read_only["on"] = False                       # the technician fixes the file
        wait_home(qtbot, w)
        tap(qtbot, w.home.tiles["HT"])
        qtbot.waitUntil(lambda: w.ticket.issued is not None, timeout=WAIT_MS)
        assert w.ticket.number.text() == "A001"
    finally:
        event.remove(Pool, "checkout", checkout)


def test_spoken_guidance_plays_clips_for_the_home_screen_and_reads_the_ticket_back(qtbot, ready_db, tmp_path,
                                                                                  clock):
    from core.voice import FakePlayer
    from core.voice.clips import read_wav
    player = FakePlayer(auto_finish=True)
    w = create_window(kiosk_config(tmp_path, ready_db, voice_guidance=True), clock=clock, voice_player=player)
    qtbot.addWidget(w)
    try:
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        tap(qtbot, w.home.tiles["HT"])
        qtbot.waitUntil(lambda: w.ticket.state == w.ticket.PRINTED, timeout=WAIT_MS)
        tap(qtbot, w.ticket.done_button)
        qtbot.waitUntil(lambda: len(w.speaker.said) >= 2, timeout=WAIT_MS)
        said = [g.text for g in w.speaker.said]
        assert said[0].startswith("Số của bạn là A, một, mời bạn đến quầy số")   # A001 read back
        assert said[0].endswith("Mời bạn nhận phiếu")
        assert "chạm vào lĩnh vực" in said[1]                                     # home again
        assert len(player.played) == 2 and all(len(read_wav(p)) > 8000 for p in player.played)
        tap(qtbot, w.lang_buttons["en"])
        w.show(w.priority_screen)
        w.show_home()
        assert len(player.played) == 2                    # no Vietnamese clips read to an English screen
    finally:
        w.shutdown()


def test_spoken_guidance_is_off_by_default(qtbot, ready_db, tmp_path, clock):
    w = create_window(kiosk_config(tmp_path, ready_db), clock=clock)
    qtbot.addWidget(w)
    try:
        assert w.speaker is None
        heard = []
        w.spoken.connect(heard.append)
        w.show(w.priority_screen)
        w.show_home()
        assert heard == []
    finally:
        w.shutdown()


def test_the_full_screen_kiosk_leaves_on_sigterm(tmp_path, ready_db):
    """systemd stop / a reboot: the full-screen kiosk (its close vetoed without the admin PIN) still leaves,
    cleanly (exit 0). The 2 s figure is the real-display test's; here a generous bound only."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "KIOSK_CONFIG": ""}
    out = tmp_path / "kiosk.out"
    with out.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "kiosk.app", "--db", ready_db, "--printer",
                                 f"preview://{tmp_path / 'printed'}"], cwd=REPO, env=env, stdout=sink,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while "kiosk ready" not in out.read_text() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "kiosk ready" in out.read_text(), out.read_text()[-2000:]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert "Traceback" not in out.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
