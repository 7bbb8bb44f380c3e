"""The PyInstaller bundle: its size, cold start to the first touchable kiosk screen, and memory.

    bash scripts/build.sh /tmp/dist && .venv/bin/python benchmarks/bench_bundle.py /tmp/dist/kiosk [--starts 5]

Each start is a new process of the bundle's own `kiosk --selftest` (offscreen, a fresh SQLite database made by
the bundle's `kiosk-admin init`), timed from spawn to its line "home screen touchable" (it prints its RSS then).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def folder_size_mib(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("bundle", type=Path, help="the built folder (dist/kiosk)")
    ap.add_argument("--starts", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "KIOSK_DB_URL": f"sqlite:///{work / 'q.sqlite3'}", "KIOSK_PRINTER": f"preview://{work / 'printed'}",
           "KIOSK_KEY_FILE": str(work / "visitor.key"), "KIOSK_LOG_DIR": str(work / "log")}
    subprocess.run([str(args.bundle / "kiosk-admin"), "init", "--always-open"], env=env, check=True,
                   capture_output=True, cwd=work)
    times, rss = [], []
    for _ in range(args.starts):
        t0 = time.perf_counter()
        r = subprocess.run([str(args.bundle / "kiosk"), "--selftest"], env=env, capture_output=True, text=True,
                           cwd=work, timeout=120)
        line = next((ln for ln in r.stdout.splitlines() if "touchable" in ln), None)
        if r.returncode != 0 or line is None:
            raise SystemExit(f"kiosk --selftest failed: {r.stderr[-2000:]}")
        times.append((time.perf_counter() - t0) * 1000)
        rss.append(float(line.rsplit("RSS", 1)[1].split()[0]))
    print(f"bundle size: {folder_size_mib(args.bundle):.0f} MiB ({args.bundle})")
    print(f"cold start, spawn → home touchable (ms, {args.starts} starts, includes process exit): "
          f"median {statistics.median(times):.0f}  min {min(times):.0f}  max {max(times):.0f}")
    print(f"memory at the home screen (RSS, MiB): median {statistics.median(rss):.0f}")
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
