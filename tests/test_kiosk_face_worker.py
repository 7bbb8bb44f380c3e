"""The camera worker thread: real frames (a printed-and-filmed CCCD QR code, real face photos from
../shared/faces where present) through the real encoder and QR reader, off the GUI thread, stopped cleanly."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import qrcode

from core.visitors.recognition import FakeCamera, FolderCamera, Recognizer, open_camera
from gui.worker import WorkerThread
from kiosk.face_worker import FaceWorker, encoder_for

AN = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Phường Hà Đông, Hà Nội|20052021"
FACES = Path(os.environ.get("KIOSK_FACES_DIR", Path(__file__).resolve().parents[2] / "shared" / "faces"))
WAIT_MS = 20_000


def qr_frame(payload: str) -> np.ndarray:
    """A 640×480 camera frame with the card's QR code in it (white margin around, as held up to a camera)."""
    img = qrcode.make(payload, box_size=4, border=4).convert("RGB")
    frame = np.full((480, 640, 3), 255, dtype=np.uint8)
    qr = np.asarray(img)[:440, :440]
    frame[20:20 + qr.shape[0], 100:100 + qr.shape[1]] = qr
    return frame


@pytest.fixture
def workers():
    made = []

    def make(open_cam, encode=None, period_s: float = 0.01) -> tuple[FaceWorker, WorkerThread]:
        w = FaceWorker(open_cam, encode or encoder_for(Recognizer()), period_s=period_s)
        thread = WorkerThread(w, "face-camera", run=w.run, start=False)
        made.append(thread)
        return w, thread

    yield make
    for thread in made:
        thread.stop()


def test_qr_codes_are_read_only_while_scanning_and_the_worker_stops_cleanly(qtbot, workers):
    camera = FakeCamera([qr_frame(AN)], loop=True)
    worker, thread = workers(lambda: camera)
    seen: list[str] = []
    worker.qr_seen.connect(seen.append)
    faces = []
    worker.face.connect(faces.append)
    thread.start()
    qtbot.waitUntil(lambda: len(faces) >= 3, timeout=WAIT_MS)
    assert seen == [] and all(f is None for f in faces)        # no face in a QR code; not scanning yet
    worker.set_scanning(True)
    with qtbot.waitSignal(worker.qr_seen, timeout=WAIT_MS) as got:
        pass
    assert got.args == [AN]
    thread.stop()
    assert not thread.is_running() and camera.closed


def test_no_camera_reports_unavailable_and_ends_the_thread(qtbot, workers):
    worker, thread = workers(lambda: open_camera("", threaded=True))
    with qtbot.waitSignal(worker.unavailable, timeout=WAIT_MS) as got:
        thread.start()
    assert "camera" in got.args[0]
    qtbot.waitUntil(lambda: not thread.is_running(), timeout=WAIT_MS)


def test_a_camera_that_stops_sending_frames_is_reported(qtbot, workers, monkeypatch):
    monkeypatch.setattr("kiosk.face_worker.MAX_MISSED_READS", 3)
    camera = FakeCamera([])                                      # unplugged: read() gives nothing
    worker, thread = workers(lambda: camera)
    with qtbot.waitSignal(worker.unavailable, timeout=WAIT_MS) as got:
        thread.start()
    assert "no frames" in got.args[0]
    qtbot.waitUntil(lambda: camera.closed, timeout=WAIT_MS)


@pytest.mark.faces
@pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                    reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")
def test_real_photos_through_the_worker_give_the_same_encodings_as_the_core(qtbot, workers, tmp_path):
    """Camera -> thread -> signal must hand the GUI exactly what the recognizer computes on the photo."""
    person = next(p for p in sorted((FACES / "images").iterdir()) if len(list(p.iterdir())) >= 3)
    photos = sorted(person.iterdir())[:3]
    camera_dir = tmp_path / "camera"
    camera_dir.mkdir()
    for p in photos:
        shutil.copy(p, camera_dir / p.name)
    rec = Recognizer()
    worker, thread = workers(lambda: FolderCamera(camera_dir, loop=False), encode=encoder_for(rec))
    results = []
    worker.face.connect(results.append)
    thread.start()
    qtbot.waitUntil(lambda: len(results) >= len(photos), timeout=60_000)
    thread.stop()
    expected = [s.encoding for s in rec.analyse(photos)]
    assert sum(e is not None for e in expected) >= 2, "sample photos without a detectable face"
    for got, want in zip(results, expected):
        assert (got is None) == (want is None)
        if want is not None:
            assert got.encoding.shape == (128,) and np.allclose(got.encoding, want, atol=1e-6)
            assert got.pixels.shape[0] < 480 and got.pixels.shape[1] < 480   # a face crop, not the frame


@pytest.mark.faces
@pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                    reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")
def test_the_configured_kiosk_greets_an_enrolled_visitor_seen_by_its_camera(qtbot, tmp_path, clock):
    """face_enabled=True end to end: config -> store + recognizer + camera thread -> greeting on the home screen."""
    from db import init_db
    from db.engine import make_engines
    from kiosk.app import create_window
    from core.visitors.cccd import parse_cccd
    from core.visitors.store import VisitorStore
    from tests.kiosk_support import kiosk_config, wait_home

    url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    init_db(url, clock=clock).close()
    key = tmp_path / "keys" / "visitor.key"
    engine = make_engines(url)[0]
    store = VisitorStore(engine, key, create_key=True)
    person = next(p for p in sorted((FACES / "images").iterdir()) if len(list(p.iterdir())) >= 3)
    camera_dir = tmp_path / "camera"
    camera_dir.mkdir()
    for p in sorted(person.iterdir())[:2]:
        shutil.copy(p, camera_dir / p.name)
    vid = store.register_from_cccd(parse_cccd(AN), store.record_consent(True, "kiosk-1"))
    assert Recognizer(store).enroll(vid, sorted(camera_dir.iterdir())) >= 1
    store.record_visit(vid, "DD")
    engine.dispose()

    w = create_window(kiosk_config(tmp_path, url, face_enabled=True, camera=str(camera_dir), key_file=str(key)),
                      clock=clock, retry_ms=100)
    try:
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        qtbot.waitUntil(lambda: w.visitor == vid, timeout=60_000)
        assert w.face.enabled and w.face.notice.isVisible()
        assert w.face.banner.text.text() == "Chào mừng bác An quay lại"
        assert w.home.ordered_fields()[0].code == "DD"
    finally:
        w.shutdown()
    assert not w.face.camera_thread.is_running() and not w.face.jobs.thread.is_running()


@pytest.mark.faces
@pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                    reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")
def test_only_the_frames_that_decide_are_encoded_with_jitter(qtbot, workers):
    """``set_deciding(True)``: the worker encodes with ``encode_deciding`` (the jittered encoding the rule is
    calibrated for); otherwise the plain encoding, as the core computes it."""
    from core.visitors.recognition import load_image
    photo = next(p for p in sorted((FACES / "images").iterdir()) if len(list(p.iterdir())) >= 3)
    frame = load_image(sorted(photo.iterdir())[0])
    rec = Recognizer()
    plain = rec.analyse([frame])[0].encoding
    assert plain is not None, "sample photo without a detectable face"
    worker = FaceWorker(lambda: FakeCamera([frame], loop=True), encoder_for(rec), period_s=0.01,
                        encode_deciding=encoder_for(rec, jitters=3))
    thread = WorkerThread(worker, "face-camera", run=worker.run, start=False)
    got = []
    worker.face.connect(got.append)
    try:
        thread.start()
        qtbot.waitUntil(lambda: len(got) >= 2, timeout=WAIT_MS)
        assert all(np.allclose(c.encoding, plain, atol=1e-6) for c in got)
        worker.set_deciding(True)
        seen = len(got)
        qtbot.waitUntil(lambda: len(got) >= seen + 3, timeout=60_000)
        jittered = got[seen + 1:]                  # the frame in progress when switched may be either
        assert all(np.linalg.norm(c.encoding - plain) > 0.01 for c in jittered)
        assert all(np.linalg.norm(c.encoding - plain) < 0.3 for c in jittered)   # the same face
        worker.set_deciding(False)
        seen = len(got)
        qtbot.waitUntil(lambda: len(got) >= seen + 2, timeout=WAIT_MS)
        assert np.allclose(got[-1].encoding, plain, atol=1e-6)
    finally:
        thread.stop()
