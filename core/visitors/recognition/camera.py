"""Cameras behind one small interface: ``read() -> RGB frame or None`` and ``close()`` (Qt-free).

``open_camera(spec)``: "0" (device index), a video file, or a folder of images (tests, the demo).
:class:`ThreadedCamera` reads on a worker thread and always hands out the newest frame, so a slow
consumer (recognition) never stalls the preview and never sees a stale backlog.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Protocol, Sequence

import cv2
import numpy as np

from core.visitors.recognition.engine import FaceUnavailable, load_image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


class Camera(Protocol):
    def read(self) -> np.ndarray | None: ...
    def close(self) -> None: ...


class OpenCVCamera:
    """A device index or a video file through cv2.VideoCapture; frames converted BGR -> RGB (contiguous)."""

    def __init__(self, source: int | str, width: int = 640, height: int = 480, loop: bool = False) -> None:
        self._source, self._loop = source, loop
        self._cap = cv2.VideoCapture(source)
        if not self._cap.isOpened():
            self._cap.release()
            raise FaceUnavailable(f"Không mở được camera {source!r}", f"cannot open camera {source!r}")
        if isinstance(source, int):
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    def read(self) -> np.ndarray | None:
        ok, frame = self._cap.read()
        if not ok and self._loop and not isinstance(self._source, int):
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        if not ok or frame is None:
            return None
        return cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)   # never frame[:, :, ::-1]: dlib needs contiguous RGB

    def close(self) -> None:
        self._cap.release()


class FolderCamera:
    """Images of a folder in name order, as frames (EXIF rotation applied); loops by default."""

    def __init__(self, folder: str | os.PathLike, loop: bool = True) -> None:
        self._files = sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise FaceUnavailable(f"Thư mục không có ảnh: {folder}", f"no images in {folder}")
        self._loop, self._next = loop, 0

    def read(self) -> np.ndarray | None:
        if self._next >= len(self._files):
            if not self._loop:
                return None
            self._next = 0
        path = self._files[self._next]
        self._next += 1
        return load_image(path)

    def close(self) -> None:
        self._next = len(self._files)
        self._loop = False


class FakeCamera:
    """Frames given in memory (tests and demo): returns them in order, then None (or loops)."""

    def __init__(self, frames: Sequence[np.ndarray], loop: bool = False) -> None:
        self._frames = [np.ascontiguousarray(f) for f in frames]
        self._loop, self._next, self.closed = loop, 0, False

    def read(self) -> np.ndarray | None:
        if self.closed or not self._frames:
            return None
        if self._next >= len(self._frames):
            if not self._loop:
                return None
            self._next = 0
        frame = self._frames[self._next]
        self._next += 1
        return frame

    def close(self) -> None:
        self.closed = True


class ThreadedCamera:
    """Wraps a camera: a daemon thread reads continuously; ``read()`` returns the newest frame (or None)."""

    def __init__(self, camera: Camera, period_s: float = 0.0) -> None:
        self._camera, self._period = camera, period_s
        self._frame: np.ndarray | None = None
        self._seq = 0
        self._handed = 0                # sequence number of the last frame handed out
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            frame = self._camera.read()
            if frame is None:
                self._stop.wait(0.05)       # no frame (end of file, device hiccup): retry gently
                continue
            with self._cond:
                self._frame, self._seq = frame, self._seq + 1
                self._cond.notify_all()
            if self._period:
                self._stop.wait(self._period)

    def read(self, timeout: float = 1.0) -> np.ndarray | None:
        """The newest frame not yet handed out, waiting up to ``timeout`` seconds for one."""
        deadline = time.monotonic() + timeout
        with self._cond:
            seen = self._handed
            while self._seq == seen and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            self._handed = self._seq
            return self._frame

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=2)
        self._camera.close()


def open_camera(spec: str, threaded: bool = False) -> Camera:
    """Open the camera named in the configuration: "0" (device), a video file, or a folder of images."""
    spec = (spec or "").strip()
    if not spec:
        raise FaceUnavailable("Chưa cấu hình camera (mục 'camera')", "no camera configured (setting 'camera')")
    if spec.isdigit():
        camera: Camera = OpenCVCamera(int(spec))
    elif Path(spec).is_dir():
        camera = FolderCamera(spec)
    elif Path(spec).is_file():
        camera = OpenCVCamera(spec, loop=True)
    else:
        raise FaceUnavailable(f"Không tìm thấy camera: {spec!r}", f"camera not found: {spec!r}")
    return ThreadedCamera(camera) if threaded else camera


def capture_frames(camera: Camera, count: int, max_reads: int = 30) -> list[np.ndarray]:
    """Up to ``count`` frames for one decision (reads at most ``max_reads`` times)."""
    frames: list[np.ndarray] = []
    for _ in range(max_reads):
        if len(frames) >= count:
            break
        frame = camera.read()
        if frame is not None:
            frames.append(frame)
    return frames
