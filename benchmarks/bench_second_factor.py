"""False-accept estimate of the second factor (the date of birth typed on the keypad), from the real photos.

    KIOSK_FACES_DIR=../shared/faces .venv/bin/python benchmarks/bench_second_factor.py

A stranger is greeted as someone else only if (1) their face brings at least one enrolled visitor onto the
shortlist (within ``shortlist_threshold``; the 1:1 check afterwards uses ``verify_threshold``, the same 0.45),
and (2) the answer typed matches exactly one shortlisted candidate within ``ATTEMPTS`` tries.

(1) is measured on the real impostor tail of ``../shared/faces`` (encodings cached by bench_face_data.py):
- every cross-identity pair of usable photos: p = share of pairs within 0.45 (one template vs one photo);
- leave-one-identity-out: each photo against every other person's photos, how many identities come within
  0.45 (the shortlist a stranger would get in a gallery of the other 206 people).
For N searched identities with T templates each, an identity is a candidate with q = 1 - (1 - p)^T and the
number of candidates is Binomial(N, q), capped at the shortlist size (3).

(2) is computed: birth dates are not in the photos. Per try, a stranger typing their OWN date of birth hits a
given candidate 1 time in 365 x Y (Y = years over which the two birth years spread: 66 for 1940-2005, 11 for a
lookalike of about the same age, +-5 years); one GUESSING (knowing roughly the age, +-5 years: 365 x 11) the
same per try, over ATTEMPTS tries. Day + month alone: 1 in 365 per try. The old screen (three dates shown,
k of them real candidates): a random tap wins k in 3.
"""
from __future__ import annotations

import sys
from math import comb
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_face_data import load_cache  # noqa: E402
from bench_face_decision import usable  # noqa: E402
from core.visitors.recognition.decision import DecisionRule  # noqa: E402
from core.visitors.recognition.engine import QualityGates  # noqa: E402
from core.visitors.second_factor import ATTEMPTS  # noqa: E402

SIZES = (1_000, 10_000)
TEMPLATES = (2, 5)                 # at enrolment / after refreshes (the gallery keeps up to 5)


def candidates_distribution(n: int, q: float, cap: int) -> list[float]:
    """P(K = k) for k = 0..cap, K = min(Binomial(n, q), cap)."""
    pk = [comb(n, k) * q ** k * (1 - q) ** (n - k) for k in range(cap)]
    return [*pk, max(0.0, 1 - sum(pk))]


def accept_given(k: int, per_try: float, tries: int) -> float:
    """At least one of ``tries`` answers names one of ``k`` candidates (distinct dates), per_try each."""
    return 1 - (1 - min(1.0, k * per_try)) ** tries


def main() -> None:
    rule, gates = DecisionRule(), QualityGates()
    cache = load_cache()
    ok = usable(cache, gates)
    enc, names = cache["encoding"][ok].astype(np.float64), cache["identity"][ok]
    _, ident = np.unique(names, return_inverse=True)
    n_ids = int(ident.max()) + 1
    sq = (enc * enc).sum(1)
    d = np.sqrt(np.maximum(sq[:, None] + sq[None] - 2 * enc @ enc.T, 0))
    iu = np.triu_indices(len(enc), 1)
    other = ident[iu[0]] != ident[iu[1]]
    pairs = d[iu][other]
    t = rule.shortlist_threshold
    p = float((pairs <= t).mean())
    print(f"{len(enc)} usable photos, {n_ids} people, {len(pairs):,} impostor pairs")
    print(f"impostor pairs within {t:.2f}: {int((pairs <= t).sum())} = {p:.2e} "
          f"(within {rule.threshold:.2f}: {float((pairs <= rule.threshold).mean()):.2e})")

    # leave-one-identity-out: identities within t of each photo, among the other people
    near = np.zeros(len(enc), dtype=int)
    for i in range(len(enc)):
        close = (d[i] <= t) & (ident != ident[i])
        near[i] = len(np.unique(ident[close]))
    templates_per_id = len(enc) / n_ids
    q_emp = near.mean() / (n_ids - 1)
    print(f"each photo vs the other {n_ids - 1} people ({templates_per_id:.1f} photos each): "
          f"{int((near > 0).sum())} of {len(enc)} photos have a candidate ({(near > 0).mean():.2%}); "
          f"per identity q = {q_emp:.2e} (model 1-(1-p)^{templates_per_id:.1f} = "
          f"{1 - (1 - p) ** templates_per_id:.2e})")

    cases = {   # name: (chance per try of naming a given candidate, tries)
        "honest, own date (ages 1940-2005)": (1 / (365 * 66), 1),
        "honest, own date (lookalike +-5 y)": (1 / (365 * 11), 1),
        f"guessing, age known +-5 y, {ATTEMPTS} tries": (1 / (365 * 11), ATTEMPTS),
        f"day+month only, guessing, {ATTEMPTS} tries": (1 / 365, ATTEMPTS),
    }
    print(f"\nstranger greeted as someone else, per visit (shortlist <= {rule.shortlist_size})")
    print("| searched | templates | P(shortlisted) | E[candidates] | " + " | ".join(cases)
          + " | old screen, random tap |")
    for n in SIZES:
        for tpl in TEMPLATES:
            q = 1 - (1 - p) ** tpl
            dist = candidates_distribution(n, q, rule.shortlist_size)
            reach = 1 - dist[0]
            mean_k = sum(k * pk for k, pk in enumerate(dist))
            cells = [sum(pk * accept_given(k, pt, tries) for k, pk in enumerate(dist)) for pt, tries in cases.values()]
            old = sum(pk * min(1.0, k / 3) for k, pk in enumerate(dist))
            print(f"| {n:,} | {tpl} | {reach:.1%} | {mean_k:.2f} | " + " | ".join(f"{c:.4%}" for c in cells)
                  + f" | {old:.1%} |")


if __name__ == "__main__":
    main()
