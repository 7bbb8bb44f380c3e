"""Spoken guidance at the kiosk (``voice_guidance``, off by default): the same clips → WAV mechanism as the
board's calls (Qt-free). A sentence is a list of clip tokens; every fixed phrase is one clip in the sounds
folder, so a centre can replace it with a recording of a real voice.

    >>> tokens_text(ticket_tokens("A023", (3,)))
    'Số của bạn là A, hai mươi ba, mời bạn đến quầy số ba'
"""
from __future__ import annotations

import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from .numbers import label_words, number_words
from .sentence import PAUSE, VoiceOptions, tokens_text

PHRASE_HOME = "Xin mời chạm vào lĩnh vực bạn cần để lấy số thứ tự"
PHRASE_YOUR_NUMBER = "Số của bạn là"
PHRASE_GO = "mời bạn đến quầy số"
PHRASE_OR = "hoặc"
PHRASE_TAKE_TICKET = "Mời bạn nhận phiếu"
PHRASE_PRINT_FAILED = "Máy in gặp sự cố, vui lòng ghi nhớ số trên màn hình"
GUIDANCE_FILES = {PHRASE_HOME: "guide_home", PHRASE_YOUR_NUMBER: "guide_your_number", PHRASE_GO: "guide_go",
                  PHRASE_OR: "guide_or", PHRASE_TAKE_TICKET: "guide_take_ticket",
                  PHRASE_PRINT_FAILED: "guide_print_failed"}


@dataclass(frozen=True)
class Guidance:
    """One thing the kiosk says: its clip tokens and the same words as text (logs, captions)."""
    key: str
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return tokens_text(list(self.tokens))


def home_guidance() -> Guidance:
    return Guidance("home", (PHRASE_HOME,))


def ticket_tokens(label: str, counters: tuple[int, ...] | list[int],
                  options: VoiceOptions = VoiceOptions()) -> list[str]:
    """The ticket read back: its number and where to go ("… quầy số một hoặc sáu")."""
    tokens = [PHRASE_YOUR_NUMBER, *label_words(label, options.label_mode, options.dialect, options.four_as_tu)]
    if counters:
        tokens += [PAUSE, PHRASE_GO]
        for i, counter in enumerate(counters):
            if i:
                tokens.append(PHRASE_OR)
            tokens += number_words(int(counter), options.dialect, options.four_as_tu)
    return tokens


def ticket_guidance(label: str, counters, printed: bool, options: VoiceOptions = VoiceOptions()) -> Guidance:
    """After printing: the number, the counter, then "take your ticket" or "remember the number"."""
    end = PHRASE_TAKE_TICKET if printed else PHRASE_PRINT_FAILED
    return Guidance("ticket" if printed else "print_failed",
                    (*ticket_tokens(label, tuple(counters)[:3], options), PAUSE, end))


class GuidanceSpeaker:
    """Plays guidance through a Player (core.voice.Player; gui.audio.QtPlayer on the kiosk). The newest
    sentence wins: the screen it belongs to replaced the one the older sentence was about."""

    def __init__(self, player, library, keep: int = 16):
        self.player, self.library, self.keep = player, library, keep
        self._dir = tempfile.TemporaryDirectory(prefix="kiosk-voice-")
        self._files: OrderedDict = OrderedDict()
        self.playing: Guidance | None = None
        self.said: list[Guidance] = []

    def say(self, guidance: Guidance) -> None:
        from .clips import wav_bytes  # noqa: PLC0415 - clips.py imports this module's phrases
        path = self._files.get(guidance.tokens)
        if path is None:
            path = Path(self._dir.name) / f"guide-{len(self.said)}-{abs(hash(guidance.tokens))}.wav"
            path.write_bytes(wav_bytes(self.library.join(list(guidance.tokens)), self.library.rate))
            self._files[guidance.tokens] = path
            while len(self._files) > self.keep:
                self._files.popitem(last=False)[1].unlink(missing_ok=True)
        if self.playing is not None:
            self.player.stop()                       # a stale sentence stops for the new one
        self.playing = guidance
        self.said.append(guidance)
        self.player.play(path, lambda g=guidance: self._done(g))

    def _done(self, guidance: Guidance) -> None:
        if self.playing is guidance:
            self.playing = None

    def close(self) -> None:
        self.player.stop()
        self._dir.cleanup()
