"""A deletion reaches every running kiosk (issue 16): each deletion path commits a ``visitors_forgotten`` event
with the bare visitor id, and a running kiosk drops that person from its in-memory gallery (and from the
screen) when the event arrives; after an outage it catches up, and reloads when its position is lost.

On SQLite and PostgreSQL, with real face photos from ``$KIOSK_FACES_DIR`` (skipped where absent): the kiosk's
recognizer sees a person's own photo and greets them; once deleted elsewhere, the same photo is "unknown".
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select, text
from PySide6.QtWidgets import QApplication
from sqlalchemy.orm import Session

from core.visitors.cccd import parse_cccd
from core.visitors.deletions import DeletionFollower, DeletionNews
from core.visitors.flow import LOOK_FRAMES, FaceFlow
from core.visitors.recognition import FakeCamera, Recognizer, load_image
from core.visitors.store import FORGOTTEN_EVENT, VisitorStore, create_key_file
from db.models import Event, Visitor

REPO = Path(__file__).resolve().parent.parent
FACES = Path(os.environ.get("KIOSK_FACES_DIR", REPO.parent / "shared" / "faces"))
needs_faces = pytest.mark.skipif(not (FACES / "manifest.csv").exists(),
                                 reason=f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")
AN = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông|20052021"
BINH = "079185000123||Trần Thị Bình|02021985|Nữ|Phường Bến Nghé, Quận 1, TP Hồ Chí Minh|01072022"
WAIT_S = 20.0                     # generous: the deletion normally arrives within a fraction of a second


# ------------------------------------------------------------------------------ helpers
def two_people() -> list[list[Path]]:
    """Two LFW people with at least two photos each (enrolment photo first)."""
    by_person: dict[str, list[Path]] = defaultdict(list)
    with open(FACES / "manifest.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["source_dataset"] == "lfw":
                by_person[row["identity"]].append(FACES / row["file"])
    people = [sorted(v) for _, v in sorted(by_person.items()) if len(v) >= 3]
    return people[:2]


@pytest.fixture(scope="module")
def photos():
    """[(photo paths, encodings of them)] for two people: computed once (dlib is slow on 2 CPUs)."""
    if not (FACES / "manifest.csv").exists():
        pytest.skip(f"face photos not found at {FACES} (set KIOSK_FACES_DIR)")
    rec = Recognizer()
    out = []
    for paths in two_people():
        encodings = rec.encode(paths[:2])
        assert len(encodings) == 2, paths
        out.append((paths, encodings))
    return out


@pytest.fixture
def key(tmp_path) -> Path:
    path = tmp_path / "keys" / "visitor.key"
    create_key_file(path)
    return path


def enrol(store: VisitorStore, payload: str, encodings) -> int:
    vid = store.register_from_cccd(parse_cccd(payload), store.record_consent(True, "kiosk-1"))
    store.add_templates(vid, encodings)
    return vid


def admin(url: str, key: Path, *args: str) -> subprocess.CompletedProcess:
    """``kiosk-admin ...`` in its own process, as an administrator runs it."""
    env = {**os.environ, "KIOSK_DB_URL": url, "KIOSK_KEY_FILE": str(key), "PYTHONPATH": str(REPO)}
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "admin.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def follow_until(follower: DeletionFollower, flow: FaceFlow, visitor_id: int, timeout_s: float = WAIT_S
                 ) -> list[DeletionNews]:
    """Poll as the kiosk's deletion worker does, applying each piece of news, until ``visitor_id`` left."""
    got: list[DeletionNews] = []
    end = time.monotonic() + timeout_s
    while visitor_id in flow.recognizer.gallery.identities():
        assert time.monotonic() < end, f"visitor {visitor_id} still in the gallery after {timeout_s} s: {got}"
        news = follower.poll(0.5)
        if news:
            got.append(news)
            if news.reload:
                flow.recognizer.reload()
            flow.forgotten_elsewhere(news.forgotten)
    return got


def forgotten_events(engine) -> list[dict]:
    with Session(engine) as s:
        return [e.payload for e in s.scalars(select(Event).where(Event.kind == FORGOTTEN_EVENT).order_by(Event.id))]


# ------------------------------------------------------------------------------ the event itself
def test_every_deletion_commits_an_event_with_the_bare_ids_only(open_queue, key):
    store = VisitorStore(open_queue, key)
    rng = np.random.default_rng(3)
    a = enrol(store, AN, rng.normal(0, 0.1, (2, 128)))
    b = enrol(store, BINH, rng.normal(0, 0.1, (2, 128)))
    open_queue.issue("HT", visitor=a)                      # a ticket event carrying the visitor id
    assert store.forget(a, actor="counter 1: Nguyễn Thị Lan")
    with Session(open_queue.engine) as s, s.begin():
        s.get(Visitor, b).last_seen_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
    assert store.purge(12) == 1
    assert forgotten_events(open_queue.engine) == [{"visitors": [a]}, {"visitors": [b]}]
    # no name, no actor, no ID number in the outbox: only the audit log (register role) says who and why
    with Session(open_queue.engine) as s:
        dump = " ".join(str(p) for p in s.scalars(select(Event.payload)))
    for word in ("Nguyễn Văn An", "Trần Thị Bình", "001099012345", "079185000123", "Nguyễn Thị Lan",
                 "counter 1", "retention"):
        assert word not in dump
    assert [e.action for e in store.audit_log(2)] == ["purge", "forget"]


def test_the_event_commits_with_the_deletion_or_not_at_all(open_queue, key, monkeypatch):
    store = VisitorStore(open_queue, key)
    vid = enrol(store, AN, np.random.default_rng(4).normal(0, 0.1, (2, 128)))
    announce = VisitorStore._announce_forgotten

    def announce_then_fail(self, s, ids):
        announce(self, s, ids)
        raise RuntimeError("power cut before COMMIT")
    monkeypatch.setattr(VisitorStore, "_announce_forgotten", announce_then_fail)
    with pytest.raises(RuntimeError):
        store.forget(vid, actor="kiosk-1")
    assert forgotten_events(open_queue.engine) == [] and store.greeting(vid) is not None
    monkeypatch.undo()
    assert store.forget(vid, actor="kiosk-1") and forgotten_events(open_queue.engine) == [{"visitors": [vid]}]


def test_a_large_purge_is_announced_in_bounded_events(open_queue, key, monkeypatch):
    monkeypatch.setattr("core.visitors.store.FORGOTTEN_PER_EVENT", 3)
    store = VisitorStore(open_queue, key)
    ids = [store.create_visitor(store.record_consent(True, "kiosk-1")) for _ in range(7)]
    assert store.purge(1, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400)) == 7
    assert forgotten_events(open_queue.engine) == [{"visitors": ids[:3]}, {"visitors": ids[3:6]},
                                                   {"visitors": ids[6:]}]


# ------------------------------------------------------------------------------ a running gallery
@needs_faces
@pytest.mark.parametrize("how", ["store", "cli"])
def test_a_deletion_elsewhere_drops_the_person_from_a_running_gallery(open_queue, db_url, key, photos, how):
    (a_photos, a_enc), (b_photos, b_enc) = photos
    deleter = VisitorStore.open(db_url, key, create_key=False)          # the counter / the CLI: its own engines
    a, b = enrol(deleter, AN, a_enc), enrol(deleter, BINH, b_enc)
    kiosk_store = VisitorStore.open(db_url, key, create_key=False)      # the kiosk's own connections
    follower = DeletionFollower(db_url)
    try:
        first = follower.poll(0.1)
        assert first.reload                              # following starts: load the gallery now
        flow = FaceFlow(kiosk_store, Recognizer(kiosk_store), "kiosk-1")
        rec = flow.recognizer
        assert rec.identify(a_photos[:2]).visitor_id == a and rec.identify(b_photos[:2]).visitor_id == b
        if how == "store":
            assert deleter.forget(a, actor="counter 1")
        else:
            r = admin(db_url, key, "face", "forget", str(a))
            assert r.returncode == 0, r.stderr
        news = follow_until(follower, flow, a)
        assert any(a in n.forgotten for n in news) and not any(n.reload for n in news)
        assert a not in rec.gallery.identities() and len(rec.gallery.templates_of(a)) == 0
        assert rec.decide(a_photos[:2]).match is None                 # the person's own photo: unknown now
        assert rec.identify(b_photos[:2]).visitor_id == b              # nobody else is touched
    finally:
        follower.close()
        kiosk_store.close()
        deleter.close()


@needs_faces
def test_the_retention_purge_reaches_a_running_gallery(open_queue, db_url, key, photos):
    (a_photos, a_enc), (b_photos, b_enc) = photos
    store = VisitorStore(open_queue, key)
    a, b = enrol(store, AN, a_enc), enrol(store, BINH, b_enc)
    with Session(open_queue.engine) as s, s.begin():
        s.get(Visitor, a).last_seen_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=400)
    kiosk_store = VisitorStore.open(db_url, key, create_key=False)
    follower = DeletionFollower(db_url)
    try:
        assert follower.poll(0.1).reload
        flow = FaceFlow(kiosk_store, Recognizer(kiosk_store), "kiosk-1")
        r = admin(db_url, key, "privacy", "purge", "--months", "12")      # the nightly job
        assert r.returncode == 0 and "purged 1" in r.stdout, r.stderr
        follow_until(follower, flow, a)
        assert flow.recognizer.decide(a_photos[:2]).match is None
        assert flow.recognizer.identify(b_photos[:2]).visitor_id == b
    finally:
        follower.close()
        kiosk_store.close()


def cut(follower: DeletionFollower, db_url: str) -> None:
    """The kiosk loses the database: PostgreSQL kills its connection; SQLite's connection is dropped."""
    feed = follower.feed
    if feed.sqlite:
        feed._lost(RuntimeError("simulated drop"))       # what poll() does on a connection error
        return
    import psycopg
    from sqlalchemy.engine import make_url
    pid = feed._conn.info.backend_pid
    owner = make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_after_an_outage_the_follower_catches_up_with_deletions_made_meanwhile(open_queue, db_url, key):
    store = VisitorStore(open_queue, key)
    rng = np.random.default_rng(5)
    ids = [store.create_visitor(store.record_consent(True, "kiosk-1")) for _ in range(3)]
    for vid in ids:
        store.add_templates(vid, rng.normal(0, 0.1, (2, 128)))
    kiosk_store = VisitorStore.open(db_url, key, create_key=False)
    follower = DeletionFollower(db_url)
    try:
        assert follower.poll(0.1).reload
        flow = FaceFlow(kiosk_store, Recognizer(kiosk_store), "kiosk-1")
        cut(follower, db_url)
        store.forget(ids[0], actor="counter 1")           # while the kiosk cannot hear
        open_queue.issue("HT")                            # the office goes on
        store.forget(ids[1], actor="counter 2")
        follow_until(follower, flow, ids[0])
        got = follow_until(follower, flow, ids[1])
        assert not any(n.reload for n in got)             # caught up from its position: no reload needed
        assert flow.recognizer.gallery.identities() == [ids[2]] and follower.connected
    finally:
        follower.close()
        kiosk_store.close()


def test_a_database_behind_the_position_makes_the_kiosk_reload(open_queue, db_url, key):
    """Restored from a backup while the kiosk was cut off: its position is beyond the database's newest
    event, so a deletion there could get an id the feed thinks it delivered. It reloads instead."""
    store = VisitorStore(open_queue, key)
    rng = np.random.default_rng(6)
    a, b = (store.create_visitor(store.record_consent(True, "kiosk-1")) for _ in range(2))
    for vid in (a, b):
        store.add_templates(vid, rng.normal(0, 0.1, (2, 128)))
    open_queue.issue("HT")
    backup_last = int(open_queue.events(0)[-1].id)
    for _ in range(3):
        open_queue.issue("HT")                            # events after the "backup"
    kiosk_store = VisitorStore.open(db_url, key, create_key=False)
    follower = DeletionFollower(db_url)
    try:
        assert follower.poll(0.1).reload
        flow = FaceFlow(kiosk_store, Recognizer(kiosk_store), "kiosk-1")
        while follower.poll(0.2):                        # settled at the newest event
            pass
        cut(follower, db_url)
        with open_queue.engine.begin() as c:              # the restore: the newer events are gone
            c.execute(text("DELETE FROM events WHERE id > :last"), {"last": backup_last})
            if open_queue.is_postgres:
                c.execute(text("SELECT setval(pg_get_serial_sequence('events', 'id'), :last)"),
                          {"last": backup_last})
        store.forget(a, actor="counter 1")                # its event id is one the feed already passed
        got = follow_until(follower, flow, a)
        assert any(n.reload for n in got)
        assert flow.recognizer.gallery.identities() == [b]
        store.forget(b, actor="counter 1")                # and it follows on from there
        follow_until(follower, flow, b)
    finally:
        follower.close()
        kiosk_store.close()


# ------------------------------------------------------------------------------ the running kiosk
@needs_faces
@pytest.mark.parametrize("how", ["store", "cli"])
def test_a_running_kiosk_drops_a_person_deleted_elsewhere_and_clears_their_greeting(
        qtbot, tmp_path, open_queue, db_url, key, photos, how):
    """The real kiosk window (face recognition on, its composition root): a camera showing A's photo, the real
    encoder. A is greeted; deleted at a counter (or by the CLI), the greeting goes, the gallery drops A, and the
    same photo is "unknown" to the next citizen."""
    from kiosk.app import create_window
    from kiosk.face_worker import encoder_for
    from tests.kiosk_support import kiosk_config, wait_home
    (a_photos, a_enc), (b_photos, b_enc) = photos
    deleter = VisitorStore.open(db_url, key, create_key=False)
    a, b = enrol(deleter, AN, a_enc), enrol(deleter, BINH, b_enc)
    camera = FakeCamera([load_image(a_photos[0])], loop=True)
    cfg = kiosk_config(tmp_path, db_url, face_enabled=True, key_file=str(key))
    w = create_window(cfg, camera=lambda: camera, encoder=encoder_for(Recognizer()))
    qtbot.addWidget(w)
    try:
        w.resize(1080, 1920)
        w.show()
        wait_home(qtbot, w)
        face = w.face
        qtbot.waitUntil(lambda: w.visitor == a and face.banner.isVisible(), timeout=60_000)
        assert face.deletions_thread.is_running()
        assert face.deletions.thread() is face.deletions_thread.thread is not QApplication.instance().thread()
        if how == "store":
            assert deleter.forget(a, actor="counter 1: Nguyễn Thị Lan")
        else:
            r = admin(db_url, key, "face", "forget", str(a))
            assert r.returncode == 0, r.stderr
        qtbot.waitUntil(lambda: w.visitor is None and not face.banner.isVisible(), timeout=WAIT_S * 1000)
        qtbot.waitUntil(lambda: a not in face.flow.recognizer.gallery.identities(), timeout=WAIT_S * 1000)

        decisions = []                                    # asked on the visitor worker, which owns the gallery
        face.jobs.submit(lambda: face.flow.recognizer.decide(a_photos[:2]), done=decisions.append)
        face.jobs.submit(lambda: face.flow.recognizer.identify(b_photos[:2]), done=decisions.append)
        qtbot.waitUntil(lambda: len(decisions) == 2, timeout=WAIT_S * 1000)
        assert decisions[0].match is None and decisions[1].visitor_id == b

        w.next_citizen()                                  # the camera still shows A: now a stranger
        qtbot.waitUntil(lambda: len(face.flow.person.looked) >= LOOK_FRAMES, timeout=60_000)
        qtbot.waitUntil(lambda: face.jobs.pending == 0, timeout=WAIT_S * 1000)
        assert face.flow.state == "unknown"
        assert w.visitor is None and not face.banner.isVisible()
    finally:
        w.shutdown()
        deleter.close()
    assert not face.deletions_thread.is_running()


def test_the_kiosk_builds_its_gallery_only_once_following_deletions(qtbot, tmp_path, open_queue, db_url, key):
    """The flow (and its gallery) is built after the deletion feed has its position: a deletion committed
    between the two cannot be missed. Without photos: no camera, encodings arrive as the camera's signal."""
    from kiosk.app import create_window
    from tests.kiosk_support import kiosk_config, wait_home
    store = VisitorStore(open_queue, key)
    vid = enrol(store, AN, np.random.default_rng(7).normal(0, 0.1, (2, 128)))
    cfg = kiosk_config(tmp_path, db_url, face_enabled=True, key_file=str(key))
    w = create_window(cfg, camera=lambda: FakeCamera([]), encoder=lambda frame: None)
    qtbot.addWidget(w)
    try:
        w.show()
        wait_home(qtbot, w)
        qtbot.waitUntil(lambda: w.face.ready, timeout=WAIT_S * 1000)
        assert w.face.deletions.follower.connected
        assert vid in w.face.flow.recognizer.gallery.identities()
        store.forget(vid, actor="kiosk-2")                # "delete my data" at another kiosk
        qtbot.waitUntil(lambda: vid not in w.face.flow.recognizer.gallery.identities(), timeout=WAIT_S * 1000)
        with Session(open_queue.engine) as s:
            assert s.scalar(select(func.count()).select_from(Visitor)) == 0
    finally:
        w.shutdown()


def test_a_kiosk_that_lost_its_position_reloads_and_forgets_a_greeted_person_deleted_meanwhile(
        qtbot, tmp_path, open_queue, db_url, key, monkeypatch):
    """No event could tell it (the position was lost): the reload finds the greeted person gone and clears
    them. The camera gives a few frames of the person (the encoder hands their encoding), then nothing: only
    the reload can clear the greeting, not the person walking away."""
    from kiosk.app import create_window
    from tests.kiosk_support import kiosk_config, wait_home
    base = np.random.default_rng(8).normal(0, 0.1, 128).astype(np.float32)
    store = VisitorStore(open_queue, key)
    vid = enrol(store, AN, [base + 0.005, base - 0.005])
    cfg = kiosk_config(tmp_path, db_url, face_enabled=True, key_file=str(key))
    camera = FakeCamera([np.zeros((48, 64, 3), np.uint8)] * 8)
    w = create_window(cfg, camera=lambda: camera, encoder=lambda frame: base)
    qtbot.addWidget(w)
    try:
        w.show()
        wait_home(qtbot, w)
        qtbot.waitUntil(lambda: w.visitor == vid and w.face.banner.isVisible(), timeout=WAIT_S * 1000)
        qtbot.waitUntil(lambda: camera._next == 8 and w.face.jobs.pending == 0, timeout=WAIT_S * 1000)  # no frames
        monkeypatch.setattr(VisitorStore, "_announce_forgotten", lambda self, s, ids: None)   # an event lost
        assert store.forget(vid, actor="counter 1")
        w.face._deletion_news(DeletionNews(reload=True))  # what the follower says when its position is lost
        qtbot.waitUntil(lambda: w.visitor is None and not w.face.banner.isVisible(), timeout=WAIT_S * 1000)
        assert vid not in w.face.flow.recognizer.gallery.identities()
    finally:
        w.shutdown()
