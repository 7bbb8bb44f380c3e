"""What the kiosk does with a face (Qt-free): greet, ask a second factor, offer registration, delete.

    flow = FaceFlow(store, recognizer, kiosk_id="kiosk-1", retention_months=12)
    outcome = flow.observe(encoding)        # one camera frame's encoding (or None: no usable face)
    # -> None (keep looking) or Outcome("greet" | "second_factor" | "liveness" | "unknown", ...)
    flow.observe_liveness(landmarks, at)    # liveness on: the frames' 68 landmarks until "greet" / "unknown"
    flow.answer_birth_date(dt.date(1999, 3, 15))  # second factor: "greet", "second_factor" (again) or "unknown"
    flow.after_ticket("TP")                 # a recognised visitor got a number: remember the field, refresh
    consent_id = flow.answer_consent(True)  # both answers are recorded
    flow.register(payload, consent_id)      # -> Registration (or a CccdError-like message; nothing changes)
    flow.register_confirmed_name()          # the citizen says the plain name shown is right (see register)
    flow.forget()                           # "Delete my data": store + in-memory gallery

One person stands in front of the kiosk between two ``reset()`` calls (the window's "next citizen").
Encodings seen meanwhile stay in memory only (never a photo) and are dropped at ``reset()``. Once the
person agrees to register, the face crops the camera sends (``FaceCrop``: the face region, not the frame)
are kept too, a bounded set of different moments (``EnrolmentCrops``); at the CCCD scan the most diverse are
encoded with jitter and become the templates (core.visitors.recognition.enrolment). The crops are dropped
at registration, when the person leaves and at ``reset()``; nothing is written but the templates.
"""
from __future__ import annotations

import datetime as dt

import logging
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from bilingual import normalize_language

from core.visitors.cccd import CccdError, parse_cccd
from core.visitors.recognition.decision import Decision
from core.visitors.second_factor import ATTEMPTS
from core.visitors.recognition.liveness import FAILED, PASSED, BlinkChallenge, BlinkRule
from core.visitors.recognition.engine import FaceCrop
from core.visitors.recognition.enrolment import ENROL_TEMPLATES, EnrolmentCrops, enrolment_templates, most_diverse
from core.visitors.store import CONSENT_VERSION, Greeting, PrivacyError, VisitorStore
from core.visitors.texts import WORDS

log = logging.getLogger(__name__)

LOOK_FRAMES = 6          # good frames looked at before a person is treated as unknown
KEEP_ENCODINGS = 10      # newest encodings of the person kept in memory for enrolment / refresh
MIN_ENROL_ENCODINGS = 2  # fewer good frames than this: ask the person to look at the camera
GONE_FRAMES = 12         # frames in a row without a usable face (~3 s): the person has left
OTHER_FACE_FRAMES = 2    # frames in a row of a face that is not the greeted visitor: someone else is there
# Where a payload came from. The camera and a USB-serial scanner hand over the code's own bytes, so a name
# without marks from them is the card's; a keyboard wedge on a US layout drops the Vietnamese letters.
EXACT_SOURCES = ("camera", "serial")


@dataclass(frozen=True)
class Outcome:
    kind: str                                # "greet", "second_factor", "liveness", "unknown", "gone" (left)
    greeting: Greeting | None = None         # kind "greet": name (never the ID number) and last field
    attempts_left: int = 0                   # kind "second_factor": tries left (nothing about any candidate)
    reason: str = ""                         # the recognizer's reason ("match", "unknown", ...)
    challenge: str = ""                      # kind "liveness": what the person is asked to do ("blink")


@dataclass(frozen=True)
class Registration:
    ok: bool
    visitor_id: int | None = None
    templates: int = 0
    code: str = ""                           # why not: a CccdError code, "no_face", "store", "name_without_diacritics"
    vi: str = ""
    en: str = ""
    scanned_name: str = ""                   # code "name_without_diacritics": the name as typed, to ask about

    def message(self, lang: str | None = "vi") -> str:
        """Why the registration failed, in ``lang`` (empty when it succeeded)."""
        return self.en if normalize_language(lang) == "en" else self.vi




@dataclass
class _Person:
    """What is known about the person in front of the kiosk right now."""
    state: str = "looking"                   # looking, greeted, second_factor, liveness, unknown, not_live
    looked: list[np.ndarray] = field(default_factory=list)
    seen: list[np.ndarray] = field(default_factory=list)
    visitor_id: int | None = None
    shortlist: tuple[int, ...] = ()
    attempts_left: int = 0                   # second factor
    ticket_field: str | None = None
    missing: int = 0                         # frames in a row without a usable face
    others: int = 0                          # frames in a row of someone other than the greeted visitor
    unconfirmed: tuple | None = None         # (CccdInfo, consent id) of a plain name the citizen is asked about
    pending: tuple[int, str] | None = None   # liveness: (visitor, reason) greeted once the challenge passes
    challenge: BlinkChallenge | None = None
    live: bool = False                       # the challenge passed for this person
    enrolling: bool = False                  # agreed to register: face crops are kept for the templates
    crops: EnrolmentCrops = field(default_factory=EnrolmentCrops)
    registered: "Registration | None" = None  # one registration per person: a camera QR arrives every frame


class FaceFlow:
    def __init__(self, store: VisitorStore, recognizer, kiosk_id: str, retention_months: int = 12,
                 liveness: BlinkRule | None = None) -> None:
        self.store, self.recognizer = store, recognizer
        self.kiosk_id, self.retention_months = kiosk_id, retention_months
        self.liveness = liveness                 # None: greet without a challenge (the default)
        self.person = _Person()

    def close(self) -> None:
        """Release the store's database connections (a store opened by ``VisitorStore.open``)."""
        close = getattr(self.store, "close", None)
        if callable(close):
            close()

    # --- one person ---------------------------------------------------------------------------
    def reset(self) -> None:
        """The next citizen: forget everything about the previous one (in memory)."""
        self.person = _Person()

    @property
    def visitor_id(self) -> int | None:
        return self.person.visitor_id

    @property
    def state(self) -> str:
        return self.person.state

    def seen_encodings(self) -> list[np.ndarray]:
        return list(self.person.seen)

    def observe(self, encoding: np.ndarray | FaceCrop | None, decide: bool = True) -> Outcome | None:
        """One frame. Returns an outcome once, when the decision about this person is made
        (``decide=False``: only remember the encoding, e.g. while another screen is shown).
        A :class:`FaceCrop` (what the kiosk's camera worker sends) is kept only while the person registers."""
        p = self.person
        crop = encoding if isinstance(encoding, FaceCrop) else None
        if crop is not None:
            encoding = crop.encoding
            if p.enrolling:
                p.crops.add(crop)
        if encoding is None:
            p.missing += 1
            return self._left() if p.missing == GONE_FRAMES else None
        p.missing = 0
        encoding = np.asarray(encoding, dtype=np.float32)
        checked = p.visitor_id if p.visitor_id is not None else p.pending[0] if p.pending else None
        if checked is not None:                  # greeted (or being asked to blink): is it still them?
            far = self.recognizer.gallery.distance_to(checked, encoding)[0] > self.recognizer.rule.verify_threshold
            p.others = p.others + 1 if far else 0
            if p.others >= OTHER_FACE_FRAMES:
                return self._not_live("liveness_other_face") if p.state == "liveness" else self._left()
            if far:
                return None                      # never keep a stranger's face for this visitor's templates
        p.seen = [*p.seen, encoding][-KEEP_ENCODINGS:]
        if p.state != "looking" or not decide:
            return None
        p.looked.append(p.seen[-1])
        decision = self.recognizer.decide_encodings(p.looked[-LOOK_FRAMES:], self._candidates())
        return self._apply(decision)

    def _left(self) -> Outcome | None:
        """The person in front of the camera changed. Still deciding: start over quietly. Otherwise
        tell the kiosk (it clears a greeting left on the home screen)."""
        self.person.crops.clear()                    # whoever comes next must not be enrolled with these
        if self.person.state == "looking":
            self.person.looked = []
            return None
        return Outcome("gone", reason="left")

    def _candidates(self) -> list[int]:
        return self.store.recent_visitor_ids(self.retention_months)

    def _apply(self, decision: Decision) -> Outcome | None:
        p = self.person
        if decision.reason == "match" and decision.match is not None:
            return self._greet(decision.match.visitor_id, "match")
        if decision.needs_second_factor and decision.shortlist and self.store.has_birth_date(decision.shortlist):
            p.state, p.shortlist, p.attempts_left = "second_factor", decision.shortlist, ATTEMPTS
            return Outcome("second_factor", attempts_left=ATTEMPTS, reason=decision.reason)
        if decision.reason in ("empty", "second_factor") or len(p.looked) >= LOOK_FRAMES:
            p.state = "unknown"
            return Outcome("unknown", reason=decision.reason)
        return None                                  # too few frames, or not sure yet: keep looking

    def _greet(self, visitor_id: int, reason: str) -> Outcome:
        if self.liveness is not None and not self.person.live:    # a printed photo must not be greeted
            self.person.state, self.person.pending, self.person.challenge = "liveness", (visitor_id, reason), None
            return Outcome("liveness", challenge="blink", reason=reason)
        greeting = self.store.greeting(visitor_id)
        if greeting is None:                         # deleted meanwhile
            self.person.state = "unknown"
            return Outcome("unknown", reason="deleted")
        self.person.state, self.person.visitor_id = "greeted", visitor_id
        return Outcome("greet", greeting=greeting, reason=reason)

    def answer_birth_date(self, born: dt.date | None) -> Outcome:
        """The second factor: the date of birth typed (None: "Không phải tôi").

        Accepted only when exactly one shortlisted candidate was born on that date and the face
        verifies 1:1 against them. Anything else (nobody, two candidates sharing it, the face not close
        enough) looks the same to the person: one try fewer, then "unknown" — the answer never tells
        a stranger which of these it was."""
        p = self.person
        if p.state != "second_factor":
            return Outcome("unknown", reason="no_question")
        if born is not None:
            hits = self.store.match_birth_date(p.shortlist, born)
            if len(hits) == 1 and self.recognizer.verify_encodings(hits[0], p.seen) is not None:
                return self._greet(hits[0], "second_factor")
            p.attempts_left -= 1
            if len(hits) > 1:
                log.info("second factor: %d shortlisted candidates share the date of birth typed", len(hits))
            if p.attempts_left > 0:
                return Outcome("second_factor", attempts_left=p.attempts_left, reason="wrong_answer")
        p.state, p.shortlist, p.attempts_left = "unknown", (), 0
        return Outcome("unknown", reason="second_factor_failed" if born is not None else "not_me")

    def observe_liveness(self, landmarks: np.ndarray | None, at: float) -> Outcome | None:
        """One frame's 68 landmarks (None: no face) taken at ``at`` (seconds, monotonic) during the challenge.
        Returns the greeting once it passes, "unknown" once it fails (timeout), else None."""
        p = self.person
        if p.state != "liveness" or p.pending is None or self.liveness is None:
            return None
        if p.challenge is None:                      # the clock starts with the first frame after the question
            p.challenge = BlinkChallenge(started_at=at, rule=self.liveness)
        result = p.challenge.feed(landmarks, at)
        if result == PASSED:
            p.live = True
            visitor_id, reason = p.pending
            p.pending, p.challenge = None, None
            return self._greet(visitor_id, reason)
        if result == FAILED:
            return self._not_live("liveness_failed")
        return None

    def skip_liveness(self) -> Outcome | None:
        """"Bỏ qua" (or no frame came in time): no greeting, a ticket as for anyone. None: no challenge runs."""
        return self._not_live("liveness_skipped") if self.person.state == "liveness" else None

    def _not_live(self, reason: str) -> Outcome:
        """Not greeted: treated as someone unknown, who is not offered a registration either (they may be
        enrolled already, or be holding someone's photo)."""
        p = self.person
        p.state, p.pending, p.challenge, p.others = "not_live", None, None, 0
        return Outcome("unknown", reason=reason)

    def not_me(self) -> None:
        """The greeted person says it is not them: treat as unknown (the ticket carries no visitor)."""
        self.person.state, self.person.visitor_id = "unknown", None

    # --- after the ticket -----------------------------------------------------------------------
    def after_ticket(self, field_code: str) -> None:
        """A number was issued. Recognised: remember the field and refresh the templates."""
        p = self.person
        p.ticket_field = field_code
        if p.visitor_id is None:
            return
        self.store.record_visit(p.visitor_id, field_code)
        match = self.recognizer.verify_encodings(p.visitor_id, p.seen)
        if match is not None:                        # refresh only from frames that are surely this person
            self.recognizer.refresh(match, p.seen)

    def may_offer_registration(self) -> bool:
        """After a ticket for someone not recognised, whose face the camera saw."""
        p = self.person
        return p.state == "unknown" and p.ticket_field is not None and len(p.seen) >= MIN_ENROL_ENCODINGS

    # --- consent and registration -----------------------------------------------------------------
    def answer_consent(self, granted: bool) -> int:
        """Record the answer given on the consent screen (the exact text of CONSENT_VERSION).

        On "agree" only the frames seen from now on are enrolled: the person reading and scanning,
        not someone who walked past the kiosk earlier."""
        self.person.enrolling = granted
        self.person.crops.clear()
        if granted:
            self.person.seen = []
        return self.store.record_consent(granted, kiosk_id=self.kiosk_id, text_version=CONSENT_VERSION)

    def register(self, payload: str, consent_id: int, encodings: Sequence[np.ndarray] | None = None,
                 source: str = "keyboard") -> Registration:
        """Parse the scanned CCCD, register the visitor and enrol the face. A bad payload changes nothing.

        ``source``: "keyboard" (a keyboard wedge), "camera" or "serial". A name without any Vietnamese mark
        typed by a keyboard wedge is not stored: the answer (code "name_without_diacritics", the name in
        ``scanned_name``) lets the kiosk ask the citizen; ``register_confirmed_name()`` stores it if they say
        it is right. The payload is only parsed here: it is never stored, logged or shown. A second scan by
        the same person (the camera reads the QR in every frame while the templates are computed) enrols
        nothing again."""
        if self.person.registered is not None:
            return self.person.registered
        self.person.unconfirmed = None
        try:
            info = parse_cccd(payload)
        except CccdError as exc:
            return Registration(False, code=exc.code, vi=exc.message_vi, en=exc.message_en)
        if "name_without_diacritics" in info.warnings and source not in EXACT_SOURCES:
            self.person.unconfirmed = (info, consent_id, encodings)   # never stored until the citizen says so
            vi, en = WORDS.pair("register_name_without_diacritics")
            return Registration(False, code="name_without_diacritics", vi=vi, en=en, scanned_name=info.full_name)
        return self._enrol(info, consent_id, encodings)

    def register_confirmed_name(self) -> Registration:
        """The citizen confirmed that the plain name shown after ``register`` is how their card writes it."""
        if self.person.registered is not None:
            return self.person.registered
        if self.person.unconfirmed is None:
            vi, en = WORDS.pair("register_nothing_to_confirm")
            return Registration(False, code="nothing_to_confirm", vi=vi, en=en)
        info, consent_id, encodings = self.person.unconfirmed
        self.person.unconfirmed = None
        return self._enrol(info, consent_id, encodings)

    def _enrol(self, info, consent_id: int, encodings: Sequence[np.ndarray] | None) -> Registration:
        crops = self.person.crops.take() if encodings is None else []   # handed over once, whatever happens
        encodings = list(self.person.seen if encodings is None else encodings)
        if len(encodings) < MIN_ENROL_ENCODINGS:
            vi, en = WORDS.pair("register_no_face")
            return Registration(False, code="no_face", vi=vi, en=en)
        if crops:          # the kiosk's own enrolment: the most diverse moments, encoded with jitter (slow)
            encodings = enrolment_templates(crops)
        else:
            encodings = [encodings[i] for i in most_diverse(np.array(encodings), ENROL_TEMPLATES)]
        try:
            visitor_id = self.store.register_from_cccd(info, consent_id, actor=self.kiosk_id)
            added = self.recognizer.add_encodings(visitor_id, encodings)
            if self.person.ticket_field:
                self.store.record_visit(visitor_id, self.person.ticket_field)
        except PrivacyError as exc:
            log.error("registration refused by the visitor store: %s", exc)
            vi, en = WORDS.pair("register_store_failed")
            return Registration(False, code="store", vi=vi, en=en)
        self.person.visitor_id, self.person.enrolling = visitor_id, False
        self.person.registered = Registration(True, visitor_id=visitor_id, templates=added)
        return self.person.registered

    # --- deletion ------------------------------------------------------------------------------
    def forget(self) -> bool:
        """"Xóa dữ liệu của tôi": delete everything about the greeted visitor, at once, logged."""
        visitor_id = self.person.visitor_id
        if visitor_id is None:
            return False
        existed = self.store.forget(visitor_id, actor=self.kiosk_id)
        self.recognizer.forget(visitor_id)
        self.reset()
        self.person.state = "unknown"
        return existed

    def forgotten_elsewhere(self, visitor_ids) -> bool:
        """Deleted at a counter, by the CLI, at another kiosk or by retention (the deletion event,
        core/visitors/deletions.py): drop their templates from memory. True if it was the person in front
        of the kiosk (greeted or asked the second factor): everything about them is dropped too."""
        ids = {int(v) for v in visitor_ids}
        for visitor_id in ids:
            self.recognizer.forget(visitor_id)
        p = self.person
        asked_to_blink = p.pending[0] if p.pending else None
        if p.visitor_id in ids or asked_to_blink in ids or ids.intersection(p.shortlist):
            self.reset()
            self.person.state = "unknown"
            return True
        return False
