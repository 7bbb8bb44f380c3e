"""What a centre installs from deploy/: the sample configurations load, the systemd units verify."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

DEPLOY = REPO / "deploy"


@pytest.mark.parametrize("sample", sorted((DEPLOY / "config").glob("*.toml")), ids=lambda p: p.name)
def test_sample_configurations_load(sample, monkeypatch):
    from core.config import load_config
    for name in [n for n in __import__("os").environ if n.startswith("KIOSK_")]:
        monkeypatch.delenv(name)
    cfg = load_config(str(sample))
    assert cfg.language == "vi"
    if "lan" in sample.name:
        assert cfg.db_url.startswith("postgresql+psycopg://")


def test_there_is_a_unit_for_every_program():
    units = {p.name for p in (DEPLOY / "systemd").iterdir()}
    assert {"kiosk.service", "counter-display@.service", "board.service", "kiosk-purge.service",
            "kiosk-purge.timer"} <= units
    for name in ("kiosk.service", "counter-display@.service", "board.service"):
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8")
        assert "Restart=on-failure" in text and "network-online.target" in text, name


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not available on this machine")
    bin_dir = Path(sys.executable).parent
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text(encoding="utf-8").replace("/opt/kiosk/kiosk/", f"{bin_dir}/")
        if not Path("/usr/bin/Xorg").exists():
            text = text.replace("/usr/bin/Xorg", shutil.which("true") or "/bin/true")
        target = tmp_path / unit.name
        target.write_text(text, encoding="utf-8")
        if unit.name.endswith("@.service"):   # a template is verified through one instance
            (tmp_path / unit.name.replace("@.", "@3.")).write_text(text, encoding="utf-8")
    names = [p.name for p in tmp_path.iterdir() if "@." not in p.name]
    r = subprocess.run([analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60)
    problems = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
    assert r.returncode == 0 and not problems, problems


USER_UNITS = ("kiosk.service", "board.service", "counter-display@.service", "kiosk-purge.service",
              "kiosk-purge.timer")


def test_user_units_verify_in_a_user_manager(tmp_path):
    """docs/DEPLOY.md installs these as user units (systemctl --user): verified as the user manager loads them,
    where a directive only a system unit may carry (User=, a system target's dependency that cannot load) shows."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not available on this machine")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    units = tmp_path / "units"
    units.mkdir()
    bin_dir = Path(sys.executable).parent
    for name in USER_UNITS:
        text = (DEPLOY / "systemd" / name).read_text(encoding="utf-8").replace("/opt/kiosk/kiosk/", f"{bin_dir}/")
        (units / name.replace("@.", "@3.")).write_text(text, encoding="utf-8")
        if "@." in name:
            (units / name).write_text(text, encoding="utf-8")
        assert "User=" not in text and "Group=" not in text, name
    names = [p.name for p in units.iterdir() if "@." not in p.name]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(runtime)}
    r = subprocess.run([analyze, "--user", "verify", "--man=no", *names], cwd=units, env=env, capture_output=True,
                       text=True, timeout=60)
    if "Failed to initialize manager" in r.stderr:
        pytest.skip(f"systemd-analyze cannot start a user manager here: {r.stderr.strip()[-200:]}")
    problems = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
    assert r.returncode == 0 and not problems, problems
