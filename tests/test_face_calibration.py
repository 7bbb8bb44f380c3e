"""The calibrated decision rule on people the calibration never saw (the held-out half of ../shared/faces).

For every gallery size at which the rule answers 1:N, every held-out photo is searched as a stranger (its
own identity removed from the gallery): none may be accepted at that size's operating point; with its
identity enrolled it may only be given its own identity. Galleries of one photo per person, and of several
templates per person as the kiosk's enrolment keeps (a stranger's distance to a person is the minimum over
that person's templates, so more templates give strangers more chances). Templates are encoded with the
enrolment's jitter, probes with the rule's ``probe_jitters`` (what the camera worker does for the frames
that decide), as the operating points are calibrated. Computed from the photos, not from a table
(~1 s a photo: 261 held-out photos, 10 jitters).
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from core.visitors.recognition import DecisionRule, Gallery
from core.visitors.recognition.decision import CALIBRATED_POINTS, decide
from core.visitors.recognition.engine import analyse, encode_crop
from core.visitors.recognition.enrolment import ENROL_JITTERS, ENROL_TEMPLATES, most_diverse
from tests.shared_faces import FACES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from bench_face_calibrate import held_out, split_photos  # noqa: E402

pytestmark = [pytest.mark.faces,
              pytest.mark.timeout(1200),   # the module's photos: ~5 min on 2 shared cores (jitter 10 each)
              pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                                 reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")]

RULE = DecisionRule(min_frames=1)          # the kiosk's rule, one photo = one decision


class Photo:
    """One usable photo: its plain encoding (the kiosk chooses among crops by it), the enrolment's jittered
    encoding (a template) and the probe's (a frame that decides)."""

    def __init__(self, path: Path) -> None:
        sample = analyse(path, keep_crop=True)
        self.ok = sample.ok
        if not self.ok:
            return
        self.plain = sample.encoding
        self.template = encode_crop(sample.crop, ENROL_JITTERS)
        self.probe = (self.template if RULE.probe_jitters == ENROL_JITTERS
                      else encode_crop(sample.crop, RULE.probe_jitters))   # the same computation: reused


@pytest.fixture(scope="module")
def held_out_faces() -> dict[str, list[Photo]]:
    """Every held-out person's usable photos, in file order."""
    import csv
    by_person: dict[str, list[Path]] = defaultdict(list)
    with open(FACES / "manifest.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if held_out(row["identity"]):
                by_person[row["identity"]].append(FACES / row["file"])
    people = sorted(by_person.items())
    files = [f for _name, fs in people for f in sorted(fs)]
    # jitter 10 is ~1 s a photo: every core encodes (spawned processes: nothing of this one is inherited)
    workers = max(1, min(4, os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        encoded = dict(zip(files, pool.map(Photo, files, chunksize=8)))
    out = {}
    for name, fs in people:
        photos = [p for p in (encoded[f] for f in sorted(fs)) if p.ok]
        if photos:
            out[name] = photos
    return out


def probes_of(photos: list[Photo]) -> np.ndarray:
    return np.array([p.probe for p in photos])


def one_photo_gallery(faces: dict[str, list[Photo]], without: str | None = None) -> tuple[Gallery, list[str]]:
    names = [n for n in faces if n != without]
    templates = [split_photos(faces[n])[0][0].template for n in names]   # the first photo of the enrolment pool
    return Gallery.from_arrays(np.array(templates), np.arange(len(names))), names


def kiosk_gallery(faces: dict[str, list[Photo]], without: str | None = None) -> tuple[Gallery, list[str]]:
    """Each person's ENROL_TEMPLATES most diverse photos of their enrolment pool (farthest-point on the plain
    encodings), jittered: what the kiosk's enrolment keeps of the crops of a registration."""
    names = [n for n in faces if n != without]
    rows, labels = [], []
    for vid, name in enumerate(names):
        pool = split_photos(faces[name])[0]
        for i in most_diverse(np.array([p.plain for p in pool]), ENROL_TEMPLATES):
            rows.append(pool[i].template)
            labels.append(vid)
    return Gallery.from_arrays(np.array(rows), np.array(labels)), names


def sizes_answered() -> list[int]:
    return [size for size, _, _ in CALIBRATED_POINTS if size <= RULE.max_identities]


def test_operating_points_get_stricter_as_the_gallery_grows() -> None:
    points = RULE.operating_points
    assert [s for s, _, _ in points] == sorted(s for s, _, _ in points)
    for (_, t1, m1), (_, t2, m2) in zip(points, points[1:]):
        assert t2 <= t1 and m2 >= m1 - 1e-9
    for size, t, m in points:                               # the rule picks the point of the size searched
        assert RULE.point_for(size) == (t, m)
    for (smaller, _, _), (_, t, m) in zip(points, points[1:]):
        assert RULE.point_for(smaller + 1) == (t, m)         # between two sizes: the stricter point
    assert RULE.point_for(10 * points[-1][0]) == points[-1][1:]
    assert DecisionRule(threshold=0.5, margin=0.0).point_for(10_000) == (0.5, 0.0)   # a fixed rule stays fixed


@pytest.mark.parametrize("enrolment", [one_photo_gallery, kiosk_gallery], ids=["one_photo", "kiosk_templates"])
def test_no_held_out_stranger_is_accepted_at_any_answered_size(held_out_faces, enrolment) -> None:
    faces = held_out_faces
    assert len(faces) >= 80, "too few held-out people for a meaningful check"
    searches = 0
    for name, photos in faces.items():
        gallery, _ = enrolment(faces, without=name)
        found = gallery.search(probes_of(photos))
        for size in sizes_answered():
            for nb in found:
                decision = decide([nb], size, RULE)
                assert decision.match is None, (f"stranger {name} accepted as another held-out person at "
                                                 f"{size} identities: {nb}")
        searches += len(found)
    assert searches >= 250
    if enrolment is kiosk_gallery:
        assert len(gallery) >= gallery.identity_count + 60, "too few people with several templates"


@pytest.mark.parametrize("enrolment, floor", [(one_photo_gallery, 0.4), (kiosk_gallery, 0.7)],
                         ids=["one_photo", "kiosk_templates"])
def test_held_out_returning_visitors_are_recognised_never_as_someone_else(held_out_faces, enrolment, floor) -> None:
    """Never another person's name; recognition only gets stricter as the gallery grows; and the smallest size
    still recognises a fair share (BENCHMARKS.md: ~50 % with one photo, ~85 % with the kiosk's templates on
    43 probes; the floors leave room for the jitter's randomness)."""
    faces = held_out_faces
    gallery, names = enrolment(faces)
    rates = []
    for size in sizes_answered():
        hit = total = 0
        for vid, name in enumerate(names):
            _, probes = split_photos(faces[name])
            if not probes:
                continue
            for nb in gallery.search(probes_of(probes)):
                decision = decide([nb], size, RULE)
                total += 1
                if decision.match is not None:
                    assert decision.match.visitor_id == vid, f"{name} greeted as {names[decision.match.visitor_id]}"
                    hit += 1
        assert total >= 40
        rates.append(hit / total)
    assert rates == sorted(rates, reverse=True)
    assert rates[0] >= floor, f"only {rates[0]:.0%} recognised at {sizes_answered()[0]} identities"
