"""Screenshots of a program's own window, for a reviewer without a display (the demo, real-display tests).

    install_snapshots(window, "kiosk")   # with KIOSK_SNAPSHOT_DIR set: <dir>/kiosk-<n>.png every few seconds
                                         # and <dir>/kiosk-last.png at quit; without it, nothing
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)
SNAPSHOT_ENV = "KIOSK_SNAPSHOT_DIR"


def install_snapshots(window: QWidget, name: str, every_s: float = 5.0, keep: int = 6) -> QTimer | None:
    folder = os.environ.get(SNAPSHOT_ENV)
    if not folder:
        return None
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    count = {"n": 0}

    def grab(path: Path) -> None:
        try:
            if window.isVisible() and not window.grab().save(str(path)):
                log.warning("could not save the screenshot %s", path)
        except RuntimeError:   # the window is already deleted at quit
            pass

    def periodic() -> None:
        count["n"] += 1
        grab(out / f"{name}-{(count['n'] - 1) % keep + 1}.png")

    timer = QTimer(window, interval=int(every_s * 1000))
    timer.timeout.connect(periodic)
    timer.start()
    QTimer.singleShot(1500, periodic)
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(lambda: grab(out / f"{name}-last.png"))
    return timer
