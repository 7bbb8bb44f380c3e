"""One centre on one screen: the kiosk, two counter windows, the waiting-room board and the printed tickets,
each a separate process against one queue (SQLite in .demo/, or --db URL), with the preview printer.

    bash scripts/demo.sh                      # windows side by side on this screen; Ctrl+C stops everything
    bash scripts/demo.sh --no-simulate        # nobody else in the centre: only you
    bash scripts/demo.sh --seconds 30         # stop by itself (with no screen: offscreen, screenshots in .demo/)
    bash scripts/demo.sh --db postgresql+psycopg://postgres@127.0.0.1/test

With --simulate (the default) simulated citizens take tickets (some priority, some with a procedure) and
simulated officers at counters 3–5 call, recall, finish and mark no-shows (the board moves, the counters' lists
change by themselves). Counters 1 and 2 are yours: officer "Cán bộ Demo", PIN 246810, and "Cán bộ Demo Hai",
PIN 135790. Tap the kiosk and use the counters at the same time; the kiosk's admin PIN is 975310.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / ".demo"
BIN = Path(sys.executable).parent
DEMO_OFFICER, DEMO_PIN = "Cán bộ Demo", "246810"          # counter 1
DEMO_OFFICER_2, DEMO_PIN_2 = "Cán bộ Demo Hai", "135790"  # counter 2
DEMO_ADMIN_PIN = "975310"                                 # leaves the kiosk (hold the clock 3 s)
SIMULATED_COUNTERS = (3, 4, 5)


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    def arg(self) -> str:
        return f"{self.w}x{self.h}+{self.x}+{self.y}"

    def overlaps(self, other: "Rect") -> bool:
        return not (self.x + self.w <= other.x or other.x + other.w <= self.x
                    or self.y + self.h <= other.y or other.y + other.h <= self.y)


def centre_layout(width: int, height: int) -> dict[str, Rect]:
    """Where each window goes on a width x height screen (logical pixels): the kiosk portrait (9:16) on the
    left, the printed tickets beside it, the board top right, two counter windows below it."""
    gap = 8
    kiosk = Rect(0, 0, int(height * 9 / 16), height)
    tickets = Rect(kiosk.w + gap, 0, max(220, width // 8), height)
    right_x = tickets.x + tickets.w + gap
    right_w = width - right_x
    board_h = int(height * 0.55)
    board = Rect(right_x, 0, right_w, board_h)
    counter_w = (right_w - gap) // 2
    counter_y = board_h + gap
    counter_h = height - counter_y
    return {"kiosk": kiosk, "tickets": tickets, "board": board,
            "counter1": Rect(right_x, counter_y, counter_w, counter_h),
            "counter2": Rect(right_x + counter_w + gap, counter_y, right_w - counter_w - gap, counter_h)}


# Logical size the layout needs to be usable; smaller screens are scaled down (QT_SCALE_FACTOR).
MIN_LOGICAL = (1920, 1080)


def scale_for(width: int, height: int) -> float:
    return round(min(1.0, width / MIN_LOGICAL[0], height / MIN_LOGICAL[1]), 3)


def screen_size() -> tuple[int, int] | None:
    """The X screen's size (xdpyinfo or xrandr), None when unknown."""
    for cmd in (["xdpyinfo"], ["xrandr", "--current"]):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        for line in out.splitlines():
            line = line.strip()
            if line.startswith("dimensions:"):          # dimensions:    1920x1080 pixels (...)
                w, h = line.split()[1].split("x")
                return int(w), int(h)
            if "current" in line and "," in line:       # Screen 0: minimum ..., current 1920 x 1080, ...
                part = line.split("current", 1)[1].split(",")[0]
                w, h = (int(v) for v in part.replace(" ", "").split("x"))
                return w, h
    return None


class Simulation:
    """Simulated citizens and officers acting on the queue through its API, at a human pace."""

    def __init__(self, url: str, printer_url: str, seed: int = 7, pace: float = 1.0):
        import db
        self.db = db
        self.svc = db.open_queue(url)
        self.printer_url = printer_url
        self.rng = random.Random(seed)
        self.pace = pace
        self.stop_event = threading.Event()
        self.counts = {"issued": 0, "called": 0, "recalled": 0, "finished": 0, "no_show": 0, "errors": 0}
        self.thread = threading.Thread(target=self._run, name="demo-simulation", daemon=True)

    def start(self) -> None:
        fields = [f for f in self.svc.fields()]
        self.fields = fields
        for counter in SIMULATED_COUNTERS:
            name = f"Cán bộ mô phỏng {counter}"
            if not any(o.name == name for o in self.svc.officers()):
                self.svc.add_officer(name, self.pin(counter))
            try:
                self.svc.sign_in(counter, name, self.pin(counter))
            except self.db.QueueError:
                pass
        self.thread.start()

    @staticmethod
    def pin(counter: int) -> str:
        return f"{counter}9{counter}7{counter}5"

    def _wait(self, seconds: float) -> bool:
        return self.stop_event.wait(seconds * self.pace)

    def _citizen(self) -> None:
        field = self.rng.choice(self.fields)
        procedure = None
        if field.procedures and self.rng.random() < 0.4:
            procedure = self.rng.choice(field.procedures).code
        priority = self.rng.choice(sorted(self.db.PRIORITY_REASONS)) if self.rng.random() < 0.15 else None
        issued = self.svc.issue(field.code, procedure=procedure, priority=priority, kiosk="demo-sim")
        self.counts["issued"] += 1
        # the simulated citizen's ticket comes out of the same (preview) printer as the kiosk's
        from core.config import AppConfig
        from kiosk.worker import build_ticket
        from printer import print_ticket
        ticket = build_ticket(AppConfig(printer=self.printer_url), self.svc.office_info(), issued, "vi")
        if print_ticket(ticket, self.printer_url).printed:
            self.counts["printed"] = self.counts.get("printed", 0) + 1

    def _officer(self, counter: int, state: dict) -> None:
        """One step of the officer at ``counter``: call when free, then after a while finish (or no-show)."""
        now = time.monotonic()
        if now < state.get("busy_until", 0):
            if state.get("holding") and not state.get("recalled") and self.rng.random() < 0.05:
                self.svc.recall(counter)
                state["recalled"] = True
                self.counts["recalled"] += 1
            return
        if state.get("holding"):
            if self.rng.random() < 0.12:
                self.svc.no_show(counter)
                self.counts["no_show"] += 1
            else:
                self.svc.finish(counter)
                self.counts["finished"] += 1
            state.clear()
            state["busy_until"] = now + self.rng.uniform(1, 3) * self.pace
            return
        ticket = self.svc.call_next(counter)
        if ticket is not None:
            self.counts["called"] += 1
            state.update(holding=True, busy_until=now + self.rng.uniform(6, 18) * self.pace)
        else:
            state["busy_until"] = now + 2 * self.pace

    def _run(self) -> None:
        officers = {c: {} for c in SIMULATED_COUNTERS}
        next_citizen = 0.0
        while not self.stop_event.is_set():
            try:
                if time.monotonic() >= next_citizen:
                    self._citizen()
                    next_citizen = time.monotonic() + self.rng.uniform(2, 6) * self.pace
                for counter, state in officers.items():
                    self._officer(counter, state)
            except self.db.QueueError as exc:   # closed field, cap, outage: a real centre meets these too
                self.counts["errors"] += 1
                print(f"  (mô phỏng / simulation: {exc})", flush=True)
            if self._wait(0.5):
                break

    def stop(self) -> dict:
        self.stop_event.set()
        self.thread.join(10)
        self.svc.close()
        return dict(self.counts)


def compose_centre(out: Path, layout: dict[str, Rect]) -> Path | None:
    """One picture of the whole centre (.demo/centre.png) from each window's newest screenshot, placed as on
    the screen: what a reviewer without a display looks at."""
    from PIL import Image
    shots = out / "screenshots"
    names = {"kiosk": "kiosk", "tickets": "tickets", "board": "board", "counter1": "staff-1", "counter2": "staff-2"}
    width = max(r.x + r.w for r in layout.values())
    height = max(r.y + r.h for r in layout.values())
    canvas = Image.new("RGB", (width, height), (40, 40, 40))
    placed = 0
    for key, rect in layout.items():
        files = sorted(shots.glob(f"{names[key]}-*.png"), key=lambda p: p.stat().st_mtime)
        if not files:
            continue
        with Image.open(files[-1]) as img:
            canvas.paste(img.convert("RGB").resize((rect.w, rect.h)), (rect.x, rect.y))
        placed += 1
    if not placed:
        return None
    target = out / "centre.png"
    canvas.save(target)
    print(f"Ảnh toàn cảnh / the whole centre: {target}")
    return target


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=0, help="stop after this long (0: until Ctrl+C)")
    ap.add_argument("--fresh", action="store_true", help="start from an empty database")
    ap.add_argument("--db", help="database URL (default: SQLite in .demo/)")
    ap.add_argument("--simulate", dest="simulate", action="store_true", default=True,
                    help="simulated citizens and officers (default)")
    ap.add_argument("--no-simulate", dest="simulate", action="store_false")
    ap.add_argument("--pace", type=float, default=1.0, help="simulation time factor (0.2: five times faster)")
    ap.add_argument("--out", default=str(DEMO), help="folder for the database, printed tickets, screenshots")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(REPO))
    import db

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        for f in out.glob("queue.sqlite3*"):
            f.unlink()
    url = args.db or f"sqlite:///{out / 'queue.sqlite3'}"
    printed = out / "printed"
    shots = out / "screenshots"
    shots.mkdir(exist_ok=True)
    svc = db.init_db(url, always_open=True)  # the demo is open around the clock
    from core.visitors.store import create_key_file
    if not (out / "visitor.key").exists():
        create_key_file(out / "visitor.key")   # as 'kiosk-admin init' does: the programs never make their own
    for name, pin in ((DEMO_OFFICER, DEMO_PIN), (DEMO_OFFICER_2, DEMO_PIN_2)):
        if not any(o.name == name for o in svc.officers()):
            svc.add_officer(name, pin)
    from db.auth import hash_pin

    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    size = (1920, 1080) if headless else (screen_size() or (1920, 1080))
    scale = scale_for(*size)
    layout = centre_layout(int(size[0] / scale), int(size[1] / scale))
    env = {**os.environ, "KIOSK_DB_URL": url, "KIOSK_PRINTER": f"preview://{printed}",
           "KIOSK_KEY_FILE": str(out / "visitor.key"), "KIOSK_SNAPSHOT_DIR": str(shots),
           "KIOSK_ADMIN_PIN_HASH": hash_pin(DEMO_ADMIN_PIN),
           "QT_LOGGING_RULES": os.environ.get("QT_LOGGING_RULES", "qt.multimedia*=false")}
    if scale < 1:
        env["QT_SCALE_FACTOR"] = str(scale)
    if headless:
        env["QT_QPA_PLATFORM"] = "offscreen"
        print("Không thấy màn hình: chạy ẩn (offscreen) / no screen found: running offscreen")
        args.seconds = args.seconds or 20
    print(f"CSDL / database: {url}\nPhiếu in (PNG) / printed tickets: {printed}\n"
          f"Quầy 1 / counter 1: '{DEMO_OFFICER}', PIN {DEMO_PIN}\n"
          f"Quầy 2 / counter 2: '{DEMO_OFFICER_2}', PIN {DEMO_PIN_2}\n"
          f"Thoát máy lấy số / leave the kiosk: giữ đồng hồ 3 giây / hold the clock 3 s, PIN {DEMO_ADMIN_PIN}")
    (out / "layout.json").write_text(json.dumps({k: vars(r) for k, r in layout.items()} | {
        "screen": list(size), "scale": scale}, indent=1), encoding="utf-8")

    def program(name: str, *extra: str) -> list[str]:
        return [str(BIN / name), *extra]

    procs = [
        subprocess.Popen(program("counter-display", "board", "--geometry", layout["board"].arg()), env=env),
        subprocess.Popen(program("counter-display", "staff", "--counter", "1", "--geometry",
                                 layout["counter1"].arg()), env=env),
        subprocess.Popen(program("counter-display", "staff", "--counter", "2", "--geometry",
                                 layout["counter2"].arg()), env=env),
        subprocess.Popen(program("kiosk", "--geometry", layout["kiosk"].arg()), env=env),
        subprocess.Popen([sys.executable, str(REPO / "scripts" / "demo_tickets.py"), str(printed),
                          "--geometry", layout["tickets"].arg()], env=env),
    ]
    sim = Simulation(url, f"preview://{printed}", pace=args.pace) if args.simulate else None
    counts: dict = {}
    try:
        if sim:
            time.sleep(2)
            sim.start()
        end = time.monotonic() + args.seconds if args.seconds else None
        while end is None or time.monotonic() < end:
            if any(p.poll() is not None for p in procs):
                print("Một cửa sổ đã đóng — dừng bản demo / a window closed — stopping the demo")
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        if sim:
            counts = sim.stop()
            print("Mô phỏng / simulation:", json.dumps(counts, ensure_ascii=False))
            (out / "simulation.json").write_text(json.dumps(counts), encoding="utf-8")
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        svc.close()
        compose_centre(out, layout)
    failed = [p.returncode for p in procs if p.returncode not in (0, -signal.SIGTERM, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
