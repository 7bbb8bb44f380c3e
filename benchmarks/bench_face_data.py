"""Shared by the face benchmarks: the real photos in ../shared/faces, encoded once into a cache.

The cache (artifacts/face_encodings.npz, git-ignored) holds, per photo, the encoding computed with the
quality gates switched off plus the gate measurements (face size, sharpness, yaw), so the benchmarks can
apply any gate setting without encoding again (~0.2 s per photo on 2 cores), and the same face encoded with
dlib's jitter (``encoding_jit``: ``JITTERS`` re-sampled copies averaged, what enrolment uses; ~1 s a photo).

    .venv/bin/python benchmarks/bench_face_data.py      # build or refresh the cache
    .venv/bin/python benchmarks/bench_face_data.py --probe-jitters   # add 3- and 5-jitter encodings (~10 min)
"""
from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core.visitors.recognition.engine import QualityGates, analyse, encode_crop  # noqa: E402

FACES_DIR = Path(os.environ.get("KIOSK_FACES_DIR", REPO.parent / "shared" / "faces"))
CACHE = REPO / "artifacts" / "face_encodings.npz"
JITTERS = 10          # enrolment's jitter (core.visitors.recognition.enrolment.ENROL_JITTERS)
NO_GATES = QualityGates(min_face_px=0, min_sharpness=0.0, max_yaw=99.0)


def photo_list() -> list[tuple[str, str]]:
    with open(FACES_DIR / "manifest.csv", newline="", encoding="utf-8") as fh:
        return [(row["identity"], row["file"]) for row in csv.DictReader(fh)]


def build_cache() -> Path:
    photos = photo_list()
    enc = np.full((len(photos), 128), np.nan, dtype=np.float32)
    enc_jit = np.full((len(photos), 128), np.nan, dtype=np.float32)
    face_px = np.zeros(len(photos), dtype=np.int32)
    sharp = np.zeros(len(photos), dtype=np.float32)
    yaw = np.zeros(len(photos), dtype=np.float32)
    reasons = []
    t0 = time.perf_counter()
    for i, (_, rel) in enumerate(photos):
        s = analyse(FACES_DIR / rel, NO_GATES, keep_crop=True)
        if s.ok:
            enc[i] = s.encoding
            enc_jit[i] = encode_crop(s.crop, JITTERS)     # the same face, the same landmarks
        face_px[i], sharp[i], yaw[i] = s.face_px, s.sharpness, s.yaw
        reasons.append(s.reason or "")
        if i % 50 == 0:
            print(f"{i}/{len(photos)} {time.perf_counter() - t0:.0f} s", flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez(CACHE, identity=np.array([p[0] for p in photos]), path=np.array([p[1] for p in photos]),
             encoding=enc, encoding_jit=enc_jit, face_px=face_px, sharpness=sharp, yaw=yaw, reason=np.array(reasons))
    print(f"encoded {len(photos)} photos in {time.perf_counter() - t0:.0f} s -> {CACHE}")
    return CACHE


PROBE_JITTERS = (3, 5)   # fewer jitters, for probes (bench_face_calibrate.py --probe jit3 / jit5)


def add_probe_jitters() -> Path:
    """Add ``encoding_jit3`` / ``encoding_jit5`` to the cache: each usable photo's crop encoded with fewer
    jitters (what a kiosk could afford per camera frame), the plain and 10-jitter encodings kept as they are."""
    with np.load(CACHE) as data:
        cache = {k: data[k] for k in data.files}
    out = {n: np.full_like(cache["encoding"], np.nan) for n in PROBE_JITTERS}
    t0 = time.perf_counter()
    for i, rel in enumerate(cache["path"]):
        if np.isnan(cache["encoding"][i, 0]):
            continue
        s = analyse(FACES_DIR / str(rel), NO_GATES, keep_crop=True)
        for n in PROBE_JITTERS:
            out[n][i] = encode_crop(s.crop, n)
        if i % 50 == 0:
            print(f"{i}/{len(cache['path'])} {time.perf_counter() - t0:.0f} s", flush=True)
    cache.update({f"encoding_jit{n}": out[n] for n in PROBE_JITTERS})
    np.savez(CACHE, **cache)
    print(f"added {', '.join(f'encoding_jit{n}' for n in PROBE_JITTERS)} in {time.perf_counter() - t0:.0f} s")
    return CACHE


def load_cache() -> dict[str, np.ndarray]:
    if not CACHE.exists():
        build_cache()
    with np.load(CACHE) as data:
        if "encoding_jit" not in data.files:      # a cache from before the jittered encodings
            build_cache()
    with np.load(CACHE) as data:
        return {k: data[k] for k in data.files}


if __name__ == "__main__":
    if not FACES_DIR.exists():
        sys.exit(f"face photos not found at {FACES_DIR} (set KIOSK_FACES_DIR)")
    if "--probe-jitters" in sys.argv:
        add_probe_jitters()
    else:
        build_cache()
