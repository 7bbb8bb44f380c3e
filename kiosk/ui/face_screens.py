"""The citizen's side of face recognition: camera notice, greeting, date-of-birth keypad (second factor),
the blink asked before a greeting (liveness, when the centre turns it on), registration offer, consent,
CCCD scan, delete-my-data. ``attach_face(window)`` plugs them into the kiosk window.

Active only with ``cfg.face_enabled``. Whatever goes wrong here (no camera, no face models, no key file)
is logged for the staff and the kiosk carries on issuing tickets without recognition.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (QBoxLayout, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QStackedWidget, QVBoxLayout, QWidget)

from core.visitors.flow import FaceFlow, Outcome, Registration
from core.visitors.second_factor import BirthDateEntry, SecondFactorError
from core.visitors.texts import face_tr
from core.visitors.store import KeyFileError, consent_text
from db.engine import is_transient_error
from gui import theme
from gui.worker import Jobs, WorkerThread
from .screens import Screen
from .widgets import ScannerInput, button, label

log = logging.getLogger(__name__)

BIG_BUTTON_PX = 150          # the tall buttons of these screens (touch target ≥ 120 px)
BUTTON_TEXT_PX = 36
SIDE_BY_SIDE_TEXT_PX = 30     # answers in a half-width column on a landscape screen
BODY_PX = 34                 # the sentences of these screens (≥ 28 px)
CHOICE_WIDTH_PX = 440        # each of two side-by-side choices (the same for both: equal weight)
CONSENT_SIDE_WIDTH_PX = 280  # the question and the two answers stacked beside the consent text on a landscape screen
KEY_PX = 140                 # keypad keys: at least this tall (and as wide as a third of the pad)
COMPACT_KEY_PX = 120         # on a short screen (768x1366, 1366x768, 1024x768): still a big target
COMPACT_PAD_KEY_WIDTH_PX = 136   # landscape: 'Delete' at 28 px inside the key
COMPACT_DIGIT_PX = 72        # the typed date on a short screen (taller digits were cut at the bottom)
SHORT_SCREEN_PX = 900       # a kiosk window lower than this (1366x768, 1024x768): the greeting on one row
COMPACT_BELOW_PX = 1300      # a screen (below the header) shorter than this gets the compact keypad, portrait
COMPACT_LANDSCAPE_BELOW_PX = 800   # ... and landscape (1366x768 and 1024x768, not 1920x1080 or 1280x1024)
KEY_GAP_PX = 18              # between keys: a shaky finger does not hit the neighbour
DIGIT_KEY_TEXT_PX = 64       # the digits on the keys
DISPLAY_DIGIT_PX = 100       # what was typed, "15 / 03 / 1999"


def set_text_px(w: QLabel, px: int, bold: bool = False) -> None:
    """A label's size is in its style sheet (widgets.label): a font set in code would be overridden."""
    style = f"font-size: {px}px;" + (" font-weight: bold;" if bold else "")
    if w.styleSheet() != style:
        w.setStyleSheet(style)


def fit_button_text(buttons, px: int) -> None:
    """One text size for buttons of equal weight: the largest (up to ``px``, at least the kiosk's minimum) at
    which every label fits inside its button with its padding ('Không đồng ý' on a 768 px portrait screen)."""
    while px > theme.MIN_TEXT_PX:
        f = buttons[0].font()
        f.setPixelSize(px)
        f.setBold(True)
        fm = QFontMetrics(f)
        if all(fm.horizontalAdvance(b.text()) + 48 <= b.width() for b in buttons):
            break
        px -= 2
    for b in buttons:
        style = f"font-size: {px}px;"
        if b.styleSheet() != style:
            # a new style sheet re-polishes the button, and the theme's min-width replaces the fixed width the
            # screen gave it: on a real 1024x768 display the layout then squeezed both answers to 140 px
            low, high = b.minimumSize(), b.maximumSize()
            b.setStyleSheet(style)
            b.setMinimumSize(low)
            b.setMaximumSize(high)


def _frame(name: str) -> QFrame:
    f = QFrame()
    f.setObjectName(name)
    f.setAttribute(Qt.WA_StyledBackground)
    return f


def _big(name: str, kind: str | None = None):
    b = button("", kind=kind, name=name)
    b.setFixedHeight(BIG_BUTTON_PX)
    b.setStyleSheet(f"font-size: {BUTTON_TEXT_PX}px;")
    return b


def _key_style(px: int, height: int = KEY_PX) -> str:
    # the style sheet's min-height counts the content only: content + 2 x (8 px padding + 3 px border)
    return f"font-size: {px}px; min-height: {height - 22}px; max-height: {height - 22}px;"


def _key(name: str, text: str, px: int, kind: str | None = None):
    """A keypad key: a third of the pad wide, KEY_PX tall."""
    b = button(text, kind=kind, name=name)
    b.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
    b.setStyleSheet(_key_style(px))
    b.setProperty("text_px", px)
    return b


def _typed_style(px: int) -> str:
    return f"font-size: {px}px; font-weight: bold; letter-spacing: 10px;"


def _typed(text: str = "") -> QLabel:
    """The digits typed, big and bold, a little apart (one digit per key press)."""
    w = QLabel(text)
    w.setAlignment(Qt.AlignCenter)
    w.setStyleSheet(_typed_style(DISPLAY_DIGIT_PX))
    return w


def _pair(left, right) -> QHBoxLayout:
    """Two answers side by side, same size and same style: neither is the 'default'."""
    row = QHBoxLayout()
    row.setSpacing(40)
    for b in (left, right):
        b.setFixedSize(CHOICE_WIDTH_PX, BIG_BUTTON_PX)
        row.addWidget(b)
    return row


class FaceScreen(Screen):
    """A kiosk screen whose words come from core/visitors/texts.py."""

    def t(self, key: str, **values) -> str:
        return face_tr(self.lang, key, **values)

    def _page(self) -> QVBoxLayout:
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 32, 48, 40)
        box.setSpacing(28)
        return box


# ------------------------------------------------------------------------------ on the home screen
class CameraNotice(QFrame):
    """The visible notice that a camera is in use (Law 91/2025: the person must know)."""

    def __init__(self):
        super().__init__()
        self.setObjectName("warning")
        self.setAttribute(Qt.WA_StyledBackground)
        self.text = label(px=theme.TEXT_SMALL, bold=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 20, 8)
        row.addWidget(self.text)

    def set_language(self, lang: str) -> None:
        self.text.setText(face_tr(lang, "camera_notice"))


class GreetingBanner(QFrame):
    """'Chào mừng bác An quay lại' with 'Không phải tôi' and 'Xóa dữ liệu của tôi'."""

    not_me = Signal()
    delete_requested = Signal()

    def __init__(self):
        super().__init__()
        self.setObjectName("greeting")
        self.setAttribute(Qt.WA_StyledBackground)
        self.name: str | None = None
        self.text = label(px=theme.TITLE, bold=True)
        self.hint = label(px=theme.TEXT_SMALL)
        self.not_me_button = button("", name="faceNotMe")
        self.delete_button = button("", name="faceDeleteMyData")
        self.not_me_button.clicked.connect(self.not_me)
        self.delete_button.clicked.connect(self.delete_requested)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(20, 12, 20, 12)
        self.short: bool | None = None
        self._arrange(False)
        self.hide()

    def _arrange(self, short: bool) -> None:
        """Tall screens: the greeting, the hint, then the two buttons. A 768 px high screen: the greeting beside
        the two buttons and no hint (stacked, the buttons were cut off above the field tiles)."""
        if short == self.short:
            return
        self.short = short
        for w in (self.text, self.hint, self.not_me_button, self.delete_button):
            self.grid.removeWidget(w)
        if short:
            self.grid.addWidget(self.text, 0, 0)
            self.grid.addWidget(self.not_me_button, 0, 1)
            self.grid.addWidget(self.delete_button, 0, 2)
            self.grid.setColumnStretch(0, 1)
        else:
            self.grid.addWidget(self.text, 0, 0, 1, 2)
            self.grid.addWidget(self.hint, 1, 0, 1, 2)
            self.grid.addWidget(self.not_me_button, 2, 0)
            self.grid.addWidget(self.delete_button, 2, 1)
            self.grid.setColumnStretch(0, 0)
        self.hint.setVisible(not short)
        set_text_px(self.text, SIDE_BY_SIDE_TEXT_PX if short else theme.TITLE, bold=True)
        for b in (self.not_me_button, self.delete_button):
            b.setSizePolicy(QSizePolicy.Fixed if short else QSizePolicy.Preferred, b.sizePolicy().verticalPolicy())
            b.setStyleSheet(f"font-size: {theme.MIN_TEXT_PX}px;" if short else "")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        window = self.window()
        self._arrange(window is not self and window.height() < SHORT_SCREEN_PX)
        # the home screen squeezes what it holds: the whole greeting is kept, the field tiles scroll instead
        m = self.grid.contentsMargins()
        text = self.text.heightForWidth(self.text.width()) if self.text.width() > 0 else 0
        need = m.top() + m.bottom() + (max(text, self.not_me_button.sizeHint().height()) if self.short else
                                       text + self.hint.sizeHint().height() + self.not_me_button.sizeHint().height()
                                       + 2 * self.grid.verticalSpacing())
        if need != self.minimumHeight():
            self.setMinimumHeight(need)

    def set_language(self, lang: str) -> None:
        self.text.setText(face_tr(lang, "greeting", name=self.name) if self.name
                          else face_tr(lang, "greeting_anonymous"))
        self.hint.setText(face_tr(lang, "last_field_first"))
        self.not_me_button.setText(face_tr(lang, "not_me"))
        self.delete_button.setText(face_tr(lang, "delete_my_data"))


# ------------------------------------------------------------------------------ screens
class BirthDateScreen(FaceScreen):
    """Second factor: the citizen types the date of birth (DD MM YYYY) on a big keypad.

    Nothing on this screen comes from the shortlisted candidates: it is built from the words catalogue and
    what the citizen typed, so it looks the same whoever the camera thinks it sees. 'Không phải tôi' is
    always there. The date goes to FaceFlow.answer_birth_date (the visitor worker) on 'Xong'."""

    chosen = Signal(object)      # a datetime.date, or None for "not me"

    def __init__(self):
        super().__init__()
        self.entry = BirthDateEntry()
        self.waiting = False                      # an answer is with the visitor worker: keys do nothing
        self.feedback_key = ""
        self.error: SecondFactorError | None = None
        box = self._page()
        self.body = QBoxLayout(QBoxLayout.TopToBottom)   # side by side on a landscape screen (resizeEvent)
        self.body.setSpacing(40)
        box.addLayout(self.body, 1)

        self.left = QVBoxLayout()
        self.left.setSpacing(24)
        self.title = label(role="title")
        self.hint = label(px=BODY_PX)
        self.display = _frame("birthDateDisplay")
        grid = QGridLayout(self.display)
        grid.setContentsMargins(16, 8, 16, 12)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(6, 1)
        self.parts = [_typed() for _ in range(3)]          # day, month, year
        self.captions = [label(px=BODY_PX, bold=True, wrap=False, align=Qt.AlignCenter) for _ in range(3)]
        for i, (part, caption) in enumerate(zip(self.parts, self.captions)):
            grid.addWidget(part, 0, 1 + 2 * i)
            grid.addWidget(caption, 1, 1 + 2 * i)
            if i < 2:
                grid.addWidget(_typed("/"), 0, 2 + 2 * i)
        self.feedback = _frame("warning")
        self.feedback_label = label(px=BODY_PX, bold=True)
        QHBoxLayout(self.feedback).addWidget(self.feedback_label)
        # a message takes the hint's place, in a slot as tall as the taller of the two: nothing moves under a
        # finger when it appears, and a short screen does not keep an empty room for it
        self.message_slot = QStackedWidget()
        self.message_slot.addWidget(self.hint)
        self.message_slot.addWidget(self.feedback)
        self.not_me = _key("faceBirthNotMe", "", BUTTON_TEXT_PX)
        self.not_me.clicked.connect(self._not_me)
        for w in (self.title, self.message_slot, self.display):
            self.left.addWidget(w)
        self.left.addStretch(1)
        self.body.addLayout(self.left, 1)

        pad = QGridLayout()
        pad.setSpacing(KEY_GAP_PX)
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate("1234567890"):
            b = self.keys[key] = _key(f"faceKey_{key}", key, DIGIT_KEY_TEXT_PX)
            b.clicked.connect(lambda _=False, k=key: self._press(k))
            pad.addWidget(b, *((i // 3, i % 3) if key != "0" else (3, 1)))
        self.delete_key = _key("faceKeyDelete", "", BUTTON_TEXT_PX)
        self.ok_key = _key("faceKeyOk", "", BUTTON_TEXT_PX, kind="primary")
        self.delete_key.clicked.connect(self._delete)
        self.ok_key.clicked.connect(self._ok)
        pad.addWidget(self.delete_key, 3, 0)
        pad.addWidget(self.ok_key, 3, 2)
        self.keypad = QWidget()
        self.keypad.setLayout(pad)
        self.pad = pad
        self.compact: bool | None = None
        self._fitted: tuple[bool, bool] | None = None
        self.right = QVBoxLayout()
        self.right.setSpacing(48)                 # 'not me' well apart from the keys
        self.right.addWidget(self.keypad)
        self.right.addStretch(1)
        self.body.addLayout(self.right)
        self.landscape: bool | None = None
        self._place_not_me(False)

    def ask(self, retry: bool = False) -> None:
        """A fresh question (``retry``: the last answer was not accepted; say so, nothing more)."""
        self.entry.clear()
        self.waiting = False
        self._say("birth_wrong" if retry else "")

    def _say(self, key: str = "", error: SecondFactorError | None = None) -> None:
        self.feedback_key, self.error = key, error
        self.render()

    def _press(self, key: str) -> None:
        if not self.waiting and self.entry.press(key):
            self._say()

    def _delete(self) -> None:
        if not self.waiting:
            self.entry.delete()
            self._say()

    def _ok(self) -> None:
        if self.waiting:
            return
        try:
            born = self.entry.value()
        except SecondFactorError as exc:          # too few digits, 31/02...: say why, keep what was typed
            self._say(error=exc)
            return
        self.waiting = True
        self.chosen.emit(born)

    def _not_me(self) -> None:
        self.waiting = True
        self.chosen.emit(None)

    def _place_not_me(self, landscape: bool) -> None:
        """Portrait: question, keypad, 'not me' from the top, the free space below. Landscape: the question
        and 'not me' on the left, the keypad on the right (it fills the height)."""
        if landscape == self.landscape:
            return
        self.landscape = landscape
        for layout in (self.left, self.right):
            layout.removeWidget(self.not_me)
        if landscape:
            self.left.addWidget(self.not_me)
        else:
            self.right.insertWidget(1, self.not_me)
        self.body.setDirection(QBoxLayout.LeftToRight if landscape else QBoxLayout.TopToBottom)
        self.body.setStretch(0, 1 if landscape else 0)
        self.body.setStretch(1, 1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """Landscape or portrait; on a short screen 120 px keys closer together (768x1366: the 140 px keys were
        drawn over each other, 1366x768 and 1024x768: 'not me' below the screen); digits that fit their box."""
        landscape = self.width() > self.height()
        self._place_not_me(landscape)
        compact = self.height() < (COMPACT_LANDSCAPE_BELOW_PX if landscape else COMPACT_BELOW_PX)
        if (compact, landscape) != self._fitted:
            self._fitted = (compact, landscape)
            self.compact = compact
            height = COMPACT_KEY_PX if compact else KEY_PX
            for b in (*self.keys.values(), self.delete_key, self.ok_key, self.not_me):
                px = b.property("text_px")
                if compact and b in (self.delete_key, self.ok_key):
                    px = SIDE_BY_SIDE_TEXT_PX - 2    # 'Delete' inside a 120 px key
                b.setStyleSheet(_key_style(px, height))
            self.pad.setSpacing(KEY_GAP_PX if not compact else KEY_GAP_PX - 4)
            self.left.setSpacing(16 if compact else 24)
            self.right.setSpacing(28 if compact else 48)
            self.body.setSpacing(32 if compact else 40)
            self.layout().setContentsMargins(*((40, 20, 40, 20) if compact else (48, 32, 48, 40)))
            # the keypad keeps three big keys; the question and the date take the rest of a landscape screen
            pad_width = 3 * COMPACT_PAD_KEY_WIDTH_PX + 2 * (KEY_GAP_PX - 4) if compact and landscape else 0
            self.keypad.setMinimumWidth(pad_width)
            self.body.setStretch(0, 1)
            self.body.setStretch(1, 0 if compact and landscape else 1)
            set_text_px(self.hint, SIDE_BY_SIDE_TEXT_PX if compact else BODY_PX)
            set_text_px(self.feedback_label, SIDE_BY_SIDE_TEXT_PX if compact else BODY_PX, bold=True)
            for caption in self.captions:
                set_text_px(caption, theme.MIN_TEXT_PX if compact else BODY_PX, bold=True)
        self._fit_digits()
        self.layout().activate()                  # laid out now: a tap right after showing finds its key

    def _fit_digits(self) -> None:
        """The largest digits (up to DISPLAY_DIGIT_PX) with which '__ / __ / ____' fits the date box."""
        m = self.layout().contentsMargins()
        room = self.width() - m.left() - m.right() - 32 - 16 * 6
        if self.landscape:
            room -= self.keypad.minimumWidth() + self.body.spacing()
        px = COMPACT_DIGIT_PX if self.compact else DISPLAY_DIGIT_PX
        while self.compact and px > 40:               # the full-size screens have room for 100 px digits
            f = self.parts[0].font()
            f.setPixelSize(px)
            f.setBold(True)
            fm = QFontMetrics(f)
            need = sum(fm.horizontalAdvance("0" * n) + 10 * n for n in (2, 2, 4)) + 2 * fm.horizontalAdvance("/ ")
            captions = sum(c.fontMetrics().horizontalAdvance(c.text()) for c in self.captions)
            if max(need, captions + 2 * fm.horizontalAdvance("/ ")) + 40 <= room:   # the grid's own spacing
                break
            px -= 4
        if px != getattr(self, "digit_px", None):
            self.digit_px = px
            for w in self.display.findChildren(QLabel):
                if w not in self.captions:
                    w.setStyleSheet(_typed_style(px))

    def render(self) -> None:
        self.title.setText(self.t("birth_title"))
        self.hint.setText(self.t("birth_hint"))
        for part, typed in zip(self.parts, self.entry.parts()):
            part.setText(typed)                   # a digit not typed yet: "_", a slot to fill
        for caption, key in zip(self.captions, ("birth_day", "birth_month", "birth_year")):
            caption.setText(self.t(key))
        text = self.error.message(self.lang) if self.error else self.t(self.feedback_key) if self.feedback_key else ""
        self.feedback_label.setText(text)
        self.message_slot.setCurrentWidget(self.feedback if text else self.hint)
        self._fit_digits()
        self.delete_key.setText(self.t("birth_delete"))
        self.ok_key.setText(self.t("birth_ok"))
        self.not_me.setText(self.t("not_me"))


class LivenessScreen(FaceScreen):
    """'Xin vui lòng chớp mắt': shown before a greeting when the centre turned liveness on. The big instruction
    and one way out ('Bỏ qua, lấy số như thường'): the ticket never waits for a blink."""

    skipped = Signal()

    def __init__(self):
        super().__init__()
        box = self._page()
        self.title = label(px=72, bold=True, align=Qt.AlignCenter)
        self.title.setObjectName("livenessTitle")
        self.hint = label(px=BODY_PX, align=Qt.AlignCenter)
        self.skip = _big("faceLivenessSkip")
        self.skip.clicked.connect(self.skipped)
        box.addStretch(1)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addStretch(1)
        box.addWidget(self.skip)

    def render(self) -> None:
        self.title.setText(self.t("liveness_blink_title"))
        self.hint.setText(self.t("liveness_blink_hint"))
        self.skip.setText(self.t("liveness_skip"))


class OfferScreen(FaceScreen):
    """After the ticket: 'Lần sau nhận diện nhanh hơn?' — learn more (consent screen) or no."""

    more = Signal()
    skip = Signal()

    def __init__(self):
        super().__init__()
        box = self._page()
        self.title = label(role="title")
        self.text = label(px=BODY_PX)
        self.more_button = _big("faceOfferMore")
        self.skip_button = _big("faceOfferSkip")
        self.more_button.clicked.connect(self.more)
        self.skip_button.clicked.connect(self.skip)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addSpacing(20)
        box.addLayout(_pair(self.more_button, self.skip_button))
        box.addStretch(1)

    def render(self) -> None:
        self.title.setText(self.t("offer_title"))
        self.text.setText(self.t("offer_text"))
        self.more_button.setText(self.t("offer_more"))
        self.skip_button.setText(self.t("offer_skip"))


class ConsentScreen(FaceScreen):
    """The exact consent text of CONSENT_VERSION and two equal answers; nothing is pre-selected."""

    answered = Signal(bool)

    def __init__(self, retention_months: int = 12):
        super().__init__()
        self.retention_months = retention_months
        box = self._page()
        self.title = label(role="title")
        self.card = _frame("card")
        self.text = label(px=BODY_PX)
        self.text.setTextFormat(Qt.PlainText)
        inner = QVBoxLayout(self.card)
        inner.setContentsMargins(24, 20, 24, 20)
        inner.addWidget(self.text)
        self.agree = _big("faceAgree")
        self.disagree = _big("faceDisagree")
        for b, granted in ((self.agree, True), (self.disagree, False)):
            b.setCheckable(False)
            b.clicked.connect(lambda _=False, g=granted: self.answered.emit(g))
        box.addWidget(self.title)
        # portrait: the text, then the two answers side by side; landscape: the answers one above the other
        # beside the text (below it, the retention sentence ran off a 1024x768 screen)
        self.body = QBoxLayout(QBoxLayout.TopToBottom)
        self.body.setSpacing(40)
        self.body.addWidget(self.card)
        self.side = QVBoxLayout()                 # landscape: the question above the answers, beside the text
        self.side.setSpacing(28)
        self.answers = _pair(self.agree, self.disagree)
        self.side.addLayout(self.answers)
        self.side.addStretch(1)
        self.body.addLayout(self.side)
        box.addLayout(self.body)
        box.addStretch(1)
        self.landscape: bool | None = None

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        landscape = self.width() > self.height()
        if landscape != self.landscape:
            self.landscape = landscape
            page = self.layout()
            page.removeWidget(self.title)
            self.side.removeWidget(self.title)
            if landscape:
                self.side.insertWidget(0, self.title)
            else:
                page.insertWidget(0, self.title)
            self.body.setDirection(QBoxLayout.LeftToRight if landscape else QBoxLayout.TopToBottom)
            self.answers.setDirection(QBoxLayout.TopToBottom if landscape else QBoxLayout.LeftToRight)
            self.answers.setSpacing(28 if landscape else 40)
            page.setContentsMargins(48, 24, 48, 24) if landscape else page.setContentsMargins(48, 32, 48, 40)
        m = self.layout().contentsMargins()
        # two answers of equal width; on a narrow portrait screen (768 px) they share what there is
        width = CONSENT_SIDE_WIDTH_PX if landscape else min(
            CHOICE_WIDTH_PX, (self.width() - m.left() - m.right() - self.answers.spacing()) // 2)
        for b in (self.agree, self.disagree):
            b.setFixedSize(width, BIG_BUTTON_PX)
        fit_button_text((self.agree, self.disagree), BUTTON_TEXT_PX)
        self._fit_text()
        self.layout().activate()                  # laid out now, not after the next events

    def _fit_text(self) -> None:
        """The largest body size (BODY_PX down to the kiosk's minimum) at which the whole text shows."""
        m = self.layout().contentsMargins()
        width = self.width() - m.left() - m.right() - 48
        height = self.height() - m.top() - m.bottom() - 40
        if self.landscape:
            width -= CONSENT_SIDE_WIDTH_PX + self.body.spacing()
        else:
            height -= BIG_BUTTON_PX + self.body.spacing() + self.title.sizeHint().height() + self.layout().spacing()
        px = BODY_PX
        while True:
            set_text_px(self.text, px)
            if px <= theme.MIN_TEXT_PX or self.text.heightForWidth(max(1, width)) <= height:
                break
            px -= 2

    def render(self) -> None:
        self.title.setText(self.t("consent_title"))
        self.text.setText(consent_text(self.lang, self.retention_months))
        self.agree.setText(self.t("agree"))
        self.disagree.setText(self.t("disagree"))
        fit_button_text((self.agree, self.disagree), BUTTON_TEXT_PX)
        self._fit_text()


class ScanScreen(FaceScreen):
    """'Quét mã QR trên CCCD'. A USB scanner types the payload + Enter into a focused, invisible line edit
    (never echoed: the ID number is not shown); a QR seen by the camera arrives through ``submit``."""

    scanned = Signal(str)
    cancelled = Signal()

    def __init__(self):
        super().__init__()
        self.error_text = ""
        self.saving = False
        box = self._page()
        self.title = label(role="title")
        self.hint = label(px=BODY_PX)
        self.privacy = label(role="muted")
        self.error = _frame("warning")
        self.error_label = label(px=BODY_PX, bold=True)
        QHBoxLayout(self.error).addWidget(self.error_label)
        self.error.hide()
        self.input = ScannerInput(self, "faceScannerInput", max_length=2000)
        self.input.scanned.connect(self.scanned)
        self.cancel = _big("faceScanCancel")
        self.cancel.clicked.connect(self.cancelled)
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addWidget(self.privacy)
        box.addWidget(self.error)
        box.addSpacing(20)
        box.addWidget(self.cancel)
        box.addStretch(1)

    def start(self) -> None:
        self.show_error("")                           # also: no "saving" left from the previous person
        self.input.take_focus(clear=True)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.input.take_focus()

    def show_error(self, text: str) -> None:
        self.error_text = text
        self.error_label.setText(text)
        self.error.setVisible(bool(text))
        self.show_saving(False)

    def show_saving(self, on: bool) -> None:
        """A card was read: the templates take a few seconds (jittered encodings on the visitor worker)."""
        self.saving = on
        self.hint.setText(self.t("scan_saving" if on else "scan_hint"))

    def render(self) -> None:
        self.title.setText(self.t("scan_title"))
        self.hint.setText(self.t("scan_saving" if self.saving else "scan_hint"))
        self.privacy.setText(self.t("scan_privacy"))
        self.cancel.setText(self.t("cancel"))


class NameCheckScreen(FaceScreen):
    """A keyboard-wedge scanner typed a name without any Vietnamese mark: show it and ask. Either the card
    writes it so (stored as shown), or it lost its marks (scan again with the camera, which reads the bytes)."""

    rescan = Signal()
    confirmed = Signal()
    cancelled = Signal()

    def __init__(self):
        super().__init__()
        self.name = ""
        box = self._page()
        self.title = label(role="title")
        self.read = label(px=BODY_PX)
        self.card = _frame("card")
        self.name_label = label(px=64, bold=True, align=Qt.AlignCenter)
        self.name_label.setTextFormat(Qt.PlainText)
        QVBoxLayout(self.card).addWidget(self.name_label)
        self.text = label(px=BODY_PX)
        self.rescan_button = _big("faceNameRescan")
        self.confirm_button = _big("faceNameConfirm")
        self.cancel = _big("faceNameCancel")
        self.rescan_button.clicked.connect(self.rescan)
        self.confirm_button.clicked.connect(self.confirmed)
        self.cancel.clicked.connect(self.cancelled)
        # portrait: the name, then the answers under it; landscape (1366x768, 1024x768): the name on the left,
        # the answers on the right — a column of everything does not fit a short screen
        self.body = QBoxLayout(QBoxLayout.TopToBottom)
        self.body.setSpacing(32)
        told, answers = QVBoxLayout(), QVBoxLayout()
        for w in (self.title, self.read, self.card, self.text):
            told.addWidget(w)
        told.addStretch(1)
        answers.setSpacing(20)
        for b in (self.rescan_button, self.confirm_button, self.cancel):   # the two answers: same size and style
            answers.addWidget(b)
        answers.addStretch(1)
        self.body.addLayout(told, 1)
        self.body.addLayout(answers, 1)
        box.addLayout(self.body)
        box.addStretch(1)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        side_by_side = self.width() > self.height()
        self.body.setDirection(QBoxLayout.LeftToRight if side_by_side else QBoxLayout.TopToBottom)
        px = SIDE_BY_SIDE_TEXT_PX if side_by_side else BUTTON_TEXT_PX   # half a 1024-px screen wide
        for b in (self.rescan_button, self.confirm_button):
            b.setStyleSheet(f"font-size: {px}px;")
        self.name_label.setStyleSheet(f"font-size: {48 if side_by_side else 64}px; font-weight: bold;")

    def ask(self, name: str) -> None:
        self.name = name
        self.render()

    def render(self) -> None:
        self.title.setText(self.t("name_check_title"))
        self.read.setText(self.t("name_check_read"))
        self.name_label.setText(self.name)
        self.text.setText(self.t("name_check_text"))
        # two lines, "what my name is:" over "what to do": the long answer fits a half-width button
        self.rescan_button.setText(self.t("name_check_rescan").replace(": ", ":\n", 1))
        self.confirm_button.setText(self.t("name_check_confirm").replace(": ", ":\n", 1))
        self.cancel.setText(self.t("cancel"))


class DeleteScreen(FaceScreen):
    """Confirm 'Xóa dữ liệu của tôi' (two equal answers)."""

    answered = Signal(bool)

    def __init__(self):
        super().__init__()
        box = self._page()
        self.title = label(role="title")
        self.text = label(px=BODY_PX)
        self.yes = _big("faceDeleteYes")
        self.no = _big("faceDeleteNo")
        self.yes.clicked.connect(lambda: self.answered.emit(True))
        self.no.clicked.connect(lambda: self.answered.emit(False))
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addSpacing(20)
        box.addLayout(_pair(self.yes, self.no))
        box.addStretch(1)

    def render(self) -> None:
        self.title.setText(self.t("delete_title"))
        self.text.setText(self.t("delete_text"))
        self.yes.setText(self.t("delete_yes"))
        self.no.setText(self.t("delete_no"))


class MessageScreen(FaceScreen):
    """A plain sentence and 'Xong' (refused, registered, deleted)."""

    done = Signal()

    def __init__(self):
        super().__init__()
        self.key, self.values = "deleted", {}
        box = self._page()
        self.text = label(px=48, bold=True, align=Qt.AlignCenter)
        self.done_button = _big("faceDone", kind="primary")
        self.done_button.clicked.connect(self.done)
        box.addStretch(1)
        box.addWidget(self.text)
        box.addStretch(1)
        box.addWidget(self.done_button)

    def say(self, key: str, **values) -> None:
        self.key, self.values = key, values
        self.render()

    def render(self) -> None:
        self.text.setText(self.t(self.key, **self.values))
        self.done_button.setText(self.t("done"))


# ------------------------------------------------------------------------------ the controller
OFFER_WAIT_MS = 1_500        # "faster next time?" needs the worker's answer; without it by then, no offer
RETRY_BUILD_MS = 3_000       # the visitor store could not be opened for a passing reason: try again
MAX_FRAMES_IN_FLIGHT = 2     # camera frames waiting for the visitor worker; more are skipped
LIVENESS_GRACE_MS = 2_000    # no camera frame ends the challenge: it fails this long after its timeout


class FaceController(QObject):
    """Moves the window between the face screens; every decision is FaceFlow's (Qt-free).

    The FaceFlow, its VisitorStore and Recognizer live on one worker thread (``self.jobs``): every storage,
    crypto and matching call runs there, in order; this object only renders the results on the GUI thread.

    ``build``: makes the FaceFlow, called on the worker thread (opens the store, loads every template);
    ``flow``: an already built one. ``camera``: a FaceWorker (kiosk/face_worker.py), run on its own thread
    once the flow is ready. ``deletions``: a DeletionWorker (kiosk/deletions.py), run on its own thread from
    the start: with it the flow is built once the deletion feed has its position, so a visitor deleted
    anywhere later is dropped from the gallery, and the gallery is reloaded when that position is lost.
    The composition root (kiosk/app.py) supplies them.
    """

    def __init__(self, window, flow: FaceFlow | None = None, camera=None,
                 build: Callable[[], FaceFlow] | None = None, scanner=None, deletions=None):
        super().__init__(window)
        self.window, self.cfg = window, window.cfg
        self.flow: FaceFlow | None = None      # used only inside jobs (the worker thread)
        self.ready = False                     # the flow is built: frames are looked at
        self.worker = camera
        self.scanner = scanner                 # a serial CCCD scanner (kiosk/scanner_bridge.py), or None
        self.camera_thread: WorkerThread | None = None
        self._build = (lambda: flow) if flow is not None else build
        self.enabled = True
        self.consent_id: int | None = None
        self.offered = False
        self._citizen = 0                      # bumped by reset(): answers about an earlier person are dropped
        self._looking = True                   # the flow has not decided about this person yet
        self._offer_wait: int | None = None    # the citizen whose "may we offer?" question is out
        self._frames_in_flight = 0
        self._ticket_taken = False             # this citizen got a number (the offer comes only after one)
        self._store_trouble = False            # a transient database error is being logged (once)
        self.jobs = Jobs("kiosk-visitors", parent=self, on_close=self._close_flow)

        self.notice = CameraNotice()
        self.banner = GreetingBanner()
        home_box = window.home.layout()
        home_box.insertWidget(0, self.banner)
        home_box.addWidget(self.notice)
        self.birth_date = BirthDateScreen()
        self.liveness = LivenessScreen()
        self.offer = OfferScreen()
        self.consent = ConsentScreen(self.cfg.retention_months)
        self.scan = ScanScreen()
        self.name_check = NameCheckScreen()
        self.delete = DeleteScreen()
        self.message = MessageScreen()
        mine = (self.birth_date, self.liveness, self.offer, self.consent, self.scan, self.name_check, self.delete,
                self.message)
        for s in mine:
            window.stack.addWidget(s)
            s.set_language(window.lang)
        window.screens = (*window.screens, *mine)     # the window retranslates them with its own

        self.banner.not_me.connect(self._not_me)
        self.banner.delete_requested.connect(lambda: self.window.show(self.delete))
        self.birth_date.chosen.connect(self._birth_date)
        self.liveness.skipped.connect(self._skip_liveness)
        self.offer.more.connect(lambda: self.window.show(self.consent))
        self.offer.skip.connect(self._finish)
        self.consent.answered.connect(self._consent)
        self.scan.scanned.connect(self._scanned)
        self.scan.cancelled.connect(self._finish)
        self.name_check.rescan.connect(self._rescan_with_camera)
        self.name_check.confirmed.connect(self._name_confirmed)
        self.name_check.cancelled.connect(self._finish)
        if scanner is not None:
            scanner.scanned.connect(self._serial_scanned)     # a slot of this object: queued to the GUI thread
            scanner.start()
        self.delete.answered.connect(self._delete)
        self.message.done.connect(self._finish)
        window.backend.issued.connect(self._issued)
        window.stack.currentChanged.connect(self._screen_changed)
        self.set_language(window.lang)
        self.deletions = deletions
        self.deletions_thread: WorkerThread | None = None
        # with a follower, the first news builds the flow (and loads the gallery): nothing deleted is missed
        self._built_after_news = deletions is not None and flow is None and build is not None
        if deletions is not None:
            deletions.news.connect(self._deletion_news)
            self.deletions_thread = WorkerThread(deletions, "kiosk-deletions", run=deletions.run)
        if self._build is not None and not self._built_after_news:
            self._start()             # a database not there yet (first start) is retried, like any outage

    # -- set-up and failure ----------------------------------------------------------------
    def _run(self, call: Callable[[FaceFlow], Any], done: Callable[[Any], None] | None = None,
             failed: Callable[[Exception], None] | None = None) -> None:
        """``call(flow)`` on the worker thread; ``done(result)`` / ``failed(error)`` back here."""
        self.jobs.submit(lambda: call(self.flow), done, failed or self._failed)

    def _start(self) -> None:
        def build() -> None:
            self.flow = self._build()          # on the worker thread: key file, store, every template
        self.jobs.submit(build, self._built, self._build_failed)

    def _close_flow(self) -> None:             # on the worker thread, as it ends
        if self.flow is not None:
            self.flow.close()

    def _built(self, _result=None) -> None:
        if not self.enabled:
            return
        self.ready = True
        if self.worker is None:
            return
        self.worker.face.connect(self._face)
        self.worker.qr_seen.connect(self._qr_seen)
        self.worker.landmarks.connect(self._landmarks)
        self.worker.unavailable.connect(self.disable)
        self.camera_thread = WorkerThread(self.worker, "face-camera", run=self.worker.run)
        self._set_looking(self._looking)

    def _build_failed(self, exc: Exception) -> None:
        if is_transient_error(exc) and self.enabled:
            log.warning("visitor store not ready (%s: %s); trying again in %.0f s", exc.__class__.__name__, exc,
                        RETRY_BUILD_MS / 1000)
            QTimer.singleShot(RETRY_BUILD_MS, self, self._start)
            return
        if isinstance(exc, KeyFileError) and hasattr(self.window, "backend"):
            self.window.backend.report_problem("no_key", str(exc))   # the staff are told, nothing is created
        self.disable(f"{exc.__class__.__name__}: {exc}")   # e.g. key file unreadable: no recognition

    def _failed(self, exc: Exception) -> None:
        """A visitor-store call failed. Passing database trouble (busy, locked, reconnecting): log it once,
        skip, keep recognising. Anything else: no recognition until restart, tickets as usual."""
        if is_transient_error(exc):
            if not self._store_trouble:
                self._store_trouble = True
                log.warning("visitor store busy (%s: %s): frames skipped until it answers again",
                            exc.__class__.__name__, exc)
            return
        log.error("face recognition failed", exc_info=(type(exc), exc, exc.__traceback__))
        self.disable(f"{exc.__class__.__name__}: {exc}")

    def _answered(self) -> None:
        if self._store_trouble:
            self._store_trouble = False
            log.info("visitor store answers again: recognition continues")

    @Slot(str)
    def disable(self, reason: str) -> None:
        """No recognition today (camera unplugged, models missing...): tell the staff, keep issuing."""
        if not self.enabled:
            return
        self.enabled = False
        log.warning("face recognition off: %s — the kiosk keeps issuing tickets without it", reason)
        self.notice.hide()                        # no camera in use: no notice
        if self.window.current() in (self.birth_date, self.liveness, self.scan, self.name_check):
            self.window.next_citizen()

    def stop(self) -> None:
        """Stop the camera, the deletion follower and the visitor worker (each closes its connections in
        its own thread)."""
        if self.camera_thread is not None:
            self.camera_thread.stop()
        if self.scanner is not None:
            self.scanner.stop()
        if self.deletions_thread is not None:
            self.deletions_thread.stop()
        self.jobs.stop()

    # -- deletions made elsewhere ------------------------------------------------------------
    @Slot(object)
    def _deletion_news(self, news) -> None:
        """A visitor deleted at a counter, by the CLI, at another kiosk or by retention: out of memory now."""
        if news.reload:
            if self._built_after_news:   # following has its position: the gallery loaded now misses nothing
                self._built_after_news = False
                self._start()
            else:                        # the position was lost: what was deleted meanwhile is unknown
                self._reload_gallery()
        if news.forgotten:
            citizen, ids = self._citizen, news.forgotten
            self._run(lambda flow: flow.forgotten_elsewhere(ids) if flow is not None else False,
                      lambda here: self._forgotten_here(citizen) if here else None)

    def _reload_gallery(self) -> None:
        citizen = self._citizen

        def reload(flow: FaceFlow | None) -> bool:
            if flow is None:
                return False
            flow.recognizer.reload()
            greeted = flow.visitor_id
            if greeted is not None and not len(flow.recognizer.gallery.templates_of(greeted)):
                return flow.forgotten_elsewhere([greeted])     # deleted while the position was lost
            return False

        def failed(exc: Exception) -> None:   # the database is away again: reload when it answers
            self._failed(exc)
            if is_transient_error(exc):
                QTimer.singleShot(RETRY_BUILD_MS, self, self._reload_gallery)
        self._run(reload, lambda here: self._forgotten_here(citizen) if here else None, failed)

    def _forgotten_here(self, citizen: int) -> None:
        """The person at the kiosk was just deleted: no greeting, no visitor on the ticket, no question."""
        if citizen != self._citizen:
            return
        self._clear_greeting()
        if self.window.current() in (self.birth_date, self.delete):
            self.window.show_home()

    def set_language(self, lang: str) -> None:
        self.notice.set_language(lang)
        self.banner.set_language(lang)

    # -- hooks called by the window --------------------------------------------------------------
    def offer_before_next_citizen(self) -> bool:
        """After the ticket: offer registration once, to an unrecognised person the camera saw.

        Returns True while the worker is asked (its answer comes after every frame and the ticket's
        record, in order); the window then stays where it is and next_citizen() is called again."""
        if not self.enabled or not self.ready or self.offered:
            return False
        if not self._ticket_taken or self.window.visitor is not None:
            return False                          # surely no offer: no ticket yet, or a recognised visitor
        self.offered = True
        citizen = self._offer_wait = self._citizen
        self._run(lambda flow: flow.may_offer_registration(), lambda may: self._offer_answer(citizen, may),
                  lambda exc: (self._failed(exc), self._offer_answer(citizen, False)))
        QTimer.singleShot(OFFER_WAIT_MS, self, lambda: self._offer_answer(citizen, False))
        return True

    def _offer_answer(self, citizen: int, may: bool) -> None:
        if self._offer_wait != citizen or citizen != self._citizen:
            return                                # answered already, or the next person is there
        self._offer_wait = None
        if may and self.enabled:
            self.window.show(self.offer)
        else:
            self.window.next_citizen()

    def reset(self) -> None:
        self._citizen += 1
        self._ticket_taken = False
        self._offer_wait = None
        self.offered, self.consent_id = False, None
        self.banner.name = None
        self.banner.hide()
        if self.worker is not None:
            self.worker.set_scanning(False)
            self.worker.set_liveness(False)
        self._set_looking(True)
        if self.ready:
            self._run(lambda flow: flow.reset())
        self.set_language(self.window.lang)

    # -- recognition ---------------------------------------------------------------------------
    def _on_home(self) -> bool:
        return self.window.current() is self.window.home and not self.window.issuing

    @Slot(object)
    def _face(self, encoding) -> None:
        if not self.enabled or not self.ready:
            return
        if self._frames_in_flight >= MAX_FRAMES_IN_FLIGHT:
            log.debug("visitor worker busy: camera frame skipped")
            return
        self._frames_in_flight += 1
        citizen = self._citizen
        decide = self._on_home()                  # decide only while the person looks at the home screen

        def done(outcome) -> None:
            self._frames_in_flight -= 1
            self._answered()
            if outcome is not None and citizen == self._citizen and self.enabled:
                self.show_outcome(outcome)

        def failed(exc: Exception) -> None:
            self._frames_in_flight -= 1
            self._failed(exc)                     # a locked database: this frame is skipped, not the feature

        self._run(lambda flow: flow.observe(encoding, decide=decide), done, failed)

    def show_outcome(self, outcome: Outcome) -> None:
        if outcome.kind == "gone":
            # the person left (or someone else stepped in): the next one must not inherit a name or visitor
            # id. Only the face part is cleared: a language or priority chosen by a touch stays.
            if self._on_home() or self.window.current() is self.liveness:
                self._clear_greeting()
                self._run(lambda flow: flow.reset())
                self._set_looking(True)
                if self.window.current() is self.liveness:
                    self.window.show_home()
            return
        self._set_looking(False)                  # decided (greeted, unknown, second factor, liveness)
        if outcome.kind == "greet" and outcome.greeting is not None:
            g = outcome.greeting
            self.window.visitor = g.visitor_id        # the ticket carries it (never the ID number)
            self.window.home.set_preferred((g.last_field_code,) if g.last_field_code else ())
            self.banner.name = g.name
            self.banner.set_language(self.window.lang)
            self.banner.show()
            self.window.show_home()
        elif outcome.kind == "second_factor":
            self.birth_date.ask(retry=outcome.reason == "wrong_answer")
            self.window.show(self.birth_date)
        elif outcome.kind == "liveness":
            self._ask_liveness()
        elif self.window.current() in (self.birth_date, self.liveness):
            self.window.show_home()           # not greeted: the ticket as for anyone

    # -- liveness ---------------------------------------------------------------------------------
    def _ask_liveness(self) -> None:
        """'Xin vui lòng chớp mắt'. The camera thread computes landmarks only while this screen is shown
        (see _screen_changed); the challenge's clock runs on the frames' times, and a camera that sends
        nothing more still ends it (LIVENESS_GRACE_MS after the timeout)."""
        self.window.show(self.liveness)
        citizen = self._citizen
        wait_ms = round(self.cfg.face_liveness_seconds * 1000) + LIVENESS_GRACE_MS

        def give_up() -> None:
            if citizen == self._citizen and self.window.current() is self.liveness:
                self._skip_liveness()
        QTimer.singleShot(wait_ms, self, give_up)

    @Slot(object, float)
    def _landmarks(self, marks, taken_at: float) -> None:
        if not self.enabled or not self.ready or self.window.current() is not self.liveness:
            return
        citizen = self._citizen

        def done(outcome) -> None:
            if outcome is not None and citizen == self._citizen and self.enabled:
                self.show_outcome(outcome)
        self._run(lambda flow: flow.observe_liveness(marks, taken_at), done)

    @Slot()
    def _skip_liveness(self) -> None:
        citizen = self._citizen

        def done(outcome) -> None:
            if citizen == self._citizen:
                self.show_outcome(outcome or Outcome("unknown", reason="liveness_skipped"))

        def failed(exc: Exception) -> None:
            self._failed(exc)
            if citizen == self._citizen and self.window.current() is self.liveness:
                self.window.show_home()
        self._run(lambda flow: flow.skip_liveness(), done, failed)

    @Slot(object)
    def _birth_date(self, born) -> None:
        citizen = self._citizen

        def done(outcome: Outcome) -> None:
            if citizen == self._citizen:
                self.show_outcome(outcome)

        def failed(exc: Exception) -> None:
            self._failed(exc)
            if citizen == self._citizen and self.window.current() is self.birth_date:
                self.window.show_home()           # not recognised this time; the ticket works as usual
        self._run(lambda flow: flow.answer_birth_date(born), done, failed)

    @Slot()
    def _not_me(self) -> None:
        self._run(lambda flow: flow.not_me())
        self._clear_greeting()

    def _clear_greeting(self) -> None:
        self.window.visitor = None
        self.window.home.set_preferred(())
        self.banner.name = None
        self.banner.hide()

    @Slot(object)
    def _issued(self, result) -> None:
        if not self.ready or not self.enabled:
            return
        self._ticket_taken = True
        field_code = result.request.field_code

        def failed(exc: Exception) -> None:      # the ticket stands whatever happens here
            log.error("recording the visit failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._run(lambda flow: flow.after_ticket(field_code), failed=failed)

    # -- consent and registration -----------------------------------------------------------------
    @Slot(bool)
    def _consent(self, granted: bool) -> None:
        citizen = self._citizen

        def done(consent_id: int) -> None:
            if citizen != self._citizen or self.window.current() is not self.consent:
                return
            self.consent_id = consent_id
            if granted:
                self.scan.start()
                self.window.show(self.scan)
            else:
                self.message.say("refused")
                self.window.show(self.message)

        def failed(exc: Exception) -> None:       # nothing recorded: the consent screen stays, tap again
            log.error("recording the consent answer failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._run(lambda flow: flow.answer_consent(granted), done, failed)

    @Slot(int)
    def _screen_changed(self, _index: int) -> None:
        if self.worker is not None:
            self.worker.set_scanning(self.window.wants_qr())   # this scan screen, or the rating's
            self.worker.set_liveness(self.window.current() is self.liveness)
        self._set_looking(self._looking)

    def _set_looking(self, looking: bool) -> None:
        """The camera encodes the frames that decide (home screen, not decided yet) with the jitter the
        rule's points are calibrated for; every other frame stays a fast plain encoding."""
        self._looking = looking
        if self.worker is not None:
            self.worker.set_deciding(looking and self.window.current() is self.window.home)

    @Slot(str)
    def _qr_seen(self, payload: str) -> None:
        self._device_scanned(payload, "camera")

    @Slot(str)
    def _serial_scanned(self, payload: str) -> None:
        self._device_scanned(payload, "serial")

    def _device_scanned(self, payload: str, source: str) -> None:
        """The camera or a serial scanner read a code: used only on the scan screen, dropped elsewhere."""
        if self.window.current() is self.scan:
            self._scanned(payload, source)

    @Slot(str)
    def _scanned(self, payload: str, source: str = "keyboard") -> None:
        if self.consent_id is None or self.window.current() is not self.scan:
            return
        citizen, consent_id = self._citizen, self.consent_id
        scanned = [payload]                       # handed to the job, which takes it out: kept nowhere

        def register(flow: FaceFlow) -> tuple[Registration, str | None]:
            result = flow.register(scanned.pop(), consent_id, source=source)
            return result, flow.store.greeting_name(result.visitor_id) if result.ok else None
        self.scan.show_saving(True)       # the templates take seconds (jittered encodings)
        self._run(register, lambda answer: self._registered(citizen, answer), self._register_failed(citizen))

    def _registered(self, citizen: int, answer: tuple[Registration, str | None]) -> None:
        result, name = answer
        if citizen != self._citizen or self.window.current() not in (self.scan, self.name_check):
            return
        if result.code == "name_without_diacritics":   # a keyboard wedge lost the marks: ask, store nothing yet
            self.name_check.ask(result.scanned_name)
            self.window.show(self.name_check)
            return
        if not result.ok:
            reason = result.message(self.window.lang)
            self.scan.show_error(face_tr(self.window.lang, "scan_error", reason=reason))
            self.window.show(self.scan)
            return
        self.message.say("registered", name=name) if name else self.message.say("registered_anonymous")
        self.window.show(self.message)

    def _register_failed(self, citizen: int) -> Callable[[Exception], None]:
        def failed(exc: Exception) -> None:
            log.error("registration failed", exc_info=(type(exc), exc, exc.__traceback__))
            if citizen == self._citizen and self.window.current() in (self.scan, self.name_check):
                reason = face_tr(self.window.lang, "register_store_failed")
                self.scan.show_error(face_tr(self.window.lang, "scan_error", reason=reason))
                self.window.show(self.scan)
        return failed

    @Slot()
    def _name_confirmed(self) -> None:
        citizen = self._citizen

        def register(flow: FaceFlow) -> tuple[Registration, str | None]:
            result = flow.register_confirmed_name()
            return result, flow.store.greeting_name(result.visitor_id) if result.ok else None
        self.scan.show_saving(True)
        self._run(register, lambda answer: self._registered(citizen, answer), self._register_failed(citizen))

    @Slot()
    def _rescan_with_camera(self) -> None:
        self.scan.start()
        self.scan.show_error(face_tr(self.window.lang, "scan_with_camera"))
        self.window.show(self.scan)

    # -- deletion ---------------------------------------------------------------------------
    @Slot(bool)
    def _delete(self, confirmed: bool) -> None:
        if not confirmed:
            self.window.show_home()
            return

        def done(_existed) -> None:
            self._clear_greeting()
            self.message.say("deleted")
            self.window.show(self.message)

        def failed(exc: Exception) -> None:       # nothing was deleted: the question stays, tap again
            log.error("deleting the visitor's data failed", exc_info=(type(exc), exc, exc.__traceback__))
        self._run(lambda flow: flow.forget(), done, failed)

    @Slot()
    def _finish(self) -> None:
        self.window.next_citizen()


def attach_face(window, **options) -> FaceController:
    """Plug face recognition into a KioskWindow (the composition root, kiosk/app.py, does it when
    ``cfg.face_enabled``; tests pass a ready ``flow``)."""
    return FaceController(window, **options)
