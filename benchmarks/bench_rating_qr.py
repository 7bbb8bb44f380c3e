"""What the kiosk's camera loop spends per frame looking for a ticket's rating QR (only while the rating's scan
page is up; kiosk/face_worker.py reads ~4 frames a second), and the two queue calls of one kiosk rating.

    .venv/bin/python benchmarks/bench_rating_qr.py [--runs 40]

Frames: a 640×480 camera frame with the printed 80 mm ticket held in it (scaled to 60 % of its print size), the
full printed ticket image, and an empty frame (no QR: the reader tries twice, the second time at 2× scale).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.visitors.cccd import read_qr_from_image  # noqa: E402
from db import rating  # noqa: E402
from printer import Ticket, render_ticket  # noqa: E402


def frames() -> tuple[dict[str, np.ndarray], str]:
    code = rating.new_code()
    ticket = Ticket(centre_name="Trung tâm Phục vụ hành chính công phường Hà Đông", label="A023", field_name="Hộ tịch",
                    procedure_name=None, counters=["1"], waiting_ahead=3, estimated_wait_min=10,
                    issued_at=dt.datetime(2026, 12, 1, 8, 15), priority_reason=None,
                    qr_payload=rating.qr_payload(code),
                    qr_caption="Sau khi được phục vụ, mời quét mã này tại kiosk để đánh giá")
    printed = render_ticket(ticket, 576).convert("RGB")
    held = printed.resize((int(printed.width * 0.6), int(printed.height * 0.6)))
    scene = Image.new("RGB", (640, 480), (90, 90, 90))
    scene.paste(held.crop((0, held.height - 400, held.width, held.height)), (150, 60))   # the QR end in view
    return {"camera frame 640×480, ticket held up": np.asarray(scene),
            "the printed ticket (576 px wide)": np.asarray(printed),
            "camera frame 640×480, no QR": np.full((480, 640, 3), 90, np.uint8)}, rating.qr_payload(code)


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=40)
    runs = ap.parse_args().runs
    scenes, payload = frames()
    read_qr_from_image(scenes["camera frame 640×480, no QR"])     # OpenCV import
    print("| frame | decoded | median ms | p90 ms |\n|---|---|---|---|")
    for name, frame in scenes.items():
        found = read_qr_from_image(frame) == payload
        ms = sorted(timed(lambda f=frame: read_qr_from_image(f), runs))
        print(f"| {name} | {'yes' if found else 'no'} | {statistics.median(ms):.1f} | {ms[int(0.9 * len(ms)) - 1]:.1f} |")

    from sqlalchemy import update

    from db import FixedClock, init_db
    from db.models import Office
    clock = FixedClock(dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.timezone.utc))
    with tempfile.TemporaryDirectory() as tmp:
        svc = init_db(f"sqlite:///{tmp}/q.sqlite3", clock=clock)
        svc.default_actor = "admin:bench"
        with svc.session() as s:
            s.execute(update(Office).values(kiosk_rating=True))
        codes = []
        for _ in range(runs):
            codes.append(rating.qr_payload(svc.issue("HT").rating_code))
            svc.call_next(1)
            svc.start(1)
            svc.finish(1)
        check = timed(lambda it=iter(codes): svc.rating_ticket(next(it)), runs)
        record = timed(lambda it=iter(codes): svc.rate_by_code(next(it), 3), runs)
        svc.close()
    for name, ms in (("rating_ticket (the scan)", sorted(check)), ("rate_by_code (the answer)", sorted(record))):
        print(f"| SQLite {name} | – | {statistics.median(ms):.1f} | {ms[int(0.9 * len(ms)) - 1]:.1f} |")


if __name__ == "__main__":
    main()
