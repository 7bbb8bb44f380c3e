"""Kiosk speed: cold start to the first touchable screen, tap → ticket bytes at the printer, GUI-thread
stalls, memory. Offscreen Qt, SQLite, the preview printer (or the project's fake TCP printer).

    .venv/bin/python benchmarks/bench_kiosk.py [--starts 7] [--taps 200] [--tcp]

Targets (issue 4): cold start ≤ 2 s; tap → bytes p95 ≤ 60 ms.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHILD = r"""
import os, sys, time
t0 = float(sys.argv[1])
sys.path.insert(0, sys.argv[2])
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
app = QApplication([])
from core.config import AppConfig
from kiosk.app import create_window
cfg = AppConfig(db_url=sys.argv[3], printer=sys.argv[4], fullscreen=False)
w = create_window(cfg)
w.resize(1080, 1920); w.show()
shown = time.time()
def ready():
    if w.data is not None and w.current() is w.home and w.home.tiles:
        app.processEvents()            # the tiles painted
        print(f"{shown - t0:.4f} {time.time() - t0:.4f} {rss_mib():.1f}", flush=True)
        w.shutdown(); app.quit()
    else:
        QTimer.singleShot(2, ready)
def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
from PySide6.QtCore import QTimer
QTimer.singleShot(0, ready)
app.exec()
"""


def rss_mib() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def cold_starts(n: int, folder: Path) -> None:
    from db import init_db
    url = f"sqlite:///{folder / 'cold.sqlite3'}"
    init_db(url, always_open=True).close()
    window, ready, rss = [], [], []
    for _ in range(n):
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, repr(t0), str(REPO), url,
                              f"preview://{folder / 'cold-printed'}"],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            sys.exit(f"cold start failed:\n{out.stderr}")
        a, b, m = map(float, out.stdout.split())
        window.append(a * 1000)
        ready.append(b * 1000)
        rss.append(m)
    print(f"cold start, process spawn → window shown (ms):       median {statistics.median(window):.0f}  "
          f"max {max(window):.0f}")
    print(f"cold start, process spawn → home tiles touchable (ms): median {statistics.median(ready):.0f}  "
          f"max {max(ready):.0f}   (n={n})")
    print(f"memory (RSS) at the first touchable screen: {statistics.median(rss):.0f} MiB")


def taps(n: int, folder: Path, tcp: bool) -> None:
    from PySide6.QtCore import QElapsedTimer, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from db import init_db
    from kiosk.app import service_opener
    from core.config import AppConfig
    from gui.qt_compat import protect_none
    from kiosk.ui.screens import TicketScreen
    from kiosk.ui.window import KioskWindow
    from kiosk.worker import KioskBackend
    from printer import print_ticket

    app = QApplication.instance() or QApplication([])
    protect_none()
    url = f"sqlite:///{folder / 'taps.sqlite3'}"
    init_db(url, always_open=True).close()
    fake = None
    if tcp:
        from tests.escpos_fake import FakeEscposPrinter
        fake = FakeEscposPrinter().start()
        device = fake.url
    else:
        device = f"preview://{folder / 'printed'}"
    cfg = AppConfig(db_url=url, printer=device, fullscreen=False)

    printed_at: list[float] = []

    def timed_print(ticket, device_url, width):
        result = print_ticket(ticket, device_url, width)
        printed_at.append(time.perf_counter())        # the bytes are in the file / on the socket
        return result

    backend = KioskBackend(service_opener(cfg), cfg, print_fn=timed_print)
    w = KioskWindow(cfg, backend)
    w.resize(1080, 1920)
    w.show()

    # the GUI thread must never freeze: a 5 ms timer measures the longest gap between its ticks
    gaps: list[float] = []
    beat = QElapsedTimer()
    beat.start()
    heart = QTimer(interval=5)
    heart.timeout.connect(lambda: gaps.append(beat.restart()))

    def wait(cond, timeout=30.0):
        end = time.perf_counter() + timeout
        while not cond():
            app.processEvents()
            if time.perf_counter() > end:
                sys.exit("timed out")
            time.sleep(0.0005)

    wait(lambda: w.data is not None and w.current() is w.home)
    rss_before = rss_mib()
    codes = [f.code for f in w.data.fields]
    latencies, to_screen = [], []
    heart.start()
    for i in range(n):
        tile = w.home.tiles[codes[i % len(codes)]]
        t0 = time.perf_counter()
        QTest.mouseClick(tile, Qt.LeftButton, pos=tile.rect().center())
        wait(lambda: w.ticket.state == TicketScreen.PRINTED)
        to_screen.append((time.perf_counter() - t0) * 1000)
        latencies.append((printed_at[-1] - t0) * 1000)
        w.next_citizen()
        wait(lambda: w.current() is w.home and not w.backend._refresh_pending)
    heart.stop()
    rss_after = rss_mib()
    jobs = len(fake.jobs) if fake else len(list((folder / "printed").glob("*.bin")))
    w.shutdown()
    if fake:
        fake.stop()
    kind = "fake TCP printer (DLE EOT status before and after)" if tcp else "preview printer"
    print(f"tap → ticket bytes at the {kind} (ms), n={n}: p50 {pct(latencies, 50):.1f}  "
          f"p95 {pct(latencies, 95):.1f}  max {max(latencies):.1f}   jobs {jobs}")
    print(f"tap → 'Mời bạn nhận phiếu' on screen (ms): p50 {pct(to_screen, 50):.1f}  p95 {pct(to_screen, 95):.1f}")
    print(f"longest GUI-thread stall during the run: {max(gaps):.0f} ms (5 ms timer; p99 {pct(gaps, 99):.0f} ms)")
    print(f"memory (RSS): {rss_before:.0f} MiB before, {rss_after:.0f} MiB after {n} tickets")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=7)
    ap.add_argument("--taps", type=int, default=200)
    ap.add_argument("--tcp", action="store_true", help="also measure with the fake TCP printer")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        cold_starts(args.starts, folder)
        taps(args.taps, folder, tcp=False)
        if args.tcp:
            (folder / "tcp").mkdir()
            taps(args.taps, folder / "tcp", tcp=True)


if __name__ == "__main__":
    main()
