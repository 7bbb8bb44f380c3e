"""python -m core.voice --number 1023 --counter 3 --text | --wav out.wav"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .clips import ClipError, ClipLibrary
from .sentence import VoiceOptions, call_sentence


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.voice",
                                     description="Say a call: print the sentence or write the WAV.")
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--number", type=int, help="a ticket number, e.g. 1023")
    who.add_argument("--label", help="a ticket label, e.g. A023")
    parser.add_argument("--counter", required=True, help="counter number")
    parser.add_argument("--text", action="store_true", help="print the sentence")
    parser.add_argument("--wav", type=Path, help="write the announcement (chime + sentence) to this file")
    parser.add_argument("--dialect", choices=("north", "south"), default=None)
    parser.add_argument("--label-mode", choices=("letter_number", "digits"), default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--sounds", type=Path, default=None, help="clip folder (default assets/sounds/vi)")
    parser.add_argument("--config", help="kiosk configuration file (voice_* settings)")
    args = parser.parse_args(argv)

    from core.config import ConfigError, load_config  # Qt-free
    try:
        cfg = load_config(args.config)
        base = VoiceOptions.from_config(cfg)
        options = VoiceOptions(dialect=args.dialect or base.dialect, label_mode=args.label_mode or base.label_mode,
                               repeat=base.repeat if args.repeat is None else args.repeat)
        label = args.label if args.label is not None else str(args.number)
        sentence = call_sentence(label, args.counter, options)
    except (ConfigError, ValueError) as exc:
        print(f"Lỗi / error: {exc}", file=sys.stderr)
        return 2
    if args.text or not args.wav:
        print(sentence)
    if args.wav:
        try:
            args.wav.write_bytes(ClipLibrary(args.sounds or cfg.resolved_sounds_dir).call_wav(label, args.counter,
                                                                                             options))
        except ClipError as exc:
            print(exc, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
