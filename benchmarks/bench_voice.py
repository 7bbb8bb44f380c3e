"""How long calls are and how late a call is heard when several counters call at once (Qt-free).

    .venv/bin/python benchmarks/bench_voice.py

1. The length of every call the catalogue can make (each field's longest label "…777" at every counter), with
   the default options (chime + sentence once) and with one repetition (the old default).
2. A burst: counters 1–5 call within a second, then counters 1–3 call their next number 3 s later (the first
   person did not come). The real Announcer plays through a simulated speaker that takes each WAV's real
   length; reported: for each call, call → its first sound, and when the last call is heard. With the old
   behaviour every call was queued; now a newer call from the same counter replaces its unplayed older one.
"""
from __future__ import annotations

import heapq
import statistics
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.voice import Announcer, CallRenderer, ClipLibrary, VoiceOptions  # noqa: E402
from core.voice.clips import SAMPLE_RATE, read_wav  # noqa: E402


def call_lengths(library: ClipLibrary, options: VoiceOptions) -> list[float]:
    catalogue = tomllib.loads((ROOT / "assets" / "catalogue.toml").read_text(encoding="utf-8"))
    out = []
    for field in catalogue["fields"]:
        label = field["prefix"] + "7" * field.get("number_width", 3)
        for counter in catalogue["counters"]:
            out.append(len(library.render_call(label, counter["number"], options)) / SAMPLE_RATE)
    return out


class SimulatedSpeaker:
    """A Player whose clips take their real length on a virtual clock."""

    def __init__(self):
        self.now = 0.0
        self.events: list[tuple[float, int, object]] = []
        self.started: list[tuple[float, Path]] = []
        self._seq = 0

    def play(self, wav: Path, done) -> None:
        self.started.append((self.now, wav))
        self._push(self.now + len(read_wav(wav)) / SAMPLE_RATE, done)

    def stop(self) -> None:
        pass

    def _push(self, at: float, fn) -> None:
        self._seq += 1
        heapq.heappush(self.events, (at, self._seq, fn))

    def run(self) -> None:
        while self.events:
            at, _seq, fn = heapq.heappop(self.events)
            self.now = at
            fn()


def burst(library: ClipLibrary, options: VoiceOptions, replace: bool) -> dict:
    speaker = SimulatedSpeaker()
    renderer = CallRenderer(library, options)
    announcer = Announcer(speaker, renderer, options, replace_per_counter=replace)
    calls = [(0.1 * i, f"A{100 + i}", i) for i in range(1, 6)] + [(3.0 + 0.1 * i, f"A{200 + i}", i)
                                                                   for i in range(1, 4)]
    heard: dict[str, float] = {}
    announcer.on_start = lambda item: heard.setdefault(item.label, speaker.now)
    for at, label, counter in calls:
        def call(label=label, counter=counter):
            announcer.announce(label, counter)
        speaker._push(at, call)
    speaker.run()
    renderer.close()
    delays = {label: heard[label] - at for at, label, _c in calls if label in heard}
    return {"heard": len(delays), "calls": len(calls), "max_delay": max(delays.values()),
            "median_delay": statistics.median(delays.values()),
            "last_call_heard_after": heard[calls[-1][1]] - calls[-1][0], "busy_until": speaker.now}


def main() -> None:
    library = ClipLibrary(ROOT / "assets" / "sounds" / "vi")
    for name, options in (("default (repeat 0)", VoiceOptions()), ("repeat 1 (old default)", VoiceOptions(repeat=1))):
        lengths = call_lengths(library, options)
        print(f"call length, {name}: n={len(lengths)} median {statistics.median(lengths):.2f} s, "
              f"max {max(lengths):.2f} s")
    for name, options, replace in (("old: repeat 1, every call queued", VoiceOptions(repeat=1), False),
                                   ("new: repeat 0, newest per counter", VoiceOptions(), True)):
        r = burst(library, options, replace)
        print(f"burst, {name}: heard {r['heard']}/{r['calls']} calls; call → first sound median "
              f"{r['median_delay']:.1f} s, max {r['max_delay']:.1f} s; the last call heard after "
              f"{r['last_call_heard_after']:.1f} s; speaker busy until {r['busy_until']:.1f} s")


if __name__ == "__main__":
    main()
