"""What the kiosk's enrolment costs: 4 crops encoded with jitter 10, and how long another thread (the GUI)
waits meanwhile. dlib keeps the GIL during a call, so one ``num_jitters=10`` call freezes every other thread
for its whole duration; ``encode_crop`` makes one network pass per call.

    .venv/bin/python benchmarks/bench_face_enrol.py [--crops 4]
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.visitors.recognition.engine import analyse, encode_crop, load_models  # noqa: E402
from core.visitors.recognition.enrolment import ENROL_JITTERS, enrolment_templates  # noqa: E402

FACES_DIR = Path(os.environ.get("KIOSK_FACES_DIR", Path(__file__).resolve().parents[2] / "shared" / "faces"))


def one_call(crop, jitters: int) -> np.ndarray:
    """The naive way: dlib's own num_jitters, one call."""
    api = load_models()
    dlib = api.dlib
    shape = dlib.full_object_detection(dlib.rectangle(*crop.box), [dlib.point(x, y) for x, y in crop.points])
    return np.asarray(api.face_encoder.compute_face_descriptor(crop.pixels, shape, jitters))


def longest_wait(work) -> tuple[float, float]:
    """Run ``work`` on a thread; return (its duration, the longest gap between 5 ms ticks here)."""
    done = threading.Event()
    took = [0.0]

    def run() -> None:
        t = time.perf_counter()
        work()
        took[0] = time.perf_counter() - t
        done.set()
    thread = threading.Thread(target=run)
    last, worst = time.perf_counter(), 0.0
    thread.start()
    while not done.is_set():
        time.sleep(0.005)
        now = time.perf_counter()
        worst, last = max(worst, now - last), now
    thread.join()
    return took[0], worst


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--crops", type=int, default=4)
    args = ap.parse_args()
    person = next(p for p in sorted((FACES_DIR / "images").iterdir()) if len(list(p.iterdir())) >= args.crops + 1)
    crops = [s.crop for s in (analyse(f, keep_crop=True) for f in sorted(person.iterdir())) if s.ok][: args.crops]
    sys.setswitchinterval(0.001)                       # as the kiosk sets it
    for name, work in (("one dlib call per crop (num_jitters=10)",
                        lambda: [one_call(c, ENROL_JITTERS) for c in crops]),
                       ("encode_crop: one pass per call", lambda: enrolment_templates(crops, k=len(crops)))):
        took, worst = longest_wait(work)
        print(f"{name}: {len(crops)} crops in {took:.2f} s, longest wait of another thread {1000 * worst:.0f} ms")
    plain = [encode_crop(c, 0) for c in crops]
    took, worst = longest_wait(lambda: [analyse(f) for f in sorted(person.iterdir())[:3]])
    print(f"for comparison, 3 camera-frame analyses (detect + encode): longest wait {1000 * worst:.0f} ms")
    print("plain re-encoding equals the frame's encoding:",
          all(np.allclose(p, c.encoding, atol=1e-5) for p, c in zip(plain, crops)))


if __name__ == "__main__":
    main()
