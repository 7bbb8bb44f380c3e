"""Speed and memory of recognition on this machine.

    .venv/bin/python benchmarks/bench_face_speed.py [--max 1000000]

1. frame -> decision at 640x480: a real photo placed on a 640x480 frame (face ~150 px, as at a kiosk),
   detection + quality gates + encoding + 1:N decision against 1,000 identities.
2. 1:N search (exact, float32 matrix product) at 10^4, 10^5, 10^6 templates, one query and 3 frames.
3. Memory of the gallery and of the process.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_face_data import FACES_DIR, photo_list  # noqa: E402
from core.visitors.recognition import DecisionRule, Gallery, Recognizer, load_image  # noqa: E402


def kiosk_frame(path: Path) -> np.ndarray:
    img = load_image(path)
    scale = 300 / max(img.shape[:2])
    img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)
    h, w = img.shape[:2]
    frame[90:90 + h, 170:170 + w] = img
    return frame


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q)) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=1_000_000)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    rec = Recognizer(rule=DecisionRule())
    rec.gallery = Gallery.from_arrays(rng.normal(0, 0.1, (2000, 128)).astype(np.float32),
                                      np.repeat(np.arange(1000), 2))
    photos = [FACES_DIR / rel for _, rel in photo_list() if "lfw__" in rel][:40]
    frames = [kiosk_frame(p) for p in photos]
    rec.decide([frames[0]])   # load the models once
    times = []
    for frame in frames:
        t0 = time.perf_counter()
        rec.decide([frame])
        times.append(time.perf_counter() - t0)
    print(f"frame->decision 640x480 ({len(frames)} frames): p50 {pct(times, 50):.0f} ms, p95 {pct(times, 95):.0f} ms")

    for n in (10_000, 100_000, 1_000_000):
        if n > args.max:
            break
        g = Gallery.from_arrays(rng.normal(0, 0.1, (n, 128)).astype(np.float32), np.arange(n) // 3)
        q1, q3 = rng.normal(0, 0.1, (1, 128)), rng.normal(0, 0.1, (3, 128))
        for q, label in ((q1, "1 query"), (q3, "3 frames")):
            g.search(q)
            ts = []
            for _ in range(20):
                t0 = time.perf_counter()
                g.search(q)
                ts.append(time.perf_counter() - t0)
            print(f"1:N {n:>9,} templates, {label}: p50 {pct(ts, 50):.1f} ms, p95 {pct(ts, 95):.1f} ms; "
                  f"gallery {g.nbytes / 2**20:.0f} MiB")
        del g
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
