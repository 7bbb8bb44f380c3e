"""The "elderly eyes" checks on a UI dump (gui/uidump.py): plain functions over the JSON a window wrote,
used by the offscreen tests and by the real-display suite alike. Each returns a list of problems."""
from __future__ import annotations

from typing import Any, Iterator

MIN_TEXT_PX = 28
MIN_TARGET_PX = 120


def walk(node: dict, parent: dict | None = None, scrolled: bool = False) -> Iterator[tuple[dict, dict | None, bool]]:
    """(widget, parent, inside a scroll area's content) for every visible widget."""
    scrolled = scrolled or bool(node.get("scrolled"))
    yield node, parent, scrolled
    for child in node.get("children", ()):
        yield from walk(child, node, scrolled)


def _box(n: dict) -> tuple[int, int, int, int]:
    return n["x"], n["y"], n["x"] + n["w"], n["y"] + n["h"]


def _name(n: dict) -> str:
    text = (n.get("text") or "").replace("\n", " ")[:40]
    return f"{n['class']}#{n['name'] or '?'}" + (f" {text!r}" if text else "")


def _overlap(a: dict, b: dict) -> int:
    ax0, ay0, ax1, ay1 = _box(a)
    bx0, by0, bx1, by1 = _box(b)
    w, h = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
    return w * h if w > 0 and h > 0 else 0


def fits(dump: dict[str, Any]) -> list[str]:
    """Text that does not fit its widget, widgets outside their parent or the screen, siblings overlapping."""
    problems: list[str] = []
    tree = dump["tree"]
    for n, parent, _scrolled in walk(tree):
        if n.get("kind") == "label" and n.get("text"):
            if n.get("wrap") and n.get("needed_h") is not None and n["needed_h"] > n["h"] + 1:
                problems.append(f"{_name(n)}: wrapped text cut ({n['needed_h']} > {n['h']} px)")
            elif not n.get("wrap") and "text_w" in n and n["text_w"] > n["contents_w"] + 1:
                problems.append(f"{_name(n)}: text wider than its label ({n['text_w']} > {n['contents_w']})")
            elif not n.get("wrap") and "text_h" in n and n["text_h"] > n["contents_h"] + 2:
                problems.append(f"{_name(n)}: text taller than its label ({n['text_h']} > {n['contents_h']})")
        if n.get("kind") == "button" and n.get("text_w", 0) > n["w"] - 8:
            problems.append(f"{_name(n)}: text wider than the button ({n['text_w']} > {n['w']} - 8)")
        if parent is not None and not n.get("scrolled") and not n.get("overlay"):
            px0, py0, px1, py1 = _box(parent)
            x0, y0, x1, y1 = _box(n)
            if x0 < px0 - 1 or y0 < py0 - 1 or x1 > px1 + 1 or y1 > py1 + 1:
                problems.append(f"{_name(n)}: outside its parent {_name(parent)} "
                                f"({x0},{y0}-{x1},{y1} not in {px0},{py0}-{px1},{py1})")
        kids = [c for c in n.get("children", ()) if not c.get("overlay")]
        for i, a in enumerate(kids):
            for b in kids[i + 1:]:
                area = _overlap(a, b)
                if area > 4:
                    problems.append(f"{_name(a)} overlaps its sibling {_name(b)} ({area} px²)")
    s = dump["screen"]
    if not scrolled_only_ok(tree, s):
        problems.append("widgets outside the screen")
    return problems


def scrolled_only_ok(tree: dict, screen: dict) -> bool:
    """Every widget not inside a scroll area's content lies within the screen."""
    for n, _parent, scrolled in walk(tree):
        if scrolled:
            continue
        x0, y0, x1, y1 = _box(n)
        if x0 < screen["x"] - 1 or y0 < screen["y"] - 1 or x1 > screen["x"] + screen["w"] + 1 \
                or y1 > screen["y"] + screen["h"] + 1:
            return False
    return True


def readable(dump: dict[str, Any], min_text: int = MIN_TEXT_PX, min_target: int = MIN_TARGET_PX) -> list[str]:
    """Kiosk rules: every text at least ``min_text`` px, every button and tile at least ``min_target`` px."""
    problems: list[str] = []
    for n, _parent, _scrolled in walk(dump["tree"]):
        if n.get("kind") in ("label", "button") and n.get("text") and n["font_px"] < min_text:
            problems.append(f"{_name(n)}: {n['font_px']} px text")
        if n.get("kind") in ("button", "target") and (n["w"] < min_target or n["h"] < min_target):
            problems.append(f"{_name(n)}: target {n['w']}×{n['h']} px")
    return problems


def fills_screen(dump: dict[str, Any]) -> list[str]:
    w, s = dump["window"], dump["screen"]
    if (w["x"], w["y"], w["w"], w["h"]) != (s["x"], s["y"], s["w"], s["h"]):
        return [f"window {w['w']}×{w['h']}+{w['x']}+{w['y']} on a {s['w']}×{s['h']}+{s['x']}+{s['y']} screen"]
    return []


def find(dump: dict[str, Any], name: str) -> dict | None:
    """The first visible widget with this objectName."""
    return next((n for n, _p, _s in walk(dump["tree"]) if n.get("name") == name), None)


def board_text(dump: dict[str, Any]) -> list[str]:
    """The board's painted text: inside the screen, no two texts over each other."""
    items = dump["state"]["drawn"]
    s = dump["screen"]
    problems = []
    for it in items:
        if it["x"] < -1 or it["y"] < -1 or it["x"] + it["w"] > s["w"] + 1 or it["y"] + it["h"] > s["h"] + 1:
            problems.append(f"board text {it['text']!r} outside the screen")
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if _overlap(a, b) > 4:
                problems.append(f"board text {a['text']!r} over {b['text']!r}")
    return problems
