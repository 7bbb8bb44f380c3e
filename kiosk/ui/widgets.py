"""Touch widgets for elderly hands: big tiles and buttons that act once per tap, our own PIN pad."""
from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QLineEdit, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

import logging

from db.auth import LockedOut, PinCheck
from gui import theme

log = logging.getLogger(__name__)


def label(text: str = "", role: str | None = None, px: int | None = None, bold: bool = False,
          wrap: bool = True, align=Qt.AlignLeft | Qt.AlignVCenter) -> QLabel:
    w = QLabel(text)
    w.setWordWrap(wrap)
    w.setAlignment(align)
    if role:
        w.setProperty("role", role)
    if px:
        w.setStyleSheet(f"font-size: {px}px;" + (" font-weight: bold;" if bold else ""))
    elif bold:
        w.setStyleSheet("font-weight: bold;")
    return w


def button(text: str, kind: str | None = None, name: str | None = None, wide: bool = False) -> QPushButton:
    b = QPushButton(text)
    if wide:
        b.setProperty("wide", "true")
    b.setAutoRepeat(False)              # a held finger is one tap
    b.setFocusPolicy(Qt.NoFocus)
    b.setCursor(Qt.BlankCursor)
    if kind:
        b.setProperty("kind", kind)
    if name:
        b.setObjectName(name)
    b.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
    return b


def restyle(w: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    w.style().unpolish(w)
    w.style().polish(w)


class SvgIcon(QWidget):
    """An SVG from assets/icons, drawn at any size (crisp on every screen)."""

    def __init__(self, name: str = "", size: int = 96, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFixedSize(size, size)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.renderer = QSvgRenderer(self)
        self.set_icon(name)

    def set_icon(self, name: str) -> None:
        path = theme.icon_path(name or "tiep_nhan")
        if not path.exists():
            path = theme.icon_path("tiep_nhan")
        self.renderer.load(str(path))
        self.update()

    def paintEvent(self, _event) -> None:
        if self.renderer.isValid():
            p = QPainter(self)
            p.setRenderHint(QPainter.Antialiasing)
            self.renderer.render(p, QRectF(self.rect()))


class TapArea(QFrame):
    """A frame that acts like one big button: ``tapped`` once per press-and-release inside it."""

    tapped = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._down = False
        self.enabled_for_tap = True
        self.setProperty("tappable", True)        # a touch target (the UI checks want it ≥ 120 px)

    def _set_pressed(self, value: bool) -> None:
        self._down = value
        self.setProperty("pressed", "true" if value else "false")
        restyle(self)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.enabled_for_tap:
            self._set_pressed(True)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        was_down = self._down
        self._set_pressed(False)
        if was_down and self.rect().contains(event.position().toPoint()) and self.enabled_for_tap:
            self.tapped.emit()
        event.accept()


class FieldTile(TapArea):
    """One field: icon, name, people waiting, estimated wait, and a "procedures" button.

    Tapping the tile asks for a number; the small button opens the field's procedures instead.
    A field that is closed or full shows why and cannot be tapped.
    """

    info_requested = Signal()

    def __init__(self, code: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.code = code
        self.setObjectName("fieldTile")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(QSize(theme.MIN_TARGET_PX * 2, theme.MIN_TARGET_PX + 40))
        self.icon = SvgIcon(size=96)
        self.name = label(px=theme.TILE_NAME, bold=True)
        self.waiting = label(px=theme.TEXT_SMALL)
        self.wait = label(px=theme.TEXT_SMALL)
        self.info = button("", kind="tileinfo", name=f"info_{code}")
        self.info.clicked.connect(self.info_requested)
        for w in (self.name, self.waiting, self.wait):
            w.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.texts = QWidget()
        self.texts.setObjectName("tileTexts")
        self.texts.setAttribute(Qt.WA_TransparentForMouseEvents)
        col = QVBoxLayout(self.texts)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        col.addWidget(self.name)
        col.addWidget(self.waiting)
        col.addWidget(self.wait)
        col.addStretch(1)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(14, 10, 14, 10)
        self.grid.setSpacing(8)
        self.compact = None
        self.set_compact(False)
        self.available = True
        self.icon_name = ""

    def set_compact(self, compact: bool) -> None:
        """Tall portrait screens: icon, texts, button from top to bottom. Everywhere else (short or narrow
        screens) one row: the icon, the texts (they wrap), the button; the tile is only as tall as its text."""
        if compact == self.compact:
            return
        self.compact = compact
        g = self.grid
        for w in (self.icon, self.texts, self.info):
            g.removeWidget(w)
        for i in range(3):
            g.setRowStretch(i, 0)
            g.setColumnStretch(i, 0)
        if compact:
            self.icon.setFixedSize(64, 64)
            g.addWidget(self.icon, 0, 0, Qt.AlignLeft | Qt.AlignVCenter)
            g.addWidget(self.texts, 0, 1)
            g.addWidget(self.info, 0, 2, Qt.AlignRight | Qt.AlignVCenter)
            g.setColumnStretch(1, 1)
            self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        else:
            self.icon.setFixedSize(96, 96)
            g.addWidget(self.icon, 0, 0, Qt.AlignLeft)
            g.addWidget(self.texts, 1, 0)
            g.addWidget(self.info, 2, 0, Qt.AlignRight)
            g.setRowStretch(1, 1)
            g.setColumnStretch(0, 1)
            self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def show_field(self, name: str, icon: str, waiting_text: str, wait_text: str, info_text: str,
                   available: bool, reason: str, has_info: bool = True) -> None:
        self.name.setText(name)
        if icon != self.icon_name:
            self.icon_name = icon
            self.icon.set_icon(icon)
        changed = available != self.available
        self.available = available
        self.enabled_for_tap = available
        self.setProperty("available", "true" if available else "false")
        if available:
            self.waiting.setText(waiting_text)
            self.wait.setText(wait_text)
        else:
            self.waiting.setText(reason)
            self.wait.setText("")
        self.wait.setVisible(bool(self.wait.text()))
        self.info.setText(info_text)
        self.info.setVisible(has_info)
        if changed:                                   # re-style only when the colours must change
            restyle(self)
            for w in (self.name, self.waiting, self.wait):
                restyle(w)


class ClockLabel(QLabel):
    """The clock; holding it for ``hold_ms`` opens the admin PIN pad (the only way out of the kiosk)."""

    long_pressed = Signal()

    def __init__(self, hold_ms: int = 3000, parent: QWidget | None = None):
        super().__init__(parent)
        self.hold = QTimer(self, singleShot=True, interval=hold_ms)
        self.hold.timeout.connect(self.long_pressed)

    def mousePressEvent(self, event) -> None:
        self.hold.start()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        self.hold.stop()
        event.accept()


class PinPad(QWidget):
    """Our own PIN entry (Qt's stock dialogs have no Vietnamese): digits, clear, OK, close.

    The PIN is checked by a ``db.auth.PinCheck`` (argon2 hash, or a legacy plain text; five wrong PINs lock
    the pad for five minutes, counted in memory). With no PIN configured the pad says so and takes nothing."""

    unlocked = Signal()
    closed = Signal()

    def __init__(self, pin: str = "", parent: QWidget | None = None, pin_hash: str = "",
                 check: PinCheck | None = None):
        super().__init__(parent)
        self.check = check or PinCheck(pin, pin_hash)
        if not self.check.configured:
            log.warning("no admin_pin_hash configured: the kiosk cannot be left from the screen "
                        "(set one with 'kiosk-admin admin-pin')")
        elif self.check.plain_length is not None:
            log.warning("admin_pin is kept in plain text: replace it with admin_pin_hash "
                        "('kiosk-admin admin-pin', then delete the admin_pin line)")
        self.entered = ""
        self.lang = "vi"
        self._wrong_text = self._unset_text = ""
        self.setObjectName("pinPad")
        self.setAttribute(Qt.WA_StyledBackground)
        self.title = label(role="title", align=Qt.AlignCenter)
        self.display = label(px=56, bold=True, align=Qt.AlignCenter, wrap=False)
        self.message = label(align=Qt.AlignCenter)
        grid = QGridLayout()
        grid.setSpacing(12)
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate("123456789"):
            self.keys[key] = b = button(key, name=f"pin_{key}")
            b.setFixedSize(150, 100)
            b.clicked.connect(lambda _=False, k=key: self._digit(k))
            grid.addWidget(b, i // 3, i % 3)
        self.clear = button("", name="pin_clear")
        self.zero = button("0", name="pin_0")
        self.close_button = button("", name="pin_close")
        self.ok = button("", name="pin_ok")
        self.keys["0"] = self.zero
        for col, b in enumerate((self.clear, self.zero, self.close_button)):
            b.setFixedSize(150, 100)
            grid.addWidget(b, 3, col)
        self.ok.setFixedHeight(100)
        grid.addWidget(self.ok, 4, 0, 1, 3)
        self.zero.clicked.connect(lambda: self._digit("0"))
        self.clear.clicked.connect(self._clear)
        self.ok.clicked.connect(self._submit)
        self.close_button.clicked.connect(self.closed)
        box = QVBoxLayout(self)
        box.setContentsMargins(30, 30, 30, 30)
        box.addWidget(self.title)
        box.addWidget(self.display)
        box.addWidget(self.message)
        box.addLayout(grid)
        self.setFixedSize(560, 900)
        self.setStyleSheet(theme.pin_pad_style(theme.palette("light")))   # locked: seen

    def fit(self, height: int) -> None:
        """Short screens: shorter keys (never below a 120-px target), so the pad stays on the screen."""
        key_h = 130 if height >= 960 else 120
        for b in (*self.keys.values(), self.clear, self.close_button):
            b.setFixedSize(150, key_h)
        self.setFixedSize(560, min(900, height - 20))

    def retranslate(self, tr, lang: str = "vi") -> None:
        self.lang = lang                               # a lockout's refusal is shown in this language
        self.title.setText(tr("admin_title"))
        self.clear.setText(tr("admin_clear"))
        self.close_button.setText(tr("admin_close"))
        self.ok.setText(tr("admin_ok"))
        self._wrong_text = tr("admin_wrong")
        self._unset_text = tr("admin_unset")
        self.reset()

    def reset(self) -> None:
        self.entered = ""
        self.display.setText("")
        refusal = self.check.refusal()
        usable = self.check.configured and refusal is None
        for b in (*self.keys.values(), self.ok, self.clear):
            b.setEnabled(usable)
        if not self.check.configured:
            self.message.setText(self._unset_text)
        elif refusal is not None:
            self.message.setText(refusal.message(self.lang))
            QTimer.singleShot(min(refusal.retry_after_s, 60) * 1000 + 50, self._unblock)
        else:
            self.message.setText("")

    def _unblock(self) -> None:
        if self.isVisible() and not self.keys["0"].isEnabled():
            self.reset()   # the wait is over (or shows the time left, rearmed)

    def _clear(self) -> None:
        self.reset()

    def _digit(self, key: str) -> None:
        if not self.check.configured or len(self.entered) >= 12:
            return
        self.entered += key
        self.display.setText("●" * len(self.entered))
        if self.check.plain_length is not None and len(self.entered) >= self.check.plain_length:
            self._submit()   # a legacy plain PIN: checked once that many digits are in, as before

    def _submit(self) -> None:
        if not self.entered:
            return
        refusal = self.check.attempt(self.entered)
        if refusal is None:
            self.reset()
            self.unlocked.emit()
            return
        self.reset()
        if not isinstance(refusal, LockedOut):
            self.message.setText(self._wrong_text)


class ScannerInput(QLineEdit):
    """Where a keyboard-wedge scanner types (a CCCD's QR, a ticket's): invisible but focusable (hide() would
    refuse focus), never echoed. On Enter it hands the text over (``scanned``) and keeps nothing."""

    scanned = Signal(str)

    def __init__(self, parent: QWidget, name: str, max_length: int = 2000):
        super().__init__(parent)
        self.setObjectName(name)
        self.setEchoMode(QLineEdit.NoEcho)
        self.setFixedSize(1, 1)
        self.setStyleSheet("border: none; background: transparent; color: transparent;")
        self.setMaxLength(max_length)
        self.returnPressed.connect(self._entered)

    def take_focus(self, clear: bool = False) -> None:
        if clear:
            self.clear()
        self.setFocus(Qt.OtherFocusReason)

    def _entered(self) -> None:
        payload = self.text()
        self.clear()                                  # the payload lives nowhere but in this call
        if payload.strip():
            self.scanned.emit(payload)

