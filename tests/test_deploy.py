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
