"""Errors a user can cause or meet, each with a plain Vietnamese and English message."""
from __future__ import annotations

from bilingual import LocalizedError


class QueueError(LocalizedError):
    """Base of every error the queue reports to a person. str() is 'Vietnamese / English'."""

    def __init__(self, message_vi: str, message_en: str):
        LocalizedError.__init__(self, message_vi, message_en)
        # always both, even when equal: callers and logs parse "vi / en"
        Exception.__init__(self, f"{message_vi} / {message_en}")


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
