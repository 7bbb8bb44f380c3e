"""The recognised visitor, as the counter window may show it: one small seam to the privacy store.

The name and past visits are shown only when the ticket has a visitor, the officer's role allows it,
and the privacy store (core/visitors/store.py, face recognition) is available; every such view is written
to the privacy audit log by that store. Without it the window shows the visitor id only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.visitors.texts import WORDS

VISITOR_VIEW_ROLES = frozenset({"officer", "supervisor", "admin"})


@dataclass(frozen=True)
class VisitorView:
    visitor_id: int
    name: str | None = None                       # None: not shown (role, store missing, or deleted)
    visits: tuple[str, ...] = field(default=())   # past visits, one line each
    note: str = ""                                 # why the name is not shown


def visitor_view(ticket: Any, officer: Any, store: Any | None = None, counter: int | None = None,
                 lang: str = "vi") -> VisitorView | None:
    """What to show about the ticket's visitor (None when the visitor was not recognised).

    ``store`` is a core.visitors.store.VisitorStore; each view is written to its audit log first.
    """
    if ticket is None or ticket.visitor_id is None:
        return None
    vid = int(ticket.visitor_id)
    if officer is None or officer.role not in VISITOR_VIEW_ROLES:
        return VisitorView(vid, note=WORDS.text(lang, "view_role_refused"))
    if store is None:
        return VisitorView(vid, note=WORDS.text(lang, "view_no_store"))
    try:
        store.audit("counter_view", officer.name, vid, f"quầy {counter}, số {ticket.label}")
        identity = store.identity(vid)
        greeting = store.greeting(vid)
    except Exception as exc:  # a missing key or a broken row must not break the counter
        return VisitorView(vid, note=WORDS.text(lang, "view_unreadable", reason=exc))
    if identity is None:
        return VisitorView(vid, note=WORDS.text(lang, "view_face_only"))
    visits = ((WORDS.text(lang, "view_last_field", field=greeting.last_field_code),)
              if greeting and greeting.last_field_code else ())
    return VisitorView(vid, identity.full_name, visits)


def open_visitor_store(svc: Any, key_file: Any) -> Any | None:
    """The privacy store on ``svc``'s database, or None when there is no key (nobody enrolled here)."""
    try:
        from core.visitors.store import VisitorStore
        return VisitorStore(svc, key_file, create_key=False)
    except Exception:
        return None
