"""The camera loop, off the GUI thread: read a frame, find the face's encoding, look for a CCCD QR code.

    worker = FaceWorker(lambda: open_camera(cfg.camera, threaded=True), encode_frame)
    worker.face.connect(...)          # FaceCrop (128-d encoding + face crop) or None (no usable face)
    worker.qr_seen.connect(...)       # str: a QR payload, only while ``set_scanning(True)``
    worker.unavailable.connect(...)   # str: camera unplugged / face models missing (staff-facing)
    thread = WorkerThread(worker, "face-camera", run=worker.run); ...; thread.stop()   # gui.worker

Only encodings with the face's crop (what enrolment needs; core.visitors.flow keeps crops only while the
person registers) and QR text leave the thread; frames are dropped at once (no photo is kept anywhere).
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from core.visitors.cccd import read_qr_from_image
from core.visitors.recognition.camera import ThreadedCamera
from core.visitors.recognition.engine import FaceCrop, FaceUnavailable, analyse

log = logging.getLogger(__name__)

FRAME_PERIOD_S = 0.25       # about 4 frames a second is plenty for one person at a kiosk
READ_TIMEOUT_S = 0.5
MAX_MISSED_READS = 40       # ~20 s without a single frame: the camera is gone


def preload() -> None:
    """Import OpenCV (the camera and the QR reader) now. A C extension's import holds the GIL for ~0.1 s:
    done by the camera thread at its first QR scan it would freeze the screen; before the window is shown
    nobody sees it."""
    try:
        import cv2  # noqa: F401, PLC0415
    except ImportError:                                  # no OpenCV: the camera reports itself unavailable
        pass


def encoder_for(recognizer) -> Callable[[np.ndarray], FaceCrop | None]:
    """One frame -> its face's crop and encoding (``.encoding``), or None (no face, blurred, not frontal...)."""
    def encode(frame: np.ndarray) -> FaceCrop | None:
        return analyse(frame, recognizer.gates, keep_crop=True).crop
    return encode


class FaceWorker(QObject):
    """The camera loop, run on a ``gui.worker.WorkerThread`` (``run=worker.run``); ``stop()`` ends it and
    the camera is closed in that thread."""

    face = Signal(object)
    qr_seen = Signal(str)
    unavailable = Signal(str)

    def __init__(self, open_camera: Callable[[], Any], encode: Callable[[np.ndarray], Any],
                 period_s: float = FRAME_PERIOD_S):
        super().__init__()
        self.open_camera, self.encode, self.period_s = open_camera, encode, period_s
        self.stopping = threading.Event()
        self.scanning = threading.Event()

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

    def stop(self) -> None:
        """Ask the loop to end (it returns within one frame period). Safe from any thread."""
        self.stopping.set()

    def _handle(self, frame: np.ndarray) -> None:
        if self.scanning.is_set():
            payload = read_qr_from_image(frame)
            if payload:
                self.qr_seen.emit(payload)
        self.face.emit(self.encode(frame))


def _read(camera) -> np.ndarray | None:
    if isinstance(camera, ThreadedCamera):
        return camera.read(timeout=READ_TIMEOUT_S)
    return camera.read()
