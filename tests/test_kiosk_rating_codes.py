"""The ticket's own rating code and the kiosk's satisfaction question, in the queue, on SQLite and PostgreSQL:
each ticket gets a random code that reveals nothing; a scan is refused, with the reason in both languages,
when it is not a code, was edited or made up, the ticket was not served, it was rated already (at the counter
or the kiosk) or it is too late; one rating per ticket whatever the path."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, update

import db
from db import rating
from db.catalogue import parse_catalogue
from db.dto import RatingInfo
from db.models import Office, Rating, Ticket


def _kiosk_rating(queue, on=True, minutes=120):
    with queue.session() as s:
        s.execute(update(Office).values(kiosk_rating=on, kiosk_rating_minutes=minutes))


def _served(queue, counter=1, field="HT"):
    issued = queue.issue(field)
    assert queue.call_next(counter).label == issued.label
    queue.start(counter)
    queue.finish(counter)
    return issued


def _refused(call, error=db.InvalidState):
    with pytest.raises(error) as err:
        call()
    return err.value.message_vi, err.value.message_en


def test_every_ticket_gets_its_own_random_code_that_says_nothing_about_it(queue):
    issued = [queue.issue("HT") for _ in range(30)]
    codes = [i.rating_code for i in issued]
    assert len(set(codes)) == 30
    for i in issued:
        code = i.rating_code
        assert len(code) == rating.CODE_LENGTH and set(code) <= set(rating.CODE_ALPHABET)
        assert rating.code_from_qr(rating.qr_payload(code)) == code
    with queue.session() as s:
        assert sorted(s.scalars(select(Ticket.rating_code))) == sorted(codes)
    # the code travels with the issued ticket only: never in an event (counters and the board read those)
    for e in queue.events():
        assert not any(c in repr(e.payload) for c in codes)


def test_a_retried_tap_gets_the_same_code(queue):
    first = queue.issue("HT", request_id="6f1c1d33-9a4e-4a57-8c1e-0c4f7a1b2d3e")
    again = queue.issue("HT", request_id="6f1c1d33-9a4e-4a57-8c1e-0c4f7a1b2d3e")
    assert again.label == first.label and again.rating_code == first.rating_code


def test_qr_text_is_read_loosely_but_only_our_codes_count():
    code = rating.new_code()
    assert rating.code_from_qr(f"  dg:{code.lower()}\n") == code          # a hand scanner's case, an Enter
    for other in ("", "DG:", f"DG:{code}X", f"DG:{code[:-1]}", code, "https://dvc.example/HT",
                  "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Hà Nội|20052021", f"DG:{code[:-1]}I"):
        assert rating.code_from_qr(other) is None, other


def test_a_served_ticket_is_rated_at_the_kiosk_once(queue, clock):
    _kiosk_rating(queue)
    queue.add_officer("Nguyễn Thị Lan", "482913")
    queue.sign_in(1, "Nguyễn Thị Lan", "482913")
    issued = _served(queue)
    scanned = rating.qr_payload(issued.rating_code)
    clock.advance(minutes=20)
    found = queue.rating_ticket(scanned)
    assert (found.label, found.scale) == (issued.label, "three")
    r = queue.rate_by_code(scanned, 1, ["attitude"])
    assert (r.ticket_label, r.value, r.reasons) == (issued.label, 1, ("attitude",))
    with queue.session() as s:
        row = s.scalars(select(Rating)).one()
        t = s.get(Ticket, issued.ticket.id)
        assert (row.ticket_id, row.counter_id, row.officer_id) == (t.id, t.counter_id, t.officer_id)
    vi, en = _refused(lambda: queue.rating_ticket(scanned))             # a second scan: refused before asking
    assert "đã được đánh giá" in vi and "already been rated" in en
    _refused(lambda: queue.rate_by_code(scanned, 3))
    with queue.session() as s:
        assert s.scalars(select(Rating.value)).all() == [1]


def test_rated_at_the_counter_means_not_again_at_the_kiosk_and_the_other_way(queue):
    _kiosk_rating(queue)
    at_counter = _served(queue)
    queue.rate(at_counter.ticket.id, 3, counter=1)
    vi, en = _refused(lambda: queue.rating_ticket(rating.qr_payload(at_counter.rating_code)))
    assert "đã được đánh giá" in vi and "already" in en
    at_kiosk = _served(queue)
    queue.rate_by_code(rating.qr_payload(at_kiosk.rating_code), 2)
    vi, en = _refused(lambda: queue.rate(at_kiosk.ticket.id, 3, counter=1))
    assert "đã được đánh giá" in vi
    with queue.session() as s:
        assert len(s.scalars(select(Rating)).all()) == 2


def test_edited_or_made_up_codes_and_other_qr_codes_are_refused(queue):
    _kiosk_rating(queue)
    issued = _served(queue)
    code = issued.rating_code
    edited = ("0" if code[0] != "0" else "1") + code[1:]                   # one character changed
    vi, en = _refused(lambda: queue.rating_ticket(rating.qr_payload(edited)), db.NotFound)
    assert "Không tìm thấy phiếu" in vi and "No ticket has this code" in en
    _refused(lambda: queue.rate_by_code(rating.qr_payload(edited), 3), db.NotFound)
    for payload in (issued.label, str(issued.ticket.id), "001099012345|012345678|Nguyễn Văn An|15031999|Nam|X|1"):
        vi, en = _refused(lambda p=payload: queue.rating_ticket(p))
        assert "không phải mã đánh giá" in vi and "not a rating code" in en
    with queue.session() as s:
        assert s.scalar(select(Rating.id)) is None


def test_a_ticket_not_served_cannot_be_rated_at_the_kiosk(queue):
    _kiosk_rating(queue)
    waiting = queue.issue("HT")
    scanned = rating.qr_payload(waiting.rating_code)
    vi, en = _refused(lambda: queue.rating_ticket(scanned))
    assert "chưa được phục vụ" in vi and "not been served" in en
    queue.call_next(1)
    _refused(lambda: queue.rate_by_code(scanned, 3))                    # called, not finished
    queue.no_show(1)
    _refused(lambda: queue.rate_by_code(scanned, 3))                    # never served
    with queue.session() as s:
        assert s.scalar(select(Rating.id)) is None


def test_too_late_after_the_offices_minutes_or_on_another_day(queue, clock):
    _kiosk_rating(queue, minutes=60)
    issued = _served(queue)
    scanned = rating.qr_payload(issued.rating_code)
    clock.advance(minutes=59)
    assert queue.rating_ticket(scanned).label == issued.label            # inside the hour: asked
    clock.advance(minutes=2)
    vi, en = _refused(lambda: queue.rating_ticket(scanned))
    assert "hết thời gian" in vi and "60 min" in en
    _refused(lambda: queue.rate_by_code(scanned, 3))
    _kiosk_rating(queue, minutes=1440)                                   # a whole day allowed: still the same day
    late = _served(queue)
    clock.advance(hours=16)                                              # Monday 09:00 + 17 h: Tuesday, local
    vi, en = _refused(lambda: queue.rate_by_code(rating.qr_payload(late.rating_code), 3))
    assert "hết thời gian" in vi
    with queue.session() as s:
        assert s.scalar(select(Rating.id)) is None


def test_nothing_is_asked_when_the_centre_does_not_offer_kiosk_rating(queue):
    issued = _served(queue)
    assert queue.office_info().kiosk_rating is False
    vi, en = _refused(lambda: queue.rating_ticket(rating.qr_payload(issued.rating_code)))
    assert "chưa mở đánh giá tại kiosk" in vi and "not offered" in en
    _kiosk_rating(queue)
    info = queue.office_info()
    assert (info.kiosk_rating, info.rating_scale) == (True, "three")


def test_values_and_reasons_are_checked_on_the_kiosk_path_too(queue):
    _kiosk_rating(queue)
    scanned = rating.qr_payload(_served(queue).rating_code)
    vi, _ = _refused(lambda: queue.rate_by_code(scanned, 4))
    assert "không có trong thang" in vi
    _refused(lambda: queue.rate_by_code(scanned, 1, ["rude"]))
    with queue.session() as s:
        s.execute(update(Office).values(rating_scale="stars"))
    assert queue.rating_ticket(scanned).scale == "stars"
    assert queue.rate_by_code(scanned, 5).scale == "stars"


def test_two_kiosk_scans_racing_make_one_rating(queue):
    """Two kiosks (two services, two connections) answer for the same ticket at the same moment. The race is
    made to happen: the first is held inside its transaction, after it found the ticket unrated, until the
    second has started its own answer; the second must wait for it and then find the ticket rated."""
    _kiosk_rating(queue)
    served = _served(queue)
    scanned = rating.qr_payload(served.rating_code)
    other = db.open_queue(queue.url, clock=queue.clock)
    results: dict[str, object] = {}
    ended: dict[str, float] = {}
    first_inside, second_started = threading.Event(), threading.Event()
    real_check = queue._check_kiosk_rating

    def held_check(s, office, t):                     # the first kiosk, inside its transaction
        first_inside.set()
        assert second_started.wait(10)
        time.sleep(0.3)                                # the second is now inside rate_by_code, behind our lock
        return real_check(s, office, t)

    queue._check_kiosk_rating = held_check

    def answer(name, svc, value, wait_for=None):
        if wait_for is not None:
            assert wait_for.wait(10)
            second_started.set()
        started = time.monotonic()
        try:
            results[name] = svc.rate_by_code(scanned, value)
        except db.InvalidState as exc:
            results[name] = exc
        ended[name] = time.monotonic()
        results[name + "_started"] = started

    threads = [threading.Thread(target=answer, args=("first", queue, 3)),
               threading.Thread(target=answer, args=("second", other, 1, first_inside))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    other.close()
    assert first_inside.is_set() and second_started.is_set()
    # the race happened: the second answer began while the first was held, and could only end after it
    assert results["second_started"] < ended["first"] <= ended["second"]
    assert isinstance(results["first"], RatingInfo) and results["first"].value == 3
    assert isinstance(results["second"], db.InvalidState)
    assert results["second"].message("en") == rating.WORDS.text("en", "already_rated", label=served.label)
    with queue.session() as s:
        assert [r.value for r in s.scalars(select(Rating)).all()] == [3]


def test_kiosk_rating_is_set_in_the_catalogue_and_validated():
    base = '[office]\ncode = "X"\nname_vi = "X"\nname_en = "X"\n{extra}\n[[fields]]\ncode = "A"\nprefix = "A"\n' \
           'name_vi = "A"\nname_en = "A"\n'
    office = parse_catalogue(base.format(extra="")).office
    assert (office["kiosk_rating"], office["kiosk_rating_minutes"]) == (False, 120)
    office = parse_catalogue(base.format(extra="kiosk_rating = true\nkiosk_rating_minutes = 240")).office
    assert (office["kiosk_rating"], office["kiosk_rating_minutes"]) == (True, 240)
    with pytest.raises(db.CatalogueError) as err:
        parse_catalogue(base.format(extra='kiosk_rating = "yes"'))
    assert "kiosk_rating" in str(err.value)
    with pytest.raises(db.CatalogueError):
        parse_catalogue(base.format(extra="kiosk_rating_minutes = 0"))
