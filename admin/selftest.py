"""``kiosk-admin selftest``: the smoke test of an installed machine (a virtual environment or the PyInstaller
folder). Every step says what it checked; a failing step names what is missing; exit 0 only if all passed.

    imports      every module of the project's packages
    database     migrates a temporary SQLite database, loads the catalogue, issues and calls a ticket
    printer      renders a ticket to an image and ESC/POS bytes, prints it to a preview folder
    cccd         reads a generated CCCD QR code (zxing-cpp, the camera's decoder) and parses it; pyserial there
    faces        loads the face models and computes one 128-d encoding (skipped when not installed)
    programs     runs ``kiosk --selftest`` and ``counter-display selftest`` (the windows offscreen for a
                 moment; one call sentence rendered to a WAV without playing it)
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

PACKAGES = ("bilingual", "db", "printer", "core", "gui", "kiosk", "counter_display", "admin")
PROGRAM_TIMEOUT_S = 90


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser("selftest", help="tự kiểm tra máy đã cài / smoke test of this installation")
    p.add_argument("--skip-programs", action="store_true", help="do not start the windows")
    p.set_defaults(handler=cmd_selftest)


def _modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=package + "."):
            if info.name.rsplit(".", 1)[-1] == "__main__" or ".migrations" in info.name:
                continue
            names.append(info.name)
    return names


def check_imports(_work: Path) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    names = _modules()
    for name in names:
        importlib.import_module(name)
    return f"{len(names)} modules"


def check_database(work: Path) -> str:
    import db
    svc = db.init_db(f"sqlite:///{work / 'selftest.sqlite3'}", always_open=True)
    try:
        field = svc.fields()[0]
        issued = svc.issue(field.code, kiosk="selftest")
        counter = next(c.number for c in svc.counters() if field.code in c.field_codes)
        called = svc.call_next(counter, actor="admin:selftest")
        if called is None or called.label != issued.label:
            raise RuntimeError(f"issued {issued.label} but counter {counter} called {called}")
        return f"{len(svc.fields())} fields, ticket {issued.label} issued and called at counter {counter}"
    finally:
        svc.close()


def check_printer(work: Path) -> str:
    from printer import Ticket, encode_ticket, print_ticket, render_ticket
    ticket = Ticket(centre_name="Bộ phận Một cửa", label="A001", field_name="Hộ tịch", procedure_name=None,
                    counters=["1"], waiting_ahead=0, estimated_wait_min=None,
                    issued_at=dt.datetime(2026, 1, 5, 8, 0), priority_reason=None)
    image = render_ticket(ticket, 576)
    data = encode_ticket(ticket, 576)
    result = print_ticket(ticket, f"preview://{work / 'printed'}")
    if not result.printed:
        raise RuntimeError(result.staff_message("en"))
    return f"ticket image {image.width}x{image.height}, {len(data)} bytes of ESC/POS, preview printed"


def check_faces(_work: Path) -> str:
    import numpy as np
    from core.visitors.recognition.engine import FaceUnavailable, load_models
    try:
        api = load_models()
    except FaceUnavailable as exc:
        return f"SKIPPED: {exc.message('en')}"
    # No face photo is bundled (the test photos may not be redistributed): run the detector on a plain image
    # (it must find nothing) and the landmark model + encoder on a given box (it must give 128 numbers).
    rng = np.random.default_rng(0)
    image = np.ascontiguousarray(rng.integers(0, 255, (160, 160, 3), dtype=np.uint8))
    found = api.face_locations(image)
    encodings = api.face_encodings(image, known_face_locations=[(10, 150, 150, 10)])
    if len(encodings) != 1 or len(encodings[0]) != 128:
        raise RuntimeError("the face encoder did not return a 128-d encoding")
    return f"models loaded, detector ran ({len(found)} faces in noise), encoder gave 128 values"


def check_cccd(_work: Path) -> str:
    """The native QR decoder and the serial scanner's pyserial travel with the bundle (kiosk.spec)."""
    import numpy as np
    import qrcode
    import serial  # noqa: F401 - a scanner in USB-serial mode needs it
    from core.visitors.cccd import parse_cccd, read_qr_from_image
    payload = "001099012345|012345678|Nguyễn Văn An|15031999|Nam|Số 12 phố Quang Trung, Hà Đông, Hà Nội|20052021"
    qr = qrcode.QRCode(border=4)
    qr.add_data(payload.encode("utf-8"))
    modules = np.array(qr.get_matrix(), dtype=bool)
    image = np.where(np.kron(modules, np.ones((4, 4), dtype=bool)), 0, 255).astype(np.uint8)
    text = read_qr_from_image(image)
    if text != payload:
        raise RuntimeError(f"the QR decoder read {text!r} instead of the payload")
    return f"QR decoded to the exact UTF-8 text, parsed: {parse_cccd(text).full_name}"


def _sibling(name: str) -> list[str] | None:
    """The installed program next to this one (venv bin/ or the PyInstaller folder), else None."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe", Path(sys.argv[0]).resolve().parent / name):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which(name)
    return [found] if found else None


def check_programs(work: Path) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DB_URL=f"sqlite:///{work / 'selftest.sqlite3'}",
               KIOSK_PRINTER=f"preview://{work / 'printed'}", KIOSK_KEY_FILE=str(work / "visitor.key"))
    done = []
    for name, argv in (("kiosk", ["--selftest"]), ("counter-display", ["selftest", "--out", str(work)])):
        exe = _sibling(name)
        if exe is None:
            raise RuntimeError(f"the program '{name}' is not installed next to kiosk-admin")
        start = time.monotonic()
        r = subprocess.run([*exe, *argv], env=env, capture_output=True, text=True, timeout=PROGRAM_TIMEOUT_S,
                           stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            tail = (r.stderr or r.stdout).strip().splitlines()[-5:]
            raise RuntimeError(f"'{name} {' '.join(argv[:1])}' exited {r.returncode}: " + " | ".join(tail))
        done.append(f"{name} ({time.monotonic() - start:.1f} s)")
    return ", ".join(done)


STEPS: tuple[tuple[str, Callable[[Path], str]], ...] = (
    ("imports", check_imports), ("database", check_database), ("printer", check_printer),
    ("cccd", check_cccd), ("faces", check_faces), ("programs", check_programs),
)


def run(skip_programs: bool = False, out=sys.stdout) -> int:
    failed = 0
    with tempfile.TemporaryDirectory(prefix="kiosk-selftest-") as tmp:
        work = Path(tmp)
        for name, step in STEPS:
            if skip_programs and name == "programs":
                continue
            try:
                detail = step(work)
                mark = "SKIP" if detail.startswith("SKIPPED") else "OK"
                print(f"[{mark:>4}] {name}: {detail}", file=out, flush=True)
            except Exception as exc:  # noqa: BLE001 - every failure is reported, then the next step runs
                failed += 1
                print(f"[FAIL] {name}: {exc.__class__.__name__}: {exc}", file=out, flush=True)
                if os.environ.get("KIOSK_SELFTEST_TRACEBACK"):
                    traceback.print_exc()
    if failed:
        print(f"Tự kiểm tra: {failed} bước lỗi / selftest: {failed} step(s) failed", file=out)
        return 1
    print("Tự kiểm tra: mọi bước đều đạt / selftest: all steps passed", file=out)
    return 0


def cmd_selftest(args: Any) -> int:
    return run(skip_programs=args.skip_programs)
