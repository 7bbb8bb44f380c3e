"""The demo as a newcomer meets it, offscreen: one centre working for a few seconds with --simulate."""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import demo  # noqa: E402


@pytest.mark.parametrize("size", [(1920, 1080), (2560, 1440), (3840, 2160)])
def test_layout_puts_every_window_on_screen_without_overlap(size):
    layout = demo.centre_layout(*size)
    for rect in layout.values():
        assert rect.x >= 0 and rect.y >= 0 and rect.x + rect.w <= size[0] and rect.y + rect.h <= size[1]
        assert rect.w >= 200 and rect.h >= 300
    for a, b in itertools.combinations(layout.values(), 2):
        assert not a.overlaps(b), (a, b)
    kiosk = layout["kiosk"]
    assert abs(kiosk.w / kiosk.h - 9 / 16) < 0.01


def test_small_screens_are_scaled_down_to_a_usable_layout():
    assert demo.scale_for(1920, 1080) == 1.0
    assert demo.scale_for(1366, 768) == pytest.approx(0.711, abs=0.001)
    logical = [int(v / demo.scale_for(1366, 768)) for v in (1366, 768)]
    assert logical[0] >= 1900 and logical[1] >= 1070


def test_demo_runs_offscreen_with_simulated_citizens_and_officers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "demo.py"), "--seconds", "14", "--pace", "0.15",
                        "--out", str(tmp_path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-3000:])
    counts = json.loads((tmp_path / "simulation.json").read_text())
    assert counts["issued"] >= 3 and counts["called"] >= 2 and counts["finished"] >= 1, counts
    printed = list((tmp_path / "printed").glob("*.png"))
    shots = {p.name.rsplit("-", 1)[0] for p in (tmp_path / "screenshots").glob("*.png")}
    assert {"kiosk", "board", "staff-1", "staff-2", "tickets"} <= shots, shots
    layout = json.loads((tmp_path / "layout.json").read_text())
    rects = [demo.Rect(**v) for k, v in layout.items() if k not in ("screen", "scale")]
    assert not any(a.overlaps(b) for a, b in itertools.combinations(rects, 2))
    assert len(printed) >= counts["printed"] >= 3, "every simulated ticket is printed to the preview folder"
    from PIL import Image
    with Image.open(tmp_path / "centre.png") as centre:
        assert centre.size == tuple(layout["screen"])


def test_demo_runs_on_postgresql(tmp_path, pg_url):
    """`--db URL` (the README's PostgreSQL line): the same centre on the server, every window against it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "demo.py"), "--seconds", "12", "--pace", "0.15",
                        "--out", str(tmp_path), "--db", pg_url], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, (r.stdout[-2000:], r.stderr[-3000:])
    assert not list(tmp_path.glob("*.sqlite3")), "no SQLite file beside the server"
    counts = json.loads((tmp_path / "simulation.json").read_text())
    assert counts["issued"] >= 3 and counts["called"] >= 2 and counts["errors"] == 0, counts
    import db
    svc = db.open_queue(pg_url)
    try:
        shown = {p.name.rsplit("-", 1)[0] for p in (tmp_path / "screenshots").glob("*.png")}
        assert {"kiosk", "board", "staff-1", "staff-2"} <= shown, shown
        assert len(svc.waiting()) + counts["called"] == counts["issued"], "every ticket is on the server"
    finally:
        svc.close()
