"""`kiosk`: the citizen kiosk, full screen. Works out of the box on SQLite with the preview printer.

    kiosk [--config PATH] [--db URL] [--printer URL] [--windowed]

Every setting can also come from the configuration file or a KIOSK_* environment variable
(KIOSK_DB_URL, KIOSK_PRINTER, KIOSK_IDLE_SECONDS, ...): see core/config.py.
"""
from __future__ import annotations

import argparse
import logging
import sys
import threading
from typing import Callable

from core.config import AppConfig, ConfigError, load_config

from .i18n import WORDS

log = logging.getLogger("kiosk")

GUI_SWITCH_INTERVAL_S = 0.001


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="kiosk", description=WORDS.both("cli_description"))
    p.add_argument("--config", metavar="PATH", help="configuration file (TOML); default $KIOSK_CONFIG")
    p.add_argument("--db", metavar="URL", help="database URL (sqlite:///... or postgresql://...)")
    p.add_argument("--printer", metavar="URL", help="printer device, e.g. tcp://192.168.1.50:9100, "
                                                    "preview:///tmp/tickets")
    p.add_argument("--windowed", action="store_true", help="a normal window instead of full screen")
    p.add_argument("--screen", metavar="N|NAME", help="which monitor (index or name); default: the primary")
    p.add_argument("--geometry", metavar="WxH+X+Y", help="a plain window at this place (the demo)")
    p.add_argument("--selftest", action="store_true", help="show the window offscreen for a moment, then exit 0")
    return p.parse_args(argv)


def make_config(args: argparse.Namespace) -> AppConfig:
    return load_config(args.config, db_url=args.db, printer=args.printer,
                       fullscreen=False if args.windowed else None, screen=args.screen)


def database_is_empty(url: str) -> bool:
    from pathlib import Path

    from sqlalchemy import create_engine, inspect
    from sqlalchemy.engine import make_url
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and not Path(u.database).exists():
        return True                                   # not created yet (and not created by asking)
    engine = create_engine(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def ensure_database(cfg: AppConfig) -> bool:
    """First start with the default SQLite file: create it and load the catalogue (open around the
    clock, so the demo works at any hour). Any other database, or one with tables, is left alone:
    it is never reloaded silently. Returns True if it created the database."""
    if cfg.db_url or not database_is_empty(cfg.resolved_db_url):
        return False
    from db import init_db
    log.info("first start: creating %s with the bundled catalogue", cfg.resolved_db_url)
    init_db(cfg.resolved_db_url, always_open=True).close()
    return True


def service_opener(cfg: AppConfig, clock=None) -> Callable[[], object]:
    """What the worker calls (on its own thread) to get a QueueService; sets up the database once."""
    checked = threading.Event()

    def open_service():
        from db import open_queue
        if not checked.is_set():
            ensure_database(cfg)
            checked.set()
        return open_queue(cfg.resolved_db_url, clock=clock, office=cfg.office or None)

    return open_service


def visitor_flow_builder(cfg: AppConfig) -> Callable[[], object]:
    """What the visitor worker thread calls to make the FaceFlow: the store on its own (write, read)
    engines, the key file, every template loaded and decrypted — never on the GUI thread."""
    def build():
        from core.visitors.flow import FaceFlow
        from core.visitors.recognition import Recognizer
        from core.visitors.recognition.liveness import BlinkRule
        from core.visitors.store import VisitorStore
        liveness = BlinkRule(timeout_s=cfg.face_liveness_seconds) if cfg.face_liveness == "blink" else None
        store = VisitorStore.open(cfg.resolved_db_url, cfg.resolved_key_file)
        try:
            return FaceFlow(store, Recognizer(store), cfg.kiosk_id, cfg.retention_months, liveness=liveness)
        except Exception:
            store.close()
            raise
    return build


def camera_worker(cfg: AppConfig, camera: Callable[[], object] | None = None,
                  encoder: Callable[[object], object] | None = None):
    """The camera loop (kiosk/face_worker.py): the configured camera and the real face encoder, or the
    fakes given (tests, benchmarks, the demo)."""
    from core.visitors.recognition import Recognizer, open_camera
    from .face_worker import FaceWorker, encoder_for, live_encoder_for
    recognizer = Recognizer()
    return FaceWorker(camera or (lambda: open_camera(cfg.camera, threaded=True)),
                      encoder or encoder_for(recognizer),
                      encode_live=None if encoder is not None else live_encoder_for(recognizer),
                      encode_deciding=None if encoder is not None
                      else encoder_for(recognizer, recognizer.rule.probe_jitters))


def qr_camera(cfg: AppConfig, camera: Callable[[], object] | None = None) -> Callable[[], object] | None:
    """A maker of QR-only camera loops for the rating screen (no face encoder: frames are only searched for a
    QR, then dropped): the configured ``camera``, or the fake given; None when neither is set."""
    if camera is None and not cfg.camera:
        return None

    def make():
        from core.visitors.recognition import open_camera
        from .face_worker import FaceWorker
        return FaceWorker(camera or (lambda: open_camera(cfg.camera, threaded=True)), lambda _frame: None)
    return make


def scanner_bridge(cfg: AppConfig):
    """The CCCD scanner in USB-serial mode (``scanner = "serial:..."``), or None for a keyboard wedge (it types
    into the scan screen by itself)."""
    setting = cfg.scanner_setting
    if setting.kind != "serial":
        return None
    from .scanner_bridge import ScannerBridge
    return ScannerBridge(setting)


def attach_guidance(window, cfg: AppConfig, player=None):
    """Spoken guidance (``voice_guidance``): the window's ``spoken`` sentences played from the board's clips
    (core.voice), through Qt Multimedia unless a player is given."""
    from core.voice import ClipLibrary
    from core.voice.guidance import GuidanceSpeaker
    if player is None:
        from gui.audio import QtPlayer
        player = QtPlayer(window)
    library = ClipLibrary(cfg.resolved_sounds_dir)
    missing = library.missing()
    if missing:
        log.error("voice guidance: %d sound files missing, e.g. %s", len(missing), missing[0])
    speaker = GuidanceSpeaker(player, library)

    def say(guidance) -> None:
        try:
            speaker.say(guidance)
        except Exception:  # noqa: BLE001 - a missing clip must not disturb the citizen's ticket
            log.exception("voice guidance %r failed", guidance.key)

    window.spoken.connect(say)
    return speaker


def create_window(cfg: AppConfig, clock=None, camera: Callable[[], object] | None = None,
                  encoder: Callable[[object], object] | None = None, print_fn=None, voice_player=None,
                  **window_options):
    """The kiosk's composition root: the window with its queue worker started and, with
    ``cfg.face_enabled``, face recognition (call window.shutdown() or close() to stop every thread).

    ``camera`` / ``encoder`` / ``print_fn`` / ``voice_player`` replace the real camera, face encoder, printer
    and speaker."""
    from gui.qt_compat import protect_none
    from gui.theme import load_fonts
    from .ui.window import KioskWindow
    from .worker import KioskBackend

    protect_none()                    # PySide6 6.12.0 + Python 3.11 would otherwise abort within hours
    load_fonts()
    # Each Qt event the GUI thread hands to Python (slots, event filters, paint overrides) needs the GIL;
    # while a worker thread is busy in Python it gets it only after the switch interval (5 ms by default),
    # and one screen change is dozens of such events. 1 ms keeps the screen fluid while workers load.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    import printer
    printer.preload()                 # before the window shows: done at the first ticket it froze the screen
    backend = (KioskBackend(service_opener(cfg, clock), cfg) if print_fn is None
               else KioskBackend(service_opener(cfg, clock), cfg, print_fn=print_fn))
    window = KioskWindow(cfg, backend, clock=clock, **window_options)
    if cfg.voice_guidance:
        window.speaker = attach_guidance(window, cfg, voice_player)
    if cfg.face_enabled:              # face recognition of consenting visitors: nothing of it exists otherwise
        from .face_worker import preload
        from .ui.face_screens import attach_face
        preload()
        from .deletions import DeletionWorker
        window.face = attach_face(window, build=visitor_flow_builder(cfg),
                                  camera=camera_worker(cfg, camera, encoder), scanner=scanner_bridge(cfg),
                                  deletions=DeletionWorker(cfg.resolved_db_url))   # deleted anywhere: gone here
    # the satisfaction question for a scanned ticket: its entry shows when the centre offers it (catalogue);
    # with face recognition it shares its camera and serial scanner, else it has its own
    from .ui.rating_screens import attach_rating
    window.rating = attach_rating(window, service_opener(cfg, clock), new_camera=qr_camera(cfg, camera),
                                  scanner=None if cfg.face_enabled else scanner_bridge(cfg))
    window.backend.refresh()          # the home screen learns whether to offer it
    return window


def _exit_when_home_is_touchable(app, window, give_up_s: float = 30.0) -> None:
    """Print one line and exit 0 when the home screen shows its tiles (exit 1 if it never does)."""
    import time

    from PySide6.QtCore import QTimer
    deadline = time.monotonic() + give_up_s

    def check() -> None:
        if window.data is not None and window.current() is window.home and window.home.tiles:
            app.processEvents()       # the tiles painted
            rss = next((int(line.split()[1]) / 1024 for line in open("/proc/self/status")
                        if line.startswith("VmRSS:")), 0.0) if sys.platform.startswith("linux") else 0.0
            print(f"kiosk selftest: home screen touchable ({len(window.home.tiles)} fields), RSS {rss:.0f} MiB",
                  flush=True)
            app.exit(0)
        elif time.monotonic() > deadline:
            print("kiosk selftest: the home screen never became touchable", file=sys.stderr, flush=True)
            app.exit(1)
        else:
            QTimer.singleShot(5, check)
    QTimer.singleShot(0, check)


def main(argv: list[str] | None = None) -> int:
    from core.logs import setup_logging
    setup_logging("kiosk")
    args = parse_args(argv)
    try:
        cfg = make_config(args)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from gui import uidump
    from gui.qt_logs import install_qt_logging
    from gui.screen import ScreenPlacement, parse_geometry
    from gui.snapshot import install_snapshots

    if args.geometry:
        try:
            parse_geometry(args.geometry)
        except ValueError as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    install_qt_logging()
    window = create_window(cfg)
    window.admin_exit.connect(app.quit)
    app.aboutToQuit.connect(window.shutdown)
    # SIGTERM/SIGINT (systemd stop, Ctrl+C): leave cleanly; a timer lets Python run its signal handlers.
    # exit(), not quit(): Qt 6's quit() first asks the windows to close, and the kiosk refuses.
    import signal
    from PySide6.QtCore import QTimer
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.exit(0))
    wake = QTimer(interval=300)
    wake.timeout.connect(lambda: None)
    wake.start()
    # the whole screen, with or without a window manager; frameless, on top, no cursor when full screen
    window.placement = ScreenPlacement(window, cfg.screen, full=cfg.fullscreen, kiosk=cfg.fullscreen,
                                       geometry=args.geometry or "")
    window.placement.show()
    uidump.install(window, extra=window.ui_state)
    install_snapshots(window, "kiosk")
    if args.selftest:                 # kiosk-admin selftest: leave once the home tiles can be touched
        _exit_when_home_is_touchable(app, window)
    log.info("kiosk ready: db=%s printer=%s", cfg.resolved_db_url, cfg.resolved_printer)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
