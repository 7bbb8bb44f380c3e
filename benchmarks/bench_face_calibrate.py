"""Calibrate the decision rule on the real impostor tail, per searched gallery size; enrolment variants.

    .venv/bin/python benchmarks/bench_face_calibrate.py [--target 0.01] [--reps 20] [--curve] [--znorm]
        [--probe plain|jit|jit3|jit5] [--no-per-count]

Encodings come from the cache of bench_face_data.py (each photo encoded once, plain and with jitter).

Protocol
- Identities are split in two by a hash of their name (``held_out``): the rule is calibrated on one half
  and every reported figure is measured on the other half, people the calibration never saw.
- Enrolment: a person with >= 3 usable photos has an enrolment pool (their first ~2/3 photos, at most
  ``MAX_CROPS``) and probes (the rest). Variants: ``one`` (first photo, plain encoding), ``one_jit`` (the
  same photo jittered), ``two_jit`` / ``div2_jit`` (the first two photos / the two most diverse of the pool,
  jittered), ``four`` / ``four_jit`` (the first ``ENROL_TEMPLATES`` photos, plain / jittered), ``kiosk`` (the
  ``ENROL_TEMPLATES`` most diverse of the pool by farthest-point on plain encodings, jittered: what the
  kiosk's enrolment does with the crops of a registration). People with one photo are
  enrolled with it (padding) or probe as strangers.
- Probes (``--probe``): plain encodings, or jittered with 10 / 5 / 3 copies (the kiosk jitters the frames
  that decide with ``DecisionRule.probe_jitters``). The probe kind is used on both halves: the impostor tail
  changes with it, so the points are calibrated with the probes they will meet.
- Impostor tail: every probe photo against every other identity's templates (nearest template): the
  identity-level impostor scores of the variant ("pairs" below). A stranger searching N identities meets N
  such scores; with the pooled empirical distribution F of the scores the chance that the best is <= t
  and at least m nearer than the second is  (N / K) * sum over scores s <= t of (1 - F(s + m))^(N - 1)
  (order statistics of N draws). Pooling over probes overestimates the rate (1-(1-x)^N is concave), so
  it is a conservative model; below the smallest score seen it says 0, which the data cannot show: the
  bound printed with it is the 95% upper bound of the per-identity rate (3/K when no score <= t, "rule
  of three") turned into a per-search rate 1 - (1 - p)^N, margin ignored.
- Operating point per N: the largest threshold (and the margin that recognises most) whose modelled
  stranger rate is <= ``--target`` per search, on the calibration half.
- Per template-count class (issue 16): a stranger's distance to one identity is the
  minimum over its templates, so identities with more templates are closer to strangers. Each class (1, 2-3,
  4+ templates; ``CLASS_VARIANTS`` say which enrolment variants supply its identities) is calibrated on its own
  impostor tail for the same per-search target, i.e. about the same per-identity rate for every class; the
  held-out search then applies the point of the nearest identity's class ("per-count" rows) next to the
  kiosk-calibrated point for everyone ("single" rows).
- ``--znorm`` also shows "z-gal": Z-normalisation whose cohort is the searched gallery itself (no shipped
  cohort; the thresholds come from the calibration half normalised against itself).
- Report on the held-out half, two folds: half of its multi-photo people enrolled, the other half and
  its one-photo people are strangers; the gallery is padded to N identities with impostor scores drawn
  from the held-out half's own pool (``--reps`` draws per probe), so the tail is that of real faces.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_face_data import load_cache  # noqa: E402
from core.visitors.recognition.engine import QualityGates  # noqa: E402
from core.visitors.recognition.enrolment import ENROL_TEMPLATES, MAX_CROPS, most_diverse  # noqa: E402
from core.visitors.recognition.recognizer import MAX_TEMPLATES_PER_VISITOR  # noqa: E402

SIZES = (100, 500, 1_000, 10_000)
THRESHOLDS = np.round(np.arange(0.30, 0.561, 0.01), 2)
MARGINS = (0.0, 0.02, 0.04, 0.06, 0.08, 0.10, 0.12)
MIN_MARGIN = 0.06     # kept whatever the stranger model says: it also keeps two enrolled lookalikes apart
VARIANTS = ("one", "one_jit", "two_jit", "div2_jit", "four", "four_jit", "kiosk")
COUNT_CLASSES = (1, 3, MAX_TEMPLATES_PER_VISITOR)   # template-count classes (up to): 1, 2-3, 4+
CLASS_VARIANTS = (("one", "one_jit"), ("two_jit", "div2_jit"), ("four", "four_jit", "kiosk"))


def held_out(identity: str) -> bool:
    """The half of the identities never used for calibration (fixed: a hash of the name)."""
    return hashlib.sha256(identity.encode("utf-8")).digest()[0] % 2 == 1


def split_photos(indices: list[int]) -> tuple[list[int], list[int]]:
    """A person's usable photos -> (enrolment pool, probes)."""
    n = len(indices)
    if n < 3:
        return indices, []
    pool = indices[: min(n - max(1, n // 3), MAX_CROPS)]
    return pool, indices[len(pool):]


@dataclass
class Faces:
    plain: np.ndarray         # (n, 128) float32, usable photos
    jit: np.ndarray
    probe: np.ndarray         # what a returning visitor's frame gives: ``plain`` or ``jit`` (``--probe``)
    ident: np.ndarray         # identity index per photo
    names: np.ndarray         # identity names
    photos: dict[int, list[int]]

    @classmethod
    def load(cls, gates: QualityGates = QualityGates(), probe: str = "plain") -> "Faces":
        c = load_cache()
        ok = (~np.isnan(c["encoding"][:, 0]) & ~np.isnan(c["encoding_jit"][:, 0])
              & (c["face_px"] >= gates.min_face_px) & (c["sharpness"] >= gates.min_sharpness)
              & (c["yaw"] <= gates.max_yaw))
        order = np.lexsort((c["path"][ok], c["identity"][ok]))
        names, ident = np.unique(c["identity"][ok][order], return_inverse=True)
        photos: dict[int, list[int]] = {}
        for i, k in enumerate(ident):
            photos.setdefault(int(k), []).append(i)
        plain = c["encoding"][ok][order].astype(np.float32)
        jit = c["encoding_jit"][ok][order].astype(np.float32)
        probes = {"plain": plain, "jit": jit}.get(probe)
        if probe.startswith("jit") and probes is None:     # jit3 / jit5: bench_face_data.py --probe-jitters
            probes = c[f"encoding_{probe}"][ok][order].astype(np.float32)
        return cls(plain, jit, probes, ident, names, photos)


def templates(faces: Faces, person: int, variant: str) -> np.ndarray:
    pool, _ = split_photos(faces.photos[person])
    if variant == "one":
        return faces.plain[pool[:1]]
    if variant == "one_jit":
        return faces.jit[pool[:1]]
    if variant == "two_jit":
        return faces.jit[pool[:2]]
    if variant == "div2_jit":
        return faces.jit[[pool[i] for i in most_diverse(faces.plain[pool], 2)]]
    if variant == "four":
        return faces.plain[pool[:ENROL_TEMPLATES]]
    if variant == "four_jit":
        return faces.jit[pool[:ENROL_TEMPLATES]]
    if variant == "kiosk":
        return faces.jit[[pool[i] for i in most_diverse(faces.plain[pool], ENROL_TEMPLATES)]]
    raise ValueError(variant)


def distances(probes: np.ndarray, faces: Faces, people: list[int], variant: str) -> np.ndarray:
    """(probes, people): each probe's distance to the nearest template of each person."""
    out = np.empty((len(probes), len(people)), dtype=np.float64)
    for j, p in enumerate(people):
        t = templates(faces, p, variant).astype(np.float64)
        out[:, j] = np.sqrt(((probes[:, None, :] - t[None]) ** 2).sum(2)).min(1)
    return out


def impostor_pool(faces: Faces, people: list[int], variant: str) -> np.ndarray:
    """Sorted identity-level impostor scores among ``people``: every photo vs every other person."""
    idx = [i for p in people for i in faces.photos[p]]
    d = distances(faces.probe[idx].astype(np.float64), faces, people, variant)
    own = faces.ident[idx][:, None] == np.array(people)[None, :]
    return np.sort(d[~own])


def modelled_far(pool: np.ndarray, n: int, t: float, m: float) -> float:
    """Chance per stranger search of N identities that best <= t and second - best >= m (iid from pool)."""
    k = len(pool)
    low = pool[: np.searchsorted(pool, t, side="right")]
    if len(low) == 0:
        return 0.0
    above = 1.0 - np.searchsorted(pool, low + m, side="left") / k
    return float(min(1.0, n / k * np.sum(above ** (n - 1))))


def bound_far(pool: np.ndarray, n: int, t: float) -> float:
    """95% upper bound per search of N identities from the per-identity rate seen (margin ignored)."""
    k = len(pool)
    hits = int(np.searchsorted(pool, t, side="right"))
    p = 3.0 / k if hits == 0 else (hits + 1.645 * np.sqrt(hits) + 1.5) / k
    return float(1.0 - (1.0 - min(p, 1.0)) ** n)


def modelled_hit(genuine: np.ndarray, pool: np.ndarray, n: int, t: float, m: float) -> float:
    """Share of genuine probes recognised among N identities: own distance g <= t and every one of the
    N - 1 impostors >= g + m."""
    ok = genuine <= t
    above = 1.0 - np.searchsorted(pool, genuine[ok] + m, side="left") / len(pool)
    return float(np.sum(above ** (n - 1)) / len(genuine))


def genuine_scores(faces: Faces, people: list[int], variant: str) -> np.ndarray:
    out = []
    for p in people:
        _, probes = split_photos(faces.photos[p])
        if probes:
            out.extend(distances(faces.probe[probes].astype(np.float64), faces, [p], variant)[:, 0])
    return np.array(out)


@dataclass(frozen=True)
class OperatingPoint:
    size: int
    threshold: float
    margin: float
    modelled_far: float
    bound: float
    hit: float


def calibrate(pool: np.ndarray, genuine: np.ndarray, size: int, target: float) -> OperatingPoint | None:
    best: OperatingPoint | None = None
    for t in THRESHOLDS:
        for m in reversed(MARGINS):                  # at equal recognition the larger margin (safer) wins
            far = modelled_far(pool, size, t, m)
            if far > target:
                continue
            hit = modelled_hit(genuine, pool, size, t, m)
            if best is None or hit > best.hit + 1e-9:
                best = OperatingPoint(size, float(t), m, far, bound_far(pool, size, t), hit)
    if best is not None and best.margin < MIN_MARGIN:
        m = MIN_MARGIN
        best = OperatingPoint(size, best.threshold, m, modelled_far(pool, size, best.threshold, m), best.bound,
                              modelled_hit(genuine, pool, size, best.threshold, m))
    return best


def count_class(n: int) -> int:
    """Index of the template-count class of an identity with ``n`` templates (1, 2-3, 4+)."""
    return next((i for i, up in enumerate(COUNT_CLASSES) if n <= up), len(COUNT_CLASSES) - 1)


def class_of_people(faces: Faces, people: list[int], variant: str) -> np.ndarray:
    return np.array([count_class(len(templates(faces, p, variant))) for p in people])


def classed_pool(faces: Faces, people: list[int], variant: str) -> tuple[np.ndarray, np.ndarray]:
    """Identity-level impostor scores among ``people`` with the template-count class of the identity scored."""
    idx = [i for p in people for i in faces.photos[p]]
    d = distances(faces.probe[idx].astype(np.float64), faces, people, variant)
    own = faces.ident[idx][:, None] == np.array(people)[None, :]
    cls = np.broadcast_to(class_of_people(faces, people, variant)[None, :], d.shape)
    return d[~own], cls[~own]


def class_calibration_sets(faces: Faces, people: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per template-count class: (sorted impostor scores, genuine scores) of the identities of that class in
    the enrolment variants that produce it (``CLASS_VARIANTS``), pooled."""
    out = []
    for c, variants in enumerate(CLASS_VARIANTS):
        imp, gen = [], []
        for v in variants:
            s, k = classed_pool(faces, people, v)
            imp.append(s[k == c])
            for p in people:
                _, probes = split_photos(faces.photos[p])
                if probes and count_class(len(templates(faces, p, v))) == c:
                    gen.extend(distances(faces.probe[probes].astype(np.float64), faces, [p], v)[:, 0])
        out.append((np.sort(np.concatenate(imp)), np.array(gen)))
    return out


def search_report(faces: Faces, people: list[int], variant: str, size: int, points: list[tuple[float, float]],
                  reps: int, seed: int = 3) -> dict:
    """Held-out figures: real gallery of half the multi-photo people, padded with scores from the pool.
    ``points``: (threshold, margin) per template-count class, applied to the nearest identity's class."""
    rng = np.random.default_rng(seed)
    pool, pool_cls = classed_pool(faces, people, variant)
    thr = np.array([t for t, _ in points])
    mar = np.array([m for _, m in points])
    multi = [p for p in people if len(faces.photos[p]) >= 3]
    singles = [p for p in people if len(faces.photos[p]) < 3]
    s = dict(genuine=0, hit=0, wrong=0, strangers=0, accepted=0)
    for fold in (0, 1):
        enrolled, others = multi[fold::2], multi[1 - fold::2]
        gallery = enrolled + singles[fold::2]             # the rest of the one-photo people: strangers
        gallery_cls = class_of_people(faces, gallery, variant)
        strangers = others + singles[1 - fold::2]
        pad = max(0, size - len(gallery))
        probes_g = [(i, p) for p in enrolled for i in split_photos(faces.photos[p])[1]]
        probes_s = [(i, None) for p in strangers for i in faces.photos[p]]
        for probes, key in ((probes_g, "genuine"), (probes_s, "strangers")):
            idx = [i for i, _ in probes]
            d = distances(faces.probe[idx].astype(np.float64), faces, gallery, variant)
            truth = np.array([gallery.index(p) if p is not None else -1 for _, p in probes])
            ever = np.zeros(len(idx), dtype=bool)            # stranger photos accepted in some padding
            for _ in range(reps):
                pick = rng.integers(0, len(pool), size=(len(idx), pad))
                full = np.hstack([d, pool[pick]])
                cls = np.hstack([np.broadcast_to(gallery_cls[None, :], d.shape), pool_cls[pick]])
                order = np.argpartition(full, 1, axis=1)[:, :2] if full.shape[1] > 1 else None
                two = np.take_along_axis(full, order, 1)
                swap = two[:, 0] > two[:, 1]
                best_col = np.where(swap, order[:, 1], order[:, 0])
                best, second = two.min(1), two.max(1)
                best_cls = np.take_along_axis(cls, best_col[:, None], 1)[:, 0]
                accept = (best <= thr[best_cls]) & (second - best >= mar[best_cls])
                s[key] += len(idx)
                if key == "genuine":
                    s["hit"] += int(np.sum(accept & (best_col == truth)))
                    s["wrong"] += int(np.sum(accept & (best_col != truth)))
                else:
                    s["accepted"] += int(np.sum(accept))
                    ever |= accept
            if key == "strangers":
                s["accepted_photos"] = s.get("accepted_photos", 0) + int(ever.sum())
    s["searches_per_rep"] = s["strangers"] // reps
    return s


def scores(faces: Faces, people: list[int], variant: str, cohort: list[int] | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """(sorted impostor scores, genuine scores) among ``people``; with ``cohort``: Z-normalised, each
    distance as (d - mean) / std of the probe's distances to the cohort's identities (own one excluded)."""
    idx = [i for p in people for i in faces.photos[p]]
    probes = faces.probe[idx].astype(np.float64)
    d = distances(probes, faces, people, variant)
    if cohort is not None:
        c = distances(probes, faces, cohort, variant)
        c[faces.ident[idx][:, None] == np.array(cohort)[None, :]] = np.nan
        d = (d - np.nanmean(c, 1, keepdims=True)) / np.nanstd(c, 1, keepdims=True)
    own = faces.ident[idx][:, None] == np.array(people)[None, :]
    is_probe = np.array([i in set(split_photos(faces.photos[int(faces.ident[i])])[1]) for i in idx])
    return np.sort(d[~own]), d[own & is_probe[:, None]]


def znorm_report(faces: Faces, cal: list[int], test: list[int], variant: str, target: float) -> None:
    """Raw distance vs Z-normalised against an impostor cohort (the calibration people), per N: the point
    chosen on the calibration half, its modelled figures on the held-out half."""
    raw_cal, raw_test = scores(faces, cal, variant), scores(faces, test, variant)
    z_cal, z_test = scores(faces, cal, variant, cohort=cal), scores(faces, test, variant, cohort=cal)
    zg_test = scores(faces, test, variant, cohort=test)     # the searched gallery itself as the cohort
    z_grid = (np.round(np.arange(-7.0, -1.0, 0.1), 2), (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0))
    grids = {"raw": (THRESHOLDS, MARGINS), "z-norm": z_grid, "z-gal": z_grid}
    for name, (c_pool, c_gen), (t_pool, t_gen) in (("raw", raw_cal, raw_test), ("z-norm", z_cal, z_test),
                                                   ("z-gal", z_cal, zg_test)):
        ts, ms = grids[name]
        for size in SIZES:
            best = None
            for t in ts:
                for m in ms:
                    if modelled_far(c_pool, size, t, m) <= target:
                        h = modelled_hit(c_gen, c_pool, size, t, m)
                        if best is None or h > best[0] + 1e-9:
                            best = (h, t, m)
            if best is None:
                print(f"  {name:6} N={size:>6}: nothing meets the target")
                continue
            _, t, m = best
            print(f"  {name:6} N={size:>6}: t={t:.2f} m={m:.2f}  held-out modelled recognised "
                  f"{100 * modelled_hit(t_gen, t_pool, size, t, m):5.1f}%  stranger accepts/search "
                  f"{modelled_far(t_pool, size, t, m):.1e}")


def upper95_count(k: int, n: int) -> float:
    if n == 0:
        return float("nan")
    return 3.0 / n if k == 0 else (k + 1.645 * np.sqrt(k) + 1.5) / n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=float, default=0.01, help="modelled stranger accepts per search")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--curve", action="store_true", help="print the recognised / false-accept curve")
    ap.add_argument("--znorm", action="store_true", help="compare with Z-normalisation against a cohort")
    ap.add_argument("--probe", choices=("plain", "jit", "jit3", "jit5"), default="plain",
                    help="probe encodings: plain (one pass, as the camera encodes today), jittered like enrolment"
                         " (10), or with 3 / 5 jitters")
    ap.add_argument("--no-per-count", action="store_true", help="skip the per template-count rows")
    args = ap.parse_args()
    faces = Faces.load(probe=args.probe)
    print(f"probes: {args.probe} encodings")
    people = sorted(faces.photos)
    cal = [p for p in people if not held_out(str(faces.names[p]))]
    test = [p for p in people if held_out(str(faces.names[p]))]
    n_multi = lambda ps: sum(len(faces.photos[p]) >= 3 for p in ps)  # noqa: E731
    print(f"usable photos {len(faces.ident)}; calibration: {len(cal)} people ({n_multi(cal)} with >= 3 photos),"
          f" held out: {len(test)} ({n_multi(test)})")
    points: dict[str, list[OperatingPoint]] = {}
    for variant in ("one", "kiosk"):
        pool = impostor_pool(faces, cal, variant)
        gen = genuine_scores(faces, cal, variant)
        print(f"\n[{variant}] calibration: {len(pool)} identity-level impostor scores (min {pool[0]:.3f}, "
              f"0.01% {np.quantile(pool, 1e-4):.3f}), {len(gen)} genuine probes")
        if args.curve:
            print("  curve (modelled on this half): N t -> recognised % / stranger accepts per search, at margin"
                  " 0.06 and 0.12; 95% bound of the per-search rate from the scores seen (margin ignored)")
            for size in SIZES:
                for t in THRESHOLDS[::2]:
                    cells = "  ".join(f"m={m:.2f}: {100 * modelled_hit(gen, pool, size, t, m):5.1f}% / "
                                      f"{modelled_far(pool, size, t, m):.1e}" for m in (0.06, 0.12))
                    print(f"   N={size:>6} t={t:.2f}  {cells}  bound {bound_far(pool, size, t):.1e}")
        points[variant] = []
        for size in SIZES:
            op = calibrate(pool, gen, size, args.target)
            last = next((p for p in reversed(points[variant]) if p is not None), None)
            if op is not None and last is not None and op.margin < last.margin:   # never looser than a
                op = OperatingPoint(size, op.threshold, last.margin,               # smaller gallery's point
                                    modelled_far(pool, size, op.threshold, last.margin), op.bound,
                                    modelled_hit(gen, pool, size, op.threshold, last.margin))
            points[variant].append(op)
            if op is None:
                print(f"  N={size:>6}: no rule meets {args.target:g} per search")
            else:
                print(f"  N={size:>6}: t={op.threshold:.2f} m={op.margin:.2f}  recognised {100 * op.hit:.1f}%"
                      f"  modelled far {op.modelled_far:.1e}/search  95% bound {op.bound:.1e}")
    if args.znorm:
        for variant in ("one", "kiosk"):
            print(f"\n[{variant}] raw distance vs Z-normalised (cohort: the calibration people):")
            znorm_report(faces, cal, test, variant, args.target)
    rules = {"single": [[(op.threshold, op.margin)] * len(COUNT_CLASSES) for op in points["kiosk"]]}
    if not args.no_per_count:
        by_count = calibrate_by_count(faces, cal, args.target)
        rules["per-count"] = [[(op.threshold, op.margin) for op in row] for row in by_count]
    print("\nheld-out report: 'single' = the kiosk-calibrated point for every identity; 'per-count' = the"
          " point of the nearest identity's template-count class (1 / 2-3 / 4+)")
    print("rule | variant | N | points | recognised | wrong person | strangers accepted (searches, 95% upper)")
    for name, table in rules.items():
        for variant in VARIANTS:
            for size, pts in zip(SIZES, table):
                r = search_report(faces, test, variant, size, pts, args.reps)
                shown = " ".join(f"{t:.2f}/{m:.2f}" for t, m in (pts[:1] if name == "single" else pts))
                print(f"{name:9} | {variant:8} | {size:>6} | {shown} | "
                      f"{100 * r['hit'] / r['genuine']:5.1f}% of {r['genuine'] // args.reps} | {r['wrong']} | "
                      f"{r['accepted']} of {r['strangers']} ({r['accepted_photos']} of {r['searches_per_rep']} photos"
                      f" x {args.reps} paddings;"
                      f" <= {100 * upper95_count(r['accepted_photos'], r['searches_per_rep']):.2f}%"
                      f" per distinct photo)")


def calibrate_by_count(faces: Faces, cal: list[int], target: float) -> list[list[OperatingPoint]]:
    """Per gallery size, one operating point per template-count class, each calibrated on the impostor tail
    of that class alone for the same per-search target: a gallery of N identities of one class meets it, so
    every class has about the same per-identity impostor rate (~target / N) and a mixed gallery meets it too.
    Monotone: never looser for a larger gallery, nor for more templates; margin at least MIN_MARGIN."""
    sets = class_calibration_sets(faces, cal)
    print("\nper template-count class (calibration half):")
    for c, (pool, gen) in enumerate(sets):
        print(f"  class {c} (<= {COUNT_CLASSES[c]} templates, {'+'.join(CLASS_VARIANTS[c])}): {len(pool)}"
              f" impostor scores (min {pool[0]:.3f}), {len(gen)} genuine")
    table: list[list[OperatingPoint]] = []
    for size in SIZES:
        row: list[OperatingPoint] = []
        for c, (pool, gen) in enumerate(sets):
            op = calibrate(pool, gen, size, target)
            caps = [p for p in (table[-1][c] if table else None, row[-1] if row else None) if p is not None]
            t = min([op.threshold] + [p.threshold for p in caps]) if op else min(p.threshold for p in caps)
            m = max([op.margin if op else MIN_MARGIN] + [p.margin for p in caps])
            op = OperatingPoint(size, t, m, modelled_far(pool, size, t, m), bound_far(pool, size, t),
                                modelled_hit(gen, pool, size, t, m))
            row.append(op)
            per_identity = np.searchsorted(pool, t, side="right") / len(pool)
            print(f"  N={size:>6} class {c}: t={t:.2f} m={m:.2f}  recognised {100 * op.hit:.1f}%  modelled far "
                  f"{op.modelled_far:.1e}/search  per-identity {per_identity:.1e}  95% bound {op.bound:.1e}")
        table.append(row)
    return table


if __name__ == "__main__":
    main()
