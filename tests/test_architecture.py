"""The core never imports Qt: db/, printer/, the recognition logic, the configuration and the voice run
on a machine without PySide6 (checked by hiding PySide6 from a fresh interpreter)."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

CORE_MODULES = ["db", "db.feed", "db.service", "printer", "kiosk.config", "kiosk.admin", "kiosk.face",
                "kiosk.cccd", "kiosk.privacy", "counter_display.voice"]

HIDE_QT = """
import importlib, sys
class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("PySide6 is hidden: the core must not import Qt")
sys.meta_path.insert(0, NoQt())
for name in sys.argv[1:]:
    importlib.import_module(name)
print("ok")
"""


def test_core_imports_without_qt():
    r = subprocess.run([sys.executable, "-c", HIDE_QT, *CORE_MODULES], cwd=REPO, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "ok"


def test_hiding_qt_really_blocks_it():
    """The check above would be worthless if the hook let PySide6 through."""
    r = subprocess.run([sys.executable, "-c", HIDE_QT, "PySide6.QtCore"], cwd=REPO, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode != 0 and "PySide6 is hidden" in r.stderr
