"""kiosk-admin as an administrator uses it: real processes, plain messages, exit codes, JSON lines."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.admin_support import admin
from tests.conftest import REPO


@pytest.fixture
def url(db_url, tmp_path):
    r = admin(db_url, "init", "--always-open", env={"KIOSK_KEY_FILE": str(tmp_path / "visitor.key")})
    assert r.returncode == 0, r.stderr
    assert "9 lĩnh vực" in r.stdout
    return db_url


def test_issue_call_and_status(url):
    r = admin(url, "issue", "HT", "--json")
    assert r.returncode == 0
    issued = json.loads(r.stdout)
    assert issued["ticket"]["label"] == "A001" and issued["counters"] == [1]
    assert admin(url, "issue", "B", "--priority", "elderly").stdout.startswith("B001")
    called = json.loads(admin(url, "call", "1", "--json").stdout)
    assert called["label"] == "A001" and called["status"] == "called"
    assert "A001" in admin(url, "recall", "1").stdout
    assert admin(url, "start", "1").returncode == 0
    assert admin(url, "finish", "1").returncode == 0
    status = json.loads(admin(url, "status", "--json").stdout)
    fields = {f["code"]: f for f in status["fields"]}
    assert fields["CT"]["waiting"] == 1 and fields["HT"]["waiting"] == 0
    assert {c["number"] for c in status["counters"]} == {1, 2, 3, 4, 5, 6}
    text = admin(url, "status").stdout
    assert "Chứng thực" in text and "Quầy 6" in text


def test_transfer_no_show_reactivate_pause(url):
    admin(url, "issue", "HT")
    assert "A001  Chứng thực  (waiting)" in admin(url, "transfer", "A001", "CT").stdout
    assert json.loads(admin(url, "call", "2", "--json").stdout)["label"] == "A001"
    assert admin(url, "no-show", "2").returncode == 0
    assert "waiting" in admin(url, "reactivate", "A001").stdout
    assert "tạm dừng" in admin(url, "pause", "2").stdout
    r = admin(url, "call", "2")
    assert r.returncode == 1 and "tạm dừng" in r.stderr


def test_user_mistakes_give_plain_messages_not_tracebacks(url):
    for args, code, words in [
        (("issue", "ZZ"), 1, "Không có lĩnh vực"),
        (("finish", "3"), 1, "chưa gọi số nào"),
        (("call", "99"), 1, "Không có quầy số 99"),
        (("officer", "add", "Lan", "--pin", "1234"), 1, "6–12 chữ số"),   # new PINs: at least 6 digits
    ]:
        r = admin(url, *args)
        assert r.returncode == code and words in r.stderr and "Traceback" not in r.stderr


def test_unreachable_database_exits_3():
    r = admin("postgresql+psycopg://nobody@127.0.0.1:1/none", "status")
    assert r.returncode == 3 and "Không kết nối được" in r.stderr and "Traceback" not in r.stderr


def test_bad_catalogue_is_refused_and_changes_nothing(url, tmp_path):
    bad = tmp_path / "bad.toml"
    good = (REPO / "assets" / "catalogue.toml").read_text(encoding="utf-8")
    bad.write_text(good.replace('name_vi = "Chứng thực"', 'name_vi = "Đổi tên"').replace(
        'prefix = "C"', 'prefix = "A"'), encoding="utf-8")
    r = admin(url, "init", "--catalogue", str(bad))
    assert r.returncode == 2
    assert str(bad) in r.stderr and "[[fields]] 'DD'" in r.stderr and "tiền tố 'A' bị trùng" in r.stderr
    assert "Chứng thực" in admin(url, "status").stdout


def test_officer_add_reads_pin_from_stdin(url):
    r = admin(url, "officer", "add", "Trần Văn Bình", "--role", "supervisor", stdin="258063\n")
    assert r.returncode == 0, r.stderr
    assert "Trần Văn Bình\tsupervisor" in admin(url, "officer", "list").stdout


def test_staff_commands_act_as_admin_or_the_named_officer(url):
    admin(url, "officer", "add", "Trần Văn Bình", "--pin", "739164")
    admin(url, "issue", "HT")
    admin(url, "issue", "HT")
    assert admin(url, "call", "1").returncode == 0
    assert admin(url, "recall", "1", "--officer", "Trần Văn Bình").returncode == 0
    r = admin(url, "finish", "1", "--officer", "Không Có Ai")
    assert r.returncode == 1 and "Không có cán bộ" in r.stderr
    events = [json.loads(line) for line in admin(url, "events", "--json").stdout.splitlines()]
    actors = {e["kind"]: e["payload"].get("actor") for e in events}
    assert actors["called"].startswith("admin:") and actors["recalled"] == "officer:Trần Văn Bình"
    assert any(line.startswith("#") and "recalled" in line and line.endswith("officer:Trần Văn Bình")
               for line in admin(url, "events").stdout.splitlines())   # the supervisor reads who did what


def test_hash_pin_for_the_kiosk_and_unlock(url):
    from db.auth import verify_pin
    r = admin(url, "officer", "hash-pin", stdin="582047\n")
    assert r.returncode == 0 and verify_pin(r.stdout.strip(), "582047") and "582047" not in r.stdout
    assert admin(url, "officer", "hash-pin", "--pin", "1234").returncode == 1
    assert "mở khóa" in admin(url, "officer", "unlock", "Lan").stdout
    admin(url, "officer", "add", "Lan", "--pin", "739164")
    r = admin(url, "officer", "change-pin", "Lan", stdin="739164\n1234\n")
    assert r.returncode == 1 and "6–12 chữ số" in r.stderr
    assert admin(url, "officer", "change-pin", "Lan", stdin="739164\n905127\n").returncode == 0
    assert admin(url, "officer", "change-pin", "Lan", stdin="739164\n582047\n").returncode == 1   # old PIN gone


def _read_lines(stream, n: int, deadline_s: float) -> list[str]:
    """The first ``n`` lines of a child's output, waiting at most ``deadline_s`` in all (never blocks CI)."""
    import select
    fd, data = stream.fileno(), b""
    end = time.monotonic() + deadline_s
    while data.count(b"\n") < n:
        left = end - time.monotonic()
        assert left > 0, f"fewer than {n} lines within {deadline_s} s: {data!r}"
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, 65536)
            assert chunk, f"the program ended early: {data!r}"
            data += chunk
    return [line.decode("utf-8") for line in data.split(b"\n")[:n]]


def test_events_follow_json_prints_one_line_per_event_at_once(url):
    env = {**os.environ, "KIOSK_DB_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "admin.cli", "events", "--follow", "--json"], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2.0)  # let it start following
        admin(url, "issue", "HT")
        admin(url, "call", "1")
        lines = _read_lines(proc.stdout, 2, deadline_s=20.0)   # flushed per event, or they never come
    finally:
        proc.kill()
        proc.wait()
    events = [json.loads(line) for line in lines]
    assert [e["kind"] for e in events] == ["issued", "called"]
    assert events[1]["ticket_label"] == "A001" and events[1]["counter_number"] == 1
    history = [json.loads(line) for line in admin(url, "events", "--json").stdout.splitlines()]
    assert [e["kind"] for e in history] == ["issued", "called"]


def test_commands_are_grouped_by_what_they_act_on():
    from admin import cccd, cli, kiosk_pin, officers, printer, queue, report, selftest, visitors
    assert cli.COMMAND_GROUPS == (queue, officers, kiosk_pin, visitors, cccd, printer, selftest, report)
    parser = cli.build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    for name in ("init", "issue", "call", "recall", "start", "finish", "no-show", "reactivate", "transfer",
                 "pause", "resume", "status", "events", "officer", "face", "cccd", "privacy", "printer", "selftest",
                 "report", "admin-pin"):
        assert name in choices, name


def test_printer_status_uses_the_configured_printer(tmp_path, monkeypatch, capsys):
    from admin import cli
    monkeypatch.setenv("KIOSK_PRINTER", f"preview://{tmp_path / 'printed'}")
    assert cli.main(["printer", "test-page"]) == 0
    assert list((tmp_path / "printed").glob("*.png")), "the test page went to the configured preview printer"
    out = capsys.readouterr().out
    assert "Đã in phiếu." in out and "(Ticket printed.)" in out   # the printer report, in both languages


# ---------------------------------------------------------------- the kiosk admin PIN (issue 13: no default)
KIOSK_TOML = ('# Kiosk at the door — kept as written\n'
              'office = "HN01"          # the office code\n'
              '\n'
              '# admin_pin_hash = "$argon2id$v=19$..."\n'
              'idle_seconds = 60\n'
              'board_notice = "Giữ trật tự"\n')


def _home(tmp_path) -> dict:
    """A user with no kiosk.toml yet: the default configuration file is tmp_path/.config/kiosk-queue/kiosk.toml."""
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config"),
            "KIOSK_KEY_FILE": str(tmp_path / "visitor.key")}


def test_init_stores_only_the_hash_of_the_admin_pin_and_keeps_the_rest_of_the_config(db_url, tmp_path):
    from core.config import load_config
    from db.auth import PinCheck
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(KIOSK_TOML, encoding="utf-8")
    r = admin(db_url, "--config", str(cfg), "init", "--admin-pin-from-stdin", stdin="582047\n", env=_home(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "9 lĩnh vực" in r.stdout and "chỉ lưu bản băm" in r.stdout and "its hash only" in r.stdout
    text = cfg.read_text(encoding="utf-8")
    added = [line for line in text.splitlines(keepends=True) if line not in KIOSK_TOML.splitlines(keepends=True)]
    assert len(added) == 1 and added[0].startswith('admin_pin_hash = "$argon2id$')
    assert text.replace(added[0], "") == KIOSK_TOML             # every other byte kept, comments included
    loaded = load_config(cfg, env={})
    assert (loaded.office, loaded.idle_seconds, loaded.board_notice) == ("HN01", 60, "Giữ trật tự")
    check = PinCheck(loaded.admin_pin, loaded.admin_pin_hash)   # what the kiosk's PIN pad checks with
    assert check.attempt("582047") is None and check.attempt("582048") is not None
    assert "582047" not in text + r.stdout + r.stderr
    assert "admin-pin" not in r.stderr                          # set: no reminder

    r = admin(db_url, "--config", str(cfg), "admin-pin", stdin="905127\n")     # replace it, nothing else
    assert r.returncode == 0, r.stderr
    again = cfg.read_text(encoding="utf-8")
    lines = again.splitlines(keepends=True)
    assert lines[4].startswith('admin_pin_hash = "$argon2id$') and lines[4] != added[0]
    assert "".join(lines[:4] + lines[5:]) == KIOSK_TOML
    check = PinCheck("", load_config(cfg, env={}).admin_pin_hash)
    assert check.attempt("905127") is None and "905127" not in again + r.stdout + r.stderr


def test_a_weak_admin_pin_is_refused_before_anything_is_written(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(KIOSK_TOML, encoding="utf-8")
    for pin in ("1234", "123456", ""):
        r = admin(url, "--config", str(cfg), "init", "--admin-pin-from-stdin", stdin=f"{pin}\n", env=_home(tmp_path))
        assert r.returncode == 1 and ("chữ số" in r.stderr or "dễ đoán" in r.stderr), r.stderr
        assert "Traceback" not in r.stderr and (not pin or pin not in r.stdout + r.stderr)
    assert cfg.read_text(encoding="utf-8") == KIOSK_TOML
    assert not (tmp_path / "q.sqlite3").exists() and not (tmp_path / "visitor.key").exists()


def test_init_creates_the_default_config_file_0600_holding_only_the_hash(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    r = admin(url, "init", "--admin-pin-from-stdin", stdin="582047\n", env=_home(tmp_path))
    assert r.returncode == 0, r.stderr
    created = tmp_path / ".config" / "kiosk-queue" / "kiosk.toml"
    assert created.stat().st_mode & 0o777 == 0o600
    text = created.read_text(encoding="utf-8")
    assert "582047" not in text + r.stdout + r.stderr and str(created) in r.stdout and "0600" in r.stdout
    from core.config import load_config
    from db.auth import verify_pin
    assert verify_pin(load_config(created, env={}).admin_pin_hash, "582047")
    again = admin(url, "init", stdin="", env=_home(tmp_path))      # set now: no question, no reminder
    assert again.returncode == 0 and "admin-pin" not in again.stderr and created.read_text(encoding="utf-8") == text


def test_init_without_a_terminal_does_not_wait_for_a_pin_and_says_how_to_set_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    env = {**os.environ, "KIOSK_DB_URL": url, **_home(tmp_path)}
    env.pop("KIOSK_CONFIG", None)
    env.pop("KIOSK_ADMIN_PIN_HASH", None)
    r = subprocess.run([sys.executable, "-m", "admin.cli", "init"], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if "admin-pin" in line]
    assert len(notes) == 1 and "không thể thoát" in notes[0] and "cannot be left" in notes[0]
    assert "kiosk-admin admin-pin" in notes[0]
    assert not (tmp_path / ".config").exists()                  # nothing written without a PIN
    r = admin(url, "init", "--no-admin-pin", env=_home(tmp_path))
    assert r.returncode == 0 and "admin-pin" not in r.stderr
    r = admin(url, "init", "--no-admin-pin", "--admin-pin-from-stdin", env=_home(tmp_path))
    assert r.returncode == 2


def test_init_on_a_terminal_asks_for_the_admin_pin_twice(tmp_path, monkeypatch, capsys):
    import getpass

    from admin.cli import main
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(KIOSK_TOML, encoding="utf-8")
    monkeypatch.setenv("KIOSK_KEY_FILE", str(tmp_path / "visitor.key"))
    monkeypatch.delenv("KIOSK_ADMIN_PIN_HASH", raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    typed, prompts = iter(["582047", "582074"]), []
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": prompts.append(prompt) or next(typed))
    assert main(["--db", url, "--config", str(cfg), "init"]) == 2           # the two entries differ
    out = capsys.readouterr()
    assert "không khớp" in out.err and cfg.read_text(encoding="utf-8") == KIOSK_TOML
    assert "Mã quản trị kiosk" in prompts[0] and "Kiosk admin PIN" in prompts[0]
    typed = iter(["582047", "582047"])
    assert main(["--db", url, "--config", str(cfg), "init"]) == 0
    out = capsys.readouterr()
    assert "582047" not in out.out + out.err + cfg.read_text(encoding="utf-8")
    from core.config import load_config
    from db.auth import verify_pin
    assert verify_pin(load_config(cfg, env={}).admin_pin_hash, "582047")
    typed = iter([])                                             # set now: init asks nothing
    assert main(["--db", url, "--config", str(cfg), "init"]) == 0


def test_a_config_that_cannot_be_written_gets_the_line_to_add_instead(tmp_path, monkeypatch, capsys):
    import admin.kiosk_pin
    from admin.cli import main

    def refuse(path, key, value):      # the tests run as root, for whom chmod 0400 stops nothing
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(admin.kiosk_pin, "set_config_value", refuse)
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("582047\n"))
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(KIOSK_TOML, encoding="utf-8")
    assert main(["--config", str(cfg), "admin-pin"]) == 1
    out = capsys.readouterr()
    assert "Không ghi được" in out.err and "Cannot write" in out.err and "Permission denied" in out.err
    line = [s for s in out.err.splitlines() if s.startswith('admin_pin_hash = "$argon2id$')]
    assert len(line) == 1 and "582047" not in out.out + out.err
    assert cfg.read_text(encoding="utf-8") == KIOSK_TOML


def test_setting_a_config_value_keeps_crlf_and_refuses_what_it_cannot_keep(tmp_path):
    import pytest as _pytest

    from core.config import ConfigError, set_config_value
    cfg = tmp_path / "k.toml"
    cfg.write_bytes(b'office = "HN01"\r\nadmin_pin_hash = "old"  # old one\r\nidle_seconds = 60')
    assert set_config_value(cfg, "admin_pin_hash", "new") is False
    assert cfg.read_bytes() == b'office = "HN01"\r\nadmin_pin_hash = "new"\r\nidle_seconds = 60'
    odd = tmp_path / "odd.toml"
    odd.write_bytes(b'admin_pin_hash = """\nold\n"""\n')
    with _pytest.raises(ConfigError):
        set_config_value(odd, "admin_pin_hash", "new")
    assert odd.read_bytes() == b'admin_pin_hash = """\nold\n"""\n'
