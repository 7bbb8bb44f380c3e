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
    from admin import cccd, cli, officers, printer, queue, report, selftest, visitors
    assert cli.COMMAND_GROUPS == (queue, officers, visitors, cccd, printer, selftest, report)
    parser = cli.build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    for name in ("init", "issue", "call", "recall", "start", "finish", "no-show", "reactivate", "transfer",
                 "pause", "resume", "status", "events", "officer", "face", "cccd", "privacy", "printer", "selftest",
                 "report"):
        assert name in choices, name


def test_printer_status_uses_the_configured_printer(tmp_path, monkeypatch, capsys):
    from admin import cli
    monkeypatch.setenv("KIOSK_PRINTER", f"preview://{tmp_path / 'printed'}")
    assert cli.main(["printer", "test-page"]) == 0
    assert list((tmp_path / "printed").glob("*.png")), "the test page went to the configured preview printer"
    out = capsys.readouterr().out
    assert "Đã in phiếu." in out and "(Ticket printed.)" in out   # the printer report, in both languages
