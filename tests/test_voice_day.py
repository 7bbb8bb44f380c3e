"""The waiting room's voice through a whole day (issue 12): a call is short, calls do not pile up, and the
kiosk's guidance comes from the same clips."""
from __future__ import annotations

import tomllib

from core.config import ASSETS_DIR, AppConfig
from core.voice import Announcer, ClipLibrary, FakePlayer, VoiceOptions
from core.voice.clips import SAMPLE_RATE, clip_file_names
from core.voice.guidance import GUIDANCE_FILES, GuidanceSpeaker, home_guidance, ticket_guidance, ticket_tokens
from core.voice.sentence import tokens_text

LIBRARY = ClipLibrary(ASSETS_DIR / "sounds" / "vi")


def _longest_labels():
    """For every field of the catalogue, the label with the most words ("…777": bảy trăm bảy mươi bảy)."""
    catalogue = tomllib.loads((ASSETS_DIR / "catalogue.toml").read_text(encoding="utf-8"))
    for field in catalogue["fields"]:
        width = field.get("number_width", catalogue.get("number_width", 3))
        yield field["prefix"] + "7" * width, [c["number"] for c in catalogue["counters"]]


def test_a_call_with_the_default_options_lasts_at_most_six_seconds():
    options = VoiceOptions.from_config(AppConfig())
    assert options.repeat == 0
    checked = 0
    for label, counters in _longest_labels():
        for counter in counters:
            seconds = len(LIBRARY.render_call(label, counter, options)) / SAMPLE_RATE
            assert seconds <= 6.0, f"{label} at counter {counter}: {seconds:.2f} s"
            checked += 1
    assert checked >= 9 * 6
    # repetition stays configurable
    twice = len(LIBRARY.render_call("A777", 6, VoiceOptions(repeat=1))) / SAMPLE_RATE
    assert twice > 1.8 * (len(LIBRARY.render_call("A777", 6, options)) / SAMPLE_RATE - 1.0)


def test_a_newer_call_from_the_same_counter_replaces_its_unplayed_older_call():
    player = FakePlayer()
    announcer = Announcer(player, lambda label, counter: ASSETS_DIR / f"{label}-{counter}.wav")
    announcer.announce("A001", 1)                     # playing
    announcer.announce("A002", 2)
    announcer.announce("B001", 3)
    announcer.announce("A003", 2)                     # counter 2 called again before its call was heard
    announcer.announce("B002", 3)
    assert [(a.label, a.counter) for a in announcer.pending] == [("A003", 2), ("B002", 3)]
    for _ in range(3):
        player.finish()
    assert [p.name for p in player.played] == ["A001-1.wav", "A003-2.wav", "B002-3.wav"]
    assert player.overlaps == 0


def test_kiosk_guidance_sentences_have_their_clips_and_read_the_ticket_back():
    assert set(GUIDANCE_FILES.values()) <= set(clip_file_names().values())
    assert LIBRARY.missing() == []
    assert tokens_text(ticket_tokens("A023", (1, 6))) == \
        "Số của bạn là A, hai mươi ba, mời bạn đến quầy số một hoặc sáu"
    printed = ticket_guidance("B105", (4,), printed=True)
    assert printed.text.startswith("Số của bạn là B, một trăm linh năm, mời bạn đến quầy số bốn")
    assert printed.text.endswith("Mời bạn nhận phiếu")
    assert ticket_guidance("B105", (4,), printed=False).text.endswith("ghi nhớ số trên màn hình")
    assert "chạm vào lĩnh vực" in home_guidance().text


def test_the_guidance_speaker_plays_the_newest_sentence():
    player = FakePlayer()
    speaker = GuidanceSpeaker(player, LIBRARY)
    try:
        speaker.say(home_guidance())
        first = player.playing
        speaker.say(ticket_guidance("A001", (1,), printed=True))   # the citizen was quicker than the voice
        assert player.playing is not None and player.playing != first
        assert len(player.played) == 2 and player.overlaps == 0     # the stale one was stopped first
        from core.voice.clips import read_wav
        assert len(read_wav(player.playing)) > SAMPLE_RATE        # a real sentence, over a second long
    finally:
        speaker.close()
