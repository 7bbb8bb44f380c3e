"""`counter-display`: the composition root of the officer's counter window and the waiting-room board.

    counter-display staff --counter N | counter-display board   (both: --config PATH --db URL)

The one place that reads the configuration and builds the real adapters (queue service, visitor store,
voice and speaker); tests build the windows with their own.
"""
from __future__ import annotations

import argparse
import logging
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="counter-display", description="Counter window and waiting-room board")
    sub = parser.add_subparsers(dest="role", required=True)
    for name, text in (("staff", "cửa sổ quầy của cán bộ / officer's counter window"),
                       ("board", "bảng gọi số phòng chờ / waiting-room board")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--config", help="configuration file (TOML)")
        p.add_argument("--db", help="database URL (overrides the configuration)")
        p.add_argument("--windowed", action="store_true", help="do not go full screen")
        if name == "staff":
            p.add_argument("--counter", type=int, required=True, help="counter number")
        else:
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


def build_board(cfg, app, mute: bool = False):
    """The waiting-room board with the real queue, the voice clips and Qt Multimedia (unless muted)."""
    from .audio_qt import QtPlayer
    from .board import BoardWindow
    from .voice import Announcer, CallRenderer, ClipLibrary, VoiceOptions
    announcer = None
    if cfg.voice_enabled and not mute:
        library = ClipLibrary(cfg.resolved_sounds_dir)
        missing = library.missing()
        if missing:
            print(f"Thiếu {len(missing)} tệp âm thanh / missing sound files, e.g. {missing[0]}", file=sys.stderr)
        options = VoiceOptions.from_config(cfg)
        announcer = Announcer(QtPlayer(app), CallRenderer(library, options), options,
                              on_error=lambda item, exc: logging.error("cannot announce %s: %s", item.label, exc))
    return BoardWindow(service_opener(cfg), notice=cfg.board_notice, announcer=announcer, language=cfg.language)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from core.config import ConfigError, load_config
    try:
        cfg = load_config(args.config, db_url=args.db)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = (build_staff(cfg, args.counter) if args.role == "staff"
              else build_board(cfg, app, mute=args.mute))
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
