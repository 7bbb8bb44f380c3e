"""Exact, vectorised 1:N search over enrolled templates (several per person).

One float32 matrix product ``templates @ queries`` per decision (no ANN index: approximate indexes
missed true neighbours on these vectors). Squared distances come from ``|g|² - 2 g·q + |q|²`` with the
template norms computed once. The best and the second-best *identity* are exact: with at most
``max_per_identity`` templates per person, the nearest template of another person is always among the
``max_per_identity + 1`` nearest templates, so a partial sort of that many is enough.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np

DIM = 128


@dataclass(frozen=True)
class Neighbours:
    """The nearest two identities for one query (distance is Euclidean, as face_recognition's)."""
    best_id: int | None
    best_distance: float
    second_id: int | None
    second_distance: float        # inf when only one identity was searched

    @property
    def margin(self) -> float:
        return self.second_distance - self.best_distance


NOBODY = Neighbours(None, float("inf"), None, float("inf"))


class Gallery:
    """Templates in memory: ``(n, 128)`` float32 and one visitor id per row."""

    def __init__(self) -> None:
        self._templates = np.zeros((0, DIM), dtype=np.float32)
        self._labels = np.zeros(0, dtype=np.int64)
        self._norms = np.zeros(0, dtype=np.float32)
        self._per_id: dict[int, int] = {}

    @classmethod
    def from_arrays(cls, templates: np.ndarray, labels: np.ndarray) -> "Gallery":
        g = cls()
        g._set(np.asarray(templates, dtype=np.float32), np.asarray(labels, dtype=np.int64))
        return g

    def _set(self, templates: np.ndarray, labels: np.ndarray) -> None:
        if templates.ndim != 2 or templates.shape[1] != DIM or len(templates) != len(labels):
            raise ValueError(f"templates must be (n, {DIM}) with one label each")
        self._templates = np.ascontiguousarray(templates, dtype=np.float32)
        self._labels = np.ascontiguousarray(labels, dtype=np.int64)
        self._norms = np.einsum("ij,ij->i", self._templates, self._templates)
        ids, counts = np.unique(self._labels, return_counts=True)
        self._per_id = dict(zip(ids.tolist(), counts.tolist()))

    def add(self, visitor_id: int, encodings: Iterable[np.ndarray]) -> int:
        rows = [np.asarray(e, dtype=np.float32).reshape(DIM) for e in encodings]
        if rows:
            self._set(np.vstack([self._templates, *rows]),
                      np.concatenate([self._labels, np.full(len(rows), visitor_id, dtype=np.int64)]))
        return len(rows)

    def remove(self, visitor_id: int) -> int:
        keep = self._labels != visitor_id
        removed = int((~keep).sum())
        if removed:
            self._set(self._templates[keep], self._labels[keep])
        return removed

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def identity_count(self) -> int:
        return len(self._per_id)

    def identities(self) -> list[int]:
        return list(self._per_id)

    def templates_of(self, visitor_id: int) -> np.ndarray:
        return self._templates[self._labels == visitor_id]

    @property
    def nbytes(self) -> int:
        return self._templates.nbytes + self._labels.nbytes + self._norms.nbytes

    def restricted(self, candidates: Iterable[int]) -> "Gallery":
        """A sub-gallery of the given visitors (e.g. seen at this centre recently)."""
        mask = np.isin(self._labels, np.fromiter(candidates, dtype=np.int64))
        if mask.all():
            return self                   # everyone is a candidate (the usual case): no 15 MB copy per frame
        return Gallery.from_arrays(self._templates[mask], self._labels[mask])

    def search(self, queries: np.ndarray) -> list[Neighbours]:
        """Nearest and second-nearest identity for each query row (exact)."""
        q = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        if len(self._labels) == 0:
            return [NOBODY for _ in range(len(q))]
        d2 = self._norms[:, None] - 2.0 * (self._templates @ q.T)     # (n, f); |q|² added per column
        d2 += np.einsum("ij,ij->i", q, q)[None, :]
        k = min(max(self._per_id.values()) + 1, len(self._labels))
        results = []
        for col in range(q.shape[0]):
            column = d2[:, col]
            near = np.argpartition(column, k - 1)[:k] if k < len(column) else np.arange(len(column))
            near = near[np.argsort(column[near])]
            best = int(near[0])
            best_id = int(self._labels[best])
            others = near[self._labels[near] != best_id]
            best_d = float(np.sqrt(max(column[best], 0.0)))
            if len(others):
                o = int(others[0])
                results.append(Neighbours(best_id, best_d, int(self._labels[o]),
                                          float(np.sqrt(max(column[o], 0.0)))))
            else:
                results.append(Neighbours(best_id, best_d, None, float("inf")))
        return results

    def distance_to(self, visitor_id: int, queries: np.ndarray) -> np.ndarray:
        """For a 1:1 check: each query's distance to the nearest template of one visitor (inf if none)."""
        q = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        mine = self.templates_of(visitor_id)
        if len(mine) == 0:
            return np.full(len(q), np.inf)
        diff = mine[:, None, :] - q[None, :, :]
        return np.sqrt((diff * diff).sum(axis=2)).min(axis=0)
