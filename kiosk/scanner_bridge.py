"""A CCCD scanner in USB-serial mode, seen from the GUI: ``scanned`` (str) on the GUI thread.

    bridge = ScannerBridge(cfg.scanner_setting)
    bridge.scanned.connect(...); bridge.start(); ...; bridge.stop()

The reading itself (port, framing, UTF-8, reconnecting) is core/visitors/scanner.py, Qt-free; this only
carries each payload across threads with a queued signal.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from core.config import ScannerSetting
from core.visitors.scanner import SerialScanner


class ScannerBridge(QObject):
    scanned = Signal(str)

    def __init__(self, setting: ScannerSetting, parent: QObject | None = None, **options) -> None:
        super().__init__(parent)
        self.reader = SerialScanner(setting, self.scanned.emit, **options)

    def start(self) -> None:
        self.reader.start()

    def stop(self) -> None:
        self.reader.stop()
