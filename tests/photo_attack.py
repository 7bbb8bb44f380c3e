"""Camera frames of a printed photo held in front of the kiosk, and of a live blink, built from the real
photos of ../shared/faces (used by tests/test_liveness.py and benchmarks/bench_liveness.py).

``held_photo_frames``: the photo placed on a 640x480 frame (face ~150 px, as at the kiosk), then per frame a
small random move (shift, scale, in-plane rotation), the paper tilted in 3D (a true perspective warp, not
only an affine one), a light change and sensor noise — what a hand holding a print does.
``blink_frames``: a person's open-eye photo (slightly moved from frame to frame, like a live head) with
their closed-eye photo of the same session (Yale "wink") in the middle.
"""
from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from core.visitors.recognition.engine import QualityGates, load_image, load_models
from core.visitors.recognition.liveness import landmarks_68

FRAME_W, FRAME_H = 640, 480
GATES = QualityGates()


def kiosk_frame(photo: np.ndarray, side: int = 300) -> np.ndarray:
    """The photo scaled to ``side`` px on a grey 640x480 frame (the face becomes ~130-160 px)."""
    scale = side / max(photo.shape[:2])
    img = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    frame = np.full((FRAME_H, FRAME_W, 3), 90, dtype=np.uint8)
    h, w = img.shape[:2]
    top, left = (FRAME_H - h) // 2, (FRAME_W - w) // 2
    frame[top:top + h, left:left + w] = img
    return frame


def tilt_homography(pitch_deg: float, yaw_deg: float, roll_deg: float, scale: float, shift: tuple[float, float],
                    focal_px: float = 600.0) -> np.ndarray:
    """The image of a flat print turned in 3D about its centre, seen by a pinhole camera (focal ``focal_px``)."""
    p, y, r = (math.radians(v) for v in (pitch_deg, yaw_deg, roll_deg))
    rx = np.array([[1, 0, 0], [0, math.cos(p), -math.sin(p)], [0, math.sin(p), math.cos(p)]])
    ry = np.array([[math.cos(y), 0, math.sin(y)], [0, 1, 0], [-math.sin(y), 0, math.cos(y)]])
    rz = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    rot = rz @ ry @ rx
    cx, cy, dist = FRAME_W / 2, FRAME_H / 2, focal_px / scale        # the print at the distance giving ``scale``
    corners = np.array([[0, 0], [FRAME_W, 0], [FRAME_W, FRAME_H], [0, FRAME_H]], dtype=np.float64)
    plane = np.hstack([corners - (cx, cy), np.zeros((4, 1))]) @ rot.T + (0, 0, dist)
    seen = plane[:, :2] * focal_px / plane[:, 2:3] + (cx + shift[0], cy + shift[1])
    return cv2.getPerspectiveTransform(corners.astype(np.float32), seen.astype(np.float32))


def held_photo_frames(photo: np.ndarray, n: int, rng: np.random.Generator, max_tilt_deg: float = 25.0,
                      move: bool = True) -> list[np.ndarray]:
    """``n`` frames of a print of ``photo`` held by hand (``move=False``: the print lying still, noise only)."""
    base = kiosk_frame(photo)
    frames = []
    for _ in range(n):
        if move:
            h = tilt_homography(rng.uniform(-max_tilt_deg, max_tilt_deg), rng.uniform(-max_tilt_deg, max_tilt_deg),
                                rng.uniform(-4, 4), rng.uniform(0.95, 1.05), tuple(rng.uniform(-8, 8, 2)))
            frame = cv2.warpPerspective(base, h, (FRAME_W, FRAME_H), flags=cv2.INTER_LINEAR,
                                        borderValue=(90, 90, 90))
            gain = rng.uniform(0.85, 1.15)
        else:
            frame, gain = base, 1.0
        noisy = frame.astype(np.float32) * gain + rng.normal(0, 3.0, frame.shape)
        frames.append(np.ascontiguousarray(np.clip(noisy, 0, 255).astype(np.uint8)))
    return frames


def blink_frames(open_photo: np.ndarray, closed_photo: np.ndarray, rng: np.random.Generator,
                 open_before: int = 4, open_after: int = 2) -> list[np.ndarray]:
    """A live blink: open-eye frames (small moves), one closed-eye frame, open-eye frames again."""
    def moved(photo: np.ndarray) -> np.ndarray:
        return held_photo_frames(photo, 1, rng, max_tilt_deg=3.0)[0]
    return ([moved(open_photo) for _ in range(open_before)] + [moved(closed_photo)]
            + [moved(open_photo) for _ in range(open_after)])


def face_box(frame: np.ndarray, gates: QualityGates = GATES) -> tuple[int, int, int, int] | None:
    """The largest face's box as the encoder finds it (engine.analyse: detection on the frame shrunk to
    ``detect_max_side``), without the encoding (the benchmark looks at thousands of frames)."""
    api = load_models()
    h, w = frame.shape[:2]
    scale = min(1.0, gates.detect_max_side / max(h, w))
    small = frame if scale == 1.0 else cv2.resize(frame, (round(w * scale), round(h * scale)),
                                                  interpolation=cv2.INTER_AREA)
    rects = api.face_detector(small, gates.upsample if max(small.shape[:2]) < 400 else 0)
    if len(rects) == 0:
        return None
    r = max(rects, key=lambda r: r.width() * r.height())
    return int(r.top() / scale), int(r.right() / scale), int(r.bottom() / scale), int(r.left() / scale)


def frame_landmarks(frames: list[np.ndarray]) -> list[np.ndarray | None]:
    return [landmarks_68(f, face_box(f)) for f in frames]


def yale_blink_pairs(faces_dir: Path) -> list[tuple[str, Path, Path]]:
    """(subject, open-eye photo, closed-eye photo) of every Yale subject with a 'wink' photo."""
    pairs = []
    for folder in sorted((faces_dir / "images").glob("Yale_subject*")):
        normal, wink = sorted(folder.glob("*_normal.png")), sorted(folder.glob("*_wink.png"))
        if normal and wink:
            pairs.append((folder.name, normal[0], wink[0]))
    return pairs


def read(path: Path) -> np.ndarray:
    return load_image(path)
