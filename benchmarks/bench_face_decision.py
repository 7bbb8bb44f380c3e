"""The decision rule on the real photos at 100 / 1,000 / 10,000 enrolled identities.

    .venv/bin/python benchmarks/bench_face_decision.py [--sizes 100,1000,10000] [--grid]

Protocol (encodings from the cache of bench_face_data.py, quality gates applied):
- Returning visitors: people with >= 3 usable photos, split in two folds. In each fold one half is
  enrolled with 2 photos each (several templates per person); their other photos are the returning probes.
- Strangers: every photo of the other half, and half of the one-photo people. Never enrolled.
- Padding to N identities: the other half of the one-photo people, then synthetic identities drawn from a
  Gaussian fitted to the real between- and within-person spread (2 templates each). The synthetic ones
  have LIGHTER tails than real faces (their nearest impostor is farther), so the script also prints a
  real-tail estimate: 1 - (1 - p)^(templates in gallery), p = share of real impostor pairs under the
  threshold. Trust the larger of the two.
- One decision per probe photo with min_frames = 1 (frames of one moment are near-identical: agreement
  across frames removes blur and pose glitches, not lookalikes — photo-level figures are the honest ones).
- Above ``max_identities`` the rule asks for a second factor: the three birth years offered are the
  shortlisted candidates' (random here, 1940-2005) plus decoys; a returning visitor picks theirs, a
  stranger picks theirs only if offered (else "none of these"); then a 1:1 check at ``verify_threshold``.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_face_data import load_cache  # noqa: E402
from core.visitors.recognition.decision import DecisionRule, decide, verify_decision  # noqa: E402
from core.visitors.recognition.engine import QualityGates  # noqa: E402
from core.visitors.recognition.gallery import Gallery  # noqa: E402

SYNTH_BASE = 10_000_000   # synthetic identity ids start here


def usable(cache: dict, gates: QualityGates) -> np.ndarray:
    return (~np.isnan(cache["encoding"][:, 0]) & (cache["face_px"] >= gates.min_face_px)
            & (cache["sharpness"] >= gates.min_sharpness) & (cache["yaw"] <= gates.max_yaw))


class SyntheticFaces:
    def __init__(self, enc: np.ndarray, ident: np.ndarray, seed: int = 7) -> None:
        u, inv, cnt = np.unique(ident, return_inverse=True, return_counts=True)
        means = np.array([enc[inv == k].mean(0) for k in range(len(u))])
        res = np.vstack([(enc[inv == k] - means[k]) * np.sqrt(cnt[k] / (cnt[k] - 1))
                         for k in range(len(u)) if cnt[k] >= 2])
        self.mu = enc.mean(0)
        self.within = np.cov(res.T)
        w, v = np.linalg.eigh(np.cov(enc.T) - self.within)
        self.between = (v * np.clip(w, 0, None)) @ v.T
        self.rng = np.random.default_rng(seed)

    def identities(self, n: int, per_id: int = 2) -> tuple[np.ndarray, np.ndarray]:
        centres = self.rng.multivariate_normal(self.mu, self.between, size=n)
        noise = self.rng.multivariate_normal(np.zeros(128), self.within, size=n * per_id)
        return ((np.repeat(centres, per_id, axis=0) + noise).astype(np.float32),
                np.repeat(np.arange(SYNTH_BASE, SYNTH_BASE + n), per_id))


def impostor_pair_rate(enc: np.ndarray, ident: np.ndarray, threshold: float) -> float:
    sq = (enc * enc).sum(1)
    d = np.sqrt(np.maximum(sq[:, None] + sq[None] - 2 * enc @ enc.T, 0))
    iu = np.triu_indices(len(enc), 1)
    other = ident[iu[0]] != ident[iu[1]]
    return float((d[iu][other] <= threshold).mean())


def evaluate(cache: dict, rule: DecisionRule, gates: QualityGates, size: int, seed: int = 1) -> dict:
    ok = usable(cache, gates)
    enc, names = cache["encoding"][ok].astype(np.float64), cache["identity"][ok]
    uniq, ident = np.unique(names, return_inverse=True)
    counts = np.bincount(ident)
    rng = np.random.default_rng(seed)
    returning = np.flatnonzero(counts >= 3)
    singles = np.flatnonzero(counts == 1)
    pad_real, stranger_singles = singles[::2], singles[1::2]
    synth = SyntheticFaces(enc, ident)
    birth_year = {i: int(rng.integers(1940, 2006)) for i in range(len(uniq))}
    stats = dict(genuine=0, hit=0, wrong_person=0, strangers=0, false_match=0, second_factor=0)
    for fold in (0, 1):
        enrolled, held = returning[fold::2], returning[1 - fold::2]
        rows, labels, probes_genuine = [], [], []
        for p in enrolled:
            idx = np.flatnonzero(ident == p)
            rows.append(enc[idx[:2]]), labels.extend([p, p])
            probes_genuine.extend((i, p) for i in idx[2:])
        n_real = len(enrolled)
        pads = pad_real[: max(0, size - n_real)]
        for p in pads:
            rows.append(enc[ident == p]), labels.extend([p] * int(counts[p]))
        n_synth = max(0, size - n_real - len(pads))
        if n_synth:
            t, lab = synth.identities(n_synth)
            rows.append(t), labels.extend(lab.tolist())
        gallery = Gallery.from_arrays(np.vstack(rows).astype(np.float32), np.array(labels))
        strangers = [(i, None) for i in np.flatnonzero(np.isin(ident, held))]
        strangers += [(i, None) for i in np.flatnonzero(np.isin(ident, stranger_singles))]
        for probes, genuine in ((probes_genuine, True), (strangers, False)):
            queries = enc[[i for i, _ in probes]].astype(np.float32)
            for start in range(0, len(queries), 256):
                chunk = probes[start:start + 256]
                found = gallery.search(queries[start:start + 256])
                for (i, truth), nb in zip(chunk, found):
                    decision = decide([nb], gallery.identity_count, rule)
                    answer = decision.match.visitor_id if decision.match else None
                    if decision.needs_second_factor and decision.shortlist:
                        stats["second_factor"] += 1
                        answer = second_factor(gallery, decision.shortlist, queries[start + chunk.index((i, truth))],
                                               birth_year, ident[i], rule)
                    key = "genuine" if genuine else "strangers"
                    stats[key] += 1
                    if genuine and answer == truth:
                        stats["hit"] += 1
                    elif genuine and answer is not None:
                        stats["wrong_person"] += 1
                    elif not genuine and answer is not None:
                        stats["false_match"] += 1
    stats["templates"] = len(gallery)
    return stats


def second_factor(gallery: Gallery, shortlist: tuple[int, ...], query: np.ndarray, birth_year: dict,
                  person: int, rule: DecisionRule) -> int | None:
    """The citizen picks their own birth year if offered; it must single out one shortlisted candidate."""
    years = {c: birth_year.get(c, 1940 + (c * 7919) % 66) for c in shortlist}   # synthetic: fixed pseudo-year
    mine = birth_year[person]
    picked = [c for c, y in years.items() if y == mine]
    if len(picked) != 1:
        return None
    return (m.visitor_id if (m := verify_decision(gallery.distance_to(picked[0], query).tolist(), picked[0],
                                                  dataclasses.replace(rule, min_frames=1))) else None)


def upper95(k: int, n: int) -> float:
    """One-sided 95% upper bound of a rate (rule of three when k = 0, else normal approximation)."""
    if n == 0:
        return float("nan")
    if k == 0:
        return 3.0 / n
    p = k / n
    return p + 1.645 * np.sqrt(p * (1 - p) / n)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--grid", action="store_true", help="also scan threshold x margin at the first size")
    args = ap.parse_args()
    cache = load_cache()
    gates = QualityGates()
    rule = DecisionRule(min_frames=1)
    ok = usable(cache, gates)
    print(f"usable photos: {ok.sum()} of {len(ok)}; rule: {rule}")
    if args.grid:
        size = int(args.sizes.split(",")[0])
        print(f"\ngrid at {size} enrolled (1:N only): threshold margin -> hit%  stranger-FM%  wrong-person%")
        for t in (0.36, 0.38, 0.40, 0.42, 0.45, 0.50):
            for m in (0.0, 0.04, 0.06, 0.08):
                s = evaluate(cache, DecisionRule(threshold=t, margin=m, min_frames=1, max_identities=10**9),
                             gates, size)
                print(f"  {t:.2f} {m:.2f} -> {100 * s['hit'] / s['genuine']:5.1f}  "
                      f"{100 * s['false_match'] / s['strangers']:5.2f}  {100 * s['wrong_person'] / s['genuine']:5.2f}")
    enc = cache["encoding"][ok].astype(np.float32)
    p_pair = impostor_pair_rate(enc, cache["identity"][ok], rule.point_for(100)[0])
    print("\nenrolled | mode | returning recognised | wrong person | strangers accepted (95% upper) | real-tail est.")
    for size in (int(s) for s in args.sizes.split(",")):
        s = evaluate(cache, rule, gates, size)
        mode = "1:N" if size <= rule.max_identities else "2nd factor"
        fm = s["false_match"] / s["strangers"]
        tail = 1 - (1 - p_pair) ** s["templates"] if size <= rule.max_identities else float("nan")
        print(f"{size:>8} | {mode:10} | {100 * s['hit'] / s['genuine']:5.1f}% of {s['genuine']} "
              f"| {s['wrong_person']} | {100 * fm:.2f}% of {s['strangers']} (<= {100 * upper95(s['false_match'], s['strangers']):.2f}%)"
              f" | {100 * tail:.2f}%")


if __name__ == "__main__":
    main()
