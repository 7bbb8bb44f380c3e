"""Clips on disk → one WAV for a call (Qt-free; numpy + the standard wave module).

Every word, letter and fixed phrase is a separate WAV file in the sounds folder (default
assets/sounds/vi), so a centre can replace any of them with a recording of a real voice. Clips of any
PCM sample width, channel count and rate are accepted; they are mixed down and resampled on load.
"""
from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from bilingual import LocalizedError

from .guidance import GUIDANCE_FILES
from .numbers import DIGITS, LETTER_NAMES
from .sentence import PAUSE, PHRASE_CALL, PHRASE_COUNTER, VoiceOptions, call_tokens

SAMPLE_RATE = 16000
CHIME = "<chime>"
# Silences that join clips (milliseconds).
GAP_WORD_MS = 40        # between two words
GAP_PAUSE_MS = 220      # at a "," (after a letter in "A, hai mươi ba")
GAP_PHRASE_MS = 100     # before and after a fixed phrase
GAP_CHIME_MS = 150      # after the chime
GAP_REPEAT_MS = 900     # between repetitions

# token -> file name (Telex spelling keeps names ASCII yet tells "mười" from "mươi").
WORD_FILES = {
    "không": "khoong", "một": "motj", "hai": "hai", "ba": "ba", "bốn": "boon", "năm": "nawm",
    "sáu": "sasu", "bảy": "bayr", "tám": "tasm", "chín": "chisn", "mười": "muwowif", "mươi": "muwowi",
    "mốt": "moots", "lăm": "lawm", "tư": "tuw", "linh": "linh", "lẻ": "ler", "trăm": "trawm",
    "nghìn": "nghifn", "ngàn": "ngafn", "triệu": "trieeju", "tỷ": "tyr",
}
assert set(DIGITS) <= set(WORD_FILES)
PHRASE_FILES = {PHRASE_CALL: "phrase_call", PHRASE_COUNTER: "phrase_counter", CHIME: "chime", **GUIDANCE_FILES}
LETTER_FILES = {letter: "letter_" + ("dd" if letter == "Đ" else letter.lower()) for letter in LETTER_NAMES}


def clip_file_names() -> dict[str, str]:
    """Every token the voice can say -> its file name (without ".wav")."""
    return {**PHRASE_FILES, **WORD_FILES, **LETTER_FILES}


class ClipError(LocalizedError, RuntimeError):
    """A clip is missing or unreadable; the message names the file (Vietnamese and English)."""


def read_wav(source: Path | bytes, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A PCM WAV as mono float32 in [-1, 1] at ``rate``."""
    with wave.open(io.BytesIO(source) if isinstance(source, bytes) else str(source), "rb") as w:
        channels, width, src_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        raw = w.readframes(w.getnframes())
    if width == 1:
        data = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        data = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        data = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8).astype(np.float32) / 2 ** 23
    elif width == 4:
        data = np.frombuffer(raw, "<i4").astype(np.float32) / 2 ** 31
    else:
        raise ValueError(f"unsupported WAV sample width {width}")
    data = data.reshape(-1, channels).mean(axis=1)
    if src_rate != rate and len(data):
        n = max(1, round(len(data) * rate / src_rate))
        data = np.interp(np.linspace(0, len(data) - 1, n), np.arange(len(data)), data).astype(np.float32)
    return data


def wav_bytes(samples: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


def _silence(ms: int, rate: int) -> np.ndarray:
    return np.zeros(round(rate * ms / 1000), np.float32)


class ClipLibrary:
    """The clips of one folder, loaded lazily and kept in memory."""

    def __init__(self, folder: Path | str, rate: int = SAMPLE_RATE):
        self.folder = Path(folder)
        self.rate = rate
        self._cache: dict[str, np.ndarray] = {}

    def path(self, token: str) -> Path:
        try:
            return self.folder / f"{clip_file_names()[token]}.wav"
        except KeyError:
            raise ClipError(f"Không có đoạn âm thanh cho '{token}'", f"no clip for '{token}'") from None

    def missing(self, tokens=None) -> list[Path]:
        """Clip files that do not exist (all known tokens by default)."""
        tokens = clip_file_names() if tokens is None else tokens
        return [self.path(t) for t in tokens if t != PAUSE and not self.path(t).is_file()]

    def clip(self, token: str) -> np.ndarray:
        if token not in self._cache:
            path = self.path(token)
            try:
                self._cache[token] = read_wav(path, self.rate)
            except FileNotFoundError:
                raise ClipError(f"Thiếu tệp âm thanh {path}", f"missing sound file {path}") from None
            except (wave.Error, EOFError, ValueError) as exc:
                raise ClipError(f"Tệp âm thanh hỏng {path}: {exc}", f"unreadable sound file {path}: {exc}") from None
        return self._cache[token]

    def join(self, tokens: list[str]) -> np.ndarray:
        """Clips of ``tokens`` joined with the short silences above (no leading or trailing silence)."""
        pieces: list[np.ndarray] = []
        previous = None
        for token in tokens:
            if token == PAUSE:
                pieces.append(_silence(GAP_PAUSE_MS, self.rate))
                previous = PAUSE
                continue
            if previous not in (None, PAUSE):
                phrase = token in PHRASE_FILES or previous in PHRASE_FILES
                pieces.append(_silence(GAP_PHRASE_MS if phrase else GAP_WORD_MS, self.rate))
            pieces.append(self.clip(token))
            previous = token
        return np.concatenate(pieces) if pieces else np.zeros(0, np.float32)

    def render_call(self, label: str, counter: int | str, options: VoiceOptions = VoiceOptions(),
                    chime: bool = True) -> np.ndarray:
        """Chime, then the sentence, said 1 + ``options.repeat`` times."""
        sentence = self.join(call_tokens(label, counter, options))
        pieces = [self.clip(CHIME), _silence(GAP_CHIME_MS, self.rate)] if chime else []
        for i in range(1 + options.repeat):
            if i:
                pieces.append(_silence(GAP_REPEAT_MS, self.rate))
            pieces.append(sentence)
        return np.concatenate(pieces)

    def call_wav(self, label: str, counter: int | str, options: VoiceOptions = VoiceOptions(),
                 chime: bool = True) -> bytes:
        return wav_bytes(self.render_call(label, counter, options, chime), self.rate)
