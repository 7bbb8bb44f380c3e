"""The kiosk's screens. Each one only shows data and reports taps; the window decides what happens.

Every screen has ``set_language(lang)``, which redraws it from the data it was last given, so a
language switch never needs a trip to the database.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QBoxLayout, QFrame, QGridLayout, QHBoxLayout, QScrollArea, QScroller,
                               QVBoxLayout, QWidget)

from db import PRIORITY_REASONS, FieldInfo, IssuedTicket, OfficeInfo


from ..i18n import WEEKDAYS, priority_label, tr
from ..worker import PrintOutcome
from gui import theme
from .widgets import FieldTile, SvgIcon, TapArea, button, label


class Screen(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = "vi"

    def t(self, key: str, **values) -> str:
        return tr(self.lang, key, **values)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.render()

    def render(self) -> None:  # pragma: no cover - every screen overrides it
        raise NotImplementedError


def _frame(name: str) -> QFrame:
    f = QFrame()
    f.setObjectName(name)
    f.setAttribute(Qt.WA_StyledBackground)
    return f


def _two_lines(text: str) -> str:
    """Break ``text`` at the space nearest its middle (a button cannot wrap by itself)."""
    middle = len(text) // 2
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return text
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


# ------------------------------------------------------------------------------------------- home
class HomeScreen(Screen):
    """One big tile per field, the priority entry; a returning visitor's usual field first (the greeting itself is
    the face screens' banner, kiosk/ui/face_screens.py)."""

    field_chosen = Signal(str)
    info_requested = Signal(str)
    priority_requested = Signal()
    priority_cancelled = Signal()
    rating_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rating_offered = False             # the centre rates at the kiosk (catalogue kiosk_rating)
        self.fields: tuple[FieldInfo, ...] = ()
        self.priority: str | None = None
        self.preferred: tuple[str, ...] = ()
        self.compact = False
        self.tiles: dict[str, FieldTile] = {}

        self.banner = _frame("banner")
        self.banner_text = label(px=theme.TITLE, bold=True)
        self.cancel_priority = button("", name="cancelPriority")
        self.cancel_priority.clicked.connect(self.priority_cancelled)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(20, 10, 20, 10)
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.cancel_priority)
        self.banner.hide()

        self.prompt = label(role="title")
        self.columns = 3
        self.tile_box = QWidget()
        self.tile_box.setObjectName("tileBox")
        self.grid = QGridLayout(self.tile_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        # where the screen is short the tiles scroll (never squeezed below their text)
        self.tile_scroll = QScrollArea()
        self.tile_scroll.setObjectName("tileScroll")
        self.tile_scroll.setWidgetResizable(True)
        self.tile_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.tile_scroll.setWidget(self.tile_box)
        QScroller.grabGesture(self.tile_scroll.viewport(), QScroller.TouchGesture)

        self.priority_entry = TapArea()
        self.priority_entry.setObjectName("priorityEntry")
        self.priority_entry.setAttribute(Qt.WA_StyledBackground)
        self.priority_entry.setMinimumHeight(theme.MIN_TARGET_PX + 4)
        self.priority_entry.tapped.connect(self.priority_requested)
        self.priority_title = label(px=44, bold=True, wrap=False)
        self.priority_hint = label(px=theme.TEXT_SMALL)
        for w in (self.priority_title, self.priority_hint):
            w.setAttribute(Qt.WA_TransparentForMouseEvents)
        prow = QHBoxLayout(self.priority_entry)
        prow.setContentsMargins(24, 6, 24, 6)
        prow.setSpacing(24)
        picon = SvgIcon("uu_tien", 84)
        prow.addWidget(picon)
        prow.addWidget(self.priority_title)
        prow.addWidget(self.priority_hint, 1)

        # "Đánh giá": for a citizen coming back after service with their ticket (only when the centre offers it)
        self.rating_entry = TapArea()
        self.rating_entry.setObjectName("ratingEntry")
        self.rating_entry.setAttribute(Qt.WA_StyledBackground)
        self.rating_entry.setMinimumHeight(theme.MIN_TARGET_PX + 4)
        self.rating_entry.tapped.connect(self.rating_requested)
        self.rating_star = label("★", px=72, bold=True, wrap=False)
        self.rating_title = label(px=44, bold=True, wrap=False)
        self.rating_hint = label(px=theme.TEXT_SMALL)
        for w in (self.rating_star, self.rating_title, self.rating_hint):
            w.setAttribute(Qt.WA_TransparentForMouseEvents)
        rrow = QHBoxLayout(self.rating_entry)
        rrow.setContentsMargins(24, 6, 24, 6)
        rrow.setSpacing(24)
        self.rating_star.setFixedWidth(84)
        rrow.addWidget(self.rating_star)
        rrow.addWidget(self.rating_title)
        rrow.addWidget(self.rating_hint, 1)
        self.rating_entry.hide()

        box = QVBoxLayout(self)
        box.setContentsMargins(24, 8, 24, 12)
        box.setSpacing(10)
        box.addWidget(self.banner)
        box.addWidget(self.prompt)
        box.addWidget(self.tile_scroll, 1)
        box.addWidget(self.priority_entry)
        box.addWidget(self.rating_entry)

    # -- data
    def show_fields(self, fields: tuple[FieldInfo, ...]) -> None:
        if fields != self.fields:                     # most refreshes change nothing: skip the redraw
            self.fields = fields
            self.render()

    def reset(self) -> None:
        """For the next citizen: no priority, no visitor's usual fields first (one redraw)."""
        if self.priority or self.preferred:
            self.priority, self.preferred = None, ()
            self.render()

    def set_priority(self, reason: str | None) -> None:
        self.priority = reason
        self.render()

    def set_rating_offered(self, offered: bool) -> None:
        if offered != self.rating_offered:
            self.rating_offered = offered
            self.render()

    def set_preferred(self, preferred_fields: tuple[str, ...] = ()) -> None:
        """A returning visitor (face recognition): their usual fields first; () for anyone else."""
        self.preferred = preferred_fields
        self.render()

    def set_compact(self, compact: bool, columns: int = 3) -> None:
        """``compact``: one-row tiles (short or narrow screens); ``columns``: tiles per row."""
        if (compact, columns) != (self.compact, self.columns):
            self.compact, self.columns = compact, columns
            for tile in self.tiles.values():
                tile.set_compact(compact)
            self._layout_tiles()

    def ordered_fields(self) -> list[FieldInfo]:
        rank = {code: i for i, code in enumerate(self.preferred)}
        return sorted(self.fields, key=lambda f: rank.get(f.code, len(rank)))   # stable: catalogue order

    # -- drawing
    def render(self) -> None:
        self.prompt.setText(self.t("choose_field_priority" if self.priority else "choose_field"))
        self.banner.setVisible(self.priority is not None)
        if self.priority:
            self.banner_text.setText(self.t("priority_active", reason=priority_label(self.priority, self.lang)))
            self.cancel_priority.setText(self.t("cancel_priority"))
        self.priority_entry.setVisible(self.priority is None)
        self.priority_title.setText(self.t("priority_button"))
        self.priority_hint.setText(self.t("priority_hint"))
        self.rating_entry.setVisible(self.rating_offered and self.priority is None)
        self.rating_title.setText(self.t("rating_button"))
        self.rating_hint.setText(self.t("rating_hint"))

        codes = [f.code for f in self.fields]
        for code in list(self.tiles):
            if code not in codes:
                self.tiles.pop(code).deleteLater()
        for f in self.fields:
            tile = self.tiles.get(f.code)
            if tile is None:
                tile = self.tiles[f.code] = FieldTile(f.code)
                tile.set_compact(self.compact)
                tile.tapped.connect(lambda c=f.code: self.field_chosen.emit(c))
                tile.info_requested.connect(lambda c=f.code: self.info_requested.emit(c))
            waiting = self.t("people_waiting", n=f.waiting) if f.waiting else self.t("nobody_waiting")
            wait = self.t("estimated_wait", m=f.estimated_wait_min) if f.estimated_wait_min else ""
            reason = f.unavailable_reason_en if self.lang == "en" else f.unavailable_reason_vi
            tile.show_field(f.name(self.lang), f.icon, waiting, wait, self.t("procedures_button"), f.available,
                            reason or self.t("not_available"), has_info=bool(f.procedures))
        self._layout_tiles()

    def _layout_tiles(self) -> None:
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        columns = self.columns
        for c in range(6):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        for i, f in enumerate(self.ordered_fields()):
            self.grid.addWidget(self.tiles[f.code], i // columns, i % columns)


# ------------------------------------------------------------------------------------------- priority
class PriorityScreen(Screen):
    reason_chosen = Signal(str)
    back = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = label(role="title")
        self.note = label(role="muted")
        self.buttons: dict[str, object] = {}
        self.box = box = QVBoxLayout(self)
        box.setContentsMargins(40, 16, 40, 16)
        box.setSpacing(12)
        self.top = QHBoxLayout()
        self.top.addWidget(self.title, 1)
        box.addLayout(self.top)
        self.reasons = QGridLayout()
        self.reasons.setSpacing(12)
        for code in PRIORITY_REASONS:
            b = self.buttons[code] = button("", kind="priority", name=f"priority_{code}")
            b.setMinimumHeight(124)
            b.clicked.connect(lambda _=False, c=code: self.reason_chosen.emit(c))
        box.addLayout(self.reasons)
        box.addWidget(self.note)
        box.addStretch(1)
        self.back_button = button("", name="back", wide=True)
        self.back_button.clicked.connect(self.back)
        self.bottom = QHBoxLayout()
        box.addLayout(self.bottom)
        self.columns, self.width_px = 0, 1080
        self.set_columns(1)

    def set_columns(self, columns: int, width: int = 1080) -> None:
        """Landscape screens are short: the reasons two by two (a long one takes a whole row), and
        "back" beside the title."""
        self.columns, self.width_px = columns, width
        self.top.removeWidget(self.back_button)
        self.bottom.removeWidget(self.back_button)
        if columns > 1:
            self.top.addWidget(self.back_button, 0, Qt.AlignRight | Qt.AlignVCenter)
        else:
            self.bottom.addWidget(self.back_button, 0, Qt.AlignLeft)
        self._place()

    def _place(self) -> None:
        for b in self.buttons.values():
            self.reasons.removeWidget(b)
        columns = self.columns
        cell = (self.width_px - 80 - 12 * (columns - 1)) / columns
        row = col = 0
        for b in self.buttons.values():
            b.ensurePolished()
            text = b.text().replace("\n", " ")
            b.setText(text)
            if b.fontMetrics().horizontalAdvance(text) + 70 > self.width_px - 80:
                b.setText(_two_lines(text))           # too long for the screen's width: two lines
            width = max(b.fontMetrics().horizontalAdvance(line) for line in b.text().split("\n"))
            span = columns if width + 70 > cell else 1
            if col + span > columns:
                row, col = row + 1, 0
            self.reasons.addWidget(b, row, col, 1, span)
            col += span
            if col >= columns:
                row, col = row + 1, 0
        for c in range(2):
            self.reasons.setColumnStretch(c, 1 if c < columns else 0)

    def render(self) -> None:
        self.title.setText(self.t("priority_title"))
        self.note.setText(self.t("priority_note"))
        for code, b in self.buttons.items():
            b.setText(priority_label(code, self.lang))
        self.back_button.setText(self.t("back"))
        self._place()


# ------------------------------------------------------------------------------------------- procedures
class ProceduresScreen(Screen):
    """What the centre must publish for each procedure: documents, time limit, fee — and "Lấy số"."""

    take = Signal(str, object)          # field code, procedure code or None
    back = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.field: FieldInfo | None = None
        self.title = label(role="title")
        self.take_field = button("", kind="primary", name="takeField")
        self.take_field.setMinimumHeight(140)
        self.take_field.clicked.connect(lambda: self.field and self.take.emit(self.field.code, None))
        self.list_widget = QWidget()
        self.list_box = QVBoxLayout(self.list_widget)
        self.list_box.setSpacing(20)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.list_widget)
        QScroller.grabGesture(self.scroll.viewport(), QScroller.TouchGesture)  # swipe to scroll; taps still click
        self.back_button = button("", name="back", wide=True)
        self.back_button.clicked.connect(self.back)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 16, 24, 24)
        box.setSpacing(16)
        box.addWidget(self.title)
        box.addWidget(self.take_field)
        box.addWidget(self.scroll, 1)
        box.addWidget(self.back_button, 0, Qt.AlignLeft)
        self.cards: list[QFrame] = []

    def show_field(self, field: FieldInfo) -> None:
        self.field = field
        self.render()
        self.scroll.verticalScrollBar().setValue(0)

    def update_field(self, field: FieldInfo) -> None:
        """Fresh data for the field on screen (the refresh): redrawn only when something changed, so the
        citizen's scroll position stays."""
        if field != self.field:
            position = self.scroll.verticalScrollBar().value()
            self.field = field
            self.render()
            self.scroll.verticalScrollBar().setValue(position)

    def take_text(self, key: str) -> str:
        """A "Lấy số" button's words: what it does, or — when it cannot act — why (full, cut-off, paused)."""
        f = self.field
        if f is None or f.available:
            return self.t(key)
        reason = f.unavailable_reason_en if self.lang == "en" else f.unavailable_reason_vi
        return reason or self.t("not_available")

    def render(self) -> None:
        self.back_button.setText(self.t("back"))
        f = self.field
        if f is None:
            return
        en = self.lang == "en"
        self.title.setText(self.t("procedures_title", field=f.name(self.lang)))
        self.take_field.setText(self.take_text("take_number"))  # the title names the field
        self.take_field.setEnabled(f.available)
        for card in self.cards:
            self.list_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        while self.list_box.count():                      # the trailing stretch
            self.list_box.takeAt(0)
        if not f.procedures:
            card = _frame("card")
            QVBoxLayout(card).addWidget(label(self.t("no_procedures")))
            self.cards.append(card)
        for p in f.procedures:
            card = _frame("card")
            card.setProperty("procedure", p.code)
            col = QVBoxLayout(card)
            col.setContentsMargins(24, 20, 24, 20)
            col.setSpacing(10)
            col.addWidget(label(p.name(self.lang), px=34, bold=True))
            col.addWidget(label(self.t("documents") + ":", role="heading"))
            for doc in (p.documents_en if en else p.documents_vi):
                col.addWidget(label(f"•  {doc}"))
            col.addWidget(label(f"<b>{self.t('time_limit')}:</b> {p.time_limit_en if en else p.time_limit_vi}"))
            col.addWidget(label(f"<b>{self.t('fee')}:</b> {p.fee_en if en else p.fee_vi}"))
            take = button(self.take_text("take_number_procedure"), kind="primary", name=f"take_{p.code}")
            take.setEnabled(f.available)
            take.clicked.connect(lambda _=False, c=p.code: self.take.emit(f.code, c))
            col.addWidget(take, 0, Qt.AlignRight)
            self.cards.append(card)
        for card in self.cards:
            self.list_box.addWidget(card)
        self.list_box.addStretch(1)


# ------------------------------------------------------------------------------------------- ticket
class TicketScreen(Screen):
    """The number, huge; where to go; how long; the printer's progress — and what to do if it failed."""

    done = Signal()

    ISSUING, PRINTING, PRINTED, PRINT_FAILED, FAILED = range(5)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = self.ISSUING
        self.field_name: tuple[str, str] = ("", "")
        self.issued: IssuedTicket | None = None
        self.outcome: PrintOutcome | None = None
        self.error = None

        self.caption = label(role="title", align=Qt.AlignCenter)
        self.number = label(px=theme.TICKET_NUMBER, bold=True, align=Qt.AlignCenter, wrap=False)
        self.number.setObjectName("ticketNumber")
        self.priority_tag = label(px=theme.TITLE, bold=True, align=Qt.AlignCenter)
        self.priority_tag.setObjectName("priorityTag")
        self.field = label(px=36, bold=True, align=Qt.AlignCenter)
        self.procedure = label(align=Qt.AlignCenter)
        self.counters = label(px=44, bold=True, align=Qt.AlignCenter)
        self.ahead = label(px=34, align=Qt.AlignCenter)
        self.wait = label(px=34, align=Qt.AlignCenter)
        self.status = label(px=44, bold=True, align=Qt.AlignCenter)
        self.status.setObjectName("printStatus")
        self.printed_panel = _frame("printed")
        self.printed_text = label(px=48, bold=True, align=Qt.AlignCenter)
        QVBoxLayout(self.printed_panel).addWidget(self.printed_text)
        self.warning = _frame("warning")
        self.warning_text = label(px=40, bold=True, align=Qt.AlignCenter)
        self.staff_text = label(px=32, align=Qt.AlignCenter)
        wbox = QVBoxLayout(self.warning)
        wbox.setContentsMargins(24, 20, 24, 20)
        wbox.addWidget(self.warning_text)
        wbox.addWidget(self.staff_text)
        self.done_button = button("", kind="primary", name="done", wide=True)
        self.done_button.clicked.connect(self.done)

        # the number (left on landscape screens, on top in portrait) and what to do (right, or below)
        self.box = QBoxLayout(QBoxLayout.TopToBottom, self)
        self.box.setContentsMargins(40, 20, 40, 30)
        self.box.setSpacing(24)
        self.number_col, self.info_col = number_col, info_col = QVBoxLayout(), QVBoxLayout()
        number_col.setSpacing(10)
        info_col.setSpacing(10)
        number_col.addStretch(1)
        for w in (self.caption, self.number, self.priority_tag):
            number_col.addWidget(w)
        number_col.addStretch(1)
        info_col.addStretch(1)
        for w in (self.field, self.procedure, self.counters, self.ahead, self.wait, self.status,
                  self.printed_panel, self.warning):
            info_col.addWidget(w)
        info_col.addStretch(1)
        info_col.addWidget(self.done_button, 0, Qt.AlignCenter)
        self.box.addLayout(number_col, 1)
        self.box.addLayout(info_col, 1)

    def show_issuing(self, field: FieldInfo) -> None:
        self.state, self.issued, self.outcome, self.error = self.ISSUING, None, None, None
        self.field_name = (field.name_vi, field.name_en)
        self.render()

    def show_issued(self, issued: IssuedTicket) -> None:
        self.state, self.issued = self.PRINTING, issued
        self.render()

    def show_printed(self, outcome: PrintOutcome) -> None:
        self.issued, self.outcome = outcome.issued, outcome
        self.state = self.PRINTED if outcome.result.printed else self.PRINT_FAILED
        self.render()

    def show_failed(self, error) -> None:
        self.state, self.error, self.issued = self.FAILED, error, None
        self.render()

    def set_compact(self, compact: bool, height: int = 1920) -> None:
        """Landscape screens are short: the number beside what to do, a smaller (still huge) number."""
        px = theme.TICKET_NUMBER_LANDSCAPE if compact else theme.TICKET_NUMBER
        px = min(px, max(theme.TITLE * 3, int(height * (0.24 if compact else 0.13))))
        self.box.setDirection(QBoxLayout.LeftToRight if compact else QBoxLayout.TopToBottom)
        self.number.setStyleSheet(f"font-size: {px}px; font-weight: bold;")
        short = compact and height < 900               # 1366×768, 1024×768: every line a little smaller
        sizes = ((self.field, 32 if short else 36, True), (self.counters, 36 if short else 44, True),
                 (self.ahead, 30 if short else 34, False), (self.wait, 30 if short else 34, False),
                 (self.status, 36 if short else 44, True), (self.printed_text, 40 if short else 48, True),
                 (self.warning_text, 32 if short else 40, True), (self.staff_text, 28 if short else 32, False))
        for w, size, bold in sizes:
            w.setStyleSheet(f"font-size: {size}px;" + (" font-weight: bold;" if bold else ""))
        self.box.setSpacing(12 if short else 24)
        # short screens: "done" under the number, so the right column has room for a printer warning
        for col in (self.number_col, self.info_col):
            col.removeWidget(self.done_button)
        (self.number_col if short else self.info_col).addWidget(self.done_button, 0, Qt.AlignCenter)

    def render(self) -> None:
        en = self.lang == "en"
        t = self.issued.ticket if self.issued else None
        has_ticket = t is not None
        self.caption.setText(self.t("your_number") if has_ticket else
                             self.t("issue_failed") if self.state == self.FAILED else self.t("issuing"))
        self.number.setText(t.label if t else "")
        self.number.setVisible(has_ticket)
        self.priority_tag.setVisible(bool(t and t.priority_reason))
        if t and t.priority_reason:
            self.priority_tag.setText(f"{self.t('priority_ticket')} — {priority_label(t.priority_reason, self.lang)}")
        self.field.setText((t.field_name_en if en else t.field_name_vi) if t else self.field_name[en])
        self.field.setVisible(self.state != self.FAILED)
        self.procedure.setVisible(bool(t and t.procedure_code))
        if t and t.procedure_code:
            self.procedure.setText(t.procedure_name_en if en else t.procedure_name_vi)
        for w in (self.counters, self.ahead, self.wait):
            w.setVisible(has_ticket)
        if self.issued:
            cs = [str(c) for c in self.issued.counters]
            self.counters.setText(self.t("counter_one" if len(cs) == 1 else "counter_many", c=", ".join(cs)))
            self.counters.setVisible(bool(cs))
            n = self.issued.waiting_ahead
            self.ahead.setText(self.t("ahead", n=n) if n else self.t("ahead_none"))
            m = self.issued.estimated_wait_min
            self.wait.setText(self.t("wait", m=m))
            self.wait.setVisible(m > 0)
        self.status.setVisible(self.state == self.PRINTING)
        self.status.setText(self.t("printing"))
        self.printed_panel.setVisible(self.state == self.PRINTED)
        self.printed_text.setText(self.t("take_ticket"))
        self.warning.setVisible(self.state in (self.PRINT_FAILED, self.FAILED))
        if self.state == self.PRINT_FAILED:
            self.warning_text.setText(self.t("print_failed"))
            self.staff_text.setText(self.t("staff_told") if self.outcome.staff_told else "")
            self.staff_text.setVisible(self.outcome.staff_told)
        elif self.state == self.FAILED:
            self.warning_text.setText(self.error.message(self.lang) if self.error else "")
            self.staff_text.hide()
        self.done_button.setText(self.t("done") if self.state != self.FAILED else self.t("back"))
        self.done_button.setVisible(self.state in (self.PRINTED, self.PRINT_FAILED, self.FAILED))


# ------------------------------------------------------------------------------------------- closed
class ClosedScreen(Screen):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.office: OfficeInfo | None = None
        self.later_today = False
        self.title = label(px=56, bold=True, align=Qt.AlignCenter)
        self.reason = label(px=36, align=Qt.AlignCenter)
        self.hours_title = label(role="title", align=Qt.AlignCenter)
        self.hours_card = _frame("card")
        self.hours = QGridLayout(self.hours_card)
        self.hours.setContentsMargins(40, 24, 40, 24)
        self.hours.setHorizontalSpacing(40)
        self.hours.setVerticalSpacing(12)
        self.short = self.narrow = False
        self.box = box = QVBoxLayout(self)
        box.setContentsMargins(60, 40, 60, 60)
        box.setSpacing(24)
        box.addStretch(1)
        self.icon = SvgIcon("dong_cua", 160)
        box.addWidget(self.icon, 0, Qt.AlignCenter)
        box.addWidget(self.title)
        box.addWidget(self.reason)
        box.addSpacing(20)
        box.addWidget(self.hours_title)
        box.addWidget(self.hours_card, 0, Qt.AlignCenter)
        box.addStretch(2)

    def show_office(self, office: OfficeInfo, later_today: bool = False) -> None:
        """``later_today``: another session opens later today (after the morning's cut-off)."""
        self.office, self.later_today = office, later_today
        self.render()

    def set_compact(self, short: bool, narrow: bool) -> None:
        """Short screens: a smaller icon, tighter spacing, the week in two columns; narrow ones: one
        opening session per line."""
        if (short, narrow) == (self.short, self.narrow):
            return
        self.short, self.narrow = short, narrow
        self.icon.setFixedSize(*(2 * (80 if short else 160,)))
        self.title.setStyleSheet(f"font-size: {44 if short else 56}px; font-weight: bold;")
        self.box.setContentsMargins(*((24, 12, 24, 12) if short or narrow else (60, 40, 60, 60)))
        self.box.setSpacing(10 if short else 24)
        self.hours.setContentsMargins(*((20, 12, 20, 12) if short or narrow else (40, 24, 40, 24)))
        self.render()

    def title_key(self) -> str:
        """After the issuing cut-off the counters still serve: the centre is not "closed"."""
        o = self.office
        if o is None or not o.serving:
            return "closed_title"
        return "cutoff_title_session" if self.later_today else "cutoff_title"

    def render(self) -> None:
        self.title.setText(self.t(self.title_key()))
        self.hours_title.setText(self.t("hours_title"))
        o = self.office
        if o is None:
            return
        self.reason.setText(o.closed_reason_en if self.lang == "en" else o.closed_reason_vi)
        while self.hours.count():
            item = self.hours.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        rows = 4 if self.short and not self.narrow else len(WEEKDAYS)
        px = 30 if self.short or self.narrow else 34
        for i, day in enumerate(WEEKDAYS):
            sessions = o.hours.get(day) or []
            joiner = "\n" if self.narrow or self.short else ",   "
            text = joiner.join(f"{a} – {b}" for a, b in sessions) if sessions else self.t("closed_day")
            row, col = i % rows, 2 * (i // rows)
            self.hours.addWidget(label(self.t(f"day_{day}"), px=px, bold=True, wrap=False), row, col)
            self.hours.addWidget(label(text, px=px, wrap=False), row, col + 1)


# ------------------------------------------------------------------------------------------- unavailable
class UnavailableScreen(Screen):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = label(px=52, bold=True, align=Qt.AlignCenter)
        self.text = label(px=36, align=Qt.AlignCenter)
        self.retrying = label(role="muted", align=Qt.AlignCenter)
        box = QVBoxLayout(self)
        box.setContentsMargins(60, 40, 60, 60)
        box.setSpacing(30)
        box.addStretch(1)
        self.icon = SvgIcon("cho", 160)
        box.addWidget(self.icon, 0, Qt.AlignCenter)
        box.addWidget(self.title)
        box.addWidget(self.text)
        box.addWidget(self.retrying)
        box.addStretch(2)

    def render(self) -> None:
        self.title.setText(self.t("unavailable_title"))
        self.text.setText(self.t("unavailable_text"))
        self.retrying.setText(self.t("retrying"))
