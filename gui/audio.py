"""Playback through Qt Multimedia: the real Player for core.voice.Announcer.

``FakePlayer`` (core.voice) stands beside it for tests and machines without a speaker.
``done`` is always called once per clip: at end of media, on an error, or — when no audio device
reports anything — by a watchdog after the clip's length, so the queue never stalls.
"""
from __future__ import annotations

import wave
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


class QtPlayer(QObject):
    def __init__(self, parent: QObject | None = None, volume: float = 1.0, watchdog_margin_s: float = 1.0):
        super().__init__(parent)
        self.output = QAudioOutput(self)
        self.output.setVolume(volume)
        self.player = QMediaPlayer(self)
        self.player.setAudioOutput(self.output)
        self.watchdog = QTimer(self, singleShot=True)
        self.watchdog.timeout.connect(self._end)
        self.margin = watchdog_margin_s
        self._done: Callable[[], None] | None = None
        self.player.mediaStatusChanged.connect(self._status)
        self.player.errorOccurred.connect(lambda *_: self._end())

    def play(self, wav: Path, done: Callable[[], None]) -> None:
        self._done = done
        self.watchdog.start(int((wav_seconds(wav) + self.margin) * 1000))
        self.player.setSource(QUrl.fromLocalFile(str(wav)))
        self.player.play()

    def stop(self) -> None:
        self._done = None
        self.watchdog.stop()
        self.player.stop()

    def _status(self, status: QMediaPlayer.MediaStatus) -> None:
        if status in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
            self._end()

    def _end(self) -> None:
        done, self._done = self._done, None
        self.watchdog.stop()
        if done is not None:
            done()
