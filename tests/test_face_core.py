"""Recognition core without photos: exact gallery search, the decision rule, cameras, missing models."""
from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from core.visitors.recognition import (DecisionRule, FakeCamera, FaceUnavailable, FolderCamera, Gallery, Neighbours,
                        OpenCVCamera, ThreadedCamera, capture_frames, open_camera)
from core.visitors.recognition.decision import decide, verify_decision


def brute_force(templates: np.ndarray, labels: np.ndarray, q: np.ndarray) -> tuple[int, float, int, float]:
    d = np.linalg.norm(templates.astype(np.float64) - q, axis=1)
    per_id = {int(l): d[labels == l].min() for l in np.unique(labels)}
    ranked = sorted(per_id, key=per_id.get)
    return ranked[0], per_id[ranked[0]], ranked[1], per_id[ranked[1]]


def test_gallery_search_is_exact_with_several_templates_per_person() -> None:
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 300, 1200)            # uneven: up to ~12 templates per person
    templates = rng.normal(0, 0.1, (1200, 128)).astype(np.float32)
    g = Gallery.from_arrays(templates, labels)
    queries = np.vstack([templates[5] + 0.001, rng.normal(0, 0.1, (20, 128))]).astype(np.float32)
    for q, nb in zip(queries, g.search(queries)):
        best, bd, second, sd = brute_force(templates, labels, q)
        assert (nb.best_id, nb.second_id) == (best, second)
        assert nb.best_distance == pytest.approx(bd, abs=1e-4) and nb.second_distance == pytest.approx(sd, abs=1e-4)


def test_gallery_add_remove_restrict() -> None:
    g = Gallery()
    assert g.search(np.zeros(128))[0].best_id is None
    g.add(1, [np.zeros(128), np.ones(128) * 0.01])
    g.add(2, [np.ones(128) * 0.1])
    assert len(g) == 3 and g.identity_count == 2
    nb = g.search(np.zeros(128))[0]
    assert nb.best_id == 1 and nb.second_id == 2 and nb.margin > 0
    assert g.restricted([2]).search(np.zeros(128))[0].best_id == 2
    assert g.remove(1) == 2 and g.identities() == [2]
    assert np.isinf(g.distance_to(1, np.zeros((1, 128)))).all()


def nb(best: int, d: float, second: int = 99, d2: float = 0.9) -> Neighbours:
    return Neighbours(best, d, second, d2)


RULE = DecisionRule(threshold=0.4, margin=0.06, min_frames=2, max_identities=500)


def test_agreeing_close_frames_match() -> None:
    d = decide([nb(5, 0.30), nb(5, 0.34), nb(5, 0.38)], 100, RULE)
    assert d.reason == "match" and d.match.visitor_id == 5 and d.match.frames_agreeing == 3
    assert d.match.distance == pytest.approx(0.34) and d.match.margin == pytest.approx(0.9 - 0.38)


@pytest.mark.parametrize("frames,reason", [
    ([nb(5, 0.30)], "too_few_frames"),                         # one good frame is not enough
    ([nb(5, 0.30), nb(5, 0.45)], "unknown"),                   # second frame too far
    ([nb(5, 0.30), nb(6, 0.35)], "conflict"),                  # frames name two people
    ([nb(5, 0.30, 6, 0.33), nb(5, 0.31, 6, 0.34)], "ambiguous"),   # second-best person too close
    ([nb(5, 0.55), nb(5, 0.58)], "unknown"),                   # the library default 0.6 would accept
])
def test_doubt_resolves_to_unknown(frames, reason) -> None:
    d = decide(frames, 100, RULE)
    assert d.match is None and d.reason == reason


def test_large_gallery_asks_for_a_second_factor() -> None:
    d = decide([nb(5, 0.30, 6, 0.40), nb(5, 0.31, 7, 0.50)], 10_000, RULE)
    assert d.match is None and d.needs_second_factor and d.shortlist == (5, 6)
    assert verify_decision([0.30, 0.33], 5, RULE).visitor_id == 5
    assert verify_decision([0.30, 0.50], 5, RULE) is None
    assert decide([], 0, RULE).reason == "empty"


def frame(value: int) -> np.ndarray:
    return np.full((48, 64, 3), value, dtype=np.uint8)


def test_fake_and_threaded_camera() -> None:
    fake = FakeCamera([frame(1), frame(2)])
    assert [int(f[0, 0, 0]) for f in capture_frames(fake, 5)] == [1, 2]
    threaded = ThreadedCamera(FakeCamera([frame(i) for i in range(3)], loop=True))
    try:
        got = [threaded.read(timeout=2) for _ in range(4)]
        assert all(f is not None and f.flags["C_CONTIGUOUS"] for f in got)
    finally:
        threaded.close()


def test_video_file_camera_returns_contiguous_rgb(tmp_path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    bgr_red = np.zeros((48, 64, 3), dtype=np.uint8)
    bgr_red[:, :, 2] = 255                       # red in OpenCV's BGR order
    for _ in range(3):
        writer.write(bgr_red)
    writer.release()
    cam = open_camera(str(path))
    assert isinstance(cam, OpenCVCamera)
    rgb = cam.read()
    cam.close()
    assert rgb.flags["C_CONTIGUOUS"] and rgb[..., 0].mean() > 200 and rgb[..., 2].mean() < 50


def test_folder_camera_and_bad_specs(tmp_path) -> None:
    for i in range(2):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((10, 10, 3), i * 100, dtype=np.uint8))
    cam = open_camera(str(tmp_path))
    assert isinstance(cam, FolderCamera)
    assert [int(cam.read()[0, 0, 0]) for _ in range(3)] == [0, 100, 0]   # loops for the demo
    for spec in ("", str(tmp_path / "missing.mp4")):
        with pytest.raises(FaceUnavailable):
            open_camera(spec)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FaceUnavailable):
        FolderCamera(tmp_path / "empty")


def test_missing_models_raise_face_unavailable_instead_of_quitting() -> None:
    code = (
        "import sys; sys.modules['face_recognition_models'] = None\n"
        "from core.visitors.recognition.engine import load_models, FaceUnavailable\n"
        "try:\n    load_models()\nexcept FaceUnavailable as e:\n    print('UNAVAILABLE', e); sys.exit(7)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 7, out.stdout + out.stderr
    assert "face_recognition_models" in out.stdout
