"""Liveness against a printed photo (Qt-free): a blink challenge on dlib's 68 face landmarks.

    marks = landmarks_68(frame, sample.box)          # (68, 2) float array, or None (camera thread)
    challenge = BlinkChallenge(started_at=now)        # the kiosk says "Please blink"
    challenge.feed(marks, at=frame_time)              # -> "pending", "passed" or "failed" (timeout)

A blink is the eyes closing and opening again within ``max_closed_s``: their openness (the mean of both eyes)
drops below ``closed_ratio`` of the person's own open-eye level, measured in the frames before, and also
below that level by ``noise_k`` times its frame-to-frame spread, then comes back above ``open_ratio`` of it.

Limits, measured in BENCHMARKS.md ("Liveness"): dlib's 68-point model rarely closes its eyelid points fully,
so a real closure drops the openness by only 12-45 %, and on a few prints waved in front of the camera its
landmarks flip between two shapes, which looks like a blink. It stops a print held up to the camera; it does
not stop a video played on a phone.

The openness is the eye aspect ratio (EAR, Soukupová & Čech 2016: lid gap over eye width) computed after
the landmarks are mapped onto a canonical face by the affine map that sends both eye centres and the mouth
centre to fixed points. A printed photo moved, turned or tilted in front of the camera is a flat object
seen through (nearly) an affine map, so its canonical landmarks do not change: tilting the paper
backwards lowers the plain EAR (the lid gap shrinks with the face's height), not this one. A real eyelid
moves relative to the eyes and mouth, so this one drops when the person blinks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.visitors.recognition.engine import ImageInput, load_image, load_models

# dlib's 68-point layout (iBUG 300-W): 36-41 one eye, 42-47 the other, 48-67 the mouth
EYE_A = slice(36, 42)
EYE_B = slice(42, 48)
MOUTH = slice(48, 68)
# where the canonical map puts the eye centres and the mouth centre (units: eye distance)
CANONICAL = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, 1.1]])

REFINE_PASSES = 2       # predictor passes on a box placed from the landmarks (see landmarks_68)
BOX_CENTRE_DOWN = 0.39  # the detector's box centre: this far from the eyes towards the mouth ...
BOX_SIDE = 2.37         # ... and its side, both in eye-to-mouth distances

PASSED, FAILED, PENDING = "passed", "failed", "pending"


def landmarks_68(image: ImageInput, box: tuple[int, int, int, int] | None,
                 refine: int = REFINE_PASSES) -> np.ndarray | None:
    """The 68 landmarks of the face in ``box`` (top, right, bottom, left, as in FaceSample.box), or None.

    Only the shape predictor runs (~2 ms a pass): the face was found already by the encoder's detector.
    The detector's box jumps between the scales of its image pyramid (116 px in one frame, 139 in the
    next for the same still print), and the predicted eyelids move with it: a still photo "blinked".
    So the predictor runs again ``refine`` times on a box placed from its own eyes and mouth, which no
    longer depends on the detector's scale."""
    if box is None:
        return None
    api = load_models()
    rgb = load_image(image)
    marks = _predict(api, rgb, box)
    for _ in range(refine):
        marks = _predict(api, rgb, _box_from_landmarks(marks))
    return marks


def _predict(api: Any, rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    top, right, bottom, left = box
    shape = api.pose_predictor_68_point(rgb, api.dlib.rectangle(left, top, right, bottom))
    return np.array([(shape.part(i).x, shape.part(i).y) for i in range(68)], dtype=np.float64)


def _box_from_landmarks(marks: np.ndarray) -> tuple[int, int, int, int]:
    # where dlib's HOG detector puts its box relative to the eyes and mouth (median over the shared photos)
    eyes, mouth = marks[36:48].mean(axis=0), marks[MOUTH].mean(axis=0)
    centre = eyes + BOX_CENTRE_DOWN * (mouth - eyes)
    half = BOX_SIDE / 2 * float(np.linalg.norm(mouth - eyes))
    x, y = centre
    return round(y - half), round(x + half), round(y + half), round(x - half)


def canonical(marks: np.ndarray) -> np.ndarray:
    """The landmarks after the affine map sending the eye centres and the mouth centre to CANONICAL."""
    marks = np.asarray(marks, dtype=np.float64)
    src = np.array([marks[EYE_A].mean(axis=0), marks[EYE_B].mean(axis=0), marks[MOUTH].mean(axis=0)])
    # solve [x y 1] @ M = canonical for the 3x2 matrix M (three points fix an affine map exactly)
    m = np.linalg.solve(np.hstack([src, np.ones((3, 1))]), CANONICAL)
    return np.hstack([marks, np.ones((len(marks), 1))]) @ m


def eye_aspect_ratio(eye: np.ndarray) -> float:
    """(|p2 - p6| + |p3 - p5|) / (2 |p1 - p4|) for one eye's six points p1..p6."""
    p = np.asarray(eye, dtype=np.float64)
    width = float(np.linalg.norm(p[0] - p[3])) or 1e-9
    return float(np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2.0 * width)


def openness(marks: np.ndarray) -> tuple[float, float]:
    """Both eyes' EAR on the canonical face (the photo-proof openness described above)."""
    c = canonical(marks)
    return eye_aspect_ratio(c[EYE_A]), eye_aspect_ratio(c[EYE_B])


def plain_ear(marks: np.ndarray) -> tuple[float, float]:
    """Both eyes' EAR on the raw landmarks (what a tilted photo fools; kept for the benchmark)."""
    marks = np.asarray(marks, dtype=np.float64)
    return eye_aspect_ratio(marks[EYE_A]), eye_aspect_ratio(marks[EYE_B])


@dataclass(frozen=True)
class BlinkRule:
    timeout_s: float = 6.0         # no blink by then: failed (the citizen is treated as not recognised)
    closed_ratio: float = 0.70     # the eyes are closed below this share of their open level
    open_ratio: float = 0.85       # ... and open again above this share
    max_closed_s: float = 1.0      # closed longer than this is not a blink (a photo with closed eyes...)
    baseline_frames: int = 4       # open-eye frames (1 s) needed before a closure counts
    either_eye: bool = False       # True: one eye closing is enough (a wink); False: the mean of both eyes
    noise_k: float = 4.0           # ... and below the open level by this many times its frame-to-frame spread


@dataclass
class BlinkChallenge:
    """Fed one frame's landmarks at a time (None: no face in that frame), with the frame's time in seconds."""

    started_at: float
    rule: BlinkRule = BlinkRule()
    state: str = PENDING
    frames: int = 0
    _open: list[list[float]] = field(default_factory=lambda: [[], []])   # open-level samples per eye
    _closed_since: list[Any] = field(default_factory=lambda: [None, None])

    def feed(self, marks: np.ndarray | None, at: float) -> str:
        return self.feed_openness(None if marks is None else openness(marks), at)

    def feed_openness(self, eyes: tuple[float, float] | None, at: float) -> str:
        """The same, given both eyes' openness (None: no face) instead of the landmarks."""
        if self.state != PENDING:
            return self.state
        if at - self.started_at > self.rule.timeout_s:
            self.state = FAILED
            return self.state
        if eyes is None:
            return self.state
        self.frames += 1
        a, b = eyes
        signals = (a, b) if self.rule.either_eye else ((a + b) / 2,)
        for eye, value in enumerate(signals):
            if self._blinked(eye, value, at):
                self.state = PASSED
        return self.state

    def _blinked(self, eye: int, value: float, at: float) -> bool:
        samples = self._open[eye]
        level = float(np.median(samples)) if samples else 0.0
        closed_since = self._closed_since[eye]
        if closed_since is not None:
            if value >= self.rule.open_ratio * level:
                self._closed_since[eye] = None
                if at - closed_since <= self.rule.max_closed_s:
                    return True
            return False
        if len(samples) >= self.rule.baseline_frames and value < self.rule.closed_ratio * level:
            # a face whose openness jumps about anyway (a print waved in front of the camera: the landmarks
            # wobble) needs a drop well beyond its own wobble
            spread = 1.4826 * float(np.median(np.abs(np.asarray(samples) - level)))
            if value < level - self.rule.noise_k * spread:
                self._closed_since[eye] = at
                return False
        samples.append(value)
        del samples[:-8]                          # the open level follows the last few frames
        return False
