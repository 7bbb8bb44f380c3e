"""Liveness (blink challenge, core/visitors/recognition/liveness.py): cost per frame, printed photos that must
never pass, real eye closures that should.

    KIOSK_FACES_DIR=../shared/faces .venv/bin/python benchmarks/bench_liveness.py [--every 1] [--frames 24]
        [--offset 0] [--seed 2026] [--reuse] [--cost-only]

1. Cost per frame on 640x480 kiosk frames (face ~150 px): what the camera thread adds while a challenge runs
   (68 landmarks with the refinement passes + openness + the state machine), next to the frame's usual
   detection + encoding.
2. Printed photos (false accepts): every photo of ../shared/faces (``--every`` thins it) as a print held by
   hand for a whole challenge (``--frames`` frames at 4 a second: shift, scale, roll, paper tilted up to 25°
   in 3D, light, noise) and lying still (noise only).
3. Real eye closures (false rejects): the Yale subjects' open-eye and closed-eye ("wink") photos of one
   session, as open, open, open, open, closed, open, open frames with small moves, 5 random moves each.
   Not a video of a blink: the shared photos hold none (see BENCHMARKS.md).

The openness series are kept in artifacts/liveness_series.npz, so the rule table is recomputed without the
landmarks (``--reuse``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench_face_data import FACES_DIR, photo_list  # noqa: E402
from core.visitors.recognition.engine import analyse  # noqa: E402
from core.visitors.recognition.liveness import (PASSED, BlinkChallenge, BlinkRule, landmarks_68,  # noqa: E402
                                                openness)
from tests.photo_attack import (blink_frames, face_box, held_photo_frames, kiosk_frame, read,  # noqa: E402
                                yale_blink_pairs)

SERIES = REPO / "artifacts" / "liveness_series.npz"     # the last run's (a new run replaces it)
FRAME_S = 0.25                    # the camera thread's period (kiosk/face_worker.py)
NO_FACE = (np.nan, np.nan)


def series(frames: list[np.ndarray]) -> np.ndarray:
    """Per frame both eyes' openness (NaN: no face found)."""
    out = []
    for f in frames:
        marks = landmarks_68(f, face_box(f))
        out.append(NO_FACE if marks is None else openness(marks))
    return np.array(out, dtype=np.float64)


def passes(values: np.ndarray, rule: BlinkRule) -> bool:
    """Feed a stored series to a fresh challenge, one frame every FRAME_S."""
    ch = BlinkChallenge(0.0, rule)
    return any(ch.feed_openness(None if np.isnan(v).any() else tuple(v), i * FRAME_S) == PASSED
               for i, v in enumerate(values))


def cost(n: int = 40) -> None:
    photos = [FACES_DIR / rel for _, rel in photo_list() if "lfw__" in rel][:n]
    frames = [kiosk_frame(read(p)) for p in photos]
    analyse(frames[0])
    landmarks_68(frames[0], analyse(frames[0]).box)
    usual, extra, predictor_only = [], [], []
    for frame in frames:
        t0 = time.perf_counter()
        sample = analyse(frame)
        t1 = time.perf_counter()
        ch = BlinkChallenge(0.0)
        marks = landmarks_68(frame, sample.box)
        if marks is not None:
            ch.feed(marks, 0.1)
        t2 = time.perf_counter()
        landmarks_68(frame, sample.box, refine=0)
        t3 = time.perf_counter()
        usual.append(t1 - t0)
        extra.append(t2 - t1)
        predictor_only.append(t3 - t2)
    ms = lambda xs, q: np.percentile(xs, q) * 1000  # noqa: E731
    print(f"cost per frame ({len(frames)} frames 640x480): usual detect+encode p50 {ms(usual, 50):.0f} ms "
          f"p95 {ms(usual, 95):.0f} ms; liveness adds p50 {ms(extra, 50):.1f} ms p95 {ms(extra, 95):.1f} ms "
          f"(one predictor pass alone p50 {ms(predictor_only, 50):.1f} ms)")


def collect(every: int, n_frames: int, offset: int = 0, seed: int = 2026) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    photos = [FACES_DIR / rel for _, rel in photo_list()][offset::every]
    held, still = [], []
    t0 = time.perf_counter()
    for i, p in enumerate(photos):
        img = read(p)
        held.append(series(held_photo_frames(img, n_frames, rng)))
        still.append(series(held_photo_frames(img, 8, rng, move=False)))
        if i % 50 == 0:
            print(f"  {i}/{len(photos)} photos, {time.perf_counter() - t0:.0f} s", flush=True)
    live, names = [], []
    for name, open_path, closed_path in yale_blink_pairs(FACES_DIR):
        o, c = read(open_path), read(closed_path)
        for _ in range(5):
            live.append(series(blink_frames(o, c, rng)))
            names.append(name)
    data = dict(held=np.array(held), still=np.array(still), live=np.array(live), live_names=np.array(names),
                photos=np.array([str(p.relative_to(FACES_DIR)) for p in photos]))
    SERIES.parent.mkdir(parents=True, exist_ok=True)
    np.savez(SERIES, **data)
    print(f"landmarks of {len(photos)} photos in {time.perf_counter() - t0:.0f} s -> {SERIES}")
    return data


def table(data: dict[str, np.ndarray]) -> None:
    held, still, live = data["held"], data["still"], data["live"]
    usable = lambda s: (~np.isnan(s[:, 0])).sum() >= 3  # noqa: E731 - a face in at least 3 frames
    held_ok = [s for s in held if usable(s)]
    still_ok = [s for s in still if usable(s)]
    people = sorted(set(data["live_names"].tolist()))
    print(f"printed photos: {len(held_ok)} hand-held sequences of {held.shape[1]} frames, {len(still_ok)} still "
          f"sequences of {still.shape[1]}; real closures: {len(live)} sequences of {len(people)} people")
    print("| rule | printed photo passed (hand-held) | (still) | real closure passed | people passing ≥ 1 of 5 |")
    print("|---|---:|---:|---:|---:|")
    rules = [(f"both eyes < {c:.2f}, no noise margin, 2 open frames", BlinkRule(closed_ratio=c, noise_k=0,
                                                                             baseline_frames=2))
             for c in (0.60, 0.70, 0.75)]
    rules += [(f"either eye < {c:.2f}, no noise margin, 2 open frames",
               BlinkRule(closed_ratio=c, noise_k=0, baseline_frames=2, either_eye=True)) for c in (0.60, 0.70)]
    rules += [(f"both eyes < {c:.2f}, 4 × spread, 4 open frames", BlinkRule(closed_ratio=c)) for c in (0.65, 0.70, 0.75)]
    for name, rule in rules:
        fa = sum(passes(s, rule) for s in held_ok)
        fs = sum(passes(s, rule) for s in still_ok)
        ok = [passes(s, rule) for s in live]
        by_person = {n: False for n in people}
        for n, p in zip(data["live_names"].tolist(), ok):
            by_person[n] |= p
        mark = " (default)" if rule == BlinkRule() else ""
        print(f"| {name}{mark} | {fa} of {len(held_ok)} | {fs} of {len(still_ok)} | {sum(ok)} of {len(ok)} "
              f"| {sum(by_person.values())} of {len(people)} |")
    worst = [np.nanmin(s.mean(axis=1)) / np.nanmedian(s.mean(axis=1)) for s in held_ok]
    print(f"printed photos, lowest openness / median of the sequence (both eyes): min {min(worst):.2f}, "
          f"1st percentile {np.percentile(worst, 1):.2f}, 5th {np.percentile(worst, 5):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=1, help="use every n-th photo (1: all 566)")
    ap.add_argument("--frames", type=int, default=24, help="frames per hand-held sequence (24 = 6 s at 4/s)")
    ap.add_argument("--offset", type=int, default=0, help="start at this photo (another sample with --every)")
    ap.add_argument("--seed", type=int, default=2026, help="random moves of the prints and the live frames")
    ap.add_argument("--reuse", action="store_true", help="recompute the table from the saved series")
    ap.add_argument("--cost-only", action="store_true", help="only part 1 (cost per frame)")
    args = ap.parse_args()
    if not FACES_DIR.exists():
        sys.exit(f"face photos not found at {FACES_DIR} (set KIOSK_FACES_DIR)")
    if args.cost_only:
        cost()
        return
    if args.reuse and SERIES.exists():
        with np.load(SERIES) as z:
            data = {k: z[k] for k in z.files}
    else:
        cost()
        data = collect(args.every, args.frames, args.offset, args.seed)
    table(data)


if __name__ == "__main__":
    main()
