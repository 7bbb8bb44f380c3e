"""The queue: the single source of truth. Qt-free.

    from db import init_db, open_queue
    init_db(url)                  # create or migrate the schema and load assets/catalogue.toml
    svc = open_queue(url)         # QueueService: issue, call_next, recall, start, finish, no_show, ...
    feed = svc.follow()           # EventFeed: poll() -> new events, in order, surviving disconnects
"""
from __future__ import annotations

from pathlib import Path

from .catalogue import apply_catalogue, load_catalogue_file, parse_catalogue
from .clock import Clock, DatabaseClock, FixedClock, OffsetClock, SystemClock
from .dto import (CounterInfo, CounterState, Event, FieldInfo, IssuedTicket, OfficeInfo, OfficerInfo,
                  ProcedureInfo, RatingInfo, RatingSettings, Snapshot, TicketInfo, to_jsonable)
from .errors import (CapReached, CatalogueError, InvalidState, NotFound, OfficeClosed, QueueError,
                     Unavailable)
from .auth import LockedOut, NotAllowed, NotSignedIn, WeakPin
from .feed import EventFeed
from .service import AuthError, QueueService
from .vocabulary import PRIORITY_REASONS, STATUSES, priority_label, status_label

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(url: str) -> None:
    """Create or upgrade the schema to the newest revision (safe to run again)."""
    from alembic import command
    from alembic.config import Config

    from .engine import make_engines

    engine, read_engine = make_engines(url, create=True, deadlines=False)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()
        read_engine.dispose()


def init_db(url: str, catalogue: str | Path | None = None, always_open: bool = False,
            clock: Clock | None = None, actor: str = "admin") -> QueueService:
    """Migrate the schema and load the catalogue (validated first: a bad file changes nothing) as ``actor``
    (QueueService.load_catalogue: the administrator, or an officer whose role may change the catalogue)."""
    cat = load_catalogue_file(catalogue)
    migrate(url)
    svc = QueueService(url, clock=clock, office=cat.office["code"])
    svc.load_catalogue(cat, actor=actor, always_open=always_open)
    return svc


def open_queue(url: str, clock: Clock | None = None, office: str | None = None,
               actor: str | None = None) -> QueueService:
    """``actor`` (e.g. "admin:demo"): who staff operations act as where no officer is signed in."""
    svc = QueueService(url, clock=clock, office=office)
    svc.default_actor = actor
    return svc


__all__ = ["init_db", "migrate", "open_queue", "QueueService", "EventFeed", "Clock", "DatabaseClock", "FixedClock", "OffsetClock", "SystemClock",
           "QueueError", "OfficeClosed", "CapReached", "NotFound", "InvalidState", "Unavailable",
           "CatalogueError", "AuthError", "LockedOut", "NotAllowed", "NotSignedIn", "WeakPin", "PRIORITY_REASONS", "STATUSES",
           "priority_label", "status_label", "TicketInfo", "IssuedTicket", "FieldInfo",
           "ProcedureInfo", "CounterInfo", "CounterState", "OfficeInfo", "OfficerInfo", "Snapshot", "Event",
           "RatingInfo", "RatingSettings", "to_jsonable", "parse_catalogue", "load_catalogue_file", "apply_catalogue"]
