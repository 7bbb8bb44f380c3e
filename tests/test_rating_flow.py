"""The kiosk rating's states (core/rating_flow.py, Qt-free): what a scan, a tap, a refusal and an outage do."""
from __future__ import annotations

import db
from core.rating_flow import ASK, CHECKING, REASONS, SCAN, SENDING, THANKS, KioskRatingFlow
from db.dto import RatingTicket

REFUSED = db.InvalidState("Số A001 đã được đánh giá rồi", "Ticket A001 has already been rated")
OUTAGE = db.Unavailable("Mất kết nối", "Database unreachable")


def test_a_scan_is_checked_once_and_a_refused_code_is_not_checked_again_and_again():
    f = KioskRatingFlow()
    assert f.scan("  DG:ABC  ") == "DG:ABC" and f.state == CHECKING
    assert f.scan("DG:OTHER") is None                      # the camera sees codes while one is checked
    f.checked(error=REFUSED)
    assert (f.state, f.error) == (SCAN, REFUSED)
    assert f.scan("DG:ABC") is None                        # the same ticket still in front of the camera
    assert f.scan("DG:XYZ") == "DG:XYZ"                    # another one is checked
    f.checked(error=OUTAGE)
    assert f.state == SCAN and f.scan("DG:XYZ") == "DG:XYZ"   # after an outage the same code may try again
    assert f.scan("") is None


def test_a_high_answer_is_sent_at_once_a_low_one_after_its_reasons_and_only_the_first_tap_counts():
    f = KioskRatingFlow()
    f.scan("DG:ABC")
    f.checked(RatingTicket("A001", "three"))
    assert (f.state, f.label, f.levels) == (ASK, "A001", (3, 2, 1))
    assert f.choose(7) is None and f.state == ASK          # not on the scale
    answer = f.choose(3)
    assert (answer.scanned, answer.value, answer.reasons, f.state) == ("DG:ABC", 3, (), SENDING)
    assert f.choose(2) is None                             # a second tap
    f.start()
    f.scan("DG:LOW")
    f.checked(RatingTicket("A002", "stars"))
    assert f.choose(3) is None and f.state == REASONS      # 3 stars asks why
    f.toggle_reason("wait_long")
    f.toggle_reason("attitude")
    f.toggle_reason("wait_long")
    f.toggle_reason("rude")                                # not a reason: ignored
    answer = f.send_reasons()
    assert (answer.value, answer.reasons) == (3, ("attitude",))
    assert f.send_reasons() is None


def test_an_outage_keeps_the_answer_until_the_queue_records_or_refuses_it():
    f = KioskRatingFlow()
    f.scan("DG:ABC")
    f.checked(RatingTicket("A001", "three"))
    answer = f.choose(2)
    f.sent(answer, OUTAGE)
    assert (f.state, f.kept, f.pending) == (THANKS, True, [answer])
    f.start()                                              # the next citizen: the kept answer stays
    assert f.pending == [answer]
    f.sent(answer, OUTAGE)                                 # tried again, still down
    assert f.pending == [answer] and f.state == SCAN
    f.sent(answer, None)
    assert f.pending == []
    f.scan("DG:DEF")
    f.checked(RatingTicket("A002", "three"))
    answer = f.choose(3)
    f.sent(answer, REFUSED)                                # raced with the counter: refused, said, not kept
    assert (f.state, f.kept, f.not_recorded, f.pending) == (THANKS, False, REFUSED, [])
