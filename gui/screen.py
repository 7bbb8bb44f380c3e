"""Put a program's window on the whole of its screen and keep it there.

On X11 without a window manager (the usual kiosk or TV PC) ``showFullScreen()`` does nothing, and with
one, ``FramelessWindowHint | WindowStaysOnTopHint`` can keep a window from going full screen; a layout whose
minimum size is larger than the screen also pushes the window off it. So the window is given its screen's
geometry itself, with a fixed size (the content must fit the screen, never the other way round), and also
asks for the full-screen state (what Wayland, Windows and window managers honour). It follows the screen:
a resolution change, a rotation, a monitor unplugged or plugged in again.

``screen`` (the ``screen`` key of the configuration) chooses the screen: "" is the primary screen, a
number is an index in QGuiApplication.screens(), anything else is a screen name (e.g. "HDMI-1").
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SETTLE_MS = (250, 1000, 3000)    # a window manager may move a new window once more after mapping it


def choose_screen(spec: str, screens: list[QScreen] | None = None,
                  primary: QScreen | None = None) -> QScreen | None:
    """The screen named by ``spec`` ("" primary, an index, or a name); the primary one if it is absent."""
    screens = list(QGuiApplication.screens()) if screens is None else screens
    primary = QGuiApplication.primaryScreen() if primary is None else primary
    spec = (spec or "").strip()
    if spec:
        if spec.isdigit() and int(spec) < len(screens):
            return screens[int(spec)]
        for s in screens:
            if s.name() == spec:
                return s
        log.warning("screen %r not found (have %s): using the primary screen", spec,
                    ", ".join(f"{i}={s.name()}" for i, s in enumerate(screens)) or "none")
    return primary or (screens[0] if screens else None)


def parse_geometry(text: str) -> QRect:
    """'1080x1920+0+0' -> QRect(0, 0, 1080, 1920); ValueError with the expected form otherwise."""
    try:
        size, x, y = text.strip().split("+")
        w, h = size.lower().split("x")
        rect = QRect(int(x), int(y), int(w), int(h))
    except ValueError:
        raise ValueError(f"geometry must look like WIDTHxHEIGHT+X+Y (e.g. 1080x1920+0+0), not {text!r}") from None
    if rect.width() <= 0 or rect.height() <= 0:
        raise ValueError(f"geometry must have a positive size: {text!r}")
    return rect


class ScreenPlacement(QObject):
    """Keeps ``window`` on the whole of its screen (``full=True``) or in a normal window that fits it.

    ``kiosk=True`` adds the kiosk protections: no frame, always on top, no mouse cursor.
    """

    def __init__(self, window: QWidget, spec: str = "", full: bool = True, kiosk: bool = False,
                 geometry: str = ""):
        super().__init__(window)
        # an explicit "WxH+X+Y" (the demo places several programs side by side on one screen): a plain window there
        self.fixed = parse_geometry(geometry) if geometry else None
        full = full and self.fixed is None
        kiosk = kiosk and self.fixed is None
        self.window, self.spec, self.full, self.kiosk = window, spec, full, kiosk
        self.screen: QScreen | None = None
        self.applied = 0                      # how many times the geometry was (re)applied
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._screens_changed)
        app.screenRemoved.connect(self._screen_removed)
        app.primaryScreenChanged.connect(self._screens_changed)
        if self.fixed is not None:    # a tile of the demo's one screen: no frame, so the tiles meet exactly
            window.setWindowFlags(Qt.Window | Qt.FramelessWindowHint)
        if full:
            flags = Qt.Window | Qt.FramelessWindowHint
            if kiosk:
                flags |= Qt.WindowStaysOnTopHint
            window.setWindowFlags(flags)
        if kiosk:
            window.setCursor(Qt.BlankCursor)

    def target(self) -> QRect:
        if self.fixed is not None:
            return self.fixed
        if self.screen is None:
            return QRect(0, 0, 1366, 768)
        return self.screen.geometry() if self.full else self.screen.availableGeometry()

    def show(self) -> None:
        """Show the window on its screen (call once instead of show() / showFullScreen())."""
        self._follow(choose_screen(self.spec))
        self.window.winId()                   # creates the native window, so it can be put on the screen
        self._apply()
        if self.full:
            self.window.showFullScreen()
        else:
            self.window.show()
        for ms in SETTLE_MS:
            QTimer.singleShot(ms, self._check)

    def _follow(self, screen: QScreen | None) -> None:
        if screen is self.screen:
            return
        if self.screen is not None:
            try:
                self.screen.geometryChanged.disconnect(self._geometry_changed)
            except (RuntimeError, TypeError):   # the screen is already gone
                pass
        self.screen = screen
        if screen is not None:
            screen.geometryChanged.connect(self._geometry_changed)
            screen.availableGeometryChanged.connect(self._geometry_changed)

    def _apply(self) -> None:
        rect = self.target()
        handle = self.window.windowHandle()
        if handle is not None and self.screen is not None and handle.screen() is not self.screen:
            handle.setScreen(self.screen)
        if self.full:
            self.window.setFixedSize(rect.size())     # the content fits the screen, never the reverse
        else:
            self.window.setMinimumSize(0, 0)
            self.window.setMaximumSize(16777215, 16777215)
        self.window.setGeometry(rect)
        self.applied += 1
        log.info("window on screen %s: %dx%d+%d+%d", self.screen.name() if self.screen else "?",
                 rect.width(), rect.height(), rect.x(), rect.y())

    def _check(self) -> None:
        """Put the window back if a window manager moved or resized it after it was shown."""
        if self.full and self.window.isVisible() and self.window.geometry() != self.target():
            log.info("window at %s, screen at %s: placing it again", self.window.geometry(), self.target())
            self._apply()
            if self.window.windowState() != Qt.WindowFullScreen:
                self.window.showFullScreen()

    def _geometry_changed(self, *_args) -> None:
        self._apply()
        QTimer.singleShot(SETTLE_MS[0], self._check)

    def _screen_removed(self, removed: QScreen) -> None:
        self._screens_changed(gone=removed)

    def _screens_changed(self, *_args, gone: QScreen | None = None) -> None:
        """A monitor plugged in or out: the configured screen (or the primary one if it is gone)."""
        screens = [s for s in QGuiApplication.screens() if s is not gone]
        primary = QGuiApplication.primaryScreen()
        if gone is not None and self.screen is gone:
            self.screen = None               # its signals die with it
        screen = choose_screen(self.spec, screens, primary if primary is not gone else None)
        if screen is None:
            return
        self._follow(screen)
        self._apply()
        QTimer.singleShot(SETTLE_MS[0], self._check)
