"""The second factor: the date of birth typed on the kiosk's keypad (Qt-free).

When recognition is unsure (a large gallery: a shortlist of face candidates), the citizen types the date
they were born, DD MM YYYY — the order of every Vietnamese form ("ngày tháng năm sinh") — on a big numeric
keypad. The screen is the same whoever is shortlisted: no date, name or digit of any candidate is ever
shown, so a stranger who resembles someone learns nothing but "not accepted". The answer is compared in the
visitor store (``VisitorStore.match_birth_date``) on the visitor worker thread; the decrypted dates never
leave it.

Why the whole date, and not day + month or the last digits of the CCCD number (BENCHMARKS.md, "Second
factor"): every elderly citizen knows their date of birth by heart; almost nobody knows the 12 digits of
their CCCD, and reading them off the card means taking it out, when scanning it is then simpler. Day +
month alone is guessed 1 time in 365 (at 10,000 searched identities a stranger is almost always
shortlisted); the year makes it about 1 in 24,000 for a stranger typing their own date, ~1 in 3,600 per
try for one guessing with a fair idea of the age.

    entry = BirthDateEntry()
    for key in "15031999": entry.press(key)
    entry.shown()        # "15/03/1999"  (what the screen shows: only what the citizen typed)
    entry.value()        # datetime.date(1999, 3, 15), or a SecondFactorError (bilingual) when not a real date
"""
from __future__ import annotations

import calendar
import datetime as dt

from bilingual import LocalizedError

from core.visitors.texts import WORDS

ATTEMPTS = 2         # tries before the person is treated as unknown
DIGITS = 8           # D D M M Y Y Y Y
PLACEHOLDER = "_"    # a digit not typed yet
OLDEST_YEAR = 1900


class SecondFactorError(LocalizedError, ValueError):
    """What the citizen typed is not a date of birth (Vietnamese and English)."""


def birth_date(day: int, month: int, year: int, today: dt.date | None = None) -> dt.date:
    """The date typed, or a SecondFactorError saying in both languages which part is impossible."""
    today = today or dt.date.today()
    if not 1 <= month <= 12:
        raise SecondFactorError(*WORDS.pair("birth_bad_month", month=f"{month:02d}"))
    if not OLDEST_YEAR <= year <= today.year:
        raise SecondFactorError(*WORDS.pair("birth_bad_year", year=f"{year:04d}"))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise SecondFactorError(*WORDS.pair("birth_bad_day", day=f"{day:02d}", month=f"{month:02d}",
                                            year=f"{year:04d}"))
    born = dt.date(year, month, day)
    if born > today:
        raise SecondFactorError(*WORDS.pair("birth_bad_year", year=f"{year:04d}"))
    return born


class BirthDateEntry:
    """The digits typed so far (at most eight), with a delete key. No knowledge of any candidate."""

    def __init__(self) -> None:
        self.digits = ""

    def press(self, key: str) -> bool:
        """One digit key; False (ignored) when it is not a digit or eight are typed already."""
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

    def parts(self) -> tuple[str, str, str]:
        """Day, month, year as typed so far, the rest as placeholders: ('15', '0_', '____')."""
        padded = self.digits.ljust(DIGITS, PLACEHOLDER)
        return padded[:2], padded[2:4], padded[4:]

    def shown(self) -> str:
        return "/".join(self.parts())

    def value(self, today: dt.date | None = None) -> dt.date:
        if not self.complete:
            raise SecondFactorError(*WORDS.pair("birth_incomplete"))
        d = self.digits
        return birth_date(int(d[:2]), int(d[2:4]), int(d[4:]), today)
