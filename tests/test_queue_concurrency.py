"""Atomicity with real processes: no duplicate or missing numbers, no ticket called twice, nothing
half-written after a SIGKILL — on SQLite and on PostgreSQL."""
from __future__ import annotations

import collections
import multiprocessing as mp
import os
import signal
import time

from sqlalchemy import func, select

import db
from db.models import Event, NumberSequence, Ticket
from tests import queue_workers

CTX = mp.get_context("spawn")


def test_eight_processes_issue_unique_contiguous_numbers(open_queue, db_url):
    go_at = time.time() + 2.0
    with CTX.Pool(8) as pool:
        results = pool.starmap(queue_workers.issue_many,
                               [(db_url, ["HT", "CT", "DD"], 40, go_at, True) for _ in range(8)])
    labels = [label for chunk, _start, _end in results for label in chunk]
    # the race happened: every process was still issuing when the last one started
    spans = [(start, end) for _, start, end in results]
    assert any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1:]), \
        "no two processes ever issued at the same time"
    assert len(labels) == 320 and len(set(labels)) == 320
    by_prefix = collections.defaultdict(list)
    for label in labels:
        by_prefix[label[0]].append(int(label[1:]))
    for prefix, numbers in by_prefix.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"gap or duplicate in {prefix}"


def test_four_counters_never_call_the_same_ticket(open_queue, db_url):
    issued = []
    for i in range(160):
        field = ["HT", "CT", "TN"][i % 3]
        issued.append(open_queue.issue(field, priority="pregnant" if i % 5 == 0 else None).label)
    go_at = time.time() + 2.0
    with CTX.Pool(4) as pool:
        results = pool.starmap(queue_workers.call_until_empty,
                               [(db_url, counter, go_at) for counter in (1, 2, 5, 6)])
    called = [label for chunk in results for label, _at in chunk]
    # the race happened: all four counters got tickets, and they were calling at the same time
    assert all(chunk for chunk in results), "a counter called nothing: no race"
    spans = [(chunk[0][1], chunk[-1][1]) for chunk in results]
    assert any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(spans) for b in spans[i + 1:]), \
        "no two counters ever called at the same time"
    assert len(called) == len(set(called)), "a ticket was called twice"
    assert sorted(called) == sorted(issued), "a ticket was never called"
    with open_queue.session() as s:
        per_ticket = s.execute(select(Event.ticket_label, func.count()).where(Event.kind == "called")
                               .group_by(Event.ticket_label)).all()
        assert all(n == 1 for _, n in per_ticket) and len(per_ticket) == 160
        assert s.scalar(select(func.max(Ticket.call_count))) == 1


def _assert_consistent(svc: db.QueueService) -> int:
    with svc.session() as s:
        tickets = s.scalars(select(Ticket)).all()
        seqs = s.scalars(select(NumberSequence)).all()
        issued_events = collections.Counter(
            s.scalars(select(Event.ticket_label).where(Event.kind == "issued")).all())
        called_events = set(s.scalars(select(Event.ticket_label).where(Event.kind == "called")).all())
    for seq in seqs:
        numbers = sorted(t.number for t in tickets
                         if t.number_field_id == seq.field_id and t.service_day == seq.service_day)
        assert numbers == list(range(1, seq.last_number + 1)), "sequence and tickets disagree"
    assert all(issued_events[t.label] == 1 for t in tickets), "a ticket without its 'issued' event"
    assert sum(issued_events.values()) == len(tickets), "an event without its ticket"
    at_counter = collections.Counter(t.counter_id for t in tickets if t.status in ("called", "serving"))
    assert all(n == 1 for n in at_counter.values())
    for t in tickets:
        if t.status in ("called", "serving", "done", "no_show"):
            assert t.label in called_events and t.called_at is not None
    return len(tickets)


def test_sigkill_mid_operation_leaves_nothing_half_written(open_queue, db_url):
    total = 0
    for round_no in range(3):
        procs = [CTX.Process(target=queue_workers.churn_forever, args=(db_url, round_no * 10 + i))
                 for i in range(2)]
        for p in procs:
            p.start()
        deadline = time.time() + 20
        # Let them work until the queue has grown, then kill without warning.
        while time.time() < deadline:
            time.sleep(0.3)
            with open_queue.session(write=False) as s:
                if (s.scalar(select(func.count()).select_from(Ticket)) or 0) > total + 30:
                    break
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.join()
        new_total = _assert_consistent(open_queue)
        assert new_total > total
        total = new_total
    # ...and the queue carries on from where it was.
    label = open_queue.issue("HT").label
    with open_queue.session() as s:
        last = s.scalar(select(func.max(NumberSequence.last_number)).where(
            NumberSequence.field_id == select(Ticket.field_id).where(Ticket.label == label).scalar_subquery()))
    assert int(label[1:]) == last


def test_transfer_racing_call_next_is_not_marked_done(pg_url):
    """PostgreSQL: a counter pressing 'call next' while another process transfers the ticket it holds must
    not finish the transferred ticket (it waits in its new field)."""
    import threading

    import psycopg
    from sqlalchemy.engine import make_url
    svc = db.init_db(pg_url, always_open=True)
    svc.default_actor = "admin:tests"
    try:
        a = svc.issue("HT").label
        svc.call_next(1)
        conninfo = make_url(pg_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as other:   # a transfer in flight: row locked, not yet committed
            other.execute("SELECT id FROM tickets WHERE label = %s FOR UPDATE", (a,))
            result = {}
            worker = threading.Thread(target=lambda: result.setdefault("next", svc.call_next(1)))
            worker.start()
            # the race happened: call_next is waiting for the row lock (seen by the server), not done already
            waiting = 0
            for _ in range(100):
                waiting = other.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                        "AND datname = current_database()").fetchone()[0]
                if waiting:
                    break
                time.sleep(0.05)
            assert waiting and "next" not in result, "call_next never waited for the transfer's lock"
            ct = other.execute("SELECT id FROM fields WHERE code = 'CT'").fetchone()[0]
            other.execute("UPDATE tickets SET field_id = %s, status = 'waiting', counter_id = NULL, "
                          "called_at = NULL WHERE label = %s", (ct, a))
            other.commit()
        worker.join(10)
        assert result["next"] is None              # nothing else waits for counter 1
        moved = svc.ticket(a)
        assert (moved.status, moved.field_code) == ("waiting", "CT")
    finally:
        svc.close()
