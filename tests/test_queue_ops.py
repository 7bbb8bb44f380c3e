"""Queue operations on SQLite and PostgreSQL: numbering, ordering, hours, caps, transfers, states."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

import db
from db.models import Field, Office
from tests.conftest import MONDAY_9AM, VN


def _set_office(queue, **values):
    with queue.session() as s:
        s.execute(update(Office).values(**values))
    queue.invalidate_cache()


def _set_field(queue, code, **values):
    with queue.session() as s:
        s.execute(update(Field).where(Field.code == code).values(**values))
    queue.invalidate_cache()


def test_labels_are_prefix_and_padded_number_per_field(queue):
    labels = [queue.issue("HT").label for _ in range(3)] + [queue.issue("CT").label, queue.issue("A").label]
    assert labels == ["A001", "A002", "A003", "B001", "A004"]


def test_issue_reports_people_ahead_counters_and_estimate(queue):
    first = queue.issue("HT")
    second = queue.issue("HT")
    assert (first.waiting_ahead, second.waiting_ahead) == (0, 1)
    assert second.counters == (1,)               # counter 6 is priority-only: not offered to normal tickets
    assert queue.issue("HT", priority="elderly").counters == (1, 6)
    # No history yet: the office default (8 min) per person ahead, one counter open.
    assert second.estimated_wait_min == 8


def test_estimate_uses_recent_service_times(queue, clock):
    for _ in range(3):
        queue.issue("HT")
    for _ in range(2):
        queue.call_next(1)
        clock.advance(minutes=4)
        queue.finish(1)
    fields = {f.code: f for f in queue.fields()}
    assert fields["HT"].waiting == 1
    assert fields["HT"].estimated_wait_min == 4  # measured 4 minutes per ticket, not the default 8


def test_priority_first_in_strict_mode(queue):
    _set_office(queue, priority_mode="strict")
    queue.issue("HT")
    queue.issue("HT")
    queue.issue("HT", priority="pregnant")
    assert queue.issue("HT").waiting_ahead == 3
    assert [queue.call_next(1).label for _ in range(4)] == ["A003", "A001", "A002", "A004"]
    assert queue.call_next(1) is None


def test_interleave_serves_oldest_normal_after_n_priority_calls(queue):
    _set_office(queue, priority_mode="interleave", interleave_after=2)
    normal = [queue.issue("HT").label for _ in range(2)]
    prio = [queue.issue("HT", priority="elderly").label for _ in range(4)]
    called = [queue.call_next(1).label for _ in range(6)]
    assert called == [prio[0], prio[1], normal[0], prio[2], prio[3], normal[1]]


def test_priority_only_counter_never_takes_normal_tickets(queue):
    queue.issue("CT")
    assert queue.call_next(6) is None
    p = queue.issue("CT", priority="disability")
    assert queue.call_next(6).label == p.label


def test_booked_tickets_are_ordered_by_booking_time(queue, clock):
    _set_office(queue, priority_mode="strict")
    walk_in = queue.issue("CT")
    booked = queue.issue("CT", booking="WEB-77", booked_at=clock.now() - dt.timedelta(minutes=30))
    assert booked.waiting_ahead == 0
    assert queue.call_next(2).label == booked.label
    assert queue.call_next(2).label == walk_in.label


def test_numbers_reset_each_service_day_in_the_centre_time_zone(queue, clock):
    clock.set(dt.datetime(2026, 11, 23, 16, 20, tzinfo=VN))
    assert queue.issue("HT").label == "A001"
    assert queue.issue("HT").label == "A002"
    # 17:05 UTC on Monday is already Tuesday 00:05 in Hà Nội: hours are open all night for this test.
    _set_office(queue, hours={d: [["00:00", "24:00"]] for d in db.catalogue.DAYS}, issue_cutoff_minutes=0)
    clock.set(dt.datetime(2026, 11, 23, 17, 5, tzinfo=dt.timezone.utc))
    t = queue.issue("HT")
    assert t.label == "A001" and t.ticket.service_day == dt.date(2026, 11, 24)
    assert t.waiting_ahead == 0  # yesterday's waiting tickets are not in today's queue
    assert queue.call_next(1).label == "A001"


def test_custom_width_and_start_number(queue):
    _set_field(queue, "CT", number_width=4, start_number=1001)
    assert [queue.issue("CT").label for _ in range(2)] == ["B1001", "B1002"]


def test_daily_cap_refuses_and_leaves_no_gap(queue):
    _set_field(queue, "XD", daily_cap=2)
    queue.issue("XD")
    queue.issue("XD")
    with pytest.raises(db.CapReached) as err:
        queue.issue("XD")
    assert "Xây dựng" in err.value.message_vi and "Construction" in err.value.message_en
    field = {f.code: f for f in queue.fields()}["XD"]
    assert not field.available and field.unavailable_reason_vi == "Đã hết số hôm nay"
    _set_field(queue, "XD", daily_cap=3)  # the refused attempt consumed no number
    assert queue.issue("XD").label == "D003"


@pytest.mark.parametrize("when, fragment", [
    (dt.datetime(2026, 11, 23, 6, 0, tzinfo=VN), "Ngoài giờ làm việc"),
    (dt.datetime(2026, 11, 23, 12, 15, tzinfo=VN), "Ngoài giờ làm việc"),
    (dt.datetime(2026, 11, 23, 16, 45, tzinfo=VN), "Đã ngừng cấp số từ 16:30"),
    (dt.datetime(2026, 11, 22, 9, 0, tzinfo=VN), "không làm việc"),  # Sunday
])
def test_issue_refused_outside_hours_and_after_cutoff(queue, clock, when, fragment):
    clock.set(when)
    with pytest.raises(db.OfficeClosed) as err:
        queue.issue("HT")
    assert fragment in err.value.message_vi
    info = queue.office_info()
    assert not info.is_open and fragment in info.closed_reason_vi
    assert all(not f.available for f in queue.fields())


def test_open_session_allows_issue_until_cutoff(queue, clock):
    clock.set(dt.datetime(2026, 11, 23, 16, 29, tzinfo=VN))
    assert queue.issue("HT").label == "A001"
    clock.set(dt.datetime(2026, 11, 28, 8, 0, tzinfo=VN))  # Saturday morning session
    assert queue.issue("HT").label == "A001"


def test_counter_states_and_invalid_operations(queue):
    a = queue.issue("HT").label
    with pytest.raises(db.InvalidState):
        queue.finish(1)
    t = queue.call_next(1)
    assert (t.label, t.status, t.counter_number, t.call_count) == (a, "called", 1, 1)
    assert queue.recall(1).call_count == 2
    assert queue.start(1).status == "serving"
    with pytest.raises(db.InvalidState):
        queue.no_show(1)  # the visitor is here already
    with pytest.raises(db.InvalidState):
        queue.recall(1)
    done = queue.finish(1)
    assert done.status == "done" and done.finished_at is not None
    assert queue.current(1) is None


def test_call_next_finishes_the_previous_ticket(queue):
    a, b = queue.issue("HT").label, queue.issue("HT").label
    queue.call_next(1)
    assert queue.call_next(1).label == b
    assert queue.ticket(a).status == "done"


def test_no_show_then_reactivate_keeps_the_original_place(queue):
    _set_office(queue, priority_mode="strict")
    a = queue.issue("HT").label
    queue.call_next(1)
    assert queue.no_show(1).status == "no_show"
    b = queue.issue("HT").label
    with pytest.raises(db.InvalidState):
        queue.reactivate(b)
    assert queue.reactivate(a).status == "waiting"
    assert [t.label for t in queue.waiting(1)] == [a, b]


def test_transfer_keeps_label_and_arrival_time(queue, clock):
    _set_office(queue, priority_mode="strict")
    early = queue.issue("HT", procedure="HT-KS")
    clock.advance(minutes=5)
    later = queue.issue("CT")
    queue.call_next(1)
    moved = queue.transfer(early.label, "CT")
    assert (moved.label, moved.field_code, moved.status, moved.counter_number) == ("A001", "CT", "waiting", None)
    assert moved.procedure_code is None
    assert queue.current(1) is None
    assert queue.call_next(2).label == early.label  # it arrived first
    assert queue.call_next(2).label == later.label
    with pytest.raises(db.InvalidState):
        queue.transfer(later.label, "CT")
    # The transferred ticket keeps its number: the next Hộ tịch number is still A002.
    assert queue.issue("HT").label == "A002"


def test_call_a_chosen_ticket(queue):
    a, b = queue.issue("HT").label, queue.issue("HT").label
    assert queue.call_ticket(1, b).label == b
    with pytest.raises(db.InvalidState):
        queue.call_ticket(2, a)  # counter 2 does not serve Hộ tịch
    with pytest.raises(db.NotFound):
        queue.call_ticket(1, "Z999")


def test_paused_counter_does_not_call(queue):
    queue.issue("HT")
    assert queue.pause(1).paused
    with pytest.raises(db.InvalidState):
        queue.call_next(1)
    assert not queue.resume(1).paused
    assert queue.call_next(1) is not None


def test_no_number_for_a_field_whose_counters_are_all_paused(queue):
    """Issue 12: nobody would call it, and the kiosk's list may be older than the pause."""
    ht = [f for f in queue.fields() if f.code == "HT"][0]
    for number in ht.counters:
        queue.pause(number)
    with pytest.raises(db.InvalidState) as refused:
        queue.issue("HT")
    assert refused.value.message("vi") == "Các quầy đang tạm dừng — xin hỏi cán bộ"
    assert refused.value.message("en") == "The counters are paused — please ask staff"
    assert queue.waiting() == ()
    assert queue.issue("HT", priority="pregnant").label      # the priority counter still serves
    queue.resume(ht.counters[0])
    assert queue.issue("HT").label


def test_officer_sign_in_checks_argon2_pin_and_goes_on_calls(queue):
    queue.add_officer("Nguyễn Thị Lan", "432187")
    with pytest.raises(db.AuthError):
        queue.sign_in(1, "Nguyễn Thị Lan", "000000")
    with pytest.raises(db.InvalidState):
        queue.add_officer("Nguyễn Thị Lan", "864209")
    assert queue.sign_in(1, "Nguyễn Thị Lan", "432187").role == "officer"
    queue.issue("HT")
    assert queue.call_next(1).officer_name == "Nguyễn Thị Lan"
    with queue.session() as s:
        from db.models import Officer
        stored = s.scalar(select(Officer.pin_hash))
    assert stored.startswith("$argon2") and "432187" not in stored


def test_snapshot_shows_what_a_board_needs(queue):
    queue.issue("HT")
    queue.issue("CT")
    queue.issue("CT")
    queue.call_next(1)
    queue.call_next(2)
    snap = queue.snapshot()
    serving = {c.counter.number: c.ticket.label for c in snap.counters if c.ticket}
    assert serving == {1: "A001", 2: "B001"}
    assert [t.label for t in snap.recent_calls] == ["B001", "A001"]
    waiting = {f.code: f.waiting for f in snap.fields}
    assert waiting["CT"] == 1 and waiting["HT"] == 0
    assert snap.last_event_id == queue.events(0)[-1].id


def test_every_operation_appends_one_event(queue):
    queue.issue("HT")
    queue.call_next(1)
    queue.recall(1)
    queue.start(1)
    queue.finish(1)
    kinds = [e.kind for e in queue.events(0)]
    assert kinds == ["issued", "called", "recalled", "started", "finished"]
    ev = queue.events(0)[1]
    assert ev.ticket_label == "A001" and ev.counter_number == 1 and ev.payload["ticket"]["status"] == "called"


def test_print_faults_reach_the_staff_as_events(queue):
    t = queue.issue("HT").label
    assert queue.record_print(t, "paper_out", "Hết giấy").print_status == "paper_out"
    ev = queue.events(0)[-1]
    assert ev.kind == "printer_fault" and ev.payload["status"] == "paper_out"


def test_unknown_inputs_are_refused_clearly(queue):
    with pytest.raises(db.NotFound, match="Không có lĩnh vực 'XX'"):
        queue.issue("XX")
    with pytest.raises(db.NotFound, match="thủ tục"):
        queue.issue("HT", procedure="CT-BS")
    with pytest.raises(db.NotFound):
        queue.issue("HT", priority="vip")
    with pytest.raises(db.NotFound, match="quầy số 42"):
        queue.call_next(42)


def test_unreachable_database_is_reported_as_unavailable(tmp_path):
    svc = db.open_queue("postgresql+psycopg://nobody@127.0.0.1:1/none")
    with pytest.raises(db.Unavailable) as err:
        svc.issue("HT")
    assert "Không kết nối được" in err.value.message_vi
    fresh = db.open_queue(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(db.Unavailable, match="kiosk-admin init"):
        fresh.fields()
    assert not (tmp_path / "empty.sqlite3").exists()  # only init creates a database


def test_init_is_idempotent(db_url, clock):
    svc = db.init_db(db_url, clock=clock)
    svc.issue("HT")
    again = db.init_db(db_url, clock=clock)
    assert len(again.fields()) == 9 and len(again.counters()) == 6
    assert again.issue("HT").label == "A002"
    for s in (svc, again):
        s.close()


def test_monday_fixture_is_open(queue):
    assert queue.clock.now() == MONDAY_9AM and queue.office_info().is_open
