"""The second factor: day and month of birth typed on the kiosk's keypad (Qt-free).

When recognition is unsure (a large gallery: a shortlist of face candidates), the citizen types the day and
month they were born, DD then MM, on a big numeric keypad. The screen is the same whoever is shortlisted: no
date, name or digit of any candidate is ever shown, so a stranger who resembles someone learns nothing but
"not accepted". The answer is compared in the visitor store (``VisitorStore.match_day_month``), on the
visitor worker thread; the decrypted dates never leave it.

Why day + month and not the last digits of the CCCD number (BENCHMARKS.md, "Second factor"): every elderly
citizen says their date of birth by heart, on every form of every office; almost nobody knows the 12 digits
of their CCCD, and reading them off the card means taking the card out, when scanning it (the other second
factor) is then simpler and exact.

    entry = DayMonthEntry()
    for key in "1503": entry.press(key)
    entry.shown()        # "15/03"  (what the screen shows: only what the citizen typed)
    entry.value()        # DayMonth(15, 3), or a SecondFactorError (bilingual) when not a real date
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass

from bilingual import LocalizedError

from core.visitors.texts import WORDS

ATTEMPTS = 2        # tries before the person is treated as unknown (each guess is a 1-in-~365 chance)
DIGITS = 4          # D D M M
PLACEHOLDER = "_"   # a digit not typed yet


class SecondFactorError(LocalizedError, ValueError):
    """What the citizen typed is not a day and month (Vietnamese and English)."""


@dataclass(frozen=True)
class DayMonth:
    day: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise SecondFactorError(*WORDS.pair("day_month_bad_month", month=f"{self.month:02d}"))
        last = calendar.monthrange(2000, self.month)[1]       # a leap year: 29/02 is a real birthday
        if not 1 <= self.day <= last:
            raise SecondFactorError(*WORDS.pair("day_month_bad_day", day=f"{self.day:02d}",
                                                month=f"{self.month:02d}"))

    @classmethod
    def of(cls, date) -> "DayMonth":
        return cls(date.day, date.month)


class DayMonthEntry:
    """The digits typed so far (at most four), with a delete key. No knowledge of any candidate."""

    def __init__(self) -> None:
        self.digits = ""

    def press(self, key: str) -> bool:
        """One digit key; False (ignored) when it is not a digit or four are typed already."""
        if len(key) != 1 or not key.isdigit() or len(self.digits) >= DIGITS:
            return False
        self.digits += key
        return True

    def delete(self) -> None:
        self.digits = self.digits[:-1]

    def clear(self) -> None:
        self.digits = ""

    @property
    def complete(self) -> bool:
        return len(self.digits) == DIGITS

    def shown(self) -> str:
        """'15/03', '1_/__' while typing: exactly what was typed, the rest as placeholders."""
        padded = self.digits.ljust(DIGITS, PLACEHOLDER)
        return f"{padded[:2]}/{padded[2:]}"

    def value(self) -> DayMonth:
        if not self.complete:
            raise SecondFactorError(*WORDS.pair("day_month_incomplete"))
        return DayMonth(int(self.digits[:2]), int(self.digits[2:]))
