"""A guard against a PySide6 bug that would crash a kiosk in the middle of the day.

PySide6 6.12.0 on Python 3.11 returns None from every C++ ``void`` method without taking a reference:
each ``label.setText()``, ``setVisible()``, ``setStyleSheet()``... lowers None's reference count by one
(measured: -1000 per 1000 calls; 6.11.3 and Python ≥ 3.12, where None is immortal, are fine), and
emitting a signal with a bool argument (``button.clicked``) does the same to True / False. A kiosk
makes thousands of such calls an hour (the clock alone, once a second), and when the count reaches zero
Python aborts with "Fatal Python error: none_dealloc". The real fix is a PySide6 other than 6.12.0 (or
Python ≥ 3.12); until then ``protect_none()`` gives None, True and False reference counts that cannot
run out (they are never freed anyway).
"""
from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

TOP_UP = 1 << 48          # ~2.8e14 references: centuries of calls at any realistic rate


def void_calls_drop_none_refs() -> bool:
    """True if this PySide6 under-counts None on ``void`` methods (the bug above)."""
    if sys.version_info >= (3, 12):
        return False                          # None is immortal: nothing can run out
    from PySide6.QtCore import QObject
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(200):
        probe.setObjectName("probe")          # a void method
    return sys.getrefcount(None) < before - 100


def protect_none() -> bool:
    """Apply the guard once per process if the bug is present; returns True if it was needed."""
    if sys.getrefcount(None) >= TOP_UP:
        return True                           # already applied
    if not void_calls_drop_none_refs():
        return False
    import PySide6
    log.warning("PySide6 %s on Python %d.%d under-counts references to None (every void call); "
                "applying a guard (None, True, False). Install a PySide6 other than 6.12.0 or use Python >= 3.12.",
                PySide6.__version__, *sys.version_info[:2])
    for singleton in (None, True, False):
        refcnt = ctypes.c_ssize_t.from_address(id(singleton))   # ob_refcnt: PyObject's first field
        refcnt.value += TOP_UP
    return True
