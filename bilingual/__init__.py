"""Words in two languages, one mechanism for every package: Vietnamese first, English second.

    WORDS = Catalogue("kiosk", {
        "take_number": ("Lấy số", "Take a number"),
        "people_waiting": ("{n} người đang chờ", Plural("{n} person waiting", "{n} people waiting")),
    })
    WORDS.text("en", "people_waiting", n=3)      # -> "3 people waiting"

    class Refused(LocalizedError): ...
    raise Refused("Hết số hôm nay", "No more numbers today")   # err.message("en")

Every catalogue registers itself in ``CATALOGUES`` so that one test checks them all (both languages present,
the same placeholders in both, no key that no code uses). Qt-free, and imports nothing of the project.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Iterator, Mapping, Union

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"


def normalize_language(lang: str | None) -> str:
    """'en', 'EN', 'en_US' -> 'en'; anything unknown -> Vietnamese."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Plural:
    """A text with a singular and a plural form, chosen by the ``n`` argument (Vietnamese needs none)."""
    one: str
    other: str

    def pick(self, n: object) -> str:
        try:
            return self.one if abs(int(n)) == 1 else self.other  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return self.other


Text = Union[str, Plural]


class Catalogue:
    """One package's words: key -> (Vietnamese, English)."""

    def __init__(self, name: str, entries: Mapping[str, tuple[Text, Text]], *,
                 dynamic_prefixes: tuple[str, ...] = ()):
        if name in CATALOGUES:
            raise ValueError(f"two catalogues named {name!r}")
        self.name = name
        self.entries = dict(entries)
        # keys looked up as prefix + something computed (e.g. "status_" + status): the unused-key check
        # accepts a key whose prefix appears in the code
        self.dynamic_prefixes = dynamic_prefixes
        CATALOGUES[name] = self

    def text(self, lang: str | None, key: str, **kwargs: object) -> str:
        vi, en = self.entries[key]
        chosen = en if normalize_language(lang) == "en" else vi
        if isinstance(chosen, Plural):
            chosen = chosen.pick(kwargs.get("n"))
        return chosen.format(**kwargs) if kwargs else chosen

    __call__ = text

    def both(self, key: str, **kwargs: object) -> str:
        """'Vietnamese / English', for logs and terminals read by either."""
        vi, en = self.text("vi", key, **kwargs), self.text("en", key, **kwargs)
        return vi if vi == en else f"{vi} / {en}"

    def pair(self, key: str, **kwargs: object) -> tuple[str, str]:
        return self.text("vi", key, **kwargs), self.text("en", key, **kwargs)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


CATALOGUES: dict[str, Catalogue] = {}


def placeholders(text: Text) -> set[str]:
    forms = (text.one, text.other) if isinstance(text, Plural) else (text,)
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


class LocalizedError(Exception):
    """Base of every error a person can cause or meet: it carries its message in both languages.

    ``str(err)`` is 'Vietnamese / English' (for logs); a screen calls ``err.message(lang)``."""

    def __init__(self, message_vi: str, message_en: str | None = None):
        message_en = message_vi if message_en is None else message_en
        super().__init__(message_vi if message_vi == message_en else f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en

    def __reduce__(self):  # picklable across processes (the default would call cls(str(self)))
        return (type(self), (self.message_vi, self.message_en))

    def message(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        return self.message_en if normalize_language(lang) == "en" else self.message_vi


__all__ = ["CATALOGUES", "Catalogue", "DEFAULT_LANGUAGE", "LANGUAGES", "LocalizedError", "Plural",
           "normalize_language", "placeholders"]
