"""What a jittered probe costs the kiosk: one camera frame analysed (detect, gates, plain encoding) and its
face's crop encoded again with ``num_jitters`` = 3, 5, 10 through ``engine.encode_crop`` (one network pass
per call, the GIL handed over between passes), and the longest wait of another thread (the GUI) meanwhile.

    .venv/bin/python benchmarks/bench_face_probe_cost.py [--frames 12]

Frames: real LFW photos placed on 640x480 frames (face ~150 px), as bench_face_speed.py makes them.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_face_data import FACES_DIR, photo_list  # noqa: E402
from bench_face_enrol import longest_wait  # noqa: E402
from bench_face_speed import kiosk_frame, pct  # noqa: E402
from core.visitors.recognition.engine import analyse, encode_crop  # noqa: E402

JITTERS = (3, 5, 10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=12)
    args = ap.parse_args()
    sys.setswitchinterval(0.001)                       # as the kiosk sets it
    photos = [FACES_DIR / rel for _, rel in photo_list() if "lfw__" in rel][: args.frames * 2]
    frames = [kiosk_frame(p) for p in photos]
    analyse(frames[0], keep_crop=True)                 # load the models once
    crops, frame_s = [], []
    for frame in frames:
        t0 = time.perf_counter()
        s = analyse(frame, keep_crop=True)
        if s.ok:
            frame_s.append(time.perf_counter() - t0)
            crops.append(s.crop)
        if len(crops) == args.frames:
            break
    print(f"{len(crops)} frames 640x480; analyse (detect + gates + plain encoding): p50 {pct(frame_s, 50):.0f} ms,"
          f" p95 {pct(frame_s, 95):.0f} ms")
    for jitters in JITTERS:
        took, waits = [], []
        for crop in crops:
            t, w = longest_wait(lambda c=crop, n=jitters: encode_crop(c, n))
            took.append(t)
            waits.append(w)
        print(f"encode_crop(num_jitters={jitters:>2}): p50 {pct(took, 50):.0f} ms, p95 {pct(took, 95):.0f} ms;"
              f" longest wait of another thread p95 {pct(waits, 95):.0f} ms, max {1000 * max(waits):.0f} ms")
    same = all(np.allclose(encode_crop(c, 0), c.encoding, atol=1e-5) for c in crops[:3])
    print("plain re-encoding of a crop equals the frame's encoding:", same)


if __name__ == "__main__":
    main()
