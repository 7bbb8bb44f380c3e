"""Qt's own messages and exceptions raised in Qt slots go to the program's log (core.logs), not only to a
terminal nobody reads."""
from __future__ import annotations

import logging

from PySide6.QtCore import QtMsgType, qInstallMessageHandler

_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
           QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
           QtMsgType.QtFatalMsg: logging.CRITICAL}
log = logging.getLogger("qt")


def _handler(mode, context, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    log.log(_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


def install_qt_logging() -> None:
    """Route Qt's messages into logging. An exception escaping a slot reaches sys.excepthook, which
    core.logs.install_exception_hooks() already sends to the log."""
    qInstallMessageHandler(_handler)
