"""The one place that imports python-escpos, avoiding its import-time side effects (ARCHITECTURE.md).

`import escpos` calls `logging.basicConfig()` (which would hijack the application's logging) and
parses its printer database into a pickle cached in ESCPOS_CAPABILITIES_PICKLE_DIR (by default a
new temporary directory on every import, i.e. no cache at all).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import pickle
import platform
import tempfile
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)


def _capabilities_file() -> Path | None:
    """The printer database python-escpos will read (without importing it)."""
    if os.environ.get("ESCPOS_CAPABILITIES_FILE"):
        return Path(os.environ["ESCPOS_CAPABILITIES_FILE"])
    spec = importlib.util.find_spec("escpos")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / "capabilities.json"
        if candidate.is_file():
            return candidate
    return None


def prime_capabilities_cache(cache: Path) -> None:
    """Write python-escpos's pickle of its printer database atomically, before it looks for one.

    python-escpos itself truncates the pickle and then spends a while parsing before it writes it: a second
    program starting meanwhile (the kiosk and the counter window of one PC, the demo's five) finds an empty
    file and dies with EOFError. That happens whenever the cache is missing or older than the database: on a
    fresh machine, after an upgrade. Written here to a temporary file and renamed, a reader sees all or nothing.
    """
    try:
        source = _capabilities_file()
        if source is None:
            return
        target = cache / f"{platform.python_version()}.capabilities.pickle"   # the name python-escpos uses
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            return
        import yaml   # python-escpos's own dependency and parser: the same data as it would pickle
        with open(source, encoding="utf-8") as f:
            data = yaml.safe_load(f)
        if not data:
            return
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=".capabilities-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(data, f, protocol=2)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception as exc:   # noqa: BLE001 - without the cache python-escpos still parses its database
        log.debug("escpos capabilities cache not primed: %s: %s", type(exc).__name__, exc)


@lru_cache(maxsize=1)
def escpos_printers():
    """The `escpos.printer` module (Dummy, Usb, ...), imported once, side effects contained."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
        cache = Path(tempfile.gettempdir()) / f"kiosk-queue-escpos-{user}"
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
    prime_capabilities_cache(Path(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]))
    root = logging.getLogger()
    guard = None
    if not root.handlers:   # basicConfig() does nothing when the root logger already has a handler
        guard = logging.NullHandler()
        root.addHandler(guard)
    try:
        import escpos.printer
    finally:
        if guard is not None:
            root.removeHandler(guard)
    return escpos.printer
