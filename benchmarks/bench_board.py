"""Call in one process → board repainted in another; call → first sound (Qt Multimedia starts playing).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_board.py [--pg URL] [--calls 40]

A child process issues and calls tickets (one every 250 ms) and stamps the wall clock just before each
call_next; this process runs the real BoardWindow (feed worker thread, offscreen) with the real QtPlayer
and records when the board finished painting that call and when the media player reported Playing.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def caller(url: str, n: int, stamps) -> None:
    from db import open_queue
    svc = open_queue(url, actor="admin:bench")
    time.sleep(1.5)
    for _ in range(n):
        svc.issue("HT")
        t0 = time.time()
        ticket = svc.call_next(1)
        stamps.put((ticket.label, t0))
        svc.finish(1)
        time.sleep(0.25)
    svc.close()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(url: str, n: int) -> dict:
    from PySide6.QtMultimedia import QMediaPlayer
    from PySide6.QtWidgets import QApplication

    from gui.audio import QtPlayer
    from counter_display.board import BoardWindow
    from core.voice import Announcer, CallRenderer, ClipLibrary, VoiceOptions
    from db import open_queue

    app = QApplication.instance() or QApplication([])
    player = QtPlayer(app, watchdog_margin_s=0.0)
    from core.config import AppConfig
    options = VoiceOptions.from_config(AppConfig())      # the defaults a centre gets (chime + sentence once)
    renderer = CallRenderer(ClipLibrary(Path(__file__).resolve().parent.parent / "assets/sounds/vi"), options)
    announcer = Announcer(player, renderer, options)
    window = BoardWindow(lambda: open_queue(url), announcer=announcer, poll_timeout=0.25)
    window.resize(1920, 1080)
    window.show()
    painted: dict[str, float] = {}
    sounded: dict[str, float] = {}
    window.view.painted.connect(lambda _id: window.model.recent and painted.setdefault(window.model.recent[0].label,
                                                                                      time.time()))

    def playing(state):
        if state == QMediaPlayer.PlaybackState.PlayingState and announcer.current is not None:
            sounded.setdefault(announcer.current.label, time.time())
            player.stop()                       # next call may play at once (we measure the start only)
            announcer._finished(announcer.current)
    player.player.playbackStateChanged.connect(playing)

    stamps = mp.Queue()
    child = mp.Process(target=caller, args=(url, n, stamps))
    child.start()
    called: dict[str, float] = {}
    deadline = time.time() + 30 + n
    while len(called) < n and time.time() < deadline:
        app.processEvents()
        while not stamps.empty():
            label, t0 = stamps.get()
            called[label] = t0
        time.sleep(0.002)
    end = time.time() + 2
    while time.time() < end:
        app.processEvents()
        time.sleep(0.002)
    child.join()
    window.shutdown()
    renderer.close()
    window.deleteLater()
    player.deleteLater()      # Qt Multimedia objects must go before the interpreter finalises
    app.processEvents()
    paint_ms = [1000 * (painted[l] - t) for l, t in called.items() if l in painted]
    sound_ms = [1000 * (sounded[l] - t) for l, t in called.items() if l in sounded]
    return {"calls": len(called), "painted": len(paint_ms), "sounded": len(sound_ms),
            "paint_p50": statistics.median(paint_ms), "paint_p95": pct(paint_ms, 95), "paint_max": max(paint_ms),
            "sound_p50": statistics.median(sound_ms) if sound_ms else float("nan"),
            "sound_p95": pct(sound_ms, 95) if sound_ms else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg", default=os.environ.get("KIOSK_TEST_PG_URL"))
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    from db import init_db
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        init_db(url, always_open=True).close()
        targets.append(("SQLite", url))
        pg_db = None
        if args.pg:   # a fresh schema, the tests' one isolation scheme
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.conftest import pg_schema
            pg_db = pg_schema(args.pg)
            pg_url = pg_db.__enter__()
            init_db(pg_url, always_open=True).close()
            targets.append(("PostgreSQL", pg_url))
        try:
            for name, url in targets:
                r = run(url, args.calls)
                print(f"{name}: {r['calls']} calls, painted {r['painted']}, sounded {r['sounded']} | "
                      f"call→board painted p50 {r['paint_p50']:.0f} ms, p95 {r['paint_p95']:.0f} ms, "
                      f"max {r['paint_max']:.0f} ms | call→first sound p50 {r['sound_p50']:.0f} ms, "
                      f"p95 {r['sound_p95']:.0f} ms")
        finally:
            if pg_db is not None:
                pg_db.__exit__(None, None, None)


if __name__ == "__main__":
    main()
