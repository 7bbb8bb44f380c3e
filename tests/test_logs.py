"""Programs on unattended machines leave a log a technician can find."""
from __future__ import annotations

import logging
import subprocess
import sys

from tests.conftest import REPO

PROGRAM = """
import logging, sys, threading
from core.logs import setup_logging
path = setup_logging("probe")
logging.getLogger("probe").info("hello %s", "Việt Nam")
t = threading.Thread(target=lambda: 1 / 0, name="worker-x"); t.start(); t.join()
if sys.argv[1] == "qt":
    from PySide6.QtCore import QCoreApplication, qWarning
    from gui.qt_logs import install_qt_logging
    app = QCoreApplication([])
    install_qt_logging()
    qWarning("a Qt warning")
raise RuntimeError("boom in main")
"""


def run_probe(tmp_path, mode):
    env = {"KIOSK_LOG_DIR": str(tmp_path), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", PROGRAM, mode], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)


def test_log_file_records_main_and_thread_exceptions(tmp_path):
    r = run_probe(tmp_path, "plain")
    assert r.returncode != 0
    text = (tmp_path / "probe.log").read_text(encoding="utf-8")
    assert "hello Việt Nam" in text
    assert "uncaught exception in thread worker-x" in text and "ZeroDivisionError" in text
    assert "uncaught exception" in text and "RuntimeError: boom in main" in text


def test_qt_messages_reach_the_log(tmp_path):
    run_probe(tmp_path, "qt")
    text = (tmp_path / "probe.log").read_text(encoding="utf-8")
    assert "WARNING" in text and "a Qt warning" in text


def test_once_per_cause_filter_drops_repeats():
    from core.logs import OncePerCause
    f = OncePerCause(interval_s=60)
    rec = lambda msg: logging.LogRecord("kiosk", logging.ERROR, __file__, 1, msg, None, None)  # noqa: E731
    assert f.filter(rec("database unavailable: locked"))
    assert not f.filter(rec("database unavailable: locked"))
    assert f.filter(rec("database unavailable: disk full"))
