"""The kiosk's satisfaction question, as a small state machine (Qt-free; the screens are
kiosk/ui/rating_screens.py).

    scan ──(a QR from the camera or the hand scanner)──▶ checking ──(the queue knows the ticket, may be rated)──▶ ask
      ▲                                                     │
      └───────────(refused: the reason is shown; a db outage: "try again in a moment")┘
    ask ──(a high answer)──▶ sending ──▶ thanks ──▶ home        ask ──(a low answer)──▶ reasons ──(send / skip)──▶ sending

The queue decides what may be rated (QueueService.rating_ticket, rate_by_code: one rating per ticket, at the
counter or here). An answer that meets a database outage is kept in ``pending`` and sent again until the queue
records or refuses it: the citizen is thanked and told so, and nothing they said is lost.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from db import Unavailable, rating
from bilingual import LocalizedError

SCAN, CHECKING, THANKS = "scan", "checking", "thanks"
ASK, REASONS, SENDING = rating.STATE_ASK, rating.STATE_REASONS, rating.STATE_SENDING


@dataclass(frozen=True)
class Answer:
    """One citizen's answer for one scanned ticket: sent until the queue records or refuses it."""
    scanned: str                 # the QR text as read (the queue finds the ticket by the code in it)
    label: str
    value: int
    reasons: tuple[str, ...]


def is_outage(error: Exception) -> bool:
    """Database trouble (try again), as opposed to a refusal that says why (final)."""
    return isinstance(error, Unavailable) or not isinstance(error, LocalizedError)


@dataclass
class KioskRatingFlow(rating.AnswerSteps):   # choose / toggle_reason / send_reasons
    state: str = SCAN
    scanned: str | None = None
    label: str = ""
    scale: str = rating.DEFAULT_SCALE
    value: int | None = None
    reasons: list[str] = field(default_factory=list)
    refused: str | None = None        # the last refused QR text: the camera sees it 4 times a second
    error: Exception | None = None    # why the last scan was refused, or the outage it met
    kept: bool = False                # the answer met an outage: thanked, and sent again later
    not_recorded: Exception | None = None
    pending: list[Answer] = field(default_factory=list)

    def start(self) -> None:
        """A new citizen on the scan screen (the pending answers stay)."""
        self.state, self.scanned, self.label, self.value, self.reasons = SCAN, None, "", None, []
        self.refused, self.error, self.kept, self.not_recorded = None, None, False, None

    def scan(self, payload: str) -> str | None:
        """A QR was read. Returns the text to check with the queue, or None to ignore it (not on the scan
        screen, busy checking, the same refused code again, nothing in it)."""
        payload = (payload or "").strip()
        if self.state != SCAN or not payload or payload == self.refused:
            return None
        self.state, self.scanned, self.error = CHECKING, payload, None
        return payload

    def checked(self, ticket=None, error: Exception | None = None) -> None:
        """The queue's answer to ``scan``: a dto.RatingTicket, or why not."""
        if self.state != CHECKING:
            return
        if error is not None:
            self.state, self.error = SCAN, error
            self.refused = None if is_outage(error) else self.scanned   # after an outage the same code may retry
            self.scanned = None
            return
        self.state, self.label, self.scale = ASK, ticket.label, ticket.scale
        self.value, self.reasons = None, []

    def _answer(self) -> Answer:
        assert self.scanned is not None and self.value is not None
        self.state = SENDING
        return Answer(self.scanned, self.label, self.value, tuple(self.reasons))

    def sent(self, answer: Answer, error: Exception | None = None) -> None:
        """The queue's reply to an answer (this citizen's or a pending one). An outage keeps it for later."""
        if error is not None and is_outage(error):
            if answer not in self.pending:
                self.pending.append(answer)
        elif answer in self.pending:
            self.pending.remove(answer)
        if self.state == SENDING and self.scanned == answer.scanned:
            self.state = THANKS
            self.kept = error is not None and is_outage(error)
            self.not_recorded = None if error is None or self.kept else error


__all__ = ["KioskRatingFlow", "Answer", "is_outage", "SCAN", "CHECKING", "ASK", "REASONS", "SENDING", "THANKS"]
