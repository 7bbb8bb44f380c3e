"""The satisfaction question's widgets, shared by the counter's rating window (counter_display/rating.py) and
the kiosk's rating screens (kiosk/ui/rating_screens.py): one big coloured button per level of the centre's
scale (best first), and the reason chips asked for after a low answer. The words are db.rating's, both
languages on every button."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from db import rating
from gui import theme

ANSWER_PX, ANSWER_COLOURS, rating_style = theme.ANSWER_PX, theme.ANSWER_COLOURS, theme.rating_style


def _both(vi: str, en: str) -> str:
    return vi if vi == en else f"{vi}\n{en}"


class AnswerButtons(QWidget):
    """The levels of one scale side by side (or stacked, ``vertical``); ``chosen(value)`` on a tap."""

    chosen = Signal(int)

    def __init__(self, scale: str = rating.DEFAULT_SCALE, vertical: bool = False, spacing: int = 24):
        super().__init__()
        self.scale = ""
        self.buttons: dict[int, QPushButton] = {}
        self.box = QGridLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(spacing)
        self.vertical = vertical
        self.set_scale(scale)

    def set_scale(self, scale: str) -> None:
        """Build the buttons of this scale (nothing to do when it is the one shown)."""
        scale = rating.scale(scale).code
        if scale == self.scale:
            return
        for button in self.buttons.values():
            self.box.removeWidget(button)
            button.deleteLater()
        self.scale, self.buttons = scale, {}
        levels = rating.scale(scale).levels
        for value, colour in zip(levels, ANSWER_COLOURS[len(levels)], strict=True):
            button = QPushButton(_both(rating.level_label(scale, value, "vi"), rating.level_label(scale, value, "en")))
            button.setObjectName(f"answer_{value}")
            button.setProperty("kind", "answer")
            button.setStyleSheet(f"background: {colour}; border-color: {colour};")
            button.setMinimumHeight(ANSWER_PX)
            button.clicked.connect(lambda _=False, v=value: self.chosen.emit(v))
            self.buttons[value] = button
        self._place()

    def arrange(self, vertical: bool) -> None:
        """One column (a portrait kiosk: long words, five levels) or one row (a landscape screen)."""
        if vertical != self.vertical:
            self.vertical = vertical
            self._place()

    def _place(self) -> None:
        for button in self.buttons.values():
            self.box.removeWidget(button)
        for i, button in enumerate(self.buttons.values()):
            self.box.addWidget(button, i, 0) if self.vertical else self.box.addWidget(button, 0, i)

    def set_active(self, active: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(active)


class ReasonChips(QWidget):
    """db.rating.REASONS as checkable chips in ``columns`` columns; ``toggled(reason)`` on a tap."""

    toggled = Signal(str)

    def __init__(self, columns: int = 2, spacing: int = 20):
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(spacing)
        self.buttons: dict[str, QPushButton] = {}
        for i, reason in enumerate(rating.REASONS):
            button = QPushButton(_both(rating.reason_label(reason, "vi"), rating.reason_label(reason, "en")))
            button.setObjectName(f"reason_{reason}")
            button.setProperty("kind", "chip")
            button.setCheckable(True)
            button.setMinimumHeight(theme.MIN_TARGET_PX)
            button.clicked.connect(lambda _=False, r=reason: self.toggled.emit(r))
            grid.addWidget(button, i // columns, i % columns)
            self.buttons[reason] = button

    def show_state(self, chosen: list[str] | tuple[str, ...], active: bool) -> None:
        for reason, button in self.buttons.items():
            button.setChecked(reason in chosen)
            button.setEnabled(active)


__all__ = ["ANSWER_PX", "ANSWER_COLOURS", "rating_style", "AnswerButtons", "ReasonChips"]
