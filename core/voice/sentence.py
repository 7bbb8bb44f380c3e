"""The call sentence: "Mời công dân có số thứ tự … đến quầy số …" as tokens, text and caption (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .numbers import LABEL_MODES, GROUPS, VoiceError, label_words, number_words

PHRASE_CALL = "Mời công dân có số thứ tự"
PHRASE_COUNTER = "đến quầy số"
PAUSE = ","


@dataclass(frozen=True)
class VoiceOptions:
    dialect: str = "north"            # "north" (nghìn, linh) or "south" (ngàn, lẻ)
    label_mode: str = "letter_number"  # "A, hai mươi ba" or "digits": "A, không hai ba"
    four_as_tu: bool = False          # "hai mươi tư" instead of "hai mươi bốn"
    repeat: int = 0                   # times the sentence is said again after the first (0: a call ≤ 6 s)

    def __post_init__(self) -> None:
        if self.dialect not in GROUPS:
            raise ValueError(f"voice dialect must be 'north' or 'south', not {self.dialect!r}")
        if self.label_mode not in LABEL_MODES:
            raise ValueError(f"voice label mode must be one of {LABEL_MODES}, not {self.label_mode!r}")
        if not 0 <= self.repeat <= 5:
            raise ValueError(f"voice repeat must be 0..5, not {self.repeat}")

    @classmethod
    def from_config(cls, cfg: Any) -> "VoiceOptions":
        """From a core.config.AppConfig (duck-typed so the voice does not depend on the kiosk)."""
        return cls(dialect=cfg.voice_dialect, label_mode=cfg.voice_label_mode, repeat=cfg.voice_repeat)


def _counter_number(counter: int | str) -> int:
    text = str(counter).strip()
    if not text.isdigit():
        raise VoiceError(f"Số quầy phải là một số: {counter!r}", f"counter must be a number: {counter!r}")
    return int(text)


def call_tokens(label: str, counter: int | str, options: VoiceOptions = VoiceOptions()) -> list[str]:
    """Phrases, number words, letter tokens and "," pauses, in speaking order (one repetition)."""
    return [PHRASE_CALL,
            *label_words(label, options.label_mode, options.dialect, options.four_as_tu),
            PHRASE_COUNTER,
            *number_words(_counter_number(counter), options.dialect, options.four_as_tu)]


def tokens_text(tokens: list[str]) -> str:
    text = ""
    for token in tokens:
        text += token if token == PAUSE or not text else " " + token
    return text


def call_sentence(label: str, counter: int | str, options: VoiceOptions = VoiceOptions()) -> str:
    """"Mời công dân có số thứ tự A, hai mươi ba đến quầy số ba" — exactly what is spoken."""
    return tokens_text(call_tokens(label, counter, options))


def call_caption(label: str, counter: int | str) -> str:
    """The same call with digits, for screens: "Mời công dân có số thứ tự A023 đến quầy số 3"."""
    return f"{PHRASE_CALL} {label.strip().upper()} {PHRASE_COUNTER} {_counter_number(counter)}"
