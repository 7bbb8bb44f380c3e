"""The kiosk's Vietnamese words, its command line and configuration, first start on an empty database, ticket
data. (Both languages of every catalogue: tests/test_words.py.)"""
from __future__ import annotations

import pytest

from db import init_db
from core import config as kiosk_config
from kiosk.app import ensure_database, make_config, parse_args
from kiosk.i18n import tr
from kiosk.worker import build_ticket


def test_vietnamese_text_has_its_diacritics():
    assert tr("vi", "print_failed") == "Máy in gặp sự cố — vui lòng ghi nhớ số này hoặc báo cán bộ"
    assert tr("vi", "take_ticket") == "Mời bạn nhận phiếu"
    assert tr("vi", "priority_button") == "Ưu tiên"
    assert tr("en", "people_waiting", n=3) == "3 people waiting"   # (n=1: tests/test_words.py)


def test_command_line_overrides_the_file_and_environment(tmp_path, monkeypatch):
    cfg_file = tmp_path / "kiosk.toml"
    cfg_file.write_text('db_url = "sqlite:///from-file.sqlite3"\nidle_seconds = 30\nprinter = "preview:///a"\n',
                        encoding="utf-8")
    monkeypatch.setenv("KIOSK_PRINTER", "preview:///from-env")
    cfg = make_config(parse_args(["--config", str(cfg_file), "--db", "sqlite:///cli.sqlite3", "--windowed"]))
    assert cfg.db_url == "sqlite:///cli.sqlite3"
    assert cfg.printer == "preview:///from-env"          # env beats the file
    assert cfg.idle_seconds == 30 and cfg.fullscreen is False
    cfg = make_config(parse_args(["--config", str(cfg_file), "--printer", "tcp://10.0.0.5:9100"]))
    assert cfg.printer == "tcp://10.0.0.5:9100" and cfg.fullscreen is True


def test_bad_configuration_is_a_clear_message(tmp_path, capsys, monkeypatch):
    from kiosk.app import main
    bad = tmp_path / "kiosk.toml"
    bad.write_text("idle_seconds = 'soon'\n", encoding="utf-8")
    assert main(["--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "idle_seconds" in err and "không hợp lệ" in err


def test_first_start_sets_up_the_default_database_once(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'data' / 'queue.sqlite3'}"
    monkeypatch.setattr(kiosk_config, "default_db_url", lambda: url)
    cfg = kiosk_config.AppConfig()                     # db_url empty: the default SQLite file
    assert cfg.resolved_db_url == url
    assert ensure_database(cfg) is True
    from db import open_queue
    svc = open_queue(url)
    try:
        assert len(svc.fields()) == 9 and svc.office_info().is_open   # ready, open around the clock
    finally:
        svc.close()
    assert ensure_database(cfg) is False               # a database with tables is never reloaded


def test_an_explicit_database_is_never_set_up_silently(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert ensure_database(kiosk_config.AppConfig(db_url=url)) is False
    from kiosk.app import database_is_empty
    assert database_is_empty(url)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_printed_ticket_carries_the_citizens_language(sqlite_url, clock, language):
    svc = init_db(sqlite_url, clock=clock)
    try:
        issued = svc.issue("HT", procedure="HT-KS", priority="disability")
        office = svc.office_info()
    finally:
        svc.close()
    cfg = kiosk_config.AppConfig(ticket_qr="https://dvc.example/{procedure_code}/{label}")
    ticket = build_ticket(cfg, office, issued, language)
    en = language == "en"
    assert ticket.label == "A001" and ticket.language == language
    assert ticket.centre_name == (office.name_en if en else office.name_vi)
    assert ticket.field_name == ("Civil status" if en else "Hộ tịch")
    assert ticket.procedure_name == ("Birth registration" if en else "Đăng ký khai sinh")
    assert ticket.priority_reason == ("Person with a disability" if en else "Người khuyết tật")
    assert ticket.counters == ["1", "6"]
    assert ticket.qr_payload == "https://dvc.example/HT-KS/A001"


def test_a_long_day_of_qt_calls_cannot_exhaust_references_to_none(qapp):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call; the kiosk's guard
    must keep None alive through a day of calls (here: 50,000 label updates)."""
    import sys

    from PySide6.QtWidgets import QLabel

    from gui.qt_compat import protect_none, void_calls_drop_none_refs
    leaking = void_calls_drop_none_refs()
    protect_none()
    from PySide6.QtWidgets import QPushButton
    label, button = QLabel(), QPushButton()
    for _ in range(50_000):
        label.setText("09:00")
        button.clicked.emit()                          # a bool argument (checked=False)
    if leaking:
        assert min(sys.getrefcount(v) for v in (None, True, False)) > 1 << 40
    else:
        assert min(sys.getrefcount(v) for v in (None, True, False)) > 1000
