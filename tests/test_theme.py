"""One theme for the three programs: every colour, and the font, comes from gui/theme.py (a window with its own
palette drifts from the others: the statistics window and the PIN pad once carried theirs)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from gui import theme

ROOT = Path(__file__).resolve().parent.parent
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b")
FONT = re.compile(r"DejaVu")


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def offenders(pattern: re.Pattern) -> list[str]:
    found = []
    for package in ("kiosk", "counter_display", "gui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "gui" / "theme.py":
                continue
            found += [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}" for line, text in _literals(path)
                      if pattern.search(text)]
    return found


def test_no_window_has_colours_of_its_own():
    assert offenders(COLOUR) == []


def test_no_window_names_the_font_itself():
    assert offenders(FONT) == []


def test_the_colour_search_sees_a_colour():
    assert COLOUR.search("QWidget { background: #FFFFFF; }") and COLOUR.search("border: 2px solid #555;")
    assert not COLOUR.search("# a comment") and not COLOUR.search("A023 #12")
    assert any(COLOUR.search(text) for _, text in _literals(ROOT / "gui" / "theme.py"))


def test_the_statistics_window_draws_with_the_theme(qtbot):
    from counter_display.stats import BLUE, StatsWindow
    w = StatsWindow(lambda: None)
    qtbot.addWidget(w)
    try:
        assert w.styleSheet() == theme.stats_stylesheet()
        assert theme.FONT_FAMILY in w.styleSheet() and BLUE.name().upper() == theme.CHARTS.series[0]
    finally:
        w.shutdown()
