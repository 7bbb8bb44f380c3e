"""What the waiting-room board shows, kept up to date from a Snapshot plus the event feed (Qt-free).

The widget only paints this model. Events give the immediate change (a call flashes and is
announced at once); a fresh Snapshot, fetched after events by the feed worker, corrects counts and
estimates.

Events are applied by id *set*, never by "greater than the last": on PostgreSQL a call committed late
arrives with an id below ones already applied, and it must still flash and be announced. An event is
skipped only if it was applied already, or the first snapshot already includes it (its FeedPosition).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

from db.dto import FeedPosition

CALL_KINDS = ("called", "recalled")
CLEAR_KINDS = ("finished", "no_show", "transferred")


@dataclass(frozen=True)
class Call:
    """A call to show and say: ``recall`` when the officer pressed Gọi lại."""
    label: str
    counter: int
    at: dt.datetime
    recall: bool = False
    event_id: int = 0


@dataclass
class CounterTile:
    number: int
    name: str
    label: str | None = None         # the number being served (called or serving)
    paused: bool = False
    officer: str | None = None
    field_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldLine:
    code: str
    name: str
    waiting: int
    estimated_wait_min: int
    available: bool
    note: str = ""        # why no number can be taken now (the daily cap, paused counters): shown beside the count


@dataclass
class BoardModel:
    recent_limit: int = 8
    announce_max_age: dt.timedelta = dt.timedelta(minutes=2)  # after an outage, older calls are shown, not said
    language: str = "vi"
    office_name: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"     # the centre's zone (from the database): every clock shows it
    counters: dict[int, CounterTile] = field(default_factory=dict)
    recent: list[Call] = field(default_factory=list)      # newest first
    fields: list[FieldLine] = field(default_factory=list)
    last_event_id: int = 0                                # the highest id applied (or the first snapshot's)
    connected: bool = True
    loaded: bool = False
    applied: set[int] = field(default_factory=set)        # ids applied since the first snapshot
    ended: set[str] = field(default_factory=set)          # called labels whose call has ended (finished, no-show)
    base: Any = None                                      # the first snapshot's FeedPosition
    clock_skew_s: float = 0.0                             # database time minus this PC's (from snapshots)

    def apply_snapshot(self, snapshot: Any) -> bool:
        """Replace the state with ``snapshot`` unless events newer than it were already applied."""
        self.clock_skew_s = float(getattr(snapshot, "clock_skew_s", 0.0) or 0.0)
        if self.loaded and snapshot.last_event_id < self.last_event_id:
            return False  # older than events already applied: the next refresh corrects the counts
        self.office_name = snapshot.office.name(self.language)
        self.timezone = snapshot.office.timezone or self.timezone
        self.counters = {}
        for state in snapshot.counters:
            c = state.counter
            self.counters[int(c.number)] = CounterTile(
                number=int(c.number), name=c.name_en if self.language == "en" else c.name_vi,
                label=state.ticket.label if state.ticket else None, paused=c.paused, officer=c.officer_name,
                field_codes=tuple(c.field_codes))
        self.recent = [Call(t.label, int(t.counter_number), t.called_at or snapshot.at)
                       for t in snapshot.recent_calls if t.counter_number is not None][: self.recent_limit]
        en = self.language == "en"
        self.fields = [FieldLine(f.code, f.name(self.language), f.waiting, f.estimated_wait_min, f.available,
                                 "" if f.available else (f.unavailable_reason_en if en else f.unavailable_reason_vi))
                       for f in snapshot.fields]
        self.ended = {t.label for t in snapshot.recent_calls if getattr(t, "status", "called") not in
                      ("called", "serving")}
        if not self.loaded:
            # later snapshots never move the base: events they already include (after an outage) still
            # arrive from the feed and must still flash and be announced
            self.last_event_id = snapshot.last_event_id
            self.base = getattr(snapshot, "position", None) or FeedPosition(snapshot.last_event_id)
        self.loaded = True
        return True

    def _tile(self, number: int) -> CounterTile:
        if number not in self.counters:  # a counter added after the snapshot
            self.counters[number] = CounterTile(number, str(number))
        return self.counters[number]

    def apply_events(self, events: Iterable[Any], now: dt.datetime | None = None) -> list[Call]:
        """Apply the events not applied yet, in id order (a late one too); return the calls to flash."""
        calls: list[Call] = []
        for event in sorted(events, key=lambda e: e.id):
            if event.id in self.applied or self._in_base(event):
                continue
            self.applied.add(event.id)
            self.last_event_id = max(self.last_event_id, event.id)
            counter = int(event.counter_number) if event.counter_number is not None else None
            if event.kind in CALL_KINDS and counter is not None and event.ticket_label:
                call = Call(event.ticket_label, counter, event.at, event.kind == "recalled", event.id)
                for tile in self.counters.values():  # a ticket is shown at one counter only
                    if tile.label == call.label and tile.number != counter:
                        tile.label = None
                self._tile(counter).label = call.label
                self.ended.discard(call.label)
                self.recent = [call] + [c for c in self.recent if c.label != call.label]
                del self.recent[self.recent_limit:]
                calls.append(call)
            elif event.kind in CLEAR_KINDS and counter is not None:
                tile = self._tile(counter)
                if tile.label == event.ticket_label:
                    tile.label = None
                if event.ticket_label:
                    self.ended.add(event.ticket_label)
            elif event.kind in ("counter_paused", "counter_resumed") and counter is not None:
                self._tile(counter).paused = event.kind == "counter_paused"
            elif event.kind in ("signed_in", "signed_out") and counter is not None:
                self._tile(counter).officer = event.payload.get("officer") if event.kind == "signed_in" else None
            elif event.kind == "issued" and event.field_code:
                self.fields = [replace(f, waiting=f.waiting + 1) if f.code == event.field_code else f
                               for f in self.fields]
        return calls

    def _in_base(self, event: Any) -> bool:
        return self.base is not None and self.base.includes(event.id, getattr(event, "txid", None))

    def database_now(self, local_now: dt.datetime) -> dt.datetime:
        """This PC's time corrected to the database's: calls are stamped with the database's time, so a board
        PC three minutes fast would otherwise take every call for an old one and never say it."""
        return local_now + dt.timedelta(seconds=self.clock_skew_s)

    def to_announce(self, calls: Iterable[Call], now: dt.datetime) -> list[Call]:
        """Calls recent enough to be said aloud (a board catching up after an outage stays quiet); ``now``
        is this PC's clock."""
        now = self.database_now(now)
        return [c for c in calls if now - c.at <= self.announce_max_age]

    @property
    def hero_ended(self) -> bool:
        """The latest call (the hero) has ended: the board must stop inviting that number."""
        return bool(self.recent) and self.recent[0].label in self.ended

    @property
    def waiting_total(self) -> int:
        return sum(f.waiting for f in self.fields)
