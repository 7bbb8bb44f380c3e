"""Satisfaction ratings, defined once: the scales a centre may choose (in the catalogue's [office] section),
their levels and what a citizen reads for each, the reasons offered when the answer is low, and how a value
counts in the statistics. Qt-free.

    SCALES["three"].levels                  -> (3, 2, 1)            best first, as the window shows them
    level_label("three", 1, "vi")           -> "Không hài lòng"
    asks_reasons("stars", 3)                -> True                 (reasons are asked at 3 stars or fewer)
    score("five", 4)                        -> 75.0                 (0 worst .. 100 best, comparable across scales)
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from bilingual import Catalogue


@dataclass(frozen=True)
class Scale:
    code: str
    n: int                 # values are 1 (worst) .. n (best)
    reasons_at_most: int   # reasons are asked when the value is this or lower
    satisfied_from: int    # a value this or higher counts as "satisfied"

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(range(self.n, 0, -1))


SCALES: dict[str, Scale] = {
    "three": Scale("three", 3, reasons_at_most=1, satisfied_from=2),   # Rất hài lòng / Hài lòng / Không hài lòng
    "five": Scale("five", 5, reasons_at_most=2, satisfied_from=4),     # ... Bình thường ... Rất không hài lòng
    "stars": Scale("stars", 5, reasons_at_most=3, satisfied_from=4),   # VNPT iQMS: reasons at 3 stars or fewer
}
DEFAULT_SCALE = "three"
DEFAULT_TIMEOUT_S = 30

# reasons a citizen may give for a low answer, in the order the window shows them
REASONS: tuple[str, ...] = ("wait_long", "attitude", "guidance", "late_result", "other")

WORDS = Catalogue("rating", {
    "level_three_3": ("Rất hài lòng", "Very satisfied"),
    "level_three_2": ("Hài lòng", "Satisfied"),
    "level_three_1": ("Không hài lòng", "Not satisfied"),
    "level_five_5": ("Rất hài lòng", "Very satisfied"),
    "level_five_4": ("Hài lòng", "Satisfied"),
    "level_five_3": ("Bình thường", "Neutral"),
    "level_five_2": ("Không hài lòng", "Not satisfied"),
    "level_five_1": ("Rất không hài lòng", "Very dissatisfied"),
    "level_stars_5": ("★★★★★", "★★★★★"),
    "level_stars_4": ("★★★★", "★★★★"),
    "level_stars_3": ("★★★", "★★★"),
    "level_stars_2": ("★★", "★★"),
    "level_stars_1": ("★", "★"),
    "reason_wait_long": ("Chờ lâu", "Long wait"),
    "reason_attitude": ("Thái độ chưa tốt", "Attitude could be better"),
    "reason_guidance": ("Hướng dẫn chưa rõ", "Unclear guidance"),
    "reason_late_result": ("Hẹn trả kết quả trễ", "Result promised too late"),
    "reason_other": ("Khác", "Other"),
    # why a rating is refused (QueueService.rate)
    "not_served": ("Số {label} chưa được phục vụ xong, chưa thể đánh giá",
                   "Ticket {label} has not been served yet and cannot be rated"),
    "already_rated": ("Số {label} đã được đánh giá rồi — mỗi lượt phục vụ chỉ đánh giá một lần",
                      "Ticket {label} has already been rated — one rating per service"),
    "too_late": ("Đã hết thời gian đánh giá cho số {label}", "The time to rate ticket {label} is over"),
    "bad_value": ("Mức đánh giá {value} không có trong thang {scale}", "Rating {value} is not on the {scale} scale"),
    "bad_reason": ("Lý do không hợp lệ: {reason}", "Unknown reason: {reason}"),
    # why the kiosk refuses a scanned code (QueueService.rating_ticket / rate_by_code)
    "not_a_code": ("Đây không phải mã đánh giá — hãy đưa mã QR in trên phiếu số thứ tự",
                   "This is not a rating code — please show the QR code printed on your ticket"),
    "unknown_code": ("Không tìm thấy phiếu có mã này — hãy đưa mã QR in trên phiếu của ông/bà",
                     "No ticket has this code — please show the QR code printed on your own ticket"),
    "kiosk_off": ("Trung tâm chưa mở đánh giá tại kiosk", "Rating at the kiosk is not offered here"),
    "kiosk_too_late": ("Đã hết thời gian đánh giá cho số {label} (trong ngày, tới {minutes} phút sau khi "
                       "được phục vụ)",
                       "The time to rate ticket {label} is over (the same day, up to {minutes} min after "
                       "service)"),
    "other_counter": ("Số {label} được phục vụ ở quầy {served}, không phải quầy {counter}",
                      "Ticket {label} was served at counter {served}, not counter {counter}"),
}, dynamic_prefixes=("level_", "reason_"))


# The question's steps, the same at the counter's rating window (counter_display/rating_model.py) and at the
# kiosk (core/rating_flow.py): an answer; a low one asks for reasons first; only the first tap counts.
STATE_ASK, STATE_REASONS, STATE_SENDING = "ask", "reasons", "sending"


class AnswerSteps:
    """Mixed into a rating state machine that has ``state``, ``scale``, ``value``, ``reasons`` and an
    ``_answer()`` that moves to STATE_SENDING and returns what to send."""

    @property
    def levels(self) -> tuple[int, ...]:
        return scale(self.scale).levels

    def choose(self, value: int):
        """A tap on an answer: a low one asks for reasons first (None); only the first tap counts."""
        if self.state != STATE_ASK or value not in self.levels:
            return None
        self.value = value
        if asks_reasons(self.scale, value):
            self.state = STATE_REASONS
            return None
        return self._answer()

    def toggle_reason(self, reason: str) -> None:
        if self.state != STATE_REASONS or reason not in REASONS:
            return
        (self.reasons.remove if reason in self.reasons else self.reasons.append)(reason)

    def send_reasons(self, skip: bool = False):
        if self.state != STATE_REASONS:
            return None
        if skip:
            self.reasons = []
        return self._answer()


# The ticket's own rating code, printed in its QR when the centre offers kiosk rating (catalogue [office]
# kiosk_rating): 10 random characters of Crockford's base32 (50 bits: guessing one of a day's codes is
# hopeless, and editing a number gets you nothing), nothing personal. "DG:" (đánh giá) tells it from a CCCD;
# upper-case letters, digits and ":" keep the QR in alphanumeric mode: version 1, 21 x 21 modules.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10
QR_PREFIX = "DG:"
_QR = re.compile(rf"{QR_PREFIX}([{CODE_ALPHABET}]{{{CODE_LENGTH}}})")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def qr_payload(code: str) -> str:
    return f"{QR_PREFIX}{code}"


def code_from_qr(payload: str) -> str | None:
    """The rating code in a scanned QR (camera or hand scanner: case and spaces around do not matter), or
    None when it is something else (a CCCD, a web address)."""
    m = _QR.fullmatch((payload or "").strip().upper())
    return m.group(1) if m else None


def scale(code: str | None) -> Scale:
    return SCALES.get(code or DEFAULT_SCALE, SCALES[DEFAULT_SCALE])


def level_label(scale_code: str, value: int, lang: str | None = "vi") -> str:
    return WORDS.text(lang, f"level_{scale(scale_code).code}_{int(value)}")


def reason_label(reason: str, lang: str | None = "vi") -> str:
    key = f"reason_{reason}"
    return WORDS.text(lang, key) if key in WORDS else reason


def asks_reasons(scale_code: str, value: int) -> bool:
    return int(value) <= scale(scale_code).reasons_at_most


def score(scale_code: str, value: int) -> float:
    """0 (worst) .. 100 (best): a 3-level and a 5-level answer compare."""
    n = scale(scale_code).n
    return (int(value) - 1) * 100.0 / (n - 1)


__all__ = ["new_code", "qr_payload", "code_from_qr", "QR_PREFIX", "SCALES", "Scale", "DEFAULT_SCALE", "DEFAULT_TIMEOUT_S", "REASONS", "WORDS", "scale", "level_label",
           "reason_label", "asks_reasons", "score"]
