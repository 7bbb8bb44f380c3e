"""Face detection, quality gates and 128-d encodings with face_recognition's dlib models (Qt-free).

face_recognition is imported lazily, on the first use: importing it loads ~100 MB of models, and when
``face_recognition_models`` is missing it calls ``quit()`` (exit status 0!). Both become
:class:`FaceUnavailable` with a clear message instead of a silently vanished process.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence, Union

import cv2
import numpy as np

from bilingual import LocalizedError

ImageInput = Union[str, os.PathLike, np.ndarray]


class FaceUnavailable(LocalizedError, RuntimeError):
    """Face recognition cannot run here (models or libraries missing, or no camera); the message says why."""


_models: Any = None
_models_lock = threading.Lock()
# One dlib network serves the camera thread and the visitor worker (enrolment's jittered encodings):
# its forward pass keeps state in the network object, so two threads must not run it at once.
_encoder_lock = threading.Lock()


def load_models() -> Any:
    """Import face_recognition once and return its ``api`` module (detector, 5-point predictor, encoder)."""
    global _models
    with _models_lock:
        if _models is None:
            try:
                from face_recognition import api  # noqa: PLC0415 - lazy on purpose (100 MB of models)
            except SystemExit:  # face_recognition calls quit() when face_recognition_models is missing
                raise FaceUnavailable(
                    "Không có mô hình nhận diện khuôn mặt (gói face_recognition_models)",
                    "face recognition models are missing: install the 'face_recognition_models' package"
                ) from None
            except (ImportError, RuntimeError, OSError) as exc:
                raise FaceUnavailable(f"Không tải được thư viện nhận diện khuôn mặt: {exc}",
                                      f"cannot load face_recognition: {exc}") from None
            _models = api
        return _models


@dataclass(frozen=True)
class QualityGates:
    """A face is used only if it is big, sharp and frontal enough; tuned on kiosk-like photos."""
    min_face_px: int = 80            # detector box height in pixels of the original image
    min_sharpness: float = 15.0      # variance of the Laplacian of the face crop (blur -> small)
    max_yaw: float = 0.35            # |nose offset from eye midline| / eye distance (0 = frontal)
    detect_max_side: int = 480       # the image is shrunk to this for detection (speed); faces stay large
    upsample: int = 1                # detector upsampling for small images (longer side < 400 px)
    jitters: int = 0                 # extra re-sampled encodings averaged (0 = one pass, fastest)


@dataclass(frozen=True)
class FaceCrop:
    """The face region of one frame and its 5 landmarks, enough to encode it again (with jitter) later.

    Kept in memory only, for the person in front of the kiosk while they register (core.visitors.flow);
    never written anywhere. ``pixels`` is the face box widened by ``CROP_MARGIN`` on every side (dlib's
    aligned 150 px chip must lie inside it), not the whole frame."""
    pixels: np.ndarray = field(repr=False)      # RGB uint8 (h, w, 3)
    box: tuple[int, int, int, int]              # left, top, right, bottom of the face inside ``pixels``
    points: tuple[tuple[int, int], ...]         # the 5 landmarks inside ``pixels``
    encoding: np.ndarray = field(repr=False)    # the plain (one pass) encoding, for choosing among crops
    # (jittered instead for the frames that decide: kiosk/face_worker.encoder_for(..., jitters); those are
    # never kept for enrolment, which happens after the decision)
    yaw: float = 0.0


CROP_MARGIN = 0.6            # of the face box's size, on every side


@dataclass(frozen=True)
class FaceSample:
    """What one image yielded: an encoding, or the reason it was rejected (never both None)."""
    encoding: np.ndarray | None = field(repr=False)   # float32 (128,), or None when rejected
    reason: str | None               # None when accepted; "no_face", "too_small", "blurry", "not_frontal"
    box: tuple[int, int, int, int] | None = None   # top, right, bottom, left in the original image
    face_px: int = 0
    sharpness: float = 0.0
    yaw: float = 0.0
    faces_seen: int = 0
    crop: FaceCrop | None = field(default=None, repr=False)   # only with ``analyse(..., keep_crop=True)``

    @property
    def ok(self) -> bool:
        return self.encoding is not None


def load_image(image: ImageInput) -> np.ndarray:
    """Return an RGB, C-contiguous uint8 array from a file path (EXIF rotation applied) or an array.

    Arrays are taken as RGB (camera frames are converted with cv2.cvtColor in the camera, never
    with ``[:, :, ::-1]``, whose non-contiguous view makes dlib silently find no face).
    """
    if isinstance(image, np.ndarray):
        arr = image
        if arr.ndim == 2:
            arr = cv2.cvtColor(arr, cv2.COLOR_GRAY2RGB)
        elif arr.ndim == 3 and arr.shape[2] == 4:
            arr = cv2.cvtColor(arr, cv2.COLOR_RGBA2RGB)
        if arr.ndim != 3 or arr.shape[2] != 3:
            raise ValueError(f"expected an RGB image array, got shape {image.shape}")
        return np.ascontiguousarray(arr, dtype=np.uint8)
    from PIL import Image, ImageOps  # noqa: PLC0415

    try:
        with Image.open(Path(image)) as im:
            im = ImageOps.exif_transpose(im)  # load_image_file ignores EXIF rotation; phones set it
            return np.ascontiguousarray(np.asarray(im.convert("RGB"), dtype=np.uint8))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read image {image}: {exc}") from None


def _yaw_from_5_points(shape: Any) -> float:
    # dlib's 5-point model: 0,1 = one eye's corners, 2,3 = the other eye's, 4 = bottom of the nose.
    pts = np.array([(shape.part(i).x, shape.part(i).y) for i in range(5)], dtype=np.float64)
    eye_a, eye_b, nose = pts[0:2].mean(axis=0), pts[2:4].mean(axis=0), pts[4]
    axis = eye_b - eye_a
    eye_dist = float(np.hypot(*axis)) or 1.0
    # signed distance of the nose from the perpendicular bisector of the eyes, in eye distances
    offset = float(np.dot(nose - (eye_a + eye_b) / 2, axis / eye_dist))
    return abs(offset) / eye_dist


def _sharpness(rgb: np.ndarray, box: tuple[int, int, int, int]) -> float:
    top, right, bottom, left = box
    crop = rgb[max(top, 0):bottom, max(left, 0):right]
    if crop.size == 0:
        return 0.0
    gray = cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY)
    gray = cv2.resize(gray, (100, 100), interpolation=cv2.INTER_AREA)  # size-independent measure
    return float(cv2.Laplacian(gray, cv2.CV_64F).var())


def analyse(image: ImageInput, gates: QualityGates = QualityGates(), keep_crop: bool = False) -> FaceSample:
    """Detect the largest face, check the quality gates, and encode it (one detector pass, one landmark pass).

    ``keep_crop``: also return the face's crop and landmarks (:class:`FaceCrop`) so it can be encoded
    again with jitter at enrolment; the frame itself is never kept."""
    api = load_models()
    try:
        rgb = load_image(image)
    except ValueError:
        return FaceSample(None, "unreadable")
    h, w = rgb.shape[:2]
    scale = min(1.0, gates.detect_max_side / max(h, w))
    small = rgb if scale == 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)),
                                                interpolation=cv2.INTER_AREA)
    upsample = gates.upsample if max(small.shape[:2]) < 400 else 0
    rects = api.face_detector(small, upsample)
    if len(rects) == 0:
        return FaceSample(None, "no_face")
    rect = max(rects, key=lambda r: r.width() * r.height())   # the person in front of the kiosk
    dlib = api.dlib
    box_rect = dlib.rectangle(int(rect.left() / scale), int(rect.top() / scale),
                              int(rect.right() / scale), int(rect.bottom() / scale))
    box = (box_rect.top(), box_rect.right(), box_rect.bottom(), box_rect.left())
    face_px = box_rect.height()
    shape = api.pose_predictor_5_point(rgb, box_rect)
    yaw = _yaw_from_5_points(shape)
    sharp = _sharpness(rgb, box)
    common = dict(box=box, face_px=face_px, sharpness=sharp, yaw=yaw, faces_seen=len(rects))
    if face_px < gates.min_face_px:
        return FaceSample(None, "too_small", **common)
    if sharp < gates.min_sharpness:
        return FaceSample(None, "blurry", **common)
    if yaw > gates.max_yaw:
        return FaceSample(None, "not_frontal", **common)
    with _encoder_lock:
        descriptor = api.face_encoder.compute_face_descriptor(rgb, shape, gates.jitters + 1)
    encoding = np.asarray(descriptor, dtype=np.float32)
    crop = _crop(rgb, box_rect, shape, encoding, yaw) if keep_crop else None
    return FaceSample(encoding, None, crop=crop, **common)


def _crop(rgb: np.ndarray, rect: Any, shape: Any, encoding: np.ndarray, yaw: float) -> FaceCrop:
    h, w = rgb.shape[:2]
    pad_x, pad_y = round(rect.width() * CROP_MARGIN), round(rect.height() * CROP_MARGIN)
    x0, y0 = max(rect.left() - pad_x, 0), max(rect.top() - pad_y, 0)
    x1, y1 = min(rect.right() + pad_x, w), min(rect.bottom() + pad_y, h)
    pixels = np.ascontiguousarray(rgb[y0:y1, x0:x1]).copy()      # a copy: the frame can go
    points = tuple((shape.part(i).x - x0, shape.part(i).y - y0) for i in range(shape.num_parts))
    box = (rect.left() - x0, rect.top() - y0, rect.right() - x0, rect.bottom() - y0)
    return FaceCrop(pixels, box, points, encoding, yaw)


def encode_crop(crop: FaceCrop, jitters: int = 0) -> np.ndarray:
    """The crop's face encoded again; ``jitters`` > 0 averages that many randomly re-sampled copies
    (dlib's ``num_jitters``: ~``jitters`` times slower, a steadier template).

    dlib keeps the GIL for a whole call: ``compute_face_descriptor(..., num_jitters=10)`` would freeze the
    kiosk's GUI thread for ~1 s. The same computation is done one network pass per call instead (the
    aligned chip, dlib's own jittered copies, their mean: equal to num_jitters to 1e-7), so the GUI waits
    at most one pass, as for a camera frame."""
    api = load_models()
    dlib = api.dlib
    rect = dlib.rectangle(*crop.box)
    shape = dlib.full_object_detection(rect, [dlib.point(x, y) for x, y in crop.points])
    chip = dlib.get_face_chip(crop.pixels, shape, size=150, padding=0.25)
    copies = dlib.jitter_image(chip, num_jitters=jitters) if jitters > 1 else [chip]
    passes = []
    for copy in copies:
        with _encoder_lock:
            passes.append(np.asarray(api.face_encoder.compute_face_descriptor(copy), dtype=np.float64))
        time.sleep(0.001)                # hand the GIL over: the GUI thread runs between two passes
    return np.mean(passes, axis=0).astype(np.float32)


def stack(encodings: Sequence[np.ndarray]) -> np.ndarray:
    """Encodings as one C-contiguous float32 (n, 128) matrix."""
    if not encodings:
        return np.zeros((0, 128), dtype=np.float32)
    return np.ascontiguousarray(np.vstack(encodings), dtype=np.float32)
