"""`counter-display`: the composition root of the officer's counter window and the waiting-room board.

    counter-display staff --counter N | board | rating --counter N | stats   (all: --config PATH --db URL --screen N)
    counter-display selftest --out DIR    # each window offscreen for a moment, one call sentence to a WAV

The one place that reads the configuration and builds the real adapters (queue service, visitor store,
voice and speaker); tests build the windows with their own.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .texts import WORDS   # Qt-free

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counter-display", description="Counter window and waiting-room board")
    sub = parser.add_subparsers(dest="role", required=True)
    from .rating_model import WORDS as RATING_WORDS
    from .stats_model import WORDS as STATS_WORDS
    for name, text in (("staff", WORDS.both("cli_staff")), ("board", WORDS.both("cli_board")),
                       ("rating", RATING_WORDS.both("cli_rating")), ("stats", STATS_WORDS.both("cli_stats"))):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", help="configuration file (TOML)")
        p.add_argument("--db", help="database URL (overrides the configuration)")
        p.add_argument("--windowed", action="store_true", help="do not go full screen")
        p.add_argument("--screen", metavar="N|NAME", help="which monitor (index or name); default: the primary")
        p.add_argument("--geometry", metavar="WxH+X+Y", help="a plain window at this place (the demo)")
        if name in ("staff", "rating"):
            p.add_argument("--counter", type=int, required=True, help="counter number")
        elif name == "board":
            p.add_argument("--mute", action="store_true", help="no sound")
    p = sub.add_parser("selftest", help="tự kiểm tra / smoke test: both windows offscreen, one sentence to a WAV")
    p.add_argument("--config", help="configuration file (TOML)")
    p.add_argument("--db", help="database URL (overrides the configuration)")
    p.add_argument("--out", default=".", help="folder for the WAV file")
    return parser


def _quit_on_signals(app) -> None:
    """Ctrl-C and SIGTERM (systemd stopping the screen) leave the event loop cleanly: workers stop,
    nothing is torn down mid-paint."""
    import signal

    from PySide6.QtCore import QTimer
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: app.quit())
    wake = QTimer(app, interval=250)   # lets Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start()


def service_opener(cfg):
    """What each worker thread calls to open its own QueueService."""
    from db import open_queue
    url = cfg.resolved_db_url

    def open_service():
        return open_queue(url, office=cfg.office or None)
    return open_service


def build_staff(cfg, counter: int):
    """The counter window with the real queue and the visitor store (read through the read engine)."""
    from core.visitors.access import open_visitor_store

    from .staff import StaffWindow
    return StaffWindow(service_opener(cfg), counter,
                       open_visitor_store=lambda svc: open_visitor_store(svc, cfg.resolved_key_file))


def build_rating(cfg, counter: int):
    """The citizen-facing rating window of one counter (a tablet, or the counter PC's second screen)."""
    from .rating import RatingWindow
    return RatingWindow(service_opener(cfg), counter)


def build_stats(cfg):
    """The leader's statistics window (signs in with a leader, supervisor or admin PIN)."""
    from .stats import StatsWindow
    return StatsWindow(service_opener(cfg))


def build_announcer(cfg, app):
    from gui.audio import QtPlayer
    from core.voice import Announcer, CallRenderer, ClipLibrary, VoiceOptions
    library = ClipLibrary(cfg.resolved_sounds_dir)
    missing = library.missing()
    if missing:
        log.error(WORDS.both("missing_sounds", n=len(missing), example=missing[0]))
    options = VoiceOptions.from_config(cfg)
    return Announcer(QtPlayer(app), CallRenderer(library, options), options,
                     on_error=lambda item, exc: log.error("cannot announce %s: %s", item.label, exc))


def build_board(cfg, app, mute: bool = False):
    """The waiting-room board with the real queue, the voice clips and Qt Multimedia (unless muted)."""
    from .board import BoardWindow
    announcer = build_announcer(cfg, app) if cfg.voice_enabled and not mute else None
    return BoardWindow(service_opener(cfg), notice=cfg.board_notice, announcer=announcer, language=cfg.language)


def _start_qt():
    from PySide6.QtWidgets import QApplication

    from gui.qt_compat import protect_none
    from gui.qt_logs import install_qt_logging
    from gui.theme import load_fonts
    protect_none()                    # PySide6 6.12.0 + Python 3.11 would otherwise abort within hours
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_qt_logging()
    load_fonts()                      # the bundled DejaVu: Vietnamese drawn the same on every machine
    return app


def selftest(cfg, out: Path) -> int:
    """Both windows offscreen for a moment against the configured queue, and one call sentence rendered to a
    WAV without playing it: what `kiosk-admin selftest` runs on an installed machine."""
    from PySide6.QtCore import QTimer

    from core.voice import ClipLibrary, VoiceOptions
    app = _start_qt()
    wav = out / "selftest-call.wav"
    wav.write_bytes(ClipLibrary(cfg.resolved_sounds_dir).call_wav("A023", 3, VoiceOptions.from_config(cfg)))
    windows = [build_staff(cfg, 1), build_board(cfg, app, mute=True)]
    for w in windows:
        w.resize(1366, 768)
        w.show()
    QTimer.singleShot(1500, app.quit)
    app.exec()
    for w in windows:
        w.shutdown()
        w.deleteLater()
    app.processEvents()
    print(f"counter-display selftest: staff and board windows shown, call sentence {wav} ({wav.stat().st_size} bytes)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from core.config import ConfigError, load_config
    from core.logs import setup_logging
    setup_logging({"board": "board", "rating": "rating"}.get(args.role, "counter-display"))
    try:
        overrides = {"screen": args.screen} if getattr(args, "screen", None) else {}
        cfg = load_config(args.config, db_url=args.db, **overrides)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.role == "selftest":
        return selftest(cfg, Path(args.out))

    from gui import uidump
    from gui.screen import ScreenPlacement
    from gui.snapshot import install_snapshots
    app = _start_qt()
    builders = {"staff": lambda: build_staff(cfg, args.counter), "board": lambda: build_board(cfg, app, args.mute),
                "rating": lambda: build_rating(cfg, args.counter), "stats": lambda: build_stats(cfg)}
    window = builders[args.role]()
    app.aboutToQuit.connect(window.shutdown)
    _quit_on_signals(app)
    # the whole screen, with or without a window manager; the TV board also has no cursor and stays on top
    full = cfg.fullscreen and not args.windowed and args.role != "stats"   # the leader's window is a normal one
    try:
        window.placement = ScreenPlacement(window, cfg.screen, full=full, kiosk=args.role in ("board", "rating") and full,
                                           geometry=args.geometry or "")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    window.placement.show()
    if hasattr(window, "ui_state"):
        uidump.install(window, extra=window.ui_state)
    install_snapshots(window, f"{args.role}-{args.counter}" if args.role in ("staff", "rating") else args.role)
    code = app.exec()
    window.shutdown()
    window.deleteLater()   # Qt Multimedia objects must be gone before the interpreter finalises
    app.processEvents()
    return code


if __name__ == "__main__":
    sys.exit(main())
