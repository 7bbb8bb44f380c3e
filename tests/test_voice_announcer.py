"""The announcer's queue: calls play in order, one at a time, never cut off; mute; bad clips skipped."""
from __future__ import annotations

import wave
from pathlib import Path

import pytest

from core.voice import Announcer, CallRenderer, ClipLibrary, FakePlayer, VoiceOptions

SOUNDS = Path(__file__).resolve().parent.parent / "assets" / "sounds" / "vi"


@pytest.fixture
def renderer():
    r = CallRenderer(ClipLibrary(SOUNDS), VoiceOptions(repeat=0))
    yield r
    r.close()


def test_calls_queue_in_order_without_overlap(renderer):
    player = FakePlayer()
    started = []
    announcer = Announcer(player, renderer, on_start=started.append)
    for label, counter in [("A001", 1), ("B002", 2), ("A003", 3)]:
        announcer.announce(label, counter)
    assert [a.label for a in started] == ["A001"]          # only the first is playing
    assert [a.label for a in announcer.pending] == ["B002", "A003"]
    player.finish()
    announcer.announce("C004", 4)                          # arrives while B002 plays
    while player.playing:
        player.finish()
    assert [a.label for a in started] == ["A001", "B002", "A003", "C004"]
    assert player.overlaps == 0
    assert len(player.played) == 4
    with wave.open(str(player.played[1])) as w:             # a real WAV of the call
        assert w.getnframes() > 16000
    assert started[1].text == "Mời công dân có số thứ tự B, hai đến quầy số hai"


def test_a_late_done_report_does_not_start_a_second_sound(renderer):
    player = FakePlayer()
    announcer = Announcer(player, renderer)
    announcer.announce("A001", 1)
    first_done = player._done
    player.finish()
    announcer.announce("A002", 1)
    announcer.announce("A003", 1)
    first_done()                                            # reported twice by a flaky backend
    assert player.overlaps == 0 and len(player.played) == 2


def test_recall_reuses_the_rendered_file(renderer):
    assert renderer("A001", 1) == renderer("A001", 1)
    assert renderer("A001", 1) != renderer("A001", 2)


def test_mute_drops_the_queue_and_stops(renderer):
    player = FakePlayer()
    announcer = Announcer(player, renderer)
    announcer.announce("A001", 1)
    announcer.announce("A002", 1)
    announcer.set_muted(True)
    assert player.playing is None and announcer.pending == ()
    assert announcer.announce("A003", 1) is None
    announcer.set_muted(False)
    announcer.announce("A004", 1)
    assert len(player.played) == 2 and player.overlaps == 0


def test_a_call_that_cannot_be_rendered_is_reported_and_skipped(tmp_path):
    errors = []
    player = FakePlayer(auto_finish=True)
    renderer = CallRenderer(ClipLibrary(tmp_path))          # no clips at all
    announcer = Announcer(player, renderer, on_error=lambda item, exc: errors.append((item.label, str(exc))))
    announcer.announce("A001", 1)
    announcer.announce("A002", 1)
    assert [label for label, _ in errors] == ["A001", "A002"]
    assert "Thiếu tệp âm thanh" in errors[0][1]
    assert announcer.current is None
    renderer.close()
