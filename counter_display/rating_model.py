"""What the citizen-facing rating window does, as a small state machine (Qt-free).

    idle ──(the officer at this counter finishes a ticket)──▶ ask ──(a high answer)──▶ sending ──▶ thanks ──▶ idle
                                                               │                          ▲
                                                               └─(a low answer)─▶ reasons ─┘ (send, or "skip")
    ask / reasons ──(timeout, 30 s by default)──▶ idle, without a rating

A tap is taken once: after the first answer the state is no longer ``ask``, so a second tap does nothing,
and the queue's unique constraint refuses a second rating anyway. The window shows only "thank you": the
officer never sees an individual answer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bilingual import Catalogue
from db import rating

IDLE, THANKS = "idle", "thanks"
ASK, REASONS, SENDING = rating.STATE_ASK, rating.STATE_REASONS, rating.STATE_SENDING

WORDS = Catalogue("rating_window", {
    "window_title": ("Đánh giá — Quầy {n}", "Rating — Counter {n}"),
    "idle_title": ("QUẦY {n}", "COUNTER {n}"),
    "idle_text": ("Xin kính chào quý công dân", "Welcome"),
    "question": ("Ông/bà có hài lòng với sự phục vụ?", "Are you satisfied with the service?"),
    "ticket": ("Số {label}", "Ticket {label}"),
    "reasons_question": ("Ông/bà chưa hài lòng vì điều gì? (chọn một hoặc nhiều)",
                         "What was not right? (choose one or more)"),
    "send": ("Gửi đánh giá", "Send"),
    "skip": ("Bỏ qua", "Skip"),
    "thanks": ("Cảm ơn ông/bà đã đánh giá!", "Thank you for your answer!"),
    "not_recorded": ("Chưa ghi nhận được đánh giá: {reason}", "The answer was not recorded: {reason}"),
    "db_lost": ("Mất kết nối cơ sở dữ liệu — đang thử lại", "Database unreachable — retrying"),
    "cli_rating": ("màn hình đánh giá mức độ hài lòng (quay về phía công dân)",
                   "satisfaction rating screen (facing the citizen)"),
})


@dataclass(frozen=True)
class Submission:
    """One answer to send: the window sends it once (QueueService.rate)."""
    ticket_id: int
    value: int
    reasons: tuple[str, ...]


@dataclass
class RatingModel(rating.AnswerSteps):   # choose / toggle_reason / send_reasons
    counter: int
    scale: str = rating.DEFAULT_SCALE
    timeout_s: float = rating.DEFAULT_TIMEOUT_S
    state: str = IDLE
    ticket_id: int | None = None
    ticket_label: str = ""
    value: int | None = None
    reasons: list[str] = field(default_factory=list)
    deadline: dt.datetime | None = None
    message: str = ""                                  # why an answer was not recorded (shown, then idle)
    rated: set[int] = field(default_factory=set)       # tickets answered here: never asked again
    clock_skew_s: float = 0.0                          # database time minus this PC's (from the settings)

    def apply_settings(self, settings: Any) -> None:
        self.scale, self.timeout_s = settings.scale, float(settings.timeout_seconds)
        self.clock_skew_s = float(getattr(settings, "clock_skew_s", 0.0) or 0.0)

    def apply_events(self, events: list, now: dt.datetime) -> bool:
        """Start asking when this counter finished a ticket (a recent one: replayed old events do not count).
        True when the window must change."""
        changed = False
        for e in events:
            if e.kind != "finished" or e.counter_number != self.counter:
                continue
            ticket = (e.payload or {}).get("ticket") or {}
            tid = ticket.get("id")
            if tid is None or tid in self.rated or tid == self.ticket_id and self.state != IDLE:
                continue
            # e.at is the database's time, ``now`` this PC's: a PC 31 s fast would find every finish stale
            if e.at + dt.timedelta(seconds=self.timeout_s) <= now + dt.timedelta(seconds=self.clock_skew_s):
                continue   # finished too long ago (caught up after an outage)
            if self.state == SENDING:
                continue   # the previous citizen's answer is on its way: do not lose it
            self.state, self.ticket_id, self.ticket_label = ASK, int(tid), ticket.get("label") or ""
            self.value, self.reasons, self.message = None, [], ""
            self.deadline = now + dt.timedelta(seconds=self.timeout_s)
            changed = True
        return changed

    def _answer(self) -> Submission:   # rating.AnswerSteps' last step
        self.state = SENDING
        assert self.ticket_id is not None and self.value is not None
        self.rated.add(self.ticket_id)
        return Submission(self.ticket_id, self.value, tuple(self.reasons))

    def sent(self, error: Exception | None = None, lang: str = "vi") -> None:
        """The queue answered: thanks, or why it was not recorded."""
        if self.state != SENDING:
            return
        self.state = THANKS
        if error is not None:
            reason = error.message(lang) if hasattr(error, "message") else str(error)
            self.message = WORDS.text(lang, "not_recorded", reason=reason)

    def expire(self, now: dt.datetime) -> bool:
        """Back to idle when the citizen did not answer in time. True when the state changed."""
        if self.state in (ASK, REASONS) and self.deadline is not None and now >= self.deadline:
            self.reset()
            return True
        return False

    def reset(self) -> None:
        self.state, self.ticket_id, self.ticket_label, self.value = IDLE, None, "", None
        self.reasons, self.deadline, self.message = [], None, ""


__all__ = ["RatingModel", "Submission", "WORDS", "IDLE", "ASK", "REASONS", "SENDING", "THANKS"]
