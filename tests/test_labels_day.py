"""One label, one ticket per day; the end-of-day rule; label commands act on today's tickets only."""
from __future__ import annotations

import pytest
from sqlalchemy import column, insert, select, table
from sqlalchemy.exc import IntegrityError

import db
from db.models import Event, Ticket
from tests.conftest import REPO


def test_yesterday_s_open_tickets_are_closed_not_served_and_never_called_today(queue, clock):
    labels = [queue.issue("HT").label for _ in range(3)]
    assert queue.call_next(1).label == labels[0]           # called, never finished
    clock.advance(days=1)                                  # Tuesday 09:00
    assert queue.call_next(1) is None                      # nobody waits today; yesterday's are closed
    with queue.session(write=False) as s:
        rows = {t.label: t.status for t in s.scalars(select(Ticket).order_by(Ticket.id))}
        closed = [e.payload for e in s.scalars(select(Event).where(Event.kind == "day_closed"))]
    assert rows == {label: "not_served" for label in labels}
    closed = [{k: v for k, v in payload.items() if k != "actor"} for payload in closed]   # who triggered it
    assert closed == [{"day": "2026-11-23", "not_served": 3, "waiting": 2, "called": 1}]
    assert queue.current(1) is None                        # no counter stays stuck on yesterday's number
    today = queue.issue("HT").label
    assert today == labels[0]                              # numbering restarts: the same label, a new day
    assert queue.ticket(today).service_day == clock.now().date() and queue.ticket(today).status == "waiting"
    assert queue.call_ticket(1, today).status == "called"  # today's ticket, not yesterday's
    assert queue.close_past_days() == 0                    # safe to run again


def test_a_label_names_one_ticket_per_day(queue):
    t = queue.issue("HT").ticket
    with pytest.raises(IntegrityError):
        with queue.session() as s:
            row = s.get(Ticket, t.id)
            s.execute(insert(Ticket).values(
                office_id=row.office_id, field_id=row.field_id, number_field_id=row.field_id + 1,
                service_day=row.service_day, number=row.number, label=row.label, status="waiting",
                issued_at=row.issued_at, arrival_at=row.arrival_at, call_count=0, print_status="pending"))


def test_a_prefix_change_that_would_reuse_a_label_today_is_refused(open_queue, db_url, tmp_path):
    issued = open_queue.issue("HT").label                  # A001 today
    text = (REPO / "assets" / "catalogue.toml").read_text(encoding="utf-8")
    swapped = text.replace('prefix = "A"', 'prefix = "Q"').replace('prefix = "B"', 'prefix = "A"')
    path = tmp_path / "swapped.toml"
    path.write_text(swapped, encoding="utf-8")
    with pytest.raises(db.CatalogueError, match=issued):
        db.init_db(db_url, catalogue=path, always_open=True)
    assert {f.code: f.prefix for f in open_queue.fields()}["HT"] == "A"   # nothing changed
    harmless = tmp_path / "harmless.toml"                  # a prefix nobody used today is fine
    harmless.write_text(text.replace('prefix = "B"', 'prefix = "M"'), encoding="utf-8")
    db.init_db(db_url, catalogue=harmless, always_open=True).close()
    open_queue.invalidate_cache()
    assert {f.code: f.prefix for f in open_queue.fields()}["CT"] == "M"


def test_upgrading_a_database_that_already_reused_a_label_keeps_both_tickets(db_url, clock):
    """Migration 0004 on a database from before it, where a reused prefix gave A001 twice in one day."""
    from alembic import command
    from alembic.config import Config
    from db.engine import make_engines
    from db.models import Field
    svc = db.init_db(db_url, clock=clock)
    first = svc.issue("HT").ticket
    engine, read_engine = make_engines(db_url, create=True, deadlines=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003_notify_trigger")
    with engine.begin() as conn:
        other = conn.execute(select(Field.id).where(Field.code == "CT")).scalar_one()
        # the schema of revision 0003: only its columns (the model has grown since)
        old_tickets = table("tickets", *(column(n) for n in (
            "office_id", "field_id", "number_field_id", "service_day", "number", "label", "status", "issued_at",
            "arrival_at", "call_count", "print_status")))
        old_tickets = table("tickets", *(column(c.name, Ticket.__table__.c[c.name].type) for c in old_tickets.c))
        conn.execute(insert(old_tickets).values(
            office_id=1, field_id=other, number_field_id=other, service_day=first.service_day, number=1,
            label=first.label, status="waiting", issued_at=first.issued_at, arrival_at=first.issued_at,
            call_count=0, print_status="pending"))
    engine.dispose()
    read_engine.dispose()
    db.migrate(db_url)
    with svc.session(write=False) as s:
        labels = sorted(s.scalars(select(Ticket.label)))
    assert len(labels) == 2 and labels[0] == first.label and labels[1].startswith(first.label + "#")
    svc.close()
