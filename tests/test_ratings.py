"""Satisfaction ratings in the queue, on SQLite and PostgreSQL: one per served ticket, tied to the ticket, the
counter and the officer, refused when never served, twice, or too late; the event names nobody."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

import db
from db import rating
from db.catalogue import parse_catalogue
from db.models import Office, Rating, Ticket


def _served(queue, counter=1, field="HT"):
    label = queue.issue(field).label
    assert queue.call_next(counter).label == label
    queue.start(counter)
    return queue.finish(counter)


def test_a_served_ticket_is_rated_once_tied_to_ticket_counter_and_officer(queue, clock):
    queue.add_officer("Nguyễn Thị Lan", "482913")
    queue.sign_in(1, "Nguyễn Thị Lan", "482913")
    done = _served(queue)
    clock.advance(seconds=10)
    r = queue.rate(done.id, 1, reasons=["wait_long", "guidance", "wait_long"], counter=1)
    assert (r.ticket_id, r.ticket_label, r.scale, r.value) == (done.id, done.label, "three", 1)
    assert r.reasons == ("wait_long", "guidance")
    with queue.session() as s:
        row = s.scalars(select(Rating)).one()
        ticket = s.get(Ticket, done.id)
        assert (row.ticket_id, row.counter_id, row.officer_id) == (ticket.id, ticket.counter_id, ticket.officer_id)
        assert row.officer_id is not None and row.reasons == "wait_long,guidance"
        assert row.service_day == ticket.service_day
    with pytest.raises(db.InvalidState) as err:
        queue.rate(done.label, 3)                       # by label, a second time: refused
    assert "đã được đánh giá" in err.value.message_vi and "already been rated" in err.value.message_en
    with queue.session() as s:
        assert s.scalar(select(Rating.value)) == 1      # the first answer stands


def test_the_rated_event_names_no_ticket_counter_officer_or_value(queue):
    queue.add_officer("Trần Văn Bình", "583920")
    queue.sign_in(1, "Trần Văn Bình", "583920")
    done = _served(queue)
    before = queue.events()[-1].id
    queue.rate(done.id, 3)
    (event,) = queue.events(since=before)
    assert event.kind == "rated"
    assert (event.ticket_label, event.counter_number, event.field_code, event.payload) == (None, None, None, {})


def test_a_ticket_never_served_cannot_be_rated(queue):
    waiting = queue.issue("HT").label
    with pytest.raises(db.InvalidState) as err:
        queue.rate(waiting, 2)
    assert "chưa được phục vụ" in err.value.message_vi and "not been served" in err.value.message_en
    queue.call_next(1)
    with pytest.raises(db.InvalidState):                 # called, not finished
        queue.rate(waiting, 2)
    queue.no_show(1)
    with pytest.raises(db.InvalidState):                 # a no-show was never served
        queue.rate(waiting, 2)
    with pytest.raises(db.NotFound):
        queue.rate(999999, 2)
    with queue.session() as s:
        assert s.scalar(select(Rating.id)) is None


def test_a_rating_after_the_window_is_refused(queue, clock):
    done = _served(queue)
    limit = 30 + queue.rating_grace_seconds
    clock.advance(seconds=limit + 1)
    with pytest.raises(db.InvalidState) as err:
        queue.rate(done.id, 3)
    assert "hết thời gian" in err.value.message_vi and "over" in err.value.message_en
    other = _served(queue)
    clock.advance(seconds=limit - 1)                     # still inside: accepted
    assert queue.rate(other.id, 3).value == 3


def test_the_window_follows_the_offices_timeout(queue, clock):
    with queue.session() as s:
        s.execute(update(Office).values(rating_timeout_seconds=90))
    done = _served(queue)
    clock.advance(seconds=80)
    assert queue.rate(done.id, 2).value == 2
    assert queue.rating_settings() == db.RatingSettings("three", 90)


def test_values_reasons_and_counter_are_checked(queue):
    done = _served(queue)
    for bad in (0, 4, True, "2"):
        with pytest.raises(db.InvalidState):
            queue.rate(done.id, bad)
    with pytest.raises(db.InvalidState) as err:
        queue.rate(done.id, 1, reasons=["rude"])
    assert "rude" in err.value.message_en
    with pytest.raises(db.InvalidState) as err:
        queue.rate(done.id, 1, counter=2)               # another counter's window cannot rate it
    assert "quầy 1" in err.value.message_vi
    with queue.session() as s:
        s.execute(update(Office).values(rating_scale="stars"))
    assert queue.rate(done.id, 5, counter=1).scale == "stars"   # a 5 is fine on a 5-star scale


def test_two_taps_racing_make_one_rating(queue):
    """The unique constraint, not only the check before it, keeps one rating per ticket."""
    done = _served(queue)
    with queue.session() as s:
        t = s.get(Ticket, done.id)
        s.add(Rating(office_id=t.office_id, ticket_id=t.id, counter_id=t.counter_id, service_day=t.service_day,
                     scale="three", value=3, reasons="", created_at=t.finished_at))
    with pytest.raises(db.InvalidState):
        queue.rate(done.id, 1)
    with pytest.raises(IntegrityError):
        with queue.session() as s:
            t = s.get(Ticket, done.id)
            s.add(Rating(office_id=t.office_id, ticket_id=t.id, counter_id=t.counter_id,
                         service_day=t.service_day, scale="three", value=1, reasons="", created_at=t.finished_at))


def test_the_scale_is_set_in_the_catalogue_and_validated():
    base = '[office]\ncode = "X"\nname_vi = "X"\nname_en = "X"\n{extra}\n[[fields]]\ncode = "A"\nprefix = "A"\n' \
           'name_vi = "A"\nname_en = "A"\n'
    assert parse_catalogue(base.format(extra="")).office["rating_scale"] == "three"
    cat = parse_catalogue(base.format(extra='rating_scale = "stars"\nrating_timeout_seconds = 45'))
    assert (cat.office["rating_scale"], cat.office["rating_timeout_seconds"]) == ("stars", 45)
    with pytest.raises(db.CatalogueError) as err:
        parse_catalogue(base.format(extra='rating_scale = "ten"'))
    assert "rating_scale" in str(err.value)
    with pytest.raises(db.CatalogueError):
        parse_catalogue(base.format(extra="rating_timeout_seconds = 0"))


def test_scales_levels_labels_and_scores():
    assert rating.SCALES["three"].levels == (3, 2, 1)
    assert [rating.level_label("three", v) for v in (3, 2, 1)] == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    assert rating.level_label("five", 3, "en") == "Neutral"
    assert [rating.asks_reasons("three", v) for v in (3, 2, 1)] == [False, False, True]
    assert [rating.asks_reasons("stars", v) for v in (5, 4, 3)] == [False, False, True]
    assert (rating.score("three", 1), rating.score("three", 2), rating.score("five", 4)) == (0.0, 50.0, 75.0)
    assert [rating.reason_label(r) for r in rating.REASONS] == [
        "Chờ lâu", "Thái độ chưa tốt", "Hướng dẫn chưa rõ", "Hẹn trả kết quả trễ", "Khác"]


def test_the_statistics_columns_follow_calls_transfers_and_reactivations(queue, clock):
    label = queue.issue("HT").label
    queue.call_next(1)
    with queue.session() as s:
        first = s.scalar(select(Ticket.first_called_at))
    clock.advance(minutes=2)
    queue.no_show(1)
    queue.reactivate(label)
    clock.advance(minutes=3)
    queue.call_ticket(1, label)
    queue.transfer(label, "CT")
    with queue.session() as s:
        t = s.scalars(select(Ticket)).one()
        assert (t.first_called_at, t.transfer_count, t.reactivation_count) == (first, 1, 1)
