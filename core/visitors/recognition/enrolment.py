"""Enrolment templates from the seconds the camera sees a citizen while they register (Qt-free).

Between "agree" and the CCCD scan the camera sees the person for several seconds. Frames of one moment are
near-identical, so the templates are chosen for *diversity*: a bounded set of face crops of different
moments is kept in memory (:class:`EnrolmentCrops`), the most different of them are picked by greedy
farthest-point selection on their plain encodings (:func:`most_diverse`), and those are encoded again with
dlib's jitter (:func:`enrolment_templates`). Measured on ../shared/faces in BENCHMARKS.md ("Enrolment").

The crops are face regions (never whole frames), held only for the person registering, dropped when they
register, leave or the kiosk turns to the next citizen; nothing here writes anything anywhere.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from core.visitors.recognition.engine import FaceCrop, encode_crop

ENROL_TEMPLATES = 4       # templates stored at enrolment (MAX_TEMPLATES_PER_VISITOR leaves room to refresh)
ENROL_JITTERS = 10        # dlib num_jitters for enrolment templates (~1 s per crop on the kiosk's CPU)
MAX_CROPS = 12            # face crops kept for the person registering (~0.2 MB each)
MIN_NOVELTY = 0.03        # a crop nearer than this to one kept is the same moment again: not kept


def most_diverse(encodings: np.ndarray, k: int) -> list[int]:
    """Indices of ``k`` rows chosen by greedy farthest-point selection: first the most typical row (nearest
    the mean, a good frontal template), then each time the row farthest from all chosen so far."""
    enc = np.asarray(encodings, dtype=np.float64)
    n = len(enc)
    if n == 0 or k <= 0:
        return []
    first = int(np.argmin(np.linalg.norm(enc - enc.mean(axis=0), axis=1)))
    chosen = [first]
    nearest = np.linalg.norm(enc - enc[first], axis=1)        # each row's distance to the chosen set
    while len(chosen) < min(k, n):
        nxt = int(np.argmax(nearest))
        if nearest[nxt] <= 0.0:
            break                                           # only duplicates left
        chosen.append(nxt)
        nearest = np.minimum(nearest, np.linalg.norm(enc - enc[nxt], axis=1))
    return chosen


class EnrolmentCrops:
    """A bounded set of face crops of different moments, for the person registering (memory only)."""

    def __init__(self, limit: int = MAX_CROPS, min_novelty: float = MIN_NOVELTY) -> None:
        self.limit, self.min_novelty = limit, min_novelty
        self._crops: list[FaceCrop] = []

    def __len__(self) -> int:
        return len(self._crops)

    def add(self, crop: FaceCrop) -> bool:
        """Keep ``crop`` unless it repeats one kept; when full, drop the most redundant crop instead
        (the one nearest to another), so the set keeps spanning the moments seen."""
        enc = np.asarray(crop.encoding, dtype=np.float64)
        if self._crops:
            kept = np.array([c.encoding for c in self._crops], dtype=np.float64)
            if float(np.linalg.norm(kept - enc, axis=1).min()) < self.min_novelty:
                return False
        self._crops.append(crop)
        if len(self._crops) > self.limit:
            kept = np.array([c.encoding for c in self._crops], dtype=np.float64)
            d = np.linalg.norm(kept[:, None] - kept[None], axis=2)
            np.fill_diagonal(d, np.inf)
            self._crops.pop(int(np.argmin(d.min(axis=1))))
        return True

    def take(self) -> list[FaceCrop]:
        """The crops, handed over once: the set is empty afterwards."""
        crops, self._crops = self._crops, []
        return crops

    def clear(self) -> None:
        self._crops = []


def enrolment_templates(crops: Sequence[FaceCrop], k: int = ENROL_TEMPLATES,
                        jitters: int = ENROL_JITTERS) -> list[np.ndarray]:
    """The ``k`` most diverse crops, encoded with jitter: the person's templates. Slow (~``jitters`` dlib
    passes per crop): run it on a worker thread, never on the GUI thread."""
    if not crops:
        return []
    chosen = most_diverse(np.array([c.encoding for c in crops]), k)
    return [encode_crop(crops[i], jitters) for i in chosen]
