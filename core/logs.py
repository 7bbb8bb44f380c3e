"""Logs for machines nobody watches: every program writes a rotating file in the user's log directory (and
stderr), and nothing that goes wrong — in the main thread, another thread or (with gui.qt_logs) a Qt slot —
disappears without a trace.

    log_file = setup_logging("kiosk")        # ~/.local/state/kiosk-queue/log/kiosk.log (platformdirs)
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import time
from pathlib import Path

import platformdirs

APP_NAME = "kiosk-queue"
FORMAT = "%(asctime)s %(levelname)s %(process)d %(threadName)s %(name)s: %(message)s"
LOG_DIR_ENV = "KIOSK_LOG_DIR"


def log_dir() -> Path:
    return Path(os.environ.get(LOG_DIR_ENV) or platformdirs.user_log_dir(APP_NAME))


def setup_logging(program: str, level: int = logging.INFO, max_bytes: int = 2_000_000,
                  backups: int = 5) -> Path | None:
    """Log to stderr and to <log dir>/<program>.log (rotated at ``max_bytes``, ``backups`` kept); install
    the hooks for uncaught exceptions. Returns the log file, or None when it cannot be written (logged)."""
    root = logging.getLogger()
    root.setLevel(level)
    formatter = logging.Formatter(FORMAT)
    if not any(getattr(h, "_kiosk_stderr", False) for h in root.handlers):
        stderr = logging.StreamHandler(sys.stderr)
        stderr.setFormatter(formatter)
        stderr._kiosk_stderr = True  # type: ignore[attr-defined]
        root.addHandler(stderr)
    path: Path | None = log_dir() / f"{program}.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups,
                                                       encoding="utf-8")
        handler.setFormatter(formatter)
        root.addHandler(handler)
    except OSError as exc:
        logging.getLogger(__name__).warning("cannot write the log file %s: %s", path, exc)
        path = None
    install_exception_hooks()
    logging.getLogger(program).info("started (pid %d, log %s)", os.getpid(), path)
    return path


def install_exception_hooks() -> None:
    def main_hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        logging.getLogger("uncaught").critical("uncaught exception", exc_info=(exc_type, exc, tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "?"
        logging.getLogger("uncaught").critical("uncaught exception in thread %s", name,
                                               exc_info=(args.exc_type, args.exc_value, args.exc_traceback))

    sys.excepthook = main_hook
    threading.excepthook = thread_hook


class OncePerCause(logging.Filter):
    """Lets a repeated message (the same logger, level and text) through once per ``interval_s``: a kiosk
    retrying a dead database every 3 s logs the cause once, not 1,200 times an hour."""

    def __init__(self, interval_s: float = 600.0):
        super().__init__()
        self.interval_s = interval_s
        self._last: dict[tuple, float] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.levelno, record.getMessage())
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self.interval_s:
            return False
        self._last[key] = now
        return True
