"""The demo's "printer tray": shows the newest tickets the preview printer saved, beside the kiosk.

    python scripts/demo_tickets.py .demo/printed [--geometry WxH+X+Y]
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtGui import QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget  # noqa: E402


class TicketTray(QWidget):
    def __init__(self, folder: Path, shown: int = 3):
        super().__init__()
        self.folder, self.shown, self.seen = folder, shown, ()
        self.setWindowTitle("Phiếu đã in / printed tickets")
        self.setStyleSheet("background: #e8e8e8;")
        outer = QVBoxLayout(self)
        title = QLabel("Phiếu đã in\nPrinted tickets")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 18px; font-weight: bold; color: #111;")
        outer.addWidget(title)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.addStretch(1)
        scroll.setWidget(self.inner)
        outer.addWidget(scroll, 1)
        self.timer = QTimer(self, interval=700)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def refresh(self) -> None:
        pngs = tuple(sorted(self.folder.glob("*.png"), key=lambda p: p.stat().st_mtime)[-self.shown:])
        if pngs == self.seen:
            return
        self.seen = pngs
        while self.column.count() > 1:
            item = self.column.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        width = max(120, self.width() - 40)
        for png in reversed(pngs):
            label = QLabel()
            label.setPixmap(QPixmap(str(png)).scaledToWidth(width, Qt.TransformationMode.SmoothTransformation))
            label.setStyleSheet("background: white; border: 1px solid #999;")
            self.column.insertWidget(self.column.count() - 1, label)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--geometry", help="WxH+X+Y")
    args = ap.parse_args()
    app = QApplication(sys.argv[:1])
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    tray = TicketTray(folder)
    if args.geometry:
        # placed like the demo's other windows (frameless, at its place): a window manager such as matchbox
        # would otherwise make a plain window cover the whole screen and scale every ticket up to it
        from gui.screen import ScreenPlacement
        tray.placement = ScreenPlacement(tray, full=False, geometry=args.geometry)
        tray.placement.show()
    else:
        tray.resize(260, 800)
        tray.show()
    from gui.snapshot import install_snapshots
    install_snapshots(tray, "tickets")
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer(interval=250)
    wake.timeout.connect(lambda: None)
    wake.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
