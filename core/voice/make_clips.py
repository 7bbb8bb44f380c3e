"""Regenerate the default clips in assets/sounds/vi with espeak-ng (Debian package ``espeak-ng``).

    python -m core.voice.make_clips [--out DIR] [--voice vi] [--speed 165]

Each clip is spoken alone, trimmed of leading/trailing silence and saved as 16 kHz mono 16-bit WAV.
The chime is synthesised (two bell tones). Replace any file with a real recording of the same name.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .clips import CHIME, LETTER_FILES, PHRASE_FILES, SAMPLE_RATE, WORD_FILES, read_wav, wav_bytes
from .numbers import LETTER_NAMES

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "assets" / "sounds" / "vi"


def spoken_texts() -> dict[str, str]:
    """file name -> the text espeak-ng is asked to say."""
    texts = {name: phrase for phrase, name in PHRASE_FILES.items() if phrase != CHIME}
    texts.update({name: word for word, name in WORD_FILES.items()})
    texts.update({LETTER_FILES[letter]: spoken for letter, spoken in LETTER_NAMES.items()})
    return texts


def trim(samples: np.ndarray, threshold: float = 0.01, pad_ms: int = 15) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if not len(loud):
        return samples
    pad = SAMPLE_RATE * pad_ms // 1000
    return samples[max(0, loud[0] - pad): loud[-1] + pad]


def chime(rate: int = SAMPLE_RATE) -> np.ndarray:
    """"Ding-dong": E5 then C5, each a bell (fundamental + soft harmonics, exponential decay)."""
    def bell(freq: float, seconds: float) -> np.ndarray:
        t = np.arange(int(rate * seconds)) / rate
        tone = sum(a * np.sin(2 * np.pi * freq * k * t) for k, a in ((1, 1.0), (2, 0.35), (3, 0.12)))
        attack = np.minimum(1, t / 0.005)
        return (tone * attack * np.exp(-t * 7.0)).astype(np.float32)
    first, second = bell(659.25, 0.35), bell(523.25, 0.55)    # ~0.7 s: a call stays within 6 s
    out = np.zeros(len(first) // 2 + len(second), np.float32)
    out[: len(first)] += first
    out[len(first) // 2:] += second
    return 0.5 * out / np.max(np.abs(out))


def speak(text: str, voice: str, speed: int, workdir: Path) -> np.ndarray:
    tmp = workdir / "clip.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(tmp), text], check=True)
    samples = trim(read_wav(tmp, SAMPLE_RATE))
    return 0.8 * samples / max(1e-6, float(np.max(np.abs(samples))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--voice", default="vi", help="espeak-ng voice: vi, vi-vn-x-central, vi-vn-x-south")
    parser.add_argument("--speed", type=int, default=165, help="words per minute")
    args = parser.parse_args(argv)
    if not shutil.which("espeak-ng"):
        print("Chưa cài espeak-ng (apt-get install espeak-ng) / espeak-ng is not installed", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{PHRASE_FILES[CHIME]}.wav").write_bytes(wav_bytes(chime()))
    with tempfile.TemporaryDirectory() as workdir:
        for name, text in spoken_texts().items():
            (args.out / f"{name}.wav").write_bytes(wav_bytes(speak(text, args.voice, args.speed, Path(workdir))))
    print(f"{len(spoken_texts()) + 1} clips written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
