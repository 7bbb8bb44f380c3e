"""The kiosk's longest GUI-thread stall with face recognition on (issue 9).

    .venv/bin/python benchmarks/bench_kiosk_stall.py [--visitors 10000] [--templates 3] [--seconds 60]

The real kiosk window (offscreen, 1080×1920) on a SQLite file with ``visitors`` enrolled visitors, each with
``templates`` 128-d templates encrypted by the real VisitorStore cipher (AES-GCM) and loaded back through
``VisitorStore.templates_for``. A fake camera feeds the real camera worker four frames a second; a fake
encoder turns each frame into the next encoding of a script: an enrolled visitor (greeted, takes a ticket:
``record_visit`` + template refresh), nobody (the person leaves), a stranger (unknown after six frames, takes a
ticket, then every second stranger agrees and registers with a synthetic CCCD: consent, identity, templates),
nobody. The storage path is real; only the face detection is faked. Meanwhile another process writes to the
queue back to back (issue / call next / finish; the daily caps are lifted so it keeps issuing). A 5 ms QTimer measures the GUI event loop: its longest gap is
the longest stall. Target: no stall over 50 ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import faulthandler
import inspect
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIELDS = ["HT", "CT", "DD", "TN", "TP"]


def writer(url: str, stop_at: float, counts) -> None:
    """Another process (a second kiosk, the counters): write transactions back to back until ``stop_at``."""
    import db
    svc = db.open_queue(url)
    rnd = random.Random(7)
    ops = 0
    while time.time() < stop_at:
        try:
            r = rnd.random()
            if r < 0.5:
                svc.issue(rnd.choice(FIELDS))
            elif r < 0.8:
                svc.call_next(rnd.choice([1, 2, 3, 5]))
            else:
                svc.finish(rnd.choice([1, 2, 3, 5]))
        except db.QueueError:
            pass
        ops += 1
    counts.value = ops
    svc.close()


def birth_date(vid: int) -> dt.date:
    return dt.date(1950 + vid % 50, 1 + vid % 12, 1 + vid % 28)


def enrol(url: str, key_file: Path, visitors: int, templates: int, seed: int = 1):
    """Bulk-register ``visitors`` consenting visitors with real encryption; returns their base encodings."""
    import numpy as np
    from sqlalchemy.orm import Session

    from core.visitors.store import CONSENT_VERSION, VisitorStore
    from db.engine import make_engines
    from db.models import Visitor
    from db.privacy_models import ConsentRecord, FaceTemplate, VisitorIdentity

    engine = make_engines(url)[0]
    store = VisitorStore(engine, key_file)
    cipher = store._cipher                      # the store's own AES-GCM cipher: what it would write itself
    rng = np.random.default_rng(seed)
    bases = rng.normal(0, 0.1, (visitors, 128)).astype(np.float32)
    now = dt.datetime.now(dt.timezone.utc)
    with Session(engine) as s, s.begin():
        s.add_all([Visitor(id=i + 1, created_at=now, last_seen_at=now, last_field_code=FIELDS[i % 5])
                   for i in range(visitors)])
        s.flush()
        rows = []
        for i in range(visitors):
            vid = i + 1
            rows.append(ConsentRecord(visitor_id=vid, at=now, text_version=CONSENT_VERSION, kiosk_id="bench",
                                      granted=True))
            id_number = f"0010{vid:08d}"
            blob = cipher.seal(json.dumps({"id_number": id_number, "full_name": f"Nguyễn Văn Khách{vid}",
                                           "date_of_birth": birth_date(vid).isoformat()},
                                          ensure_ascii=False).encode(), f"identity:{vid}")
            rows.append(VisitorIdentity(visitor_id=vid, id_number_hash=cipher.lookup_hash(id_number),
                                        identity_enc=blob))
            for _ in range(templates):
                enc = (bases[i] + rng.normal(0, 0.005, 128)).astype(np.float32)
                rows.append(FaceTemplate(visitor_id=vid, created_at=now,
                                         template_enc=cipher.seal(enc.tobytes(), f"template:{vid}")))
        s.add_all(rows)
    engine.dispose()
    return bases


class Script:
    """What the fake encoder returns, frame after frame (called on the camera thread)."""

    def __init__(self, bases, seed: int = 3):
        import numpy as np
        self.np, self.bases, self.rng = np, bases, np.random.default_rng(seed)
        self.frames = 0
        self.phase = 0                # counts phases; even: someone in front of the camera
        self.kind = "nobody"
        self.left = 0
        self.person = None
        self.visitor_id = 0
        self._next_phase()

    def _next_phase(self) -> None:
        cycle = ["visitor", "nobody", "stranger", "nobody"]
        self.phase += 1
        self.kind = cycle[self.phase % 4]
        if self.kind == "visitor":
            self.visitor_id = 1 + int(self.rng.integers(len(self.bases)))
            self.person, self.left = self.bases[self.visitor_id - 1], 16
        elif self.kind == "stranger":
            self.person, self.left = self.rng.normal(0, 0.1, 128).astype(self.np.float32), 40
        else:
            self.person, self.left = None, 14

    def encode(self, _frame):
        self.frames += 1
        if self.left <= 0:
            self._next_phase()
        self.left -= 1
        if self.person is None:
            return None
        return (self.person + self.rng.normal(0, 0.005, 128)).astype(self.np.float32)


GIVEN = ["An", "Bình", "Cúc", "Dung", "Hà", "Lan", "Mai", "Nga", "Oanh", "Phương", "Quyên", "Thu"]


def cccd(n: int) -> str:
    born = f"0{1 + n % 9}0{1 + n % 9}19{60 + n % 40}"
    return f"0790{n:08d}||Trần Thị {GIVEN[n % len(GIVEN)]}|{born}|Nữ|Phường Bến Nghé, TP HCM|01072022"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--visitors", type=int, default=10_000)
    ap.add_argument("--templates", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--no-writer", action="store_true")
    ap.add_argument("--trace", metavar="FILE",
                    help="dump every thread's stack into FILE when the GUI thread misses 60 ms "
                         "(faulthandler: works while another thread holds the GIL)")
    args = ap.parse_args()

    import numpy as np
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from core.config import AppConfig
    from core.visitors.recognition import FakeCamera
    from db import init_db
    import kiosk.app as kapp
    from kiosk.ui.screens import TicketScreen

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp(prefix="bench-stall-"))
    url = f"sqlite:///{folder / 'queue.sqlite3'}"
    key = folder / "keys" / "visitor.key"
    svc = init_db(url, always_open=True)
    with svc.engine.begin() as conn:          # the writer must not use up the daily caps within seconds
        conn.exec_driver_sql("UPDATE fields SET daily_cap = NULL")
    svc.close()
    t = time.perf_counter()
    bases = enrol(url, key, args.visitors, args.templates)
    print(f"enrolled {args.visitors} visitors × {args.templates} templates in {time.perf_counter() - t:.1f} s")

    script = Script(bases)
    frame = np.zeros((8, 8, 3), dtype=np.uint8)
    open_camera = lambda: FakeCamera([frame], loop=True)   # noqa: E731
    cfg = AppConfig(db_url=url, printer=f"preview://{folder / 'printed'}", fullscreen=False, idle_seconds=600,
                    ticket_seconds=600, face_enabled=not os.environ.get("BENCH_NO_FACE"), camera="fake",
                    key_file=str(key))

    if "camera" in inspect.signature(kapp.create_window).parameters:       # the composition root (issue 9)
        w = kapp.create_window(cfg, camera=open_camera, encoder=script.encode)
        code = "after"
    else:                                                                   # before issue 9 (898142c)
        from dataclasses import replace

        from core.visitors.flow import FaceFlow
        from core.visitors.recognition import Recognizer
        from core.visitors.store import VisitorStore
        from db.engine import make_engines
        from kiosk.face_worker import FaceWorker
        from kiosk.ui.face_screens import attach_face
        w = kapp.create_window(replace(cfg, face_enabled=False))
        box = {}

        def build():                   # FaceController._default_build with the fake camera and encoder
            store = VisitorStore(make_engines(url)[0], key)
            recognizer = Recognizer(store)
            flow = FaceFlow(store, recognizer, cfg.kiosk_id, cfg.retention_months)
            return flow, FaceWorker(open_camera, script.encode, parent=box["c"])
        w.face = box["c"] = attach_face(w, build=build)
        w._retranslate()
        code = "before"
    w.resize(1080, 1920)
    w.show()

    gaps: list[float] = []
    beat = QElapsedTimer()
    heart = QTimer(interval=5)
    marks: list[tuple[float, float, str]] = []          # (gap, seconds since start, screen) of long gaps

    trace = open(args.trace, "w") if args.trace else None

    def tick() -> None:
        if trace is not None:
            faulthandler.dump_traceback_later(0.06, file=trace)
        gap = beat.restart()
        gaps.append(gap)
        if gap > 50:
            marks.append((gap, time.perf_counter() - started, type(w.current()).__name__))
    heart.timeout.connect(tick)
    counts = {"tickets": 0, "greeted": 0, "registered": 0, "offers": 0}
    state = {"phase": None, "took": False, "since": time.monotonic(), "screen": None, "n": 0}
    face = w.face

    seen = []

    def drive() -> None:
        """A citizen in front of the kiosk, acting on what the screen shows (checked every 50 ms)."""
        screen = w.current()
        if screen is not state["screen"]:
            seen.append(type(screen).__name__)
            state["screen"], state["since"] = screen, time.monotonic()
            state["scanned"] = state["answered"] = False
        if script.phase != state["phase"]:
            state["phase"], state["took"] = script.phase, False
        if screen is w.home and not w.issuing and not state["took"] and w.data is not None:
            greeted = w.visitor is not None
            if greeted or (script.kind == "stranger" and script.left < 30):
                counts["greeted"] += greeted
                state["took"] = True
                if w.take_number(w.home.ordered_fields()[0].code):
                    counts["tickets"] += 1
        elif screen is w.ticket and w.ticket.state in (TicketScreen.PRINTED, TicketScreen.PRINT_FAILED):
            w.next_citizen()
        elif face is not None and screen is face.offer:
            counts["offers"] += 1
            (face.offer.more if counts["offers"] % 2 else face.offer.skip).emit()
        elif face is not None and screen is face.consent:
            face.consent.answered.emit(True)
        elif face is not None and screen is face.birth_date and not state["answered"]:
            state["answered"] = True              # the visitor gives their own date of birth
            mine = birth_date(script.visitor_id)
            if hasattr(face.birth_date, "keys"):  # the keypad: type it
                for key in f"{mine:%d%m%Y}":
                    face.birth_date.keys[key].click()
                face.birth_date.ok_key.click()
            else:                                 # the old screen (a checkout before the keypad): tap it
                face.birth_date.chosen.emit(mine if mine in face.birth_date.dates else None)
        elif (face is not None and screen is face.scan and time.monotonic() - state["since"] > 1.0
              and not state["scanned"]):
            state["n"] += 1                       # frames of the person first, then one scan
            state["scanned"] = True
            face.scan.scanned.emit(cccd(state["n"]))
        elif face is not None and screen is face.message:
            counts["registered"] += face.message.key.startswith("registered")
            face.message.done.emit()
        elif screen is not w.home and time.monotonic() - state["since"] > 6.0:
            w.next_citizen()                     # stuck (e.g. the scan saw no face): start over

    driver = QTimer(interval=50)
    driver.timeout.connect(drive)
    stop_at = time.time() + args.seconds + 5
    ops = mp.get_context("spawn").Value("i", 0)
    proc = None
    if not args.no_writer:
        proc = mp.get_context("spawn").Process(target=writer, args=(url, stop_at, ops))
        proc.start()
        time.sleep(1.0)                          # the writer is writing before the kiosk starts
    started = time.perf_counter()
    if trace is not None:
        faulthandler.dump_traceback_later(0.06, file=trace)
    beat.start()
    heart.start()
    driver.start()
    while time.perf_counter() - started < args.seconds:
        app.processEvents()
        time.sleep(0.0005)
    heart.stop()
    driver.stop()
    if trace is not None:
        faulthandler.cancel_dump_traceback_later()
    w.shutdown()
    if proc is not None:
        proc.join(30)
    gaps.sort()
    over = sum(g > 50 for g in gaps)
    recognition = "off" if face is None else "on" if face.enabled else "OFF (disabled during the run)"
    print(f"code: {code}; recognition {recognition}; "
          f"{script.frames} camera frames in {args.seconds:.0f} s")
    print(f"citizens: {counts['tickets']} tickets ({counts['greeted']} greeted), {counts['registered']} registered; "
          f"other process: {ops.value} write transactions")
    print(f"longest GUI-thread stall: {gaps[-1]:.0f} ms; p99 {gaps[int(0.99 * (len(gaps) - 1))]:.0f} ms, "
          f"median {statistics.median(gaps):.0f} ms; {over} gaps over 50 ms (5 ms timer, n={len(gaps)})")
    print("screens:", " ".join(seen[:40]))
    print("ten longest (ms):", [round(g) for g in gaps[-10:]])
    print("gaps over 50 ms (ms @ s, screen):", ", ".join(f"{g:.0f}@{t:.1f}s {n}" for g, t, n in marks))


if __name__ == "__main__":
    main()
