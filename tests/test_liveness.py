"""Liveness against a printed photo (core/visitors/recognition/liveness.py, FaceFlow, the kiosk's blink screen).

Landmarks are dlib's, computed on the real photos of ../shared/faces (skipped where absent): a print held still or
by hand never passes; the Yale subjects' real closed-eye photos between their open-eye ones pass; a blink
built from a real face's landmarks with only the eyelid points moved passes (the shared photos hold no video of a
blink: see BENCHMARKS.md, "Liveness").
"""
from __future__ import annotations


import numpy as np
import pytest

from core.config import ConfigError, load_config
from core.visitors.flow import FaceFlow
from core.visitors.recognition import FakeCamera, Recognizer
from core.visitors.recognition.liveness import (FAILED, PASSED, PENDING, BlinkChallenge, BlinkRule, landmarks_68,
                                                openness, plain_ear)
from gui.worker import WorkerThread
from kiosk.face_worker import FaceWorker, encoder_for, live_encoder_for
from kiosk.ui.face_screens import attach_face
from tests.kiosk_support import kiosk_config, wait_home
from tests.photo_attack import (blink_frames, face_box, frame_landmarks, held_photo_frames, kiosk_frame, read,
                                yale_blink_pairs)
from tests.face_support import AN, enrol, face, frames_of, settle, see, shot, take_ticket, tap, visible_texts
from tests.shared_faces import FACES
needs_faces = pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                                 reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")
FRAME_S = 0.25                    # the camera thread's period
YALE_02 = FACES / "images" / "Yale_subject02"
# photos of different kinds (Yale, LFW grayscale, deepface colour); Pujols' shadowed eyes made the detector's
# jumping box look like a blink before landmarks_68 refined it
PRINTS = ["images/Yale_subject02/yale__02_normal.png", "images/Albert_Pujols/lfw__Albert_Pujols_0001.jpg",
          "images/Abdullah_Gul/lfw__Abdullah_Gul_0002.jpg", "images/Ai_Sugiyama/lfw__Ai_Sugiyama_0001.jpg"]


def run(challenge: BlinkChallenge, marks_per_frame, start: float = 0.0) -> list[str]:
    return [challenge.feed(m, start + i * FRAME_S) for i, m in enumerate(marks_per_frame)]


def closed(marks: np.ndarray, amount: float = 0.8) -> np.ndarray:
    """The same face with both eyes' lids moved ``amount`` of the way to the eye's middle line (corners kept)."""
    out = marks.copy()
    for upper, lower in (((37, 38), (41, 40)), ((43, 44), (47, 46))):
        for u, lo in zip(upper, lower):
            mid = (marks[u] + marks[lo]) / 2
            out[u] = marks[u] + amount * (mid - marks[u])
            out[lo] = marks[lo] + amount * (mid - marks[lo])
    return out


@pytest.fixture(scope="module")
def real_marks() -> np.ndarray:
    """The 68 landmarks of a real face (Yale subject 02, eyes open) on a kiosk-like frame."""
    if not (FACES / "manifest.csv").exists():
        pytest.skip(f"face photos not found at {FACES}")
    frame = kiosk_frame(read(YALE_02 / "yale__02_normal.png"))
    marks = landmarks_68(frame, face_box(frame))
    assert marks is not None and marks.shape == (68, 2)
    return marks


# ------------------------------------------------------------------------------ the measure
@needs_faces
def test_openness_ignores_any_move_of_a_flat_photo_but_the_plain_ear_does_not(real_marks):
    """A print tilted backwards squashes the face vertically: the plain EAR drops as in a blink, the
    canonical openness does not change (any affine map of the landmarks)."""
    squash = np.array([[1.0, 0.0], [0.0, 0.6]])                     # paper tilted back ~53°
    turned = np.array([[0.9, 0.25], [-0.2, 1.1]])                   # rotation + shear + scale
    before = openness(real_marks)
    for m in (squash, turned):
        moved = real_marks @ m.T + (37.0, -12.0)
        assert openness(moved) == pytest.approx(before, abs=1e-9)
    assert plain_ear(real_marks @ squash.T)[0] < 0.7 * plain_ear(real_marks)[0]
    assert openness(closed(real_marks))[0] < 0.5 * before[0]      # a real eyelid does move relative to the face


# ------------------------------------------------------------------------------ the state machine
@needs_faces
def test_a_blink_built_from_real_landmarks_passes_a_long_closure_and_open_eyes_do_not(real_marks):
    shut = closed(real_marks)
    blink = [real_marks] * 4 + [shut] + [real_marks] * 2
    states = run(BlinkChallenge(0.0), blink)
    assert states[:4] == [PENDING] * 4 and states[-2:] == [PASSED, PASSED]   # passes when the eyes open again
    assert run(BlinkChallenge(0.0), [real_marks] * 30)[-1] == FAILED          # open eyes for 7.5 s: timeout
    long_closure = [real_marks] * 3 + [shut] * 6 + [real_marks] * 3           # eyes shut 1.5 s: not a blink
    assert PASSED not in run(BlinkChallenge(0.0), long_closure)
    assert PASSED not in run(BlinkChallenge(0.0), [shut] + [real_marks] * 5)  # no open level before: no blink
    assert PASSED not in run(BlinkChallenge(0.0), [real_marks] * 4 + [closed(real_marks, 0.1)] + [real_marks] * 2)


def test_a_wobbling_face_needs_a_drop_beyond_its_own_wobble():
    """The openness of a print waved about jumps ±12 % from frame to frame: a 32 % drop is no blink there, but
    it is on a face that holds still."""
    steady = [(0.30, 0.30)] * 5
    wobbly = [(0.30 * f, 0.30 * f) for f in (1.0, 1.12, 0.88, 1.12, 0.88, 1.0)]
    dip = [(0.204, 0.204), (0.30, 0.30)]
    for frames, passes in ((steady + dip, True), (wobbly + dip, False)):
        ch = BlinkChallenge(0.0)
        states = [ch.feed_openness(v, i * FRAME_S) for i, v in enumerate(frames)]
        assert (states[-1] == PASSED) is passes, frames


@needs_faces
def test_no_face_during_the_challenge_fails_at_its_timeout(real_marks):
    ch = BlinkChallenge(10.0, BlinkRule(timeout_s=6.0))
    assert run(ch, [None] * 24, start=10.0)[-1] == PENDING      # 5.75 s: still waiting
    assert ch.feed(None, 16.5) == FAILED
    assert ch.feed(real_marks, 16.75) == FAILED                 # over is over


@needs_faces
@pytest.mark.parametrize("rel", PRINTS)
def test_a_printed_photo_held_still_or_by_hand_never_passes(rel):
    rng = np.random.default_rng(7)
    photo = read(FACES / rel)
    for frames in (held_photo_frames(photo, 24, rng, move=False), held_photo_frames(photo, 24, rng)):
        marks = frame_landmarks(frames)
        assert sum(m is not None for m in marks) >= 12, "the photo's face should be found in most frames"
        states = run(BlinkChallenge(0.0), marks + [None] * 2)    # 24 frames = 6 s, then past the timeout
        assert PASSED not in states and states[-1] == FAILED


@needs_faces
def test_without_refining_the_box_a_hand_held_photo_looks_like_a_blink():
    """Why landmarks_68 re-runs the predictor: on the detector's own box the openness of a still print jumps."""
    rng = np.random.default_rng(7)
    frames = held_photo_frames(read(FACES / PRINTS[1]), 24, rng)
    lowest = {}
    for refine in (0, 2):
        values = [np.mean(openness(m)) for f in frames if (m := landmarks_68(f, face_box(f), refine)) is not None]
        lowest[refine] = min(values) / float(np.median(values))
    closed_below = BlinkRule().closed_ratio
    assert lowest[0] < closed_below < lowest[2] - 0.05, lowest   # a "blink" unrefined; a margin refined


@needs_faces
def test_real_eye_closures_of_the_yale_subjects_pass():
    """Real closed-eye photos of the same session between open-eye ones (BENCHMARKS.md gives the share of all
    eight subjects; these two close strongly)."""
    pairs = {name: (o, c) for name, o, c in yale_blink_pairs(FACES)}
    for name in ("Yale_subject02", "Yale_subject12"):
        rng = np.random.default_rng(3)
        marks = frame_landmarks(blink_frames(read(pairs[name][0]), read(pairs[name][1]), rng))
        assert run(BlinkChallenge(0.0), marks)[-1] == PASSED, name


# ------------------------------------------------------------------------------ the flow
@pytest.fixture
def live_flow(store):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1), last_field="CT")
    return FaceFlow(store, rec, "kiosk-1", liveness=BlinkRule()), an


@needs_faces
def test_flow_with_liveness_greets_only_after_the_blink(live_flow, real_marks):
    flow, an = live_flow
    outcomes = [o for o in (flow.observe(e) for e in frames_of(face(1), 3)) if o is not None]
    assert [(o.kind, o.challenge) for o in outcomes] == [("liveness", "blink")]
    assert outcomes[0].greeting is None and flow.visitor_id is None      # no name before the blink
    assert [flow.observe_liveness(m, 100 + i * FRAME_S) for i, m in enumerate([real_marks] * 4)] == [None] * 4
    assert flow.observe(frames_of(face(1), 1, seed=4)[0]) is None       # frames keep coming meanwhile
    flow.observe_liveness(closed(real_marks), 101.0)
    greet = flow.observe_liveness(real_marks, 101.25)
    assert greet.kind == "greet" and greet.greeting.name == "bác An" and flow.visitor_id == an


@needs_faces
def test_flow_with_liveness_a_photo_is_not_greeted_and_not_offered_registration(live_flow, real_marks):
    flow, _ = live_flow
    for e in frames_of(face(1), 3):
        flow.observe(e)
    answers = [flow.observe_liveness(real_marks, 50 + i * FRAME_S) for i in range(30)]
    failed = [a for a in answers if a is not None]
    assert [(a.kind, a.reason) for a in failed] == [("unknown", "liveness_failed")] and flow.visitor_id is None
    assert all(flow.observe(e) is None for e in frames_of(face(1), 8, seed=5))   # never greeted later either
    flow.after_ticket("HT")
    assert not flow.may_offer_registration()          # enrolled already, or someone's photo: no new enrolment


def test_flow_with_liveness_someone_else_stepping_in_ends_the_challenge(live_flow):
    flow, _ = live_flow
    for e in frames_of(face(1), 3):
        flow.observe(e)
    outs = [flow.observe(e) for e in frames_of(face(9), 2)]
    assert outs[-1].kind == "unknown" and outs[-1].reason == "liveness_other_face" and flow.visitor_id is None
    assert flow.skip_liveness() is None               # no challenge runs any more


def test_flow_without_liveness_greets_at_once(store):
    rec = Recognizer(store)
    an = enrol(store, rec, AN, face(1))
    flow = FaceFlow(store, rec, "kiosk-1")
    outcomes = [o for o in (flow.observe(e) for e in frames_of(face(1), 3)) if o is not None]
    assert [o.kind for o in outcomes] == ["greet"] and flow.visitor_id == an
    assert flow.observe_liveness(None, 0.0) is None


def test_liveness_setting_is_off_by_default_and_checked():
    assert load_config(env={}).face_liveness == "off"
    assert load_config(env={"KIOSK_FACE_LIVENESS": "blink"}).face_liveness == "blink"
    with pytest.raises(ConfigError) as bad:
        load_config(env={"KIOSK_FACE_LIVENESS": "wink"})
    assert "face_liveness" in bad.value.message_vi and "'off' or 'blink'" in bad.value.message_en
    with pytest.raises(ConfigError):
        load_config(env={"KIOSK_FACE_LIVENESS_SECONDS": "0"})


# ------------------------------------------------------------------------------ the camera thread
@needs_faces
def test_the_camera_thread_computes_landmarks_only_while_asked(qtbot):
    frame = kiosk_frame(read(YALE_02 / "yale__02_normal.png"))
    rec = Recognizer()
    calls = {"live": 0}
    live = live_encoder_for(rec)

    def counted(f):
        calls["live"] += 1
        return live(f)

    worker = FaceWorker(lambda: FakeCamera([frame], loop=True), encoder_for(rec), period_s=0.01, encode_live=counted)
    got = []
    worker.landmarks.connect(lambda marks, at: got.append((marks, at)))
    faces = []
    worker.face.connect(faces.append)
    thread = WorkerThread(worker, "face-camera", run=worker.run)
    try:
        qtbot.waitUntil(lambda: len(faces) >= 2, timeout=20_000)
        assert got == [] and calls["live"] == 0            # off: no landmarks computed at all
        worker.set_liveness(True)
        qtbot.waitUntil(lambda: len(got) >= 2, timeout=20_000)
        marks, at = got[0]
        assert marks.shape == (68, 2) and got[1][1] > at     # the frames' own times, increasing
        assert faces[-1] is not None and faces[-1].shape == (128,)   # the encoding still comes with them
        worker.set_liveness(False)
        n = calls["live"]
        seen = len(faces)
        qtbot.waitUntil(lambda: len(faces) >= seen + 3, timeout=20_000)
        assert calls["live"] <= n + 1                     # at most the frame in progress
    finally:
        thread.stop()


# ------------------------------------------------------------------------------ the kiosk window
@pytest.fixture
def live_kiosk(qtbot, tmp_path, clock, db, store):
    windows = []

    def start(lang: str = "vi", seconds: int = 6):
        from kiosk.app import create_window
        rec = Recognizer(store)
        an = enrol(store, rec, AN, face(1), last_field="DD")
        cfg = kiosk_config(tmp_path, db, language=lang, face_liveness="blink", face_liveness_seconds=seconds)
        w = create_window(cfg, clock=clock, retry_ms=100)
        windows.append(w)
        w.face = attach_face(w, flow=FaceFlow(store, rec, "kiosk-1", liveness=BlinkRule(timeout_s=seconds)))
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        settle(w)
        return w, an

    yield start
    for w in windows:
        w.shutdown()


def show_landmarks(w, marks_per_frame, start: float = 200.0) -> None:
    for i, m in enumerate(marks_per_frame):
        w.face._landmarks(m, start + i * FRAME_S)          # the camera worker's signal, on the GUI thread
        settle(w)


@needs_faces
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_kiosk_asks_for_a_blink_and_greets_only_after_it(qtbot, live_kiosk, real_marks, lang):
    w, an = live_kiosk(lang)
    see(w, frames_of(face(1), 3))
    assert w.current() is w.face.liveness
    assert w.face.liveness.title.text() == ("Xin vui lòng chớp mắt" if lang == "vi" else "Please blink")
    assert not w.face.banner.isVisible() and w.visitor is None
    texts = visible_texts(w)
    assert "An" not in texts and "001099012345" not in texts           # nothing about the person yet
    shot(w, "liveness_blink")
    show_landmarks(w, [real_marks] * 4 + [closed(real_marks), real_marks])
    assert w.current() is w.home and w.face.banner.isVisible() and w.visitor == an
    assert w.face.banner.text.text() == ("Chào mừng bác An quay lại" if lang == "vi" else "Welcome back, bác An")


@needs_faces
def test_kiosk_a_photo_that_never_blinks_gets_a_ticket_without_a_greeting(qtbot, live_kiosk, real_marks):
    w, _ = live_kiosk()
    see(w, frames_of(face(1), 3))
    assert w.current() is w.face.liveness
    show_landmarks(w, [real_marks] * 26)                               # 6.5 s of the same still face
    assert w.current() is w.home and not w.face.banner.isVisible() and w.visitor is None
    take_ticket(qtbot, w, "HT")
    assert w.current() is w.ticket and w.visitor is None


def test_kiosk_skipping_the_blink_goes_home_without_a_greeting(qtbot, live_kiosk):
    w, _ = live_kiosk()
    see(w, frames_of(face(1), 3))
    assert w.current() is w.face.liveness
    tap(qtbot, w.face.liveness.skip)
    assert w.current() is w.home and not w.face.banner.isVisible() and w.visitor is None
    see(w, frames_of(face(1), 3, seed=8))                              # the same face again: no second question
    assert w.current() is w.home and w.visitor is None


@needs_faces
def test_flow_with_liveness_a_print_swapped_for_another_face_cannot_blink_for_it(live_flow, real_marks):
    """The camera thread hands each frame's encoding before its landmarks: two frames of another face end the
    challenge before their closing and opening eyes count."""
    flow, _ = live_flow
    for e in frames_of(face(1), 3):
        flow.observe(e)
    for i in range(4):                                                # the print, eyes open
        flow.observe(frames_of(face(1), 1, seed=20 + i)[0])
        flow.observe_liveness(real_marks, 10 + i * FRAME_S)
    other = frames_of(face(9), 2)
    flow.observe(other[0])
    assert flow.observe_liveness(closed(real_marks), 11.0) is None     # the other face's eyes close...
    out = flow.observe(other[1])
    assert out.kind == "unknown" and out.reason == "liveness_other_face"
    assert flow.observe_liveness(real_marks, 11.25) is None and flow.visitor_id is None   # ...and open: too late


def test_kiosk_a_camera_that_sends_nothing_more_ends_the_blink_question(qtbot, live_kiosk):
    w, _ = live_kiosk(seconds=2)
    see(w, frames_of(face(1), 3))
    assert w.current() is w.face.liveness
    qtbot.waitUntil(lambda: w.current() is w.home, timeout=15_000)      # 2 s + the grace, no frame needed
    settle(w)
    assert not w.face.banner.isVisible() and w.visitor is None


def test_kiosk_the_person_walking_away_during_the_question_goes_home(qtbot, live_kiosk):
    w, _ = live_kiosk()
    see(w, frames_of(face(1), 3))
    assert w.current() is w.face.liveness
    see(w, [None] * 12)                                                # ~3 s without a face
    assert w.current() is w.home and w.visitor is None
    assert w.face.flow.state == "looking"                               # the next person starts afresh
