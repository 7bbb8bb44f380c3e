"""The camera loop, off the GUI thread: read a frame, find the face's encoding, look for a CCCD QR code.

    worker = FaceWorker(lambda: open_camera(cfg.camera, threaded=True), encode_frame)
    worker.face.connect(...)          # FaceCrop (128-d encoding + face crop) or None (no usable face)
    worker.qr_seen.connect(...)       # str: a QR payload, only while ``set_scanning(True)``
    worker.landmarks.connect(...)     # (68x2 array or None, monotonic time): only while ``set_liveness(True)``
    worker.unavailable.connect(...)   # str: camera unplugged / face models missing (staff-facing)
    worker.set_deciding(True)         # while the kiosk decides who is there: frames encoded by encode_deciding
    thread = WorkerThread(worker, "face-camera", run=worker.run); ...; thread.stop()   # gui.worker

Only encodings with the face's crop (what enrolment needs; core.visitors.flow keeps crops only while the
person registers), QR text and (during a liveness challenge) landmark points leave the thread; frames are
dropped at once (no photo is kept anywhere).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from core.visitors.cccd import read_qr_from_image
from core.visitors.recognition.camera import ThreadedCamera
from core.visitors.recognition.engine import FaceCrop, FaceUnavailable, analyse, encode_crop
from core.visitors.recognition.liveness import landmarks_68

log = logging.getLogger(__name__)

FRAME_PERIOD_S = 0.25       # about 4 frames a second is plenty for one person at a kiosk
READ_TIMEOUT_S = 0.5
MAX_MISSED_READS = 40       # ~20 s without a single frame: the camera is gone


def preload() -> None:
    """Import OpenCV (the camera) and zxing-cpp (the QR reader) now. A C extension's import holds the GIL
    for ~0.1 s: done by the camera thread at its first QR scan it would freeze the screen; before the window
    is shown nobody sees it."""
    try:
        import cv2  # noqa: F401, PLC0415
        import zxingcpp  # noqa: F401, PLC0415 - the QR decoder
    except ImportError:                                  # no OpenCV: the camera reports itself unavailable
        pass


def encoder_for(recognizer, jitters: int = 0) -> Callable[[np.ndarray], FaceCrop | None]:
    """One frame -> its face's crop and encoding (``.encoding``), or None (no face, blurred, not frontal...).

    ``jitters`` > 0: a face that passed the quality gates is encoded again with that many jittered copies
    (``encode_crop``: one network pass at a time), what the decision rule's points are calibrated for
    (``DecisionRule.probe_jitters``); ~90 ms a jitter on 2 cores, so only for the frames that decide."""
    def encode(frame: np.ndarray) -> FaceCrop | None:
        crop = analyse(frame, recognizer.gates, keep_crop=True).crop
        if crop is None or jitters <= 0:
            return crop
        return replace(crop, encoding=encode_crop(crop, jitters))
    return encode


def live_encoder_for(recognizer) -> Callable[[np.ndarray], tuple[np.ndarray | None, np.ndarray | None]]:
    """One frame -> (encoding, 68 landmarks) of its face, during a liveness challenge only: the landmarks
    reuse the encoder's detection (+12 ms a frame, ~10 %, BENCHMARKS.md), and a face the quality gates reject
    (eyes closed, head turned) still gives its landmarks."""
    def encode(frame: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        sample = recognizer.analyse([frame])[0]
        return sample.encoding, landmarks_68(frame, sample.box)
    return encode


class FaceWorker(QObject):
    """The camera loop, run on a ``gui.worker.WorkerThread`` (``run=worker.run``); ``stop()`` ends it and
    the camera is closed in that thread."""

    face = Signal(object)
    qr_seen = Signal(str)
    landmarks = Signal(object, float)
    unavailable = Signal(str)

    def __init__(self, open_camera: Callable[[], Any], encode: Callable[[np.ndarray], Any],
                 period_s: float = FRAME_PERIOD_S,
                 encode_live: Callable[[np.ndarray], tuple[np.ndarray | None, np.ndarray | None]] | None = None,
                 encode_deciding: Callable[[np.ndarray], Any] | None = None):
        super().__init__()
        self.open_camera, self.encode, self.period_s = open_camera, encode, period_s
        self.encode_live = encode_live
        self.encode_deciding = encode_deciding    # frames that decide who this is (jittered), None: ``encode``
        self.stopping = threading.Event()
        self.scanning = threading.Event()
        self.liveness = threading.Event()
        self.deciding = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            camera = self.open_camera()
        except FaceUnavailable as exc:
            self.unavailable.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a broken camera must never stop the kiosk
            log.exception("opening the camera failed")
            self.unavailable.emit(f"{exc.__class__.__name__}: {exc}")
            return
        missed = 0
        try:
            while not self.stopping.is_set():
                frame = _read(camera)
                if frame is None:
                    missed += 1
                    if missed >= MAX_MISSED_READS:
                        self.unavailable.emit("Camera không gửi hình / the camera sends no frames")
                        return
                    self.stopping.wait(self.period_s)
                    continue
                missed = 0
                self._handle(frame)
                del frame                                   # never kept: only encodings / QR text leave
                self.stopping.wait(self.period_s)
        except FaceUnavailable as exc:                      # face models missing: no recognition today
            self.unavailable.emit(str(exc))
        except Exception as exc:  # noqa: BLE001
            log.exception("face loop failed")
            self.unavailable.emit(f"{exc.__class__.__name__}: {exc}")
        finally:
            try:
                camera.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the camera failed")

    def set_scanning(self, on: bool) -> None:
        """Look for a CCCD QR code in the frames (only on the scan screen). Safe from any thread."""
        (self.scanning.set if on else self.scanning.clear)()

    def set_liveness(self, on: bool) -> None:
        """Compute the face's landmarks too (only while the liveness challenge is shown). Safe from any thread."""
        (self.liveness.set if on else self.liveness.clear)()

    def set_deciding(self, on: bool) -> None:
        """Encode the frames with ``encode_deciding`` (only while the kiosk decides who is there: the
        jittered encoding costs ~1 s a frame, the other frames stay fast). Safe from any thread."""
        (self.deciding.set if on else self.deciding.clear)()

    def stop(self) -> None:
        """Ask the loop to end (it returns within one frame period). Safe from any thread."""
        self.stopping.set()

    def _handle(self, frame: np.ndarray) -> None:
        if self.scanning.is_set():
            payload = read_qr_from_image(frame)
            if payload:
                self.qr_seen.emit(payload)
        if self.liveness.is_set() and self.encode_live is not None:
            taken_at = time.monotonic()
            encoding, marks = self.encode_live(frame)
            # the encoding first: a face that is not the recognised visitor's ends the challenge before its
            # landmarks could complete a blink (someone swapping a print for their own face)
            self.face.emit(encoding)
            self.landmarks.emit(marks, taken_at)
        elif self.deciding.is_set() and self.encode_deciding is not None:
            self.face.emit(self.encode_deciding(frame))
        else:
            self.face.emit(self.encode(frame))


def _read(camera) -> np.ndarray | None:
    if isinstance(camera, ThreadedCamera):
        return camera.read(timeout=READ_TIMEOUT_S)
    return camera.read()
