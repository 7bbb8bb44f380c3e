"""The one theme of the three programs: palettes, type scale, sizes, style sheets, the bundled fonts.

Kiosk: high contrast, text ≥ 28 px, touch targets ≥ 120 px. Board: sizes are shares of the screen (a TV is
read from 10 m). Counter window: an officer at a desk, with mouse and keyboard.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

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
    disabled_text: str   # a key that cannot be pressed now


THEMES = {
    "light": Palette(background="#FFFFFF", text="#000000", muted="#333333", tile="#0B3D91",
                     tile_pressed="#062A66", tile_off="#D9D9D9", tile_off_text="#1A1A1A", accent="#0A6B2E",
                     priority="#A33A00", panel="#F1F4F9", warning_bg="#FFF1B8", warning_text="#000000",
                     border="#000000", disabled_text="#6B6B6B"),
    "dark": Palette(background="#000000", text="#FFFFFF", muted="#E0E0E0", tile="#0D47A1",
                    tile_pressed="#1565C0", tile_off="#2B2B2B", tile_off_text="#F0F0F0", accent="#1B7F3B",
                    priority="#B34700", panel="#141414", warning_bg="#FFD54F", warning_text="#000000",
                    border="#FFFFFF", disabled_text="#6B6B6B"),
}


@dataclass(frozen=True)
class BoardPalette:
    """The waiting-room TV: light text on deep blue, numbers in yellow (seen from across the room)."""
    background: str = "#0A1A33"
    panel: str = "#13284D"
    text: str = "#FFFFFF"
    dim: str = "#B8C7E0"
    number: str = "#FFD84D"
    flash: str = "#FFD84D"
    paused: str = "#7A869A"


BOARD = BoardPalette()

# Board type scale, as shares of the screen height (landscape) or width (portrait):
BOARD_NUMBER_MIN_SHARE = (0.20, 0.12)    # ink height of the called number: landscape, portrait

# Counter window (officers at a desk): text sizes in pixels
STAFF_TEXT = 20
STAFF_TITLE = 26
STAFF_BUTTON = 22
STAFF_NUMBER = 110


def palette(theme: str) -> Palette:
    return THEMES.get(theme, THEMES["light"])


LOADED_FONTS: dict[str, int] = {}     # bundled font file -> Qt application font id


def load_fonts() -> str:
    """Register the bundled fonts so every machine draws Vietnamese the same way (with or without a
    system DejaVu), and make them the application's default font. Every program calls it at start."""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        path = ASSETS_DIR / "fonts" / name
        if str(path) not in LOADED_FONTS and path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                LOADED_FONTS[str(path)] = font_id
    app = QGuiApplication.instance()
    if app is not None:
        default = app.font()
        default.setFamily(FONT_FAMILY)
        app.setFont(default)
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
    QFrame#birthDateDisplay {{ background: {p.panel}; border: 4px solid {p.border}; border-radius: 16px; }}
    QFrame#birthDateDisplay QLabel {{ background: transparent; }}
    QFrame#warning {{ background: {p.warning_bg}; border: 4px solid {p.border}; border-radius: 16px; }}
    QFrame#warning QLabel {{ color: {p.warning_text}; }}
    QFrame#priorityEntry {{ background: {p.priority}; border-radius: 20px; border: 3px solid {p.priority}; }}
    QFrame#priorityEntry[pressed="true"] {{ background: {p.tile_pressed}; }}
    QFrame#priorityEntry QLabel {{ color: #FFFFFF; }}
    QFrame#ratingEntry {{ background: {p.accent}; border-radius: 20px; border: 3px solid {p.accent}; }}
    QFrame#ratingEntry[pressed="true"] {{ background: {p.tile_pressed}; }}
    QFrame#ratingEntry QLabel {{ color: #FFFFFF; }}
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


def staff_stylesheet(p: Palette) -> str:
    """The officer's counter window: the kiosk's palette, desk-sized type."""
    return f"""
    QWidget {{ background: {p.panel}; color: {p.text}; font-family: "{FONT_FAMILY}"; font-size: {STAFF_TEXT}px; }}
    QLabel {{ background: transparent; }}
    QLabel#label {{ font-size: {STAFF_NUMBER}px; font-weight: bold; color: {p.tile}; }}
    QLabel#title {{ font-size: {STAFF_TITLE}px; font-weight: bold; }}
    QLabel#clock {{ font-size: {STAFF_TITLE}px; font-weight: bold; }}
    QLabel#caption {{ color: {p.muted}; }}
    QLabel#message {{ font-size: {STAFF_BUTTON}px; padding: 8px; }}
    QLabel#message[kind="error"] {{ background: #FDE2E1; color: #8A1111; }}
    QLabel#message[kind="info"] {{ background: #E1F5E4; color: #114D1D; }}
    QLabel#fault {{ background: #B3261E; color: white; font-weight: bold; padding: 8px; }}
    QFrame#panel {{ background: {p.background}; border: 2px solid #C9D2E3; border-radius: 8px; }}
    QPushButton {{ background: {p.tile}; color: white; font-size: {STAFF_BUTTON}px; font-weight: bold;
                   border-radius: 8px; padding: 10px; min-height: 64px; }}
    QPushButton:disabled {{ background: #C9D2E3; color: #4B566B; }}
    QPushButton#secondary {{ background: #E6EBF3; color: {p.text}; min-height: 44px; }}
    QLineEdit, QComboBox {{ background: {p.background}; border: 2px solid #8B98B0; padding: 8px;
                            font-size: 24px; }}
    QListWidget {{ background: {p.background}; font-size: {STAFF_BUTTON}px; }}
    """


ANSWER_PX = 180                          # answer buttons: well above the 120 px touch target
# the satisfaction question (gui/rating_widgets.py): answer colours, best first (white text on each: contrast ≥ 7:1)
ANSWER_COLOURS = {3: ("#0A6B2E", "#0B3D91", "#A3000B"),
                  5: ("#0A6B2E", "#2E6B0A", "#0B3D91", "#8A4B00", "#A3000B")}


def rating_style(palette: Palette, answer_text_px: int = 34) -> str:
    """Style sheet rules for the rating's answer buttons and chips (added to the window's theme)."""
    return f"""
    QPushButton[kind="answer"] {{ color: #FFFFFF; font-size: {answer_text_px}px; min-height: {ANSWER_PX - 22}px;
                                  border-radius: 24px; }}
    QPushButton[kind="chip"] {{ min-height: {MIN_TARGET_PX - 22}px; font-size: {TEXT}px;
                                padding: 8px 12px; }}
    QPushButton[kind="chip"]:checked {{ background: {palette.tile}; color: #FFFFFF; border-color: {palette.tile}; }}
    """


@dataclass(frozen=True)
class ChartPalette:
    """The leader's statistics window (counter_display/stats.py): charts on white, readable when printed."""
    background: str = "#FFFFFF"
    text: str = "#000000"
    series: tuple[str, str, str] = ("#0B3D91", "#C25400", "#0A6B2E")   # median wait, p90 wait, counts/scores
    button: str = "#0B3D91"
    button_text: str = "#FFFFFF"
    field_border: str = "#555555"
    error: str = "#8A1111"


CHARTS = ChartPalette()
STATS_TEXT = 20


def desk_font(px: int, bold: bool = False) -> QFont:
    """Desk windows (statistics): the bundled font at any size (no kiosk minimum)."""
    f = QFont(FONT_FAMILY)
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def stats_stylesheet(c: ChartPalette = CHARTS) -> str:
    return (f"QWidget {{ background: {c.background}; color: {c.text}; font-family: '{FONT_FAMILY}'; "
            f"font-size: {STATS_TEXT}px; }} QPushButton {{ background: {c.button}; color: {c.button_text}; "
            f"padding: 10px 24px; border-radius: 8px; font-weight: bold; min-height: 40px; }} "
            f"QLineEdit, QComboBox {{ border: 2px solid {c.field_border}; padding: 6px; }}")


def pin_pad_style(p: Palette) -> str:
    """The kiosk's administrator PIN pad: a locked key is seen as locked."""
    return f"QPushButton:disabled {{ color: {p.disabled_text}; background: {p.tile_off}; }}"
