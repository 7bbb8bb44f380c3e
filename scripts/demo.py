"""Run the whole office on one machine: SQLite, a preview printer, the kiosk, counter 1 and the board.

    bash scripts/demo.sh            # windows on this screen; Ctrl+C stops everything
    bash scripts/demo.sh --seconds 20   # stop by itself (with no screen, it runs offscreen and plays a short scene)
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / ".demo"
BIN = Path(sys.executable).parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl+C)")
    ap.add_argument("--fresh", action="store_true", help="start from an empty database")
    args = ap.parse_args()

    sys.path.insert(0, str(REPO))
    import db

    DEMO.mkdir(exist_ok=True)
    dbfile = DEMO / "queue.sqlite3"
    if args.fresh:
        for f in DEMO.glob("queue.sqlite3*"):
            f.unlink()
    url = f"sqlite:///{dbfile}"
    printed = DEMO / "printed"
    svc = db.init_db(url, always_open=True)  # the demo is open around the clock
    from core.visitors.store import create_key_file
    create_key_file(DEMO / "visitor.key")    # as 'kiosk-admin init' does: the programs never make their own
    if not any(o.name == "Cán bộ Demo" for o in svc.officers()):
        svc.add_officer("Cán bộ Demo", "246810")

    env = {**os.environ, "KIOSK_DB_URL": url, "KIOSK_PRINTER": f"preview://{printed}",
           "KIOSK_KEY_FILE": str(DEMO / "visitor.key"),
           "QT_LOGGING_RULES": os.environ.get("QT_LOGGING_RULES", "qt.multimedia*=false")}
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless:
        env["QT_QPA_PLATFORM"] = "offscreen"
        print("Không thấy màn hình: chạy ẩn (offscreen) / no screen found: running offscreen")
        args.seconds = args.seconds or 15
    print(f"CSDL / database: {url}\nPhiếu in (PNG) / printed tickets: {printed}\n"
          "Quầy 1: cán bộ 'Cán bộ Demo', PIN 246810 / counter 1: officer 'Cán bộ Demo', PIN 246810")

    procs = [
        subprocess.Popen([str(BIN / "counter-display"), "board", "--windowed"], env=env),
        subprocess.Popen([str(BIN / "counter-display"), "staff", "--counter", "1", "--windowed"], env=env),
        subprocess.Popen([str(BIN / "kiosk"), "--windowed"], env=env),
    ]
    try:
        if headless:  # a short scene so the board and the counter have something to show
            time.sleep(4)
            for field in ("HT", "CT", "HT"):
                print("  cấp số / issued", svc.issue(field, kiosk="demo").label)
            time.sleep(1)
            t = svc.call_next(1, actor="admin:demo")
            print("  quầy 1 gọi / counter 1 calls", t.label if t else "-")
        end = time.monotonic() + args.seconds if args.seconds else None
        while end is None or time.monotonic() < end:
            if any(p.poll() is not None for p in procs):
                print("Một cửa sổ đã đóng — dừng bản demo / a window closed — stopping the demo")
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        svc.close()
    failed = [p.returncode for p in procs if p.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
