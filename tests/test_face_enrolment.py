"""Enrolment from the seconds of a registration: diverse crops, jittered templates, kept in memory only and
dropped at reset, when the person leaves and at registration; the crops of real photos re-encode exactly."""
from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from core.visitors.flow import GONE_FRAMES, FaceFlow
from core.visitors.recognition import Recognizer
from core.visitors.recognition.engine import FaceCrop, analyse, encode_crop, load_image
from core.visitors.recognition.enrolment import (ENROL_JITTERS, ENROL_TEMPLATES, MAX_CROPS, EnrolmentCrops,
                                                 enrolment_templates, most_diverse)
from core.visitors.store import VisitorStore
from db.models import Base
from db.privacy_models import FaceTemplate
from tests.shared_faces import FACES, people

PAYLOAD = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông|20052021"


def fake_crop(encoding: np.ndarray) -> FaceCrop:
    """A crop for the bookkeeping tests (no dlib needed): the encoding is what they look at."""
    return FaceCrop(np.zeros((8, 8, 3), dtype=np.uint8), (1, 1, 7, 7), ((2, 2),) * 5,
                    np.asarray(encoding, dtype=np.float32))


def test_most_diverse_picks_the_spread_not_the_repeats() -> None:
    rng = np.random.default_rng(1)
    centre = rng.normal(0, 0.1, 128)
    repeats = centre + rng.normal(0, 0.002, (10, 128))       # ten frames of one moment
    moments = centre + rng.normal(0, 0.05, (3, 128))         # three other moments
    enc = np.vstack([repeats, moments])
    chosen = most_diverse(enc, 4)
    assert len(set(chosen)) == 4
    assert {10, 11, 12} <= set(chosen)                       # every other moment, one of the repeats
    assert sum(i < 10 for i in chosen) == 1
    assert most_diverse(enc[:2], 4) == most_diverse(enc[:2], 2) and len(most_diverse(enc[:2], 4)) == 2
    assert most_diverse(np.zeros((0, 128)), 3) == []


def test_enrolment_crops_keep_different_moments_within_a_bound() -> None:
    rng = np.random.default_rng(2)
    crops = EnrolmentCrops()
    base = rng.normal(0, 0.1, 128)
    assert crops.add(fake_crop(base))
    assert not crops.add(fake_crop(base + 0.0001))           # the same moment again
    for _ in range(3 * MAX_CROPS):
        crops.add(fake_crop(base + rng.normal(0, 0.05, 128)))
    assert len(crops) == MAX_CROPS
    taken = crops.take()
    assert len(taken) == MAX_CROPS and len(crops) == 0       # handed over once


def test_when_full_the_most_redundant_crop_goes() -> None:
    crops = EnrolmentCrops(limit=3)
    far = [np.eye(128)[i] for i in range(3)]                 # three moments 1.41 apart
    for e in far:
        crops.add(fake_crop(e))
    crops.add(fake_crop(far[0] + 0.05 * np.eye(128)[5]))     # near moment 0: one of the pair must go
    kept = np.array([c.encoding for c in crops.take()])
    for e in far[1:]:
        assert np.min(np.linalg.norm(kept - e, axis=1)) < 1e-6   # the distinct moments stay
    assert len(kept) == 3


# --- the flow: kept only while registering, dropped at reset, when the person leaves, at registration ----
@pytest.fixture
def store(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'visitors.sqlite3'}")
    Base.metadata.create_all(engine)
    yield VisitorStore(engine, tmp_path / "keys" / "visitor.key", create_key=True)
    engine.dispose()


def random_crops(n: int, seed: int = 3) -> list[FaceCrop]:
    rng = np.random.default_rng(seed)
    base = rng.normal(0, 0.1, 128)
    return [fake_crop(base + rng.normal(0, 0.04, 128)) for _ in range(n)]


def test_crops_are_kept_only_after_consent_and_dropped_at_reset(store) -> None:
    flow = FaceFlow(store, Recognizer(store), "kiosk-1")
    for c in random_crops(4):
        flow.observe(c, decide=False)
    assert len(flow.person.crops) == 0 and len(flow.seen_encodings()) == 4   # the encoding only
    flow.answer_consent(True)
    for c in random_crops(4, seed=4):
        flow.observe(c, decide=False)
    assert len(flow.person.crops) == 4
    flow.reset()
    assert len(flow.person.crops) == 0 and not flow.person.enrolling
    flow.answer_consent(False)
    for c in random_crops(3, seed=5):
        flow.observe(c, decide=False)
    assert len(flow.person.crops) == 0                       # refused: no crop kept


def test_crops_are_dropped_when_the_person_leaves(store) -> None:
    flow = FaceFlow(store, Recognizer(store), "kiosk-1")
    flow.person.state = "unknown"                            # not recognised, then agreed to register
    flow.answer_consent(True)
    for c in random_crops(5):
        flow.observe(c, decide=False)
    assert len(flow.person.crops) == 5
    for _ in range(GONE_FRAMES):
        flow.observe(None, decide=False)
    assert len(flow.person.crops) == 0


@pytest.mark.faces
@pytest.mark.skipif(not (FACES / "manifest.csv").exists(), reason=f"face photos not found at {FACES}")
def test_registration_enrols_diverse_jittered_templates_and_writes_nothing_else(store, tmp_path,
                                                                                  monkeypatch) -> None:
    everyone = people()
    name = next(k for k, v in everyone.items() if len(v) >= 5)
    photos = everyone[name]
    usable = [s for s in (analyse(p, keep_crop=True) for p in photos) if s.ok]
    crops, probe = [s.crop for s in usable[:-1]], usable[-1].encoding     # the last one: a later visit
    assert len(crops) >= 3, "sample person without enough usable photos"

    written: list[str] = []                                  # any attempt to save an image or an array
    import cv2
    import PIL.Image
    monkeypatch.setattr(cv2, "imwrite", lambda *a, **k: written.append("cv2.imwrite"))
    monkeypatch.setattr(PIL.Image.Image, "save", lambda *a, **k: written.append("PIL.save"))
    monkeypatch.setattr(np, "save", lambda *a, **k: written.append("np.save"))
    monkeypatch.setattr(np, "savez", lambda *a, **k: written.append("np.savez"))
    files_before = {p for p in tmp_path.rglob("*")}

    rec = Recognizer(store)
    flow = FaceFlow(store, rec, "kiosk-1")
    flow.person.state = "unknown"
    consent = flow.answer_consent(True)
    for c in crops:
        flow.observe(c, decide=False)
    result = flow.register(PAYLOAD, consent)
    assert result.ok, result.vi
    assert len(flow.person.crops) == 0                       # handed over and gone
    assert written == []
    assert {p.name for p in set(tmp_path.rglob("*")) - files_before} <= {"visitors.sqlite3-journal"}

    stored = rec.gallery.templates_of(result.visitor_id)
    want = min(ENROL_TEMPLATES, len(crops))
    assert result.templates == want and len(stored) == want
    with Session(store.engine) as s:
        assert s.scalar(select(func.count()).select_from(FaceTemplate)) == want
    plain = np.array([c.encoding for c in crops])
    chosen = most_diverse(plain, want)
    for t, i in zip(stored, chosen):                         # jittered: near its crop's plain encoding, not it
        d = float(np.linalg.norm(t - plain[i]))
        assert 1e-4 < d < 0.25
    assert rec.gallery.distance_to(result.visitor_id, probe)[0] < 0.6


@pytest.mark.faces
@pytest.mark.skipif(not (FACES / "manifest.csv").exists(), reason=f"face photos not found at {FACES}")
def test_a_crop_is_the_face_not_the_frame_and_re_encodes_to_the_same_encoding() -> None:
    everyone = people()
    photo = next(v[0] for v in everyone.values() if len(v) >= 3)
    rgb = load_image(photo)
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)      # a kiosk camera's frame, the face in the middle
    h, w = rgb.shape[:2]
    frame[100:100 + h, 200:200 + w] = rgb
    sample = analyse(frame, keep_crop=True)
    assert sample.ok and sample.crop is not None
    crop = sample.crop
    assert crop.pixels.shape[0] * crop.pixels.shape[1] < frame.shape[0] * frame.shape[1] / 4
    assert not np.shares_memory(crop.pixels, frame)
    assert np.allclose(encode_crop(crop, 0), sample.encoding, atol=1e-5)
    jittered = encode_crop(crop, ENROL_JITTERS)
    assert 1e-4 < float(np.linalg.norm(jittered - sample.encoding)) < 0.25
    assert analyse(frame).crop is None                       # only on request


@pytest.mark.faces
@pytest.mark.skipif(not (FACES / "manifest.csv").exists(), reason=f"face photos not found at {FACES}")
def test_diverse_jittered_enrolment_comes_closer_to_later_photos_than_one_plain_photo() -> None:
    """On real people: the templates of several moments (most diverse, jittered) are nearer to their later
    photos than the one-photo enrolment used before."""
    everyone = people()
    names = [k for k, v in everyone.items() if len(v) >= 5][:4]
    one, kiosk = [], []
    for name in names:
        samples = [analyse(p, keep_crop=True) for p in everyone[name]]
        crops = [s.crop for s in samples[:-2] if s.crop is not None]
        probes = [s.encoding for s in samples[-2:] if s.encoding is not None]
        if len(crops) < 2 or not probes:
            continue
        templates = np.array(enrolment_templates(crops))
        for q in probes:
            one.append(float(np.linalg.norm(crops[0].encoding - q)))
            kiosk.append(float(np.linalg.norm(templates - q, axis=1).min()))
    assert len(one) >= 4
    assert np.mean(kiosk) < np.mean(one)
