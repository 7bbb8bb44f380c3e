"""The `screen` configuration key chooses the monitor: "" the primary, an index, or a name."""
from __future__ import annotations

from core.config import load_config
from gui.screen import choose_screen


class FakeScreen:
    def __init__(self, name: str):
        self._name = name

    def name(self) -> str:
        return self._name


def test_screen_by_index_name_or_primary():
    a, b = FakeScreen("eDP-1"), FakeScreen("HDMI-1")
    assert choose_screen("", [a, b], a) is a
    assert choose_screen("1", [a, b], a) is b
    assert choose_screen("HDMI-1", [a, b], a) is b
    assert choose_screen("DP-9", [a, b], a) is a          # unplugged: the primary one
    assert choose_screen("5", [a, b], a) is a


def test_screen_key_in_config(tmp_path):
    cfg_file = tmp_path / "kiosk.toml"
    cfg_file.write_text('screen = "HDMI-1"\n', encoding="utf-8")
    assert load_config(cfg_file, env={}).screen == "HDMI-1"
    assert load_config(cfg_file, env={"KIOSK_SCREEN": "1"}).screen == "1"
    assert load_config(None, env={}).screen == ""
