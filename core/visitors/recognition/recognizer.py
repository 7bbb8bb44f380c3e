"""``Recognizer``: encode, enrol, identify (1:N) and verify (1:1) — the API the kiosk screens call."""
from __future__ import annotations

from typing import Iterable, Protocol, Sequence

import numpy as np

from core.visitors.recognition.decision import Decision, DecisionRule, Match, decide, verify_decision
from core.visitors.recognition.engine import FaceSample, ImageInput, QualityGates, analyse, stack
from core.visitors.recognition.gallery import Gallery

MAX_TEMPLATES_PER_VISITOR = 5     # enrolment photos + refreshes on confirmed visits, newest kept
REFRESH_MIN_NOVELTY = 0.15        # a refresh template must differ this much from the ones kept


class TemplateSource(Protocol):
    """Where templates live (``core.visitors.store.VisitorStore``); the gallery is its in-memory copy."""

    def templates_for(self, visitor_ids: Iterable[int] | None = None) -> tuple[np.ndarray, np.ndarray]: ...
    def add_templates(self, visitor_id: int, encodings: Sequence[np.ndarray],
                      keep_newest: int = MAX_TEMPLATES_PER_VISITOR) -> int: ...


class Recognizer:
    """Face recognition of consenting visitors.

    ``store``: a :class:`TemplateSource` (templates are loaded from it and enrolments written to it —
    it refuses visitors without consent) or None for an in-memory gallery (tests, benchmarks).
    """

    def __init__(self, store: TemplateSource | None = None, rule: DecisionRule = DecisionRule(),
                 gates: QualityGates = QualityGates()) -> None:
        self.store, self.rule, self.gates = store, rule, gates
        self.gallery = Gallery()
        self.reload()

    def reload(self) -> None:
        """Re-read every template from the store (after a purge or a deletion made elsewhere)."""
        if self.store is not None:
            templates, labels = self.store.templates_for(None)
            self.gallery = Gallery.from_arrays(templates, labels)

    # --- encoding ---------------------------------------------------------------------------
    def analyse(self, images: Iterable[ImageInput]) -> list[FaceSample]:
        """Per image: the encoding, or why it was rejected (no face, too small, blurred, not frontal)."""
        return [analyse(image, self.gates) for image in images]

    def encode(self, images: Iterable[ImageInput]) -> list[np.ndarray]:
        """Encodings of the images that pass the quality gates (others are skipped)."""
        return [s.encoding for s in self.analyse(images) if s.encoding is not None]

    # --- enrolment --------------------------------------------------------------------------
    def enroll(self, visitor_id: int, images: Iterable[ImageInput]) -> int:
        """Add templates from the good images; returns how many were added (0 if none was usable)."""
        encodings = self.encode(images)
        return self.add_encodings(visitor_id, encodings)

    def add_encodings(self, visitor_id: int, encodings: Sequence[np.ndarray]) -> int:
        if not encodings:
            return 0
        if self.store is not None:
            added = self.store.add_templates(visitor_id, encodings)   # raises if no consent
            self.gallery.remove(visitor_id)
            templates, labels = self.store.templates_for([visitor_id])
            self.gallery.add(visitor_id, list(templates))
            return added
        kept = [*self.gallery.templates_of(visitor_id), *encodings][-MAX_TEMPLATES_PER_VISITOR:]
        self.gallery.remove(visitor_id)
        self.gallery.add(visitor_id, kept)
        return len(encodings)

    def forget(self, visitor_id: int) -> int:
        """Drop a visitor from the in-memory gallery (the store deletes the rows)."""
        return self.gallery.remove(visitor_id)

    def refresh(self, match: Match, encodings: Sequence[np.ndarray]) -> bool:
        """After a confirmed visit, keep the frame that adds most (faces change over the years)."""
        if not encodings:
            return False
        mine = self.gallery.templates_of(match.visitor_id)
        dist = self.gallery.distance_to(match.visitor_id, stack(encodings))
        best = int(np.argmax(dist)) if len(mine) else 0
        threshold = self.rule.point_for(self.gallery.identity_count)[0]
        if len(mine) and not REFRESH_MIN_NOVELTY <= dist[best] <= threshold:
            return False
        return self.add_encodings(match.visitor_id, [encodings[best]]) == 1

    # --- recognition ------------------------------------------------------------------------
    def decide_encodings(self, encodings: Sequence[np.ndarray],
                         candidates: Iterable[int] | None = None) -> Decision:
        gallery = self.gallery if candidates is None else self.gallery.restricted(candidates)
        frames = gallery.search(stack(encodings)) if encodings else []
        return decide(frames, gallery.identity_count, self.rule)

    def decide(self, images: Iterable[ImageInput], candidates: Iterable[int] | None = None) -> Decision:
        """The full decision for frames of one person: a match, a shortlist for a second factor, or a reason."""
        return self.decide_encodings(self.encode(images), candidates)

    def identify(self, images: Iterable[ImageInput], candidates: Iterable[int] | None = None) -> Match | None:
        """1:N among all (or ``candidates``, e.g. visitors seen here recently); None means unknown."""
        return self.decide(images, candidates).match

    def verify(self, visitor_id: int, images: Iterable[ImageInput]) -> Match | None:
        """1:1 against one visitor, used together with a second factor (date of birth, CCCD)."""
        return self.verify_encodings(visitor_id, self.encode(images))

    def verify_encodings(self, visitor_id: int, encodings: Sequence[np.ndarray]) -> Match | None:
        if not encodings:
            return None
        return verify_decision(self.gallery.distance_to(visitor_id, stack(encodings)).tolist(),
                               visitor_id, self.rule)
