"""`kiosk-admin selftest`, the smoke test of an installed machine: every step passes here, and a missing part is
named, not hidden."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest


def test_selftest_passes_on_this_installation(tmp_path):
    exe = Path(sys.executable).with_name("kiosk-admin")
    if not exe.exists():
        pytest.skip("kiosk-admin is not installed in this environment")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    r = subprocess.run([str(exe), "selftest"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stdout + r.stderr
    for step in ("imports", "database", "printer", "cccd", "faces", "programs"):
        assert any(line.startswith(("[  OK]", "[SKIP]")) and f"] {step}:" in line
                   for line in r.stdout.splitlines()), (step, r.stdout)
    assert "kiosk (" in r.stdout and "counter-display (" in r.stdout


def test_selftest_names_a_missing_program(monkeypatch):
    from admin import selftest
    monkeypatch.setattr(selftest, "_sibling", lambda name: None)
    monkeypatch.setattr(selftest, "STEPS", tuple(s for s in selftest.STEPS if s[0] in ("database", "programs")))
    out = io.StringIO()
    assert selftest.run(out=out) == 1
    text = out.getvalue()
    assert "[  OK] database" in text
    assert "[FAIL] programs" in text and "'kiosk' is not installed" in text


def test_selftest_reports_a_broken_step_and_goes_on(monkeypatch):
    from admin import selftest

    def broken(_work):
        raise OSError("no space left on device")
    monkeypatch.setattr(selftest, "STEPS", (("printer", broken), ("database", selftest.check_database)))
    out = io.StringIO()
    assert selftest.run(out=out) == 1
    assert "[FAIL] printer: OSError: no space left on device" in out.getvalue()
    assert "[  OK] database" in out.getvalue()
