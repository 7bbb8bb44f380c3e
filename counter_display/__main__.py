"""counter-display staff --counter N | board | rating --counter N | stats   (all: --config PATH --db URL)"""
from __future__ import annotations

import argparse
import logging
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counter-display", description="Counter window and waiting-room board")
    sub = parser.add_subparsers(dest="role", required=True)
    from .texts import WORDS   # Qt-free
    from .rating_model import WORDS as RATING_WORDS
    from .stats_model import WORDS as STATS_WORDS
    for name, text in (("staff", WORDS.both("cli_staff")), ("board", WORDS.both("cli_board")),
                       ("rating", RATING_WORDS.both("cli_rating")), ("stats", STATS_WORDS.both("cli_stats"))):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", help="configuration file (TOML)")
        p.add_argument("--db", help="database URL (overrides the configuration)")
        p.add_argument("--windowed", action="store_true", help="do not go full screen")
        if name in ("staff", "rating"):
            p.add_argument("--counter", type=int, required=True, help="counter number")
        elif name == "board":
            p.add_argument("--mute", action="store_true", help="no sound")
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from core.config import ConfigError, load_config
    try:
        cfg = load_config(args.config, db_url=args.db)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    url = cfg.resolved_db_url

    from PySide6.QtWidgets import QApplication

    from db import open_queue
    app = QApplication.instance() or QApplication(sys.argv[:1])

    def open_service():
        return open_queue(url, office=cfg.office or None)

    if args.role == "staff":
        from .staff import StaffWindow
        from core.visitors.access import open_visitor_store
        window = StaffWindow(open_service, args.counter,
                             open_visitor_store=lambda svc: open_visitor_store(svc, cfg.resolved_key_file))
    elif args.role == "rating":
        from .rating import RatingWindow
        window = RatingWindow(open_service, args.counter)
    elif args.role == "stats":
        from .stats import StatsWindow
        window = StatsWindow(open_service)
    else:
        from .audio_qt import QtPlayer
        from .board import BoardWindow
        from .voice import Announcer, CallRenderer, ClipLibrary, VoiceOptions
        announcer = None
        if cfg.voice_enabled and not args.mute:
            library = ClipLibrary(cfg.resolved_sounds_dir)
            missing = library.missing()
            if missing:
                print(WORDS.both("missing_sounds", n=len(missing), example=missing[0]), file=sys.stderr)
            options = VoiceOptions.from_config(cfg)
            announcer = Announcer(QtPlayer(app),  CallRenderer(library, options), options,
                                  on_error=lambda item, exc: logging.error("cannot announce %s: %s", item.label, exc))
        window = BoardWindow(open_service, notice=cfg.board_notice, announcer=announcer, language=cfg.language)
    app.aboutToQuit.connect(window.shutdown)
    _quit_on_signals(app)
    if cfg.fullscreen and not args.windowed:
        window.showFullScreen()
    else:
        window.resize(1366, 768)
        window.show()
    code = app.exec()
    window.shutdown()
    window.deleteLater()   # Qt Multimedia objects must be gone before the interpreter finalises
    app.processEvents()
    return code


if __name__ == "__main__":
    sys.exit(main())
