"""The second factor that discloses nothing: the date of birth typed on a big keypad.

Qt-free: the keypad entry and FaceFlow.answer_birth_date on a real SQLite VisitorStore. On the real kiosk window
(offscreen): the screen is the same whoever is shortlisted and shows nothing of any candidate; its keys are big
at 1080x1920 and 1920x1080 (screenshots in artifacts/kiosk_face/)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from core.visitors.flow import FaceFlow
from core.visitors.recognition import DecisionRule, Recognizer
from core.visitors.second_factor import ATTEMPTS, BirthDateEntry, SecondFactorError
from core.visitors.texts import face_tr
from gui import theme
from tests.face_support import AN, BINH, enrol, face, frames_of, see, settle, shot, tap

# born on the same day as An (15/03/1999): two shortlisted candidates can share a date of birth
CUONG = "001099001111||Lê Văn Cường|15031999|Nam|Số 3 Lê Lợi, Hà Nội|01012021"
NGOC = "079301004567||Trần Thị Bích Ngọc|09072001|Nữ|TP. Hồ Chí Minh|12042022"


def secrets_of(*payloads: str) -> set[str]:
    """What must never appear: each name and its parts, the ID numbers, the date of birth in any spelling."""
    out: set[str] = set()
    for payload in payloads:
        id_number, old_id, name, born = payload.split("|")[:4]
        d, m, y = born[:2], born[2:4], born[4:]
        out |= {id_number, id_number[-4:], name, *name.split()[1:], y, f"{d}{m}", f"{d}/{m}", f"{int(d)}/{int(m)}",
                f"{d}{m}{y}", f"{d}/{m}/{y}"}
        out |= {old_id} if old_id else set()
    return out


DISCLOSING = secrets_of(AN, BINH, CUONG)


def lookalike(seed: int) -> np.ndarray:
    """Someone who resembles face(1) (distance ≈ 0.3): shortlisted beside An, never matched alone."""
    return face(1) + np.random.default_rng(seed).normal(0, 0.02, 128).astype(np.float32)


def large_gallery(store) -> Recognizer:
    return Recognizer(store, rule=DecisionRule(max_identities=1))   # 1:N never answers alone: a second factor


def asked(flow: FaceFlow, base: np.ndarray, seed: int = 99):
    outcome = next(o for o in (flow.observe(e) for e in frames_of(base, 3, seed=seed)) if o is not None)
    assert outcome.kind == "second_factor" and outcome.attempts_left == ATTEMPTS
    return outcome


# ------------------------------------------------------------------------------ the keypad entry (Qt-free)
def typed(digits: str) -> BirthDateEntry:
    e = BirthDateEntry()
    for key in digits:
        e.press(key)
    return e


def test_entry_shows_only_what_was_typed_and_deletes():
    e = typed("")
    assert e.shown() == "__/__/____" and not e.complete
    for key in "1a5":                                 # a non-digit is ignored
        e.press(key)
    assert e.shown() == "15/__/____" and e.parts() == ("15", "__", "____")
    for key in "0319999":                             # a ninth digit is ignored
        e.press(key)
    assert e.shown() == "15/03/1999" and e.complete and e.value() == dt.date(1999, 3, 15)
    e.delete()
    assert e.shown() == "15/03/199_"
    with pytest.raises(SecondFactorError) as incomplete:
        e.value()
    assert "8 số" in incomplete.value.message("vi") and "8 digits" in incomplete.value.message("en")


@pytest.mark.parametrize("digits, vi, en", [
    ("31021999", "Tháng 02 năm 1999 không có ngày 31", "Month 02 of 1999 has no day 31"),
    ("29021999", "Tháng 02 năm 1999 không có ngày 29", "Month 02 of 1999 has no day 29"),
    ("00131950", "Không có tháng 13", "There is no month 13"),
    ("00101950", "Tháng 10 năm 1950 không có ngày 00", "Month 10 of 1950 has no day 00"),
    ("05030052", "Năm sinh 0052 không đúng", "Year of birth 0052 is not possible"),
    ("05032999", "Năm sinh 2999 không đúng", "Year of birth 2999 is not possible"),
])
def test_entry_refuses_dates_that_do_not_exist_in_both_languages(digits, vi, en):
    with pytest.raises(SecondFactorError) as err:
        typed(digits).value()
    assert vi in err.value.message("vi") and en in err.value.message("en")


def test_entry_takes_the_29th_of_february_of_a_leap_year():
    assert typed("29021952").value() == dt.date(1952, 2, 29)


# ------------------------------------------------------------------------------ the flow (Qt-free)
def test_right_date_of_birth_greets_and_the_question_carries_nothing(store):
    rec = large_gallery(store)
    an = enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    flow = FaceFlow(store, rec, "kiosk-1")
    question = asked(flow, face(1))
    assert not disclosed([repr(question)], DISCLOSING)
    greet = flow.answer_birth_date(dt.date(1999, 3, 15))
    assert greet.kind == "greet" and greet.greeting.visitor_id == an and flow.visitor_id == an


def test_a_second_try_is_allowed_then_wrong_twice_is_unknown(store):
    rec = large_gallery(store)
    an = enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    flow = FaceFlow(store, rec, "kiosk-1")
    asked(flow, face(1))
    first = flow.answer_birth_date(dt.date(1999, 3, 16))  # a slip of the finger
    assert first.kind == "second_factor" and first.reason == "wrong_answer" and first.attempts_left == 1
    assert first.greeting is None
    assert flow.answer_birth_date(dt.date(1999, 3, 15)).greeting.visitor_id == an

    flow.reset()
    asked(flow, face(1), seed=5)
    flow.answer_birth_date(dt.date(1950, 1, 1))
    last = flow.answer_birth_date(dt.date(1950, 1, 2))
    assert last.kind == "unknown" and last.reason == "second_factor_failed" and flow.visitor_id is None
    assert flow.answer_birth_date(dt.date(1999, 3, 15)).kind == "unknown"   # no third try
    assert flow.visitor_id is None


def test_two_candidates_with_the_same_date_of_birth_are_not_greeted(store):
    rec = large_gallery(store)
    enrol(store, rec, AN, face(1))
    enrol(store, rec, CUONG, lookalike(9))              # also born on 15/03/1999
    flow = FaceFlow(store, rec, "kiosk-1")
    asked(flow, face(1))
    first = flow.answer_birth_date(dt.date(1999, 3, 15))
    # looks exactly like a wrong answer: the person learns nothing about who else was shortlisted
    assert first.kind == "second_factor" and first.reason == "wrong_answer" and first.greeting is None
    last = flow.answer_birth_date(dt.date(1999, 3, 15))
    assert last.kind == "unknown" and flow.visitor_id is None


def test_the_right_date_is_not_enough_without_the_face(store):
    """One frame close to Bình puts her on the shortlist; typing her date of birth does not greet whoever
    stands there unless enough frames verify 1:1 against her."""
    rec = large_gallery(store)
    enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, face(2))
    flow = FaceFlow(store, rec, "kiosk-1")
    assert flow.observe(frames_of(face(2), 1)[0]) is None
    question = flow.observe(face(9))                    # a stranger's frames from now on
    assert question.kind == "second_factor"
    answer = flow.answer_birth_date(dt.date(1985, 2, 2))
    assert answer.kind == "second_factor" and answer.reason == "wrong_answer" and flow.visitor_id is None


def test_not_me_is_unknown_at_once(store):
    rec = large_gallery(store)
    enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    flow = FaceFlow(store, rec, "kiosk-1")
    asked(flow, face(1))
    out = flow.answer_birth_date(None)
    assert out.kind == "unknown" and out.reason == "not_me" and flow.visitor_id is None
    assert flow.answer_birth_date(dt.date(1999, 3, 15)).kind == "unknown"


def test_no_question_when_no_shortlisted_candidate_has_a_date_of_birth(store):
    rec = large_gallery(store)
    vid = store.create_visitor(store.record_consent(True, "kiosk-1"))   # face only, no CCCD
    rec.add_encodings(vid, frames_of(face(1), 3, seed=vid))
    other = store.create_visitor(store.record_consent(True, "kiosk-1"))
    rec.add_encodings(other, frames_of(lookalike(8), 3, seed=other))
    flow = FaceFlow(store, rec, "kiosk-1")
    outcomes = [o for o in (flow.observe(e) for e in frames_of(face(1), 3)) if o is not None]
    assert [o.kind for o in outcomes] == ["unknown"]


# ------------------------------------------------------------------------------ the kiosk screen
def screen_texts(w) -> list[str]:
    """Every visible text of the second-factor screen, in widget order (the header is the window's: clock...)."""
    screen = w.current()
    labels = [lbl.text() for lbl in screen.findChildren(QLabel) if lbl.isVisible() and lbl.text()]
    buttons = [b.text() for b in screen.findChildren(QAbstractButton) if b.isVisible()]
    return labels + buttons


def disclosed(texts: list[str], secrets: set[str]) -> set[str]:
    """The secrets found in the texts, also with spaces removed (the display shows "1 5 / 0 3")."""
    joined = "\n".join(texts)
    squeezed = joined.replace(" ", "")
    return {s for s in secrets if s in joined or s.replace(" ", "") in squeezed}


def type_keys(qtbot, w, digits: str) -> None:
    for key in digits:
        tap(qtbot, w.face.birth_date.keys[key])


def test_the_screen_is_the_same_whoever_is_shortlisted_and_shows_nothing_of_them(qtbot, kiosk, store):
    rec = large_gallery(store)
    enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    enrol(store, rec, CUONG, face(5))
    enrol(store, rec, NGOC, face(5) + np.random.default_rng(3).normal(0, 0.02, 128).astype(np.float32))
    w, _ = kiosk(rec)

    see(w, frames_of(face(1), 2))                     # An and Bình shortlisted
    assert w.current() is w.face.birth_date
    first = screen_texts(w)
    first_image = w.face.birth_date.grab().toImage()
    w.next_citizen()
    settle(w)
    see(w, frames_of(face(5), 2, seed=7))              # Cường and Ngọc shortlisted
    assert w.current() is w.face.birth_date
    second = screen_texts(w)
    assert first == second
    assert w.face.birth_date.grab().toImage() == first_image          # pixel for pixel the same screen
    assert not disclosed(second, secrets_of(AN, BINH, CUONG, NGOC))
    assert disclosed(["Nguyễn Văn An", "15 / 03 / 1999"], secrets_of(AN)) >= {"An", "15/03/1999"}   # it sees them
    assert face_tr("vi", "birth_title") in second and face_tr("vi", "not_me") in second


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_keypad_is_big_and_typing_shows_what_was_typed(qtbot, kiosk, store, size):
    rec = large_gallery(store)
    an = enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    w, _ = kiosk(rec)
    w.resize(*size)
    for _ in range(3):
        QApplication.processEvents()
    see(w, frames_of(face(1), 2))
    screen = w.face.birth_date
    assert w.current() is screen
    keys = [*screen.keys.values(), screen.delete_key, screen.ok_key]
    for b in [*keys, screen.not_me]:
        assert b.width() >= 200 and b.height() >= 130, (b.text(), b.size())   # above the 120 px minimum
    assert screen.keys["5"].font().pixelSize() >= 60 and all(p.font().pixelSize() >= 100 for p in screen.parts)
    for b in [*keys, screen.not_me]:                  # every key on the screen, none under another
        assert screen.rect().contains(QRect(b.mapTo(screen, QPoint(0, 0)), b.size())), b.text()
    tag = "portrait" if size[0] < size[1] else "landscape"
    shot(w, f"birth_date_{tag}")                      # checks text sizes and cut words too

    type_keys(qtbot, w, "153")
    assert [p.text() for p in screen.parts] == ["15", "3_", "____"]
    where = {k: b.mapTo(screen, QPoint(0, 0)) for k, b in screen.keys.items()}
    tap(qtbot, screen.ok_key)                         # three digits: said why, nothing lost
    assert w.current() is screen and screen.feedback.isVisible()
    QApplication.processEvents()
    assert {k: b.mapTo(screen, QPoint(0, 0)) for k, b in screen.keys.items()} == where   # no key moved
    assert screen.feedback_label.text() == face_tr("vi", "birth_incomplete")
    assert [p.text() for p in screen.parts] == ["15", "3_", "____"]
    tap(qtbot, screen.delete_key)
    type_keys(qtbot, w, "031999")
    assert [p.text() for p in screen.parts] == ["15", "03", "1999"]
    shot(w, f"birth_date_typed_{tag}")
    tap(qtbot, screen.ok_key)
    assert w.current() is w.home and w.visitor == an
    assert w.face.banner.text.text() == "Chào mừng bác An quay lại"


def test_wrong_twice_then_home_without_a_visitor_and_not_me(qtbot, kiosk, store):
    rec = large_gallery(store)
    enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    w, _ = kiosk(rec)
    screen = w.face.birth_date

    see(w, frames_of(face(1), 2))
    type_keys(qtbot, w, "31021999")                   # not a date: said so, not counted as a try
    tap(qtbot, screen.ok_key)
    assert screen.feedback_label.text() == "Tháng 02 năm 1999 không có ngày 31."
    for _ in range(8):
        tap(qtbot, screen.delete_key)
    type_keys(qtbot, w, "16031999")
    tap(qtbot, screen.ok_key)
    assert w.current() is screen and screen.feedback_label.text() == face_tr("vi", "birth_wrong")
    assert [p.text() for p in screen.parts] == ["__", "__", "____"]          # a fresh start
    shot(w, "birth_date_wrong")
    type_keys(qtbot, w, "15031998")                   # the right day and month, another year: still wrong
    tap(qtbot, screen.ok_key)
    assert w.current() is w.home and w.visitor is None and not w.face.banner.isVisible()

    w.next_citizen()
    settle(w)
    see(w, frames_of(face(1), 2, seed=4))
    assert w.current() is screen and not screen.feedback.isVisible()
    assert screen.not_me.text() == "Không phải tôi"
    w.set_language("en")
    assert screen.title.text() == "What is your date of birth?" and screen.not_me.text() == "This is not me"
    shot(w, "birth_date")
    tap(qtbot, screen.not_me)
    assert w.current() is w.home and w.visitor is None


def test_dark_theme_keeps_the_keypad_readable(qtbot, kiosk, store):
    rec = large_gallery(store)
    enrol(store, rec, AN, face(1))
    enrol(store, rec, BINH, lookalike(8))
    w, _ = kiosk(rec)
    w.setStyleSheet(theme.stylesheet(theme.palette("dark")))   # cfg.theme = "dark"
    see(w, frames_of(face(1), 2))
    type_keys(qtbot, w, "1503")
    assert w.current() is w.face.birth_date
    shot(w, "birth_date_dark")
