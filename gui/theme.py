"""Colours, sizes and the style sheet: high contrast, text ≥ 28 px, touch targets ≥ 120 px."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

from core.config import ASSETS_DIR

FONT_FAMILY = "DejaVu Sans"       # bundled in assets/fonts; full Vietnamese coverage
MIN_TEXT_PX = 28
MIN_TARGET_PX = 120

# text sizes in pixels
TEXT = 30
TEXT_SMALL = 28
TITLE = 40
TILE_NAME = 32
TICKET_NUMBER = 260
TICKET_NUMBER_LANDSCAPE = 190
CLOCK = 40


@dataclass(frozen=True)
class Palette:
    background: str
    text: str
    muted: str           # secondary text: still ≥ 7:1 on the background
    tile: str            # field tiles: white text on it
    tile_pressed: str
    tile_off: str        # a field that cannot be chosen
    tile_off_text: str
    accent: str          # "take a number": white text on it
    priority: str        # the priority entry: white text on it
    panel: str           # cards on the background
    warning_bg: str
    warning_text: str
    border: str


THEMES = {
    "light": Palette(background="#FFFFFF", text="#000000", muted="#333333", tile="#0B3D91",
                     tile_pressed="#062A66", tile_off="#D9D9D9", tile_off_text="#1A1A1A", accent="#0A6B2E",
                     priority="#A33A00", panel="#F1F4F9", warning_bg="#FFF1B8", warning_text="#000000",
                     border="#000000"),
    "dark": Palette(background="#000000", text="#FFFFFF", muted="#E0E0E0", tile="#0D47A1",
                    tile_pressed="#1565C0", tile_off="#2B2B2B", tile_off_text="#F0F0F0", accent="#1B7F3B",
                    priority="#B34700", panel="#141414", warning_bg="#FFD54F", warning_text="#000000",
                    border="#FFFFFF"),
}


def palette(theme: str) -> Palette:
    return THEMES.get(theme, THEMES["light"])


def load_fonts() -> str:
    """Register the bundled fonts (if present) so every machine draws Vietnamese the same way."""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        path = ASSETS_DIR / "fonts" / name
        if path.exists():
            QFontDatabase.addApplicationFont(str(path))
    return FONT_FAMILY


def font(px: int, bold: bool = False) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPixelSize(max(px, MIN_TEXT_PX))
    f.setBold(bold)
    return f


def icon_path(name: str) -> Path:
    return ASSETS_DIR / "icons" / f"{name}.svg"


def stylesheet(p: Palette) -> str:
    return f"""
    QWidget {{ background: {p.background}; color: {p.text}; font-family: "{FONT_FAMILY}";
               font-size: {TEXT}px; }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: {TITLE}px; font-weight: bold; }}
    QLabel[role="muted"] {{ color: {p.muted}; }}
    QLabel[role="heading"] {{ font-size: {TEXT}px; font-weight: bold; }}
    QPushButton {{ min-height: {MIN_TARGET_PX - 22}px; min-width: {MIN_TARGET_PX - 54}px; padding: 8px 24px;
                   border: 3px solid {p.border}; border-radius: 16px; background: {p.panel};
                   color: {p.text}; font-size: {TEXT}px; font-weight: bold; }}
    QPushButton:pressed {{ background: {p.tile_off}; }}
    QPushButton[kind="primary"] {{ background: {p.accent}; color: #FFFFFF; border-color: {p.accent}; }}
    QPushButton[kind="primary"]:pressed {{ background: {p.tile_pressed}; }}
    QPushButton[kind="priority"] {{ background: {p.priority}; color: #FFFFFF; border-color: {p.priority}; }}
    QPushButton[kind="lang"] {{ min-width: 150px; padding: 8px 12px; font-size: {TEXT_SMALL}px; }}
    /* min-height counts the content only: content + 2 x (padding + border) = at least {MIN_TARGET_PX} px */
    QPushButton[wide="true"] {{ min-width: 300px; }}
    QPushButton[kind="lang"][current="true"] {{ background: {p.text}; color: {p.background}; }}
    QPushButton[kind="tileinfo"] {{ background: #FFFFFF; color: {p.tile}; border-color: #FFFFFF;
                                    font-size: {TEXT_SMALL}px; padding: 4px 12px; min-height: {MIN_TARGET_PX - 14}px; }}
    QFrame#fieldTile {{ background: {p.tile}; border-radius: 20px; border: 3px solid {p.tile}; }}
    QFrame#fieldTile[pressed="true"] {{ background: {p.tile_pressed}; }}
    QFrame#fieldTile QLabel {{ color: #FFFFFF; }}
    QWidget#tileTexts {{ background: transparent; }}
    QFrame#fieldTile[available="false"] {{ background: {p.tile_off}; border: 3px dashed {p.border}; }}
    QFrame#fieldTile[available="false"] QLabel {{ color: {p.tile_off_text}; }}
    QFrame#card {{ background: {p.panel}; border: 2px solid {p.border}; border-radius: 16px; }}
    QFrame#card QLabel {{ background: transparent; }}
    QFrame#warning {{ background: {p.warning_bg}; border: 4px solid {p.border}; border-radius: 16px; }}
    QFrame#warning QLabel {{ color: {p.warning_text}; }}
    QFrame#priorityEntry {{ background: {p.priority}; border-radius: 20px; border: 3px solid {p.priority}; }}
    QFrame#priorityEntry[pressed="true"] {{ background: {p.tile_pressed}; }}
    QFrame#priorityEntry QLabel {{ color: #FFFFFF; }}
    QFrame#printed {{ background: {p.accent}; border-radius: 16px; }}
    QFrame#printed QLabel {{ color: #FFFFFF; }}
    QLabel#priorityTag {{ background: {p.priority}; color: #FFFFFF; border-radius: 12px; padding: 6px 20px; }}
    QFrame#banner {{ background: {p.priority}; border-radius: 16px; }}
    QFrame#banner QLabel {{ color: #FFFFFF; }}
    QFrame#greeting {{ background: {p.accent}; border-radius: 16px; }}
    QFrame#greeting QLabel {{ color: #FFFFFF; }}
    QFrame#header {{ border-bottom: 3px solid {p.border}; }}
    QWidget#pinPad {{ background: {p.background}; border: 4px solid {p.border}; border-radius: 20px; }}
    QScrollArea {{ border: none; }}
    QScrollBar:vertical {{ width: 40px; background: {p.panel}; }}
    QScrollBar::handle:vertical {{ background: {p.muted}; min-height: 120px; border-radius: 12px; }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
    """
