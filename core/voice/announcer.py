"""A queue of announcements played one after another through a Player (Qt-free).

The Announcer never cuts an announcement off: a new call waits until the player reports that the
previous one finished. Players are asynchronous (``play`` returns at once and calls ``done`` later),
which suits Qt Multimedia on the GUI thread (gui/audio.py) and needs no thread here.
"""
from __future__ import annotations

import tempfile
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from .clips import ClipLibrary
from .sentence import VoiceOptions, call_sentence


class Player(Protocol):
    def play(self, wav: Path, done: Callable[[], None]) -> None:
        """Start playing ``wav``; call ``done()`` exactly once when it ended (or failed)."""

    def stop(self) -> None:
        """Stop at once (used when the board is muted or closed); ``done`` need not be called."""


@dataclass(frozen=True)
class Announcement:
    label: str
    counter: int
    text: str          # the spoken sentence


class FakePlayer:
    """A speaker for tests and for machines without audio: records what it was asked to play.

    With ``auto_finish`` every clip ends at once; otherwise the test calls ``finish()``.
    """

    def __init__(self, auto_finish: bool = False):
        self.auto_finish = auto_finish
        self.played: list[Path] = []
        self.playing: Path | None = None
        self.overlaps = 0          # times play() was called while something was still playing
        self._done: Callable[[], None] | None = None

    def play(self, wav: Path, done: Callable[[], None]) -> None:
        if self.playing is not None:
            self.overlaps += 1
        self.played.append(wav)
        self.playing, self._done = wav, done
        if self.auto_finish:
            self.finish()

    def finish(self) -> None:
        done, self.playing, self._done = self._done, None, None
        if done:
            done()

    def stop(self) -> None:
        self.playing, self._done = None, None


class CallRenderer:
    """Renders a call to a WAV file in a private temporary folder (cached: a recall reuses the file)."""

    def __init__(self, library: ClipLibrary, options: VoiceOptions = VoiceOptions(), keep: int = 32):
        self.library, self.options, self.keep = library, options, keep
        self._dir = tempfile.TemporaryDirectory(prefix="counter-voice-")
        self._files: OrderedDict[tuple[str, int], Path] = OrderedDict()

    def __call__(self, label: str, counter: int) -> Path:
        key = (label, counter)
        if key in self._files:
            self._files.move_to_end(key)
            return self._files[key]
        path = Path(self._dir.name) / f"call-{len(self._files)}-{abs(hash(key))}.wav"
        path.write_bytes(self.library.call_wav(label, counter, self.options))
        self._files[key] = path
        while len(self._files) > self.keep:
            self._files.popitem(last=False)[1].unlink(missing_ok=True)
        return path

    def close(self) -> None:
        self._dir.cleanup()


class Announcer:
    """Queue of calls → renderer → player, strictly one at a time, in order; at most one waiting call per
    counter (the newest)."""

    def __init__(self, player: Player, render: Callable[[str, int], Path],
                 options: VoiceOptions = VoiceOptions(), max_pending: int = 50,
                 on_start: Callable[[Announcement], None] | None = None,
                 on_error: Callable[[Announcement, Exception], None] | None = None,
                 replace_per_counter: bool = True):
        self.player, self.render, self.options = player, render, options
        self.replace_per_counter = replace_per_counter
        self.max_pending = max_pending
        self.on_start, self.on_error = on_start, on_error
        self.muted = False
        self.current: Announcement | None = None
        self._pending: deque[Announcement] = deque()
        self._lock = threading.RLock()

    @property
    def pending(self) -> tuple[Announcement, ...]:
        with self._lock:
            return tuple(self._pending)

    def announce(self, label: str, counter: int) -> Announcement | None:
        """Queue a call; returns it, or None when muted. The oldest waiting call is dropped if full."""
        item = Announcement(label, int(counter), call_sentence(label, counter, self.options))
        with self._lock:
            if self.muted:
                return None
            # several counters calling at once must not pile up: a newer call from the same counter replaces
            # its older call that has not been played yet (that person was called again, or skipped)
            stale = [old for old in self._pending if old.counter == item.counter] if self.replace_per_counter else []
            for old in stale:
                self._pending.remove(old)
            if len(self._pending) >= self.max_pending:
                self._pending.popleft()
            self._pending.append(item)
            if self.current is None:
                self._play_next()
        return item

    def set_muted(self, muted: bool) -> None:
        with self._lock:
            self.muted = muted
            if muted:
                self._pending.clear()
                if self.current is not None:
                    self.current = None
                    self.player.stop()

    def _play_next(self) -> None:
        while self._pending:
            item = self._pending.popleft()
            try:
                wav = self.render(item.label, item.counter)
            except Exception as exc:   # a missing clip must not stop the calls after it
                if self.on_error:
                    self.on_error(item, exc)
                continue
            self.current = item
            if self.on_start:
                self.on_start(item)
            self.player.play(wav, lambda item=item: self._finished(item))
            return

    def _finished(self, item: Announcement) -> None:
        with self._lock:
            if self.current is not item:
                return  # a late or repeated report (after mute/stop)
            self.current = None
            self._play_next()
