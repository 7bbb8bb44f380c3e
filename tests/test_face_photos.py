"""Recognition on the real photos of ../shared/faces (skipped where absent): enrol, identify, reject
strangers, quality gates, RGB pitfalls, and the store refusing templates without consent.

Small sample (a handful of identities) so the file runs well under two minutes on 2 cores.
"""
from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import create_engine

from core.visitors.recognition import DecisionRule, Recognizer, load_image
from core.visitors.recognition.engine import analyse
from tests.shared_faces import FACES, people

pytestmark = [pytest.mark.faces,
              pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                                 reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")]


@pytest.fixture(scope="module")
def sample():
    everyone = people()
    returning = [k for k, v in everyone.items() if len(v) >= 4][:5]
    strangers = [k for k, v in everyone.items() if len(v) == 1][:12]
    return everyone, returning, strangers


@pytest.fixture(scope="module")
def enrolled(sample):
    everyone, returning, _ = sample
    rec = Recognizer(rule=DecisionRule(min_frames=1))     # one photo = one decision
    for vid, name in enumerate(returning, start=1):
        assert rec.enroll(vid, everyone[name][:2]) >= 1
    return rec


def test_returning_visitors_are_recognised_and_never_confused(sample, enrolled) -> None:
    everyone, returning, _ = sample
    hits = wrong = total = 0
    for vid, name in enumerate(returning, start=1):
        for photo in everyone[name][2:4]:
            match = enrolled.identify([photo])
            total += 1
            hits += match is not None and match.visitor_id == vid
            wrong += match is not None and match.visitor_id != vid
    assert wrong == 0
    assert hits >= total // 3, f"only {hits}/{total} returning photos recognised"


def test_strangers_come_back_unknown(sample, enrolled) -> None:
    everyone, _, strangers = sample
    decisions = [enrolled.decide([everyone[name][0]]) for name in strangers]
    assert all(d.match is None for d in decisions), [d for d in decisions if d.match]
    # the library default (0.6) would have accepted some of them: the rule is what rejects them
    loose = Recognizer(rule=DecisionRule(threshold=0.6, margin=0.0, min_frames=1))
    loose.gallery = enrolled.gallery
    assert any(loose.identify([everyone[name][0]]) for name in strangers)


def test_several_frames_must_agree(sample, enrolled) -> None:
    everyone, returning, _ = sample
    strict = Recognizer(rule=DecisionRule(min_frames=2))
    strict.gallery = enrolled.gallery
    photo = everyone[returning[0]][2]
    assert strict.identify([photo]) is None                    # one frame is never enough
    other = everyone[returning[1]][2]
    assert strict.decide([photo, other]).match is None          # two people in the frames: unknown
    verified = strict.verify(1, everyone[returning[0]][2:4])
    assert verified is None or verified.visitor_id == 1


def colour_photo() -> Path:
    with open(FACES / "manifest.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["source_dataset"] not in {"lfw", "yale"}:        # the LFW copy is grayscale
                img = load_image(FACES / row["file"])
                if np.abs(img[..., 0].astype(int) - img[..., 2]).mean() > 10 and analyse(img).ok:
                    return FACES / row["file"]
    pytest.skip("no colour photo with a detectable face in the sample")


def test_rgb_pitfalls() -> None:
    rgb = load_image(colour_photo())
    assert rgb.flags["C_CONTIGUOUS"] and rgb.dtype == np.uint8
    good = analyse(rgb)
    assert good.ok
    # a BGR frame passed as RGB shifts the embedding noticeably; our camera converts with cvtColor
    bgr = analyse(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert bgr.ok and np.linalg.norm(bgr.encoding - good.encoding) > 0.03
    # a non-contiguous view is made contiguous before dlib sees it
    view = analyse(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)[:, :, ::-1])
    assert view.ok and np.linalg.norm(view.encoding - good.encoding) < 1e-4


def test_exif_rotation_is_applied(sample, tmp_path) -> None:
    from PIL import Image
    everyone, returning, _ = sample
    upright = Image.open(everyone[returning[0]][0]).convert("RGB")
    rotated = upright.rotate(90, expand=True)          # stored sideways, EXIF says "rotate back"
    exif = Image.Exif()
    exif[0x0112] = 6                                   # orientation: turn 90 degrees clockwise to view
    path = tmp_path / "phone.jpg"
    rotated.save(path, exif=exif.tobytes(), quality=95)
    loaded = load_image(path).astype(np.int16)
    assert np.abs(loaded - np.asarray(upright, dtype=np.int16)).mean() < 8        # upright again
    assert np.abs(loaded - np.asarray(rotated, dtype=np.int16)).mean() > 20
    assert analyse(path).ok


def test_quality_gates_reject_bad_frames(sample) -> None:
    everyone, returning, _ = sample
    rgb = load_image(everyone[returning[0]][0])
    assert analyse(np.full_like(rgb, 128)).reason == "no_face"
    assert analyse(cv2.GaussianBlur(rgb, (0, 0), 4)).reason in {"blurry", "no_face"}
    small = cv2.resize(rgb, None, fx=0.45, fy=0.45, interpolation=cv2.INTER_AREA)
    assert analyse(small).reason in {"too_small", "no_face"}
    frame = np.full((480, 640, 3), 90, dtype=np.uint8)          # a kiosk-sized frame passes
    big = cv2.resize(rgb, (300, 300), interpolation=cv2.INTER_CUBIC)
    frame[90:390, 170:470] = big
    assert analyse(frame).ok


def test_store_backed_recognizer_needs_consent_and_forgets(sample, tmp_path) -> None:
    from db.models import Base
    from core.visitors.store import ConsentRequired, VisitorStore

    everyone, returning, _ = sample
    engine = create_engine(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    Base.metadata.create_all(engine)
    store = VisitorStore(engine, tmp_path / "visitor.key", create_key=True)
    rec = Recognizer(store, rule=DecisionRule(min_frames=1))
    from db.models import Visitor
    from sqlalchemy.orm import Session
    import datetime as dt
    with Session(engine) as s, s.begin():
        s.add(Visitor(id=50, created_at=dt.datetime.now(dt.timezone.utc)))
    with pytest.raises(ConsentRequired):
        rec.enroll(50, everyone[returning[0]][:2])
    assert len(rec.gallery) == 0 and len(store.templates_for()[0]) == 0
    vid = store.create_visitor(store.record_consent(True, "kiosk-1"))
    assert rec.enroll(vid, everyone[returning[0]][:2]) == 2
    fresh = Recognizer(store, rule=DecisionRule(min_frames=1))      # templates survive a restart
    assert len(fresh.gallery) == 2
    store.forget(vid, actor="kiosk-1")
    fresh.reload()
    assert len(fresh.gallery) == 0 and fresh.identify([everyone[returning[0]][2]]) is None


def test_kiosk_admin_face_commands_end_to_end(sample, tmp_path, monkeypatch, capsys) -> None:
    import json

    import db
    from admin import cli as admin
    from core.visitors.store import VisitorStore

    everyone, returning, strangers = sample
    url = f"sqlite:///{tmp_path / 'q.sqlite3'}"
    key = tmp_path / "visitor.key"
    monkeypatch.setenv("KIOSK_KEY_FILE", str(key))
    db.init_db(url)
    store = VisitorStore(db.open_queue(url), key, create_key=True)
    vid = store.create_visitor(store.record_consent(True, "kiosk-1"))
    photos = everyone[returning[0]]
    assert admin.main(["--db", url, "face", "enroll", "--visitor", str(vid), *map(str, photos[:2])]) == 0
    capsys.readouterr()
    group = ",".join(map(str, photos[2:4]))
    assert admin.main(["--db", url, "face", "identify", group, str(everyone[strangers[0]][0]),
                       "--json", "--min-frames", "1"]) == 0
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 2 and results[1]["visitor_id"] is None
    assert results[0]["visitor_id"] in (vid, None) and results[0]["frames"] == 2
    assert admin.main(["--db", url, "face", "forget", str(vid)]) == 0
    assert admin.main(["--db", url, "face", "forget", str(vid)]) == 2
    assert admin.main(["--db", url, "privacy", "purge", "--months", "12"]) == 0
    assert store.templates_for()[0].shape == (0, 128)
