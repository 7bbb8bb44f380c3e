"""Errors a user can cause or meet, each with a plain Vietnamese and English message."""
from __future__ import annotations


class QueueError(Exception):
    """Base of every error the queue reports to a person. str() is 'Vietnamese / English'."""

    def __init__(self, message_vi: str, message_en: str):
        super().__init__(f"{message_vi} / {message_en}")
        self.message_vi = message_vi
        self.message_en = message_en

    def __reduce__(self):  # picklable across processes (the default would call cls(str(self)))
        return (type(self), (self.message_vi, self.message_en))

    def message(self, language: str = "vi") -> str:
        return self.message_en if language == "en" else self.message_vi


class OfficeClosed(QueueError):
    """Outside opening hours or after the issuing cut-off."""


class CapReached(QueueError):
    """The field's daily cap of numbers is reached."""


class NotFound(QueueError):
    """No such field, procedure, counter, ticket or officer."""


class InvalidState(QueueError):
    """The operation makes no sense now (e.g. finish with no ticket at the counter)."""


class Unavailable(QueueError):
    """The database cannot be reached or stayed locked; safe to retry."""


class CatalogueError(QueueError):
    """A malformed catalogue file; nothing was changed."""
