"""Vietnamese number words and ticket-label readings (pure functions, Qt-free).

Never let a speech engine read digits: espeak-ng says "mười năm" for 15. The rules below follow
../shared/domain/DOMAIN.md ("Calling a number aloud") and its test vectors.
"""
from __future__ import annotations

import re

from bilingual import LocalizedError


class VoiceError(LocalizedError, ValueError):
    """A number, ticket label or counter that cannot be read aloud (a typo at the voice command line)."""


DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Group names by power of 1000; "tỷ" repeats for larger numbers, which a queue never needs.
GROUPS = {"north": ("", "nghìn", "triệu", "tỷ"), "south": ("", "ngàn", "triệu", "tỷ")}
ZERO_TENS = {"north": "linh", "south": "lẻ"}
MAX_NUMBER = 10 ** 12 - 1

# Vietnamese names of the Latin letters, as read in call centres ("A", "bê", "xê" ...).
LETTER_NAMES = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
    "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o", "P": "pê",
    "Q": "quy", "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích xì",
    "Y": "i dài", "Z": "dét",
}

LABEL_MODES = ("letter_number", "digits")


def _check_dialect(dialect: str) -> None:
    if dialect not in GROUPS:
        raise ValueError(f"dialect must be 'north' or 'south', not {dialect!r}")


def _group_words(value: int, full: bool, dialect: str, four_as_tu: bool) -> list[str]:
    """Words for 0..999; ``full`` reads a zero hundreds digit ("không trăm") and "linh" inside a number."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if full or hundreds:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append(ZERO_TENS[dialect])
            words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units:
            words.append("lăm" if units == 5 else DIGITS[units])
    else:
        words += [DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 4 and four_as_tu:
            words.append("tư")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(DIGITS[units])
    return words


def number_words(n: int, dialect: str = "north", four_as_tu: bool = False) -> list[str]:
    """The words of ``n`` as a list, e.g. 1023 -> ["một", "nghìn", "không", "trăm", "hai", "mươi", "ba"]."""
    _check_dialect(dialect)
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number must be an int, not {type(n).__name__}")
    if not 0 <= n <= MAX_NUMBER:
        raise VoiceError(f"Số ngoài khoảng 0..{MAX_NUMBER}: {n}", f"number out of range 0..{MAX_NUMBER}: {n}")
    if n == 0:
        return [DIGITS[0]]
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for power in range(len(groups) - 1, -1, -1):
        value = groups[power]
        if value == 0:
            continue  # 1 000 005 -> "một triệu không trăm linh năm": an empty group is not read
        words += _group_words(value, full=bool(words), dialect=dialect, four_as_tu=four_as_tu)
        if GROUPS[dialect][power]:
            words.append(GROUPS[dialect][power])
    return words


def number_to_words(n: int, dialect: str = "north", four_as_tu: bool = False) -> str:
    """``n`` in Vietnamese words: 1023 -> "một nghìn không trăm hai mươi ba" (south: "ngàn", "lẻ")."""
    return " ".join(number_words(n, dialect, four_as_tu))


_LABEL_PART = re.compile(r"[0-9]+|[^\W\d_]+")


def label_words(label: str, mode: str = "letter_number", dialect: str = "north",
                four_as_tu: bool = False) -> list[str]:
    """Words for a ticket label, with "," marking a short pause.

    Letters stay single upper-case tokens (spoken with their Vietnamese names from their own clips).
    "letter_number": "A023" -> A , hai mươi ba ; "digits": "A023" -> A , không hai ba.
    A label of digits only ("1023") is read as a number in "letter_number" mode.
    """
    if mode not in LABEL_MODES:
        raise ValueError(f"label mode must be one of {LABEL_MODES}, not {mode!r}")
    text = label.strip().upper()
    parts = _LABEL_PART.findall(text)
    if not parts or "".join(parts) != re.sub(r"[\s\-.]", "", text):
        raise VoiceError(f"Không đọc được số thứ tự: {label!r}", f"cannot read ticket label: {label!r}")
    words: list[str] = []
    for part in parts:
        if words:
            words.append(",")
        if part.isdigit():
            if mode == "digits":
                words += [DIGITS[int(d)] for d in part]
            else:
                words += number_words(int(part), dialect, four_as_tu)
        else:
            for letter in part:
                if letter not in LETTER_NAMES:
                    raise ValueError(f"Không có tên tiếng Việt cho chữ {letter!r} / no Vietnamese name for letter {letter!r} in {label!r}")
                words.append(letter)  # a letter token: spoken from its own clip (LETTER_NAMES)
    return words
