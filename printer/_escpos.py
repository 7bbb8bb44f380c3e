"""The one place that imports python-escpos, avoiding its import-time side effects (ARCHITECTURE.md).

`import escpos` calls `logging.basicConfig()` (which would hijack the application's logging) and
parses its printer database into a pickle cached in ESCPOS_CAPABILITIES_PICKLE_DIR (by default a
new temporary directory on every import, i.e. no cache at all).
"""
from __future__ import annotations

import logging
import os
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def escpos_printers():
    """The `escpos.printer` module (Dummy, Usb, ...), imported once, side effects contained."""
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
        cache = Path(tempfile.gettempdir()) / f"kiosk-queue-escpos-{user}"
        cache.mkdir(parents=True, exist_ok=True)
        os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
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
