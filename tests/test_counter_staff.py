"""The officer's counter window on a real SQLite queue: sign-in, states of the buttons, no double call."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from counter_display.staff_model import enabled_actions
from db import open_queue
from tests.counter_support import sqlite_queue

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
SHOTS = os.environ.get("KIOSK_SCREENSHOTS")   # a folder: save window PNGs there to look at


class T:  # the fields enabled_actions reads
    def __init__(self, status):
        self.status = status


def test_enabled_actions_by_state():
    assert enabled_actions(False, False, False, None, 5) == frozenset()
    assert enabled_actions(True, True, False, None, 5) == frozenset()            # busy: nothing twice
    assert enabled_actions(True, False, True, None, 5) == {"pause"}             # paused: only resume
    assert enabled_actions(True, False, False, None, 0) == {"call_number", "pause"}
    assert "call_next" in enabled_actions(True, False, False, None, 1)
    assert enabled_actions(True, False, False, T("called"), 3) == {"recall", "start", "finish", "no_show",
                                                                   "transfer"}
    assert enabled_actions(True, False, False, T("serving"), 3) == {"finish", "transfer", "call_number",
                                                                    "call_next"}


@pytest.fixture
def queue(tmp_path):
    url = sqlite_queue(tmp_path)
    svc = open_queue(url)
    svc.add_officer("Nguyễn Thị Lan", "482913", role="officer")
    yield url, svc
    svc.close()


def _window(qtbot, url, counter=1, clock=None, officers=1):
    from counter_display.staff import StaffWindow
    window = StaffWindow(lambda: open_queue(url, clock=clock), counter, poll_timeout=0.1)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.data is not None and window.officer_box.count() == officers, timeout=10000)
    return window


def _sign_in(qtbot, window, pin="482913", name="Nguyễn Thị Lan"):
    window.officer_box.setCurrentText(name)
    window.pin_edit.setText(pin)
    window.sign_in_button.click()
    qtbot.waitUntil(lambda: not window.busy, timeout=10000)


def _enabled(window):
    return {a for a, b in window.buttons.items() if b.isEnabled()}


def _idle(qtbot, window):
    qtbot.waitUntil(lambda: not window.busy, timeout=10000)


def test_the_ticket_panel_reads_the_queues_own_labels_in_either_language(queue):
    """Priority and status come from db.vocabulary (one definition); English counts are singular for one."""
    import dataclasses
    import datetime as dt

    from counter_display.staff_model import describe_ticket
    from db import priority_label, status_label
    _url, svc = queue
    issued = svc.issue("HT", priority="merit").ticket
    called = dataclasses.replace(svc.call_next(1, actor="admin:tests"), call_count=2)
    assert called.label == issued.label
    now = called.called_at
    called = dataclasses.replace(called, issued_at=now - dt.timedelta(minutes=1))
    vi, en = dict(describe_ticket(called, now)), dict(describe_ticket(called, now, "en"))
    assert vi["Ưu tiên"] == priority_label("merit", "vi") == "Người có công, thương binh, bệnh binh"
    assert en["Priority"] == priority_label("merit", "en")
    assert vi["Đã chờ"] == "1 phút" and en["Waited"] == "1 minute"
    assert vi["Trạng thái"] == f"{status_label('called', 'vi')} — chờ công dân đến (gọi 2 lần)"
    assert en["Status"] == "Called — waiting for the citizen (called 2 times)"
    assert en["Field"] == called.field_name_en and vi["Lĩnh vực"] == called.field_name_vi


def test_sign_in_call_start_finish(qtbot, queue, tmp_path):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        assert window.pages.currentIndex() == 0 and _enabled(window) == set()
        _sign_in(qtbot, window, pin="000000")
        assert window.officer is None and "Sai tên cán bộ hoặc mã PIN" in window.message.text()
        _sign_in(qtbot, window)
        assert window.officer is not None, window.message.text()
        assert window.officer.name == "Nguyễn Thị Lan" and window.pages.currentIndex() == 1
        assert _enabled(window) == {"call_number", "pause"}       # nobody waits yet

        first = svc.issue("HT", priority="elderly").ticket
        second = svc.issue("TP").ticket
        qtbot.waitUntil(lambda: window.waiting_list.count() == 2, timeout=10000)   # live from the feed
        assert "call_next" in _enabled(window)

        window.buttons["call_next"].click()
        window.buttons["call_next"].click()    # a double press ...
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: window.data.ticket is not None, timeout=10000)
        assert svc.current(1).label == first.label
        assert [t.label for t in svc.waiting(1)] == [second.label]   # ... called only once
        assert window.ticket_label.text() == first.label
        assert "Người cao tuổi" in window.ticket_rows.text()
        assert _enabled(window) == {"recall", "start", "finish", "no_show", "transfer"}
        if SHOTS:
            for size in ((1920, 1080), (1366, 768)):
                window.resize(*size)
                qtbot.wait(50)
                window.grab().save(str(Path(SHOTS) / f"staff_{size[0]}x{size[1]}.png"))
            window.resize(1366, 768)

        qtbot.keyClick(window, "F2" and __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Key_F2)   # recall
        _idle(qtbot, window)
        assert svc.current(1).call_count == 2
        window.trigger("start")
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: window.data.ticket.status == "serving", timeout=10000)
        assert _enabled(window) == {"finish", "transfer", "call_number", "call_next"}
        window.trigger("finish")
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: window.data.ticket is None, timeout=10000)
        assert svc.ticket(first.label).status == "done"
    finally:
        window.shutdown()


def test_five_wrong_pins_lock_the_window_even_for_the_right_pin(qtbot, queue):
    import datetime as dt

    from db import FixedClock
    url, svc = queue
    clock = FixedClock(dt.datetime.now(dt.timezone.utc))
    window = _window(qtbot, url, clock=clock)
    try:
        for i in range(5):
            _sign_in(qtbot, window, pin=f"90817{i}")
            assert window.officer is None and window.pin_edit.text() == ""    # cleared for the next try
            assert window.focusWidget() is window.pin_edit                   # and ready to type again
            clock.advance(seconds=10)                                         # past the growing wait
        assert "tạm khóa" in window.message.text() and "5 phút" in window.message.text()
        _sign_in(qtbot, window)                                               # the right PIN
        assert window.officer is None and window.pages.currentIndex() == 0
        assert "tạm khóa" in window.message.text() and window.message.property("kind") == "error"
        assert [e.kind for e in svc.events() if e.kind.startswith("sign_in")].count("sign_in_failed") == 5
        clock.advance(minutes=5)
        _sign_in(qtbot, window)
        assert window.officer is not None and window.officer.name == "Nguyễn Thị Lan"
    finally:
        window.shutdown()


def test_a_supervisor_sees_lockouts_at_other_counters(qtbot, queue):
    import datetime as dt

    import pytest

    from db import AuthError, FixedClock
    url, svc = queue
    svc.add_officer("Trưởng bộ phận", "739164", role="supervisor")
    window = _window(qtbot, url, counter=2, officers=2)
    try:
        _sign_in(qtbot, window, name="Trưởng bộ phận", pin="739164")
        assert window.officer.role == "supervisor"
        clock = FixedClock(dt.datetime.now(dt.timezone.utc))
        guesser = open_queue(url, clock=clock)
        for i in range(5):
            with pytest.raises(AuthError):
                guesser.sign_in(1, "Nguyễn Thị Lan", f"10000{i}")
            clock.advance(seconds=10)
        guesser.close()
        qtbot.waitUntil(lambda: "bị khóa" in window.message.text(), timeout=10000)
        assert "quầy 1" in window.message.text() and "Nguyễn Thị Lan" in window.message.text()
    finally:
        window.shutdown()


def test_a_four_digit_pin_signs_in_and_is_asked_to_change(qtbot, queue):
    from db.auth import hash_pin
    from db.models import Office, Officer
    url, svc = queue
    with svc.session() as s:                      # an officer added before new PINs needed 6 digits
        office_id = s.query(Office.id).scalar()
        s.add(Officer(office_id=office_id, name="Cán bộ Cũ", pin_hash=hash_pin("4321"), role="officer"))
    window = _window(qtbot, url, officers=2)
    try:
        window.officer_box.setCurrentText("Cán bộ Cũ")
        window.pin_edit.setText("4321")
        window.sign_in_button.click()
        qtbot.waitUntil(lambda: window.officer is not None, timeout=10000)
        assert window.officer.must_change_pin and "quá ngắn" in window.message.text()
    finally:
        window.shutdown()


def test_a_four_digit_pin_is_changed_in_the_window_right_after_sign_in(qtbot, queue):
    """The change-PIN panel opens on the desk: the new PIN typed twice, the queue's rules; then the new PIN
    signs in and the old one no longer does."""
    from db import AuthError
    from db.auth import hash_pin
    from db.models import Office, Officer
    url, svc = queue
    with svc.session() as s:
        office_id = s.query(Office.id).scalar()
        s.add(Officer(office_id=office_id, name="Cán bộ Cũ", pin_hash=hash_pin("4321"), role="officer"))
    window = _window(qtbot, url, officers=2)
    try:
        _sign_in(qtbot, window, pin="4321", name="Cán bộ Cũ")
        qtbot.waitUntil(lambda: window.officer is not None, timeout=10000)
        assert window.actions.currentWidget() is window.pin_change_panel
        ok = window.pin_change_panel.buttons[0]
        window.pin_new_edit.setText("905127")
        window.pin_again_edit.setText("905128")
        ok.click()
        assert "không khớp" in window.message.text() and not window.pin_new_edit.text()
        window.pin_new_edit.setText("123456")                  # the queue's rules: too easy
        window.pin_again_edit.setText("123456")
        ok.click()
        _idle(qtbot, window)
        assert "quá dễ đoán" in window.message.text()
        assert window.actions.currentWidget() is window.pin_change_panel and not window.pin_again_edit.text()
        window.pin_new_edit.setText("905127")
        window.pin_again_edit.setText("905127")
        ok.click()
        _idle(qtbot, window)
        assert "Đã đổi mã PIN" in window.message.text(), window.message.text()
        assert window.actions.currentIndex() == 0 and not window.officer.must_change_pin
        assert window._old_pin == "" and not window.pin_new_edit.text()
        assert not svc.authenticate("Cán bộ Cũ", "905127").must_change_pin
        with pytest.raises(AuthError):
            svc.authenticate("Cán bộ Cũ", "4321")
        assert [e.payload.get("officer") for e in svc.events() if e.kind == "pin_changed"] == ["Cán bộ Cũ"]
        assert [e.counter_number for e in svc.events() if e.kind == "pin_changed"] == [1]
    finally:
        window.shutdown()


def test_a_six_digit_pin_opens_no_change_panel(qtbot, queue):
    url, _svc = queue
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        assert window.officer is not None and window.actions.currentIndex() == 0
        assert window._old_pin == ""
    finally:
        window.shutdown()


def test_no_show_transfer_call_number_pause(qtbot, queue):
    url, svc = queue
    a = svc.issue("HT").ticket
    b = svc.issue("HT").ticket
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        window.trigger("call_next")
        _idle(qtbot, window)
        window.trigger("no_show")
        _idle(qtbot, window)
        assert svc.ticket(a.label).status == "no_show"

        window.trigger("call_number")                 # the no-show came back: call him by number
        assert window.call_panel.isVisible()
        window.call_edit.setText(a.label.lower())
        window._do_call_number()
        _idle(qtbot, window)
        assert svc.current(1).label == a.label

        window.trigger("transfer")
        qtbot.waitUntil(lambda: window.transfer_box.count() > 1, timeout=10000)
        window.transfer_box.setCurrentIndex(window.transfer_box.findData("CT"))
        window._do_transfer()
        _idle(qtbot, window)
        moved = svc.ticket(a.label)
        assert moved.field_code == "CT" and moved.status == "waiting"
        assert "Đã chuyển" in window.message.text()

        window.trigger("call_number")
        window.call_edit.setText("Z999")
        window._do_call_number()
        _idle(qtbot, window)
        assert window.message.property("kind") == "error" and window.message.text()
        window.trigger("pause")
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: window.data.counter.paused, timeout=10000)
        assert _enabled(window) == {"pause"} and "Tiếp tục" in window.buttons["pause"].text()
        window.trigger("call_next")                  # disabled: nothing happens
        assert svc.current(1) is None and [t.label for t in svc.waiting(1)] == [b.label]
        window.trigger("pause")
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: not window.data.counter.paused, timeout=10000)
    finally:
        window.shutdown()


def test_printer_fault_notice(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        t = svc.issue("HT").ticket
        svc.record_print(t.label, "paper_out", "Hết giấy")
        qtbot.waitUntil(lambda: window.fault_label.isVisibleTo(window), timeout=10000)
        assert "Hết giấy" in window.fault_label.text() and t.label in window.fault_label.text()
    finally:
        window.shutdown()


def test_visitor_shown_only_through_the_privacy_store(tmp_path, queue):
    from core.visitors.access import visitor_view
    from db import OfficerInfo
    from core.visitors.store import VisitorStore
    url, svc = queue
    store = VisitorStore(svc, tmp_path / "visitor.key", create_key=True)
    consent = store.record_consent(True, "kiosk-1")
    from core.visitors.cccd import parse_cccd
    vid = store.register_from_cccd(parse_cccd(
        "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông, Hà Nội|20052021"),
        consent if isinstance(consent, int) else consent.id)
    ticket = svc.issue("HT", visitor=vid).ticket
    officer = OfficerInfo(1, "Nguyễn Thị Lan", "officer")
    view = visitor_view(ticket, officer, store, counter=1)
    assert view.name == "Nguyễn Văn An"
    assert any(e.action == "counter_view" and e.visitor_id == vid and e.actor == officer.name
               for e in store.audit_log())
    assert visitor_view(ticket, officer, None).name is None                       # no store: id only
    assert visitor_view(ticket, OfficerInfo(2, "Khách", "guest"), store).name is None  # role not allowed
    assert visitor_view(svc.issue("HT").ticket, officer, store) is None           # not recognised


def test_officer_deletes_a_visitors_data_on_request(qtbot, tmp_path, queue):
    """Deletion on request at the counter: confirmed by the officer, everything gone, logged."""
    from core.visitors.cccd import parse_cccd
    from core.visitors.store import VisitorStore
    from counter_display.staff import StaffWindow
    url, svc = queue
    key = tmp_path / "visitor.key"
    store = VisitorStore(svc, key, create_key=True)
    consent = store.record_consent(True, "kiosk-1")
    vid = store.register_from_cccd(parse_cccd(
        "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|45/2 Lê Văn Sỹ, TP. Hồ Chí Minh|12042022"),
        consent if isinstance(consent, int) else consent.id)
    svc.issue("HT", visitor=vid)
    window = StaffWindow(lambda: open_queue(url), 1, poll_timeout=0.1,
                         open_visitor_store=lambda s: VisitorStore(s, key, create_key=False))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.data is not None and window.officer_box.count() == 1, timeout=10000)
        _sign_in(qtbot, window)
        window.trigger("call_next")
        qtbot.waitUntil(lambda: "Trần Thị Bích Ngọc" in window.visitor_label.text(), timeout=10000)
        assert window.forget_button.isVisibleTo(window) and not window.forget_panel.isVisibleTo(window)
        window.forget_button.click()
        assert window.forget_panel.isVisibleTo(window)   # nothing is deleted without the confirmation
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(SHOTS) / "staff_forget_1366x768.png"))
        assert store.identity(vid) is not None
        window.forget_confirm.click()
        qtbot.waitUntil(lambda: "Đã xóa" in window.visitor_label.text(), timeout=10000)
        assert store.identity(vid) is None
        assert any(e.action == "forget" and e.visitor_id == vid and e.actor == "counter 1: Nguyễn Thị Lan"
                   for e in store.audit_log())
        assert not window.forget_button.isVisibleTo(window)
    finally:
        window.shutdown()


# --------------------------------------------------------------------------- half a screen and larger
SWEEP = ((520, 470), (800, 600), (1280, 1024), (1920, 1080))
ARTIFACTS = Path(__file__).resolve().parent.parent / ".artifacts" / "screens"


def _problems(window, name):
    """The real-display suite's checks (tests/ui_checks.py) over this window's UI dump, plus: every action
    button on screen, whole, with text of at least 20 px."""
    from gui import uidump
    from tests import ui_checks
    dump = uidump.snapshot(window, window.ui_state)
    root = dump["tree"]     # the window is the "screen": everything must lie inside it
    screen = {"x": root["x"], "y": root["y"], "w": window.width(), "h": window.height()}
    problems = [f"{name}: {p}" for p in ui_checks.fits({**dump, "screen": screen})]
    need = window.root.totalMinimumSize()       # squeezed below what its layouts need: something is cut
    if need.width() > window.width() or need.height() > window.height():
        problems.append(f"{name}: the layout needs {need.width()}×{need.height()} "
                        f"in {window.width()}×{window.height()}")
    for n, _parent, _scrolled in ui_checks.walk(dump["tree"]):
        if n.get("kind") in ("label", "button") and n.get("text") and n["font_px"] < 20:
            problems.append(f"{name}: {n['name'] or n['class']} {n['text'][:30]!r}: {n['font_px']} px text")
    return dump, problems


@pytest.mark.parametrize("size", SWEEP, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_window_fits_every_size_signed_out_and_serving(qtbot, queue, size):
    url, svc = queue
    svc.add_officer("Trần Văn Bình Minh", "582640", role="officer")
    for field in ("HT", "TP", "CT", "HT"):
        svc.issue(field, priority="elderly" if field == "TP" else None)
    window = _window(qtbot, url, officers=2)
    problems: list[str] = []
    tag = f"{size[0]}x{size[1]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        window.setMinimumSize(0, 0)          # as gui.screen places a --geometry window (the demo's half screens)
        window.resize(*size)
        qtbot.waitUntil(lambda: (window.width(), window.height()) == size, timeout=5000)
        qtbot.wait(50)
        assert (window.width(), window.height()) == size, "the layout widened the window"
        assert window.compact == (size[0] < 1000), "compact below 1000 px wide, the desk layout above"
        qtbot.wait(20)
        window.grab().save(str(ARTIFACTS / f"counter_signin_{tag}.png"))
        dump, found = _problems(window, "signed out")
        problems += found
        from tests import ui_checks
        for name in ("officerName", "pin", "signInButton"):
            assert ui_checks.find(dump, name) is not None, f"{name} not shown at {tag}"
        _sign_in(qtbot, window)
        assert window.officer is not None
        window.trigger("call_next")
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: window.data.ticket is not None and window.data.ticket.status == "called",
                        timeout=10000)
        window.trigger("call_next")       # nothing: the ticket is only called
        window.show_message(_t_long())    # the longest message the window shows keeps inside its band
        qtbot.wait(20)
        window.grab().save(str(ARTIFACTS / f"counter_serving_{tag}.png"))
        dump, found = _problems(window, "serving")
        problems += found
        for action in window.buttons:      # every action on screen, whole, reachable
            node = ui_checks.find(dump, f"action_{action}")
            assert node is not None and node["w"] > 40 and node["h"] >= 30, f"action {action} at {tag}: {node}"
        assert ui_checks.find(dump, "signOut") is not None
        assert window.ticket_label.text() in (ui_checks.find(dump, "label") or {}).get("text", "")
        for panel, name in ((window.call_panel, "call_number"), (window.transfer_panel, "transfer"),
                            (window.pin_change_panel, "change_pin")):
            window.show_panel(panel)
            qtbot.wait(20)
            assert panel.isVisible()
            window.grab().save(str(ARTIFACTS / f"counter_{name}_{tag}.png"))
            problems += _problems(window, name)[1]
        window.close_panel()
        window.sign_out()
        qtbot.wait(20)
        window.grab().save(str(ARTIFACTS / f"counter_sign_out_{tag}.png"))
        problems += _problems(window, "sign-out question")[1]
    finally:
        window.shutdown()
    assert not problems, "\n".join(problems)


def _t_long():
    from counter_display.texts import WORDS
    return WORDS.text("vi", "hello", name="Trần Văn Bình Minh") + WORDS.text("vi", "pin_must_change")


# --------------------------------------------------------------------------- issue 12: the counter window
def _shown(window, widget):
    return widget.isVisibleTo(window)


def test_the_officer_box_is_a_fixed_list_found_without_diacritics(qtbot, queue):
    from PySide6.QtCore import Qt
    url, svc = queue
    svc.add_officer("Đặng Văn Đức", "551937", role="officer")
    window = _window(qtbot, url, officers=2)
    try:
        box = window.officer_box
        assert not box.isEditable()
        box.setFocus()
        qtbot.keyClicks(box, "482913")            # a PIN typed in the wrong box: shown nowhere, kept nowhere
        assert box.currentIndex() == -1 and box.count() == 2
        assert all("4829" not in box.itemText(i) for i in range(box.count()))
        box.typed, box._typed_at = "", 0.0
        qtbot.keyClicks(box, "nguyen THI lan")
        assert box.currentText() == "Nguyễn Thị Lan"
        box.typed, box._typed_at = "", 0.0
        qtbot.keyClicks(box, "dang van duc")       # đ is d
        assert box.currentText() == "Đặng Văn Đức"
        box.typed, box._typed_at = "", 0.0
        qtbot.keyClicks(box, "lan")                # a part of the name is enough
        assert box.currentText() == "Nguyễn Thị Lan"
        qtbot.keyClick(box, Qt.Key_Return)         # on to the PIN
        assert window.focusWidget() is window.pin_edit
        qtbot.keyClicks(window.pin_edit, "482913")
        qtbot.keyClick(window.pin_edit, Qt.Key_Return)
        qtbot.waitUntil(lambda: window.officer is not None, timeout=10000)
        assert window.officer.name == "Nguyễn Thị Lan"
    finally:
        window.shutdown()


def test_a_counter_started_during_an_outage_loads_the_officers_when_the_database_returns(qtbot, queue, tmp_path):
    from counter_display.staff import StaffWindow
    url, svc = queue
    svc.close()
    db_file = tmp_path / "queue.sqlite3"
    away = tmp_path / "away.sqlite3"
    db_file.rename(away)                           # the file is gone (a share not mounted yet, a restore)
    window = StaffWindow(lambda: open_queue(url), 1, poll_timeout=0.1)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.message.property("kind") == "error", timeout=10000)
        assert "bị xóa hoặc bị thay thế" in window.message.text() and "sqlite" not in window.message.text()
        assert window.officer_box.count() == 0 and not window.officers_loaded
        away.rename(db_file)                       # back
        qtbot.waitUntil(lambda: window.officer_box.count() == 1, timeout=15000)
        assert window.officer_box.itemText(0) == "Nguyễn Thị Lan" and window.message.text() == ""
        _sign_in(qtbot, window)
        assert window.officer is not None
    finally:
        window.shutdown()


def _call_one(qtbot, window, svc):
    ticket = svc.issue("HT").ticket
    qtbot.waitUntil(lambda: window.data is not None and len(window.data.waiting) >= 1, timeout=10000)
    window.trigger("call_next")
    _idle(qtbot, window)
    qtbot.waitUntil(lambda: window.data.ticket is not None, timeout=10000)
    return ticket


@pytest.mark.parametrize("choice,status", [("signOutKeep", "called"), ("signOutFinish", "done"),
                                           ("signOutNoShow", "no_show")])
def test_signing_out_with_a_called_ticket_asks_what_becomes_of_it(qtbot, queue, choice, status):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        ticket = _call_one(qtbot, window, svc)
        window.sign_out_button.click()
        assert window.officer is not None and _shown(window, window.sign_out_panel)   # asked, not done
        assert ticket.label in window.sign_out_question.text()
        assert not _shown(window, window.buttons["call_next"])                        # in place of the buttons
        button = next(b for b in window.sign_out_panel.buttons if b.objectName() == choice)
        button.click()
        _idle(qtbot, window)
        assert window.officer is None and window.pages.currentIndex() == 0
        assert svc.ticket(ticket.label).status == status
        assert next(c for c in svc.counters() if c.number == 1).officer_name is None
        if choice == "signOutKeep":
            assert ticket.label in window.message.text()
    finally:
        window.shutdown()


def test_an_officer_signed_in_elsewhere_is_asked_to_move_here(qtbot, queue):
    url, svc = queue
    svc.sign_in(2, "Nguyễn Thị Lan", "482913")
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        assert window.officer is None and _shown(window, window.elsewhere_panel)
        assert "quầy 2" in window.elsewhere_question.text()
        assert next(c for c in svc.counters() if c.number == 2).officer_name == "Nguyễn Thị Lan"   # nothing yet
        window.elsewhere_panel.buttons[0].click()             # "Chuyển sang quầy này"
        _idle(qtbot, window)
        assert window.officer is not None and "quầy 2" in window.message.text()
        officers = {c.number: c.officer_name for c in svc.counters()}
        assert officers[1] == "Nguyễn Thị Lan" and officers[2] is None
    finally:
        window.shutdown()


def test_an_officer_whose_other_counter_holds_a_ticket_is_refused(qtbot, queue):
    url, svc = queue
    svc.sign_in(2, "Nguyễn Thị Lan", "482913")
    held = svc.issue("CT").ticket
    assert svc.call_next(2).label == held.label
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        assert window.officer is None and not _shown(window, window.elsewhere_panel)
        assert held.label in window.message.text() and "quầy 2" in window.message.text()
        assert window.message.property("kind") == "error"
        assert {c.number: c.officer_name for c in svc.counters()}[1] is None
    finally:
        window.shutdown()


def _broken(tmp_path, case):
    """A database URL (and counter) that is wrong in one specific way."""
    import sqlite3
    if case == "corrupt":
        path = tmp_path / "corrupt.sqlite3"
        path.write_bytes(b"this is not a database " * 400)
        return f"sqlite:///{path}", 1
    if case == "wrong_path":
        return f"sqlite:///{tmp_path / 'no' / 'such' / 'queue.sqlite3'}", 1
    if case == "uninitialised":
        path = tmp_path / "empty.sqlite3"
        sqlite3.connect(path).execute("create table notes(x)").connection.commit()
        return f"sqlite:///{path}", 1
    return sqlite_queue(tmp_path), 99


@pytest.mark.parametrize("case,words", [("corrupt", "bị hỏng"), ("wrong_path", "bị xóa hoặc bị thay thế"),
                                        ("uninitialised", "chưa được khởi tạo"),
                                        ("no_such_counter", "Không có quầy số 99")])
def test_each_database_problem_has_its_own_sentence(qtbot, tmp_path, case, words):
    from counter_display.staff import StaffWindow
    url, counter = _broken(tmp_path, case)
    window = StaffWindow(lambda: open_queue(url), counter, poll_timeout=0.1)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.message.property("kind") == "error", timeout=10000)
        text = window.message.text()
        assert words in text, text
        assert "Mất kết nối" not in text and "sqlite" not in text.lower() and "(" not in text.split("—")[0]
        assert all(w not in text for w in ("OperationalError", "DatabaseError", "SQLAlchemy", "Traceback"))
        window.message_ms = 10
        qtbot.wait(100)
        assert window.message.text() == text          # stays while the database cannot be used
    finally:
        window.shutdown()


def test_messages_expire_and_never_move_the_form(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        before = [w.geometry() for w in (window.officer_box, window.pin_edit, window.sign_in_button)]
        window.message_ms = 50
        _sign_in(qtbot, window, pin="000000")
        assert "Sai tên cán bộ hoặc mã PIN" in window.message.text()
        assert [w.geometry() for w in (window.officer_box, window.pin_edit, window.sign_in_button)] == before
        qtbot.waitUntil(lambda: window.message.text() == "", timeout=5000)
        assert [w.geometry() for w in (window.officer_box, window.pin_edit, window.sign_in_button)] == before
        window.message_ms = 60000
        _sign_in(qtbot, window)
        desk = [b.geometry() for b in window.buttons.values()]
        window.clear_message()
        qtbot.wait(20)
        assert [b.geometry() for b in window.buttons.values()] == desk
        window.show_message("Xin chào " * 30, error=True)
        qtbot.wait(20)
        assert [b.geometry() for b in window.buttons.values()] == desk
        assert window.message_timer.isActive() and window.message_timer.interval() == 60000
    finally:
        window.shutdown()


def test_a_wrong_number_keeps_what_was_typed(qtbot, queue):
    url, svc = queue
    a = svc.issue("HT").ticket
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        window.trigger("call_number")
        qtbot.keyClicks(window.call_edit, "A0O1")   # O for 0
        window._do_call_number()
        _idle(qtbot, window)
        assert window.message.property("kind") == "error"
        assert _shown(window, window.call_panel) and window.call_edit.text() == "A0O1"
        assert window.call_edit.hasFocus() and window.call_edit.selectedText() == "A0O1"
        window.call_edit.setText(a.label)
        window._do_call_number()
        _idle(qtbot, window)
        assert svc.current(1).label == a.label
        assert not _shown(window, window.call_panel) and window.call_edit.text() == ""
    finally:
        window.shutdown()


def test_no_show_says_so_and_the_last_one_can_be_restored(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        assert "reactivate" not in _enabled(window)
        ticket = _call_one(qtbot, window, svc)
        later = svc.issue("HT").ticket
        window.trigger("no_show")
        _idle(qtbot, window)
        assert svc.ticket(ticket.label).status == "no_show"
        assert ticket.label in window.message.text() and "vắng mặt" in window.message.text()
        assert "reactivate" in _enabled(window) and "F9" in window.buttons["reactivate"].text()
        window.buttons["reactivate"].click()
        _idle(qtbot, window)
        assert svc.ticket(ticket.label).status == "waiting"
        assert "Đã khôi phục" in window.message.text() and "reactivate" not in _enabled(window)
        assert [t.label for t in svc.waiting(1)] == [ticket.label, later.label]   # back in its place
    finally:
        window.shutdown()


def test_while_paused_the_hint_says_how_to_resume(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        _sign_in(qtbot, window)
        assert "F1" in window.ticket_rows.text()
        window.trigger("pause")
        _idle(qtbot, window)
        qtbot.waitUntil(lambda: window.data.counter.paused, timeout=10000)
        assert "F1" not in window.ticket_rows.text() and "F8" in window.ticket_rows.text()
    finally:
        window.shutdown()


def test_printer_faults_are_kept_per_kiosk_until_it_prints_or_an_officer_dismisses(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        one = svc.issue("HT", kiosk="kiosk-1").ticket
        two = svc.issue("HT", kiosk="kiosk-2").ticket
        svc.record_print(one.label, "paper_out", "Hết giấy")
        qtbot.waitUntil(lambda: "kiosk-1" in window.fault_label.text() and _shown(window, window.fault_label),
                        timeout=10000)
        svc.record_print(two.label, "printed")                 # another kiosk prints ...
        three = svc.issue("TP", kiosk="kiosk-3").ticket
        svc.record_print(three.label, "cover_open", "Nắp mở")   # (a later event: the one before was seen)
        qtbot.waitUntil(lambda: "kiosk-3" in window.fault_label.text(), timeout=10000)
        assert "kiosk-1" in window.fault_label.text()           # ... kiosk-1 is still out of paper
        svc.record_print(svc.issue("HT", kiosk="kiosk-1").ticket.label, "printed")
        qtbot.waitUntil(lambda: "kiosk-1" not in window.fault_label.text(), timeout=10000)
        assert "kiosk-3" in window.fault_label.text()
        window.fault_dismiss.click()                            # the officer has dealt with it
        assert not _shown(window, window.fault_label) and window.printer_faults == {}
    finally:
        window.shutdown()


def test_a_kiosk_without_its_key_or_admin_pin_is_shown_to_the_staff(qtbot, queue):
    url, svc = queue
    window = _window(qtbot, url)
    try:
        svc.report_kiosk_problem("kiosk-2", "no_key", "key file /x not found")
        svc.report_kiosk_problem("kiosk-3", "no_admin_pin")
        qtbot.waitUntil(lambda: "kiosk-3" in window.fault_label.text() and _shown(window, window.fault_label),
                        timeout=10000)
        assert "Kiosk kiosk-2: không tìm thấy tệp khóa dữ liệu khách" in window.fault_label.text()
        assert "chưa đặt mã quản trị" in window.fault_label.text()
        svc.record_print(svc.issue("HT", kiosk="kiosk-2").ticket.label, "printed")   # printing is no cure
        svc.record_print(svc.issue("HT", kiosk="kiosk-1").ticket.label, "paper_out", "Hết giấy")
        qtbot.waitUntil(lambda: "kiosk-1" in window.fault_label.text(), timeout=10000)
        assert "kiosk-2:no_key" in window.printer_faults       # kept (the band shows the newest lines)
        window.fault_dismiss.click()
        assert window.printer_faults == {}
        from db import InvalidState
        with pytest.raises(InvalidState):
            svc.report_kiosk_problem("kiosk-2", "anything")
    finally:
        window.shutdown()
