"""The decision rule: when is a face "this visitor", and when is it "unknown"?

A false match shows a stranger another citizen's name, so every doubt resolves to "unknown":

1. Only frames that pass the quality gates count, and at least ``min_frames`` of them are needed.
2. Each frame is searched 1:N; its nearest identity must be within a threshold AND at least a
   margin nearer than the second-best identity (ranking is easy, a bare threshold is not). Both depend
   on how many identities are searched: a stranger's best impostor distance is the minimum over all of
   them, so the more identities, the stricter the point (``operating_points``, calibrated on the real
   impostor tail of ../shared/faces by benchmarks/bench_face_calibrate.py).
3. The frames must agree: ``min_frames`` agreeing frames and no frame that names someone else.
4. The search must be small enough to be safe. dlib's model cannot separate thousands of people
   (the chance that some enrolled stranger-lookalike falls under the threshold grows with the
   gallery), so the caller narrows the search (visitors seen at this centre recently), and above
   ``max_identities`` the rule does not answer 1:N at all: it returns a short list of candidates
   for a 1:1 check with a second factor (the date of birth typed on the keypad, or the CCCD).

The figures behind the defaults are in BENCHMARKS.md ("Face recognition").
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Sequence

from core.visitors.recognition.gallery import Neighbours


@dataclass(frozen=True)
class Match:
    """A recognised visitor. ``distance``: median over agreeing frames; ``margin``: the smallest gap
    to the second-best identity among them."""
    visitor_id: int
    distance: float
    margin: float
    frames_agreeing: int


# (searched identities up to, threshold, margin), calibrated by benchmarks/bench_face_calibrate.py --probe jit on
# the real impostor tail of half the identities of ../shared/faces, with the kiosk's enrolment (4 jittered
# templates) and probes encoded with PROBE_JITTERS jittered copies (the frames that decide: the camera
# worker's encode_deciding): the loosest point whose modelled stranger accepts stay <= 1 % per search. Up to
# 100 people that is 0.41 / 0.08 (0.42 / 0.08 for plain probes: jittered probes come a little nearer to
# strangers too); from 500 on no threshold above the closest impostor seen (0.365) meets it, so the point
# stays under it (the margin never shrinks as the gallery grows). Figures, bounds and what they cannot show:
# BENCHMARKS.md ("Calibrated rule", "Jittered probes").
# One point for everybody, whatever their number of templates: points per template count were tried (a
# looser one for people with one template) and accepted held-out strangers (BENCHMARKS.md, "Operating points
# per template count"). The 1 % at <= 100 is that of a gallery mixing 1-4 templates per person; for people
# with 4 templates alone the same model says ~3 % (one lookalike pair in the calibration half).
PROBE_JITTERS = 10
CALIBRATED_POINTS: tuple[tuple[int, float, float], ...] = (
    (100, 0.41, 0.08),
    (500, 0.36, 0.08),
    (1_000, 0.36, 0.08),
    (10_000, 0.36, 0.08),
)


@dataclass(frozen=True)
class DecisionRule:
    threshold: float | None = None   # fixed threshold (tests, benchmarks); None: the calibrated point
    margin: float | None = None      # fixed margin to the second-best identity; None: the calibrated point
    min_frames: int = 2              # agreeing good frames needed
    max_identities: int = 500        # above: no 1:N answer, shortlist for a second factor
    verify_threshold: float = 0.45   # 1:1 check (the second factor carries the rest of the proof)
    shortlist_size: int = 3          # candidates checked by the second factor (never shown)
    shortlist_threshold: float = 0.45  # a candidate must be at least this close to be offered
    operating_points: tuple[tuple[int, float, float], ...] = CALIBRATED_POINTS
    # jittered copies averaged into the encoding of each frame that decides (the camera worker's
    # encode_deciding): the points above are calibrated for probes encoded this way
    probe_jitters: int = PROBE_JITTERS

    def point_for(self, identities: int) -> tuple[float, float]:
        """(threshold, margin) for a search over ``identities`` people: the calibrated point of the
        smallest calibrated size that covers it (the largest one beyond), unless fixed."""
        size_t, size_m = self.operating_points[-1][1:]
        for size, t, m in self.operating_points:
            if identities <= size:
                size_t, size_m = t, m
                break
        return (size_t if self.threshold is None else self.threshold,
                size_m if self.margin is None else self.margin)


@dataclass(frozen=True)
class Decision:
    """The full answer: ``match`` or the reason there is none; ``shortlist`` when a second factor is needed."""
    match: Match | None
    reason: str     # "match", "unknown", "ambiguous", "conflict", "too_few_frames", "second_factor", "empty"
    shortlist: tuple[int, ...] = field(default=())

    @property
    def needs_second_factor(self) -> bool:
        return self.reason == "second_factor"


def decide(frames: Sequence[Neighbours], identity_count: int, rule: DecisionRule) -> Decision:
    """Apply the rule to the per-frame search results of one person in front of the camera."""
    if identity_count == 0:
        return Decision(None, "empty")
    if len(frames) < rule.min_frames:
        return Decision(None, "too_few_frames")
    if identity_count > rule.max_identities:
        return Decision(None, "second_factor", shortlist_from(frames, rule))
    threshold, margin = rule.point_for(identity_count)
    votes = Counter(f.best_id for f in frames if f.best_distance <= threshold)
    if not votes:
        return Decision(None, "unknown")
    if len(votes) > 1:       # two frames name two different people: never guess between them
        return Decision(None, "conflict")
    candidate = next(iter(votes))
    agreeing = [f for f in frames if f.best_id == candidate and f.best_distance <= threshold
                and f.margin >= margin]
    if len(agreeing) < rule.min_frames:
        return Decision(None, "ambiguous" if votes[candidate] >= rule.min_frames else "unknown")
    return Decision(Match(candidate, float(median(f.best_distance for f in agreeing)),
                          float(min(f.margin for f in agreeing)), len(agreeing)), "match")


def shortlist_from(frames: Sequence[Neighbours], rule: DecisionRule) -> tuple[int, ...]:
    """Identities named by the frames, nearest first, close enough to be worth a 1:1 check."""
    best: dict[int, float] = {}
    for f in frames:
        for vid, dist in ((f.best_id, f.best_distance), (f.second_id, f.second_distance)):
            if vid is not None and dist <= rule.shortlist_threshold:
                best[vid] = min(dist, best.get(vid, dist))
    return tuple(sorted(best, key=best.__getitem__)[: rule.shortlist_size])


def verify_decision(distances: Sequence[float], visitor_id: int, rule: DecisionRule) -> Match | None:
    """1:1: enough good frames within ``verify_threshold`` of this visitor's templates."""
    close = [d for d in distances if d <= rule.verify_threshold]
    if len(distances) < rule.min_frames or len(close) < rule.min_frames:
        return None
    return Match(visitor_id, float(median(close)), float("nan"), len(close))
